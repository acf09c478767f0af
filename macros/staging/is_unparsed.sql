{#
    True when a raw text holds a value (not empty after trimming) that its parsed form
    lost: the condition behind `invalid_number` and `invalid_timestamp`.
#}
{% macro is_unparsed(raw_value, parsed_value) -%}
    (nullif(trim({{ raw_value }}), '') is not null and {{ parsed_value }} is null)
{%- endmacro %}
