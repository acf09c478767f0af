{# A social handle as matched across sources: trimmed, lower-case, without leading `@`; empty becomes null. #}
{% macro normalize_handle(value) -%}
    nullif(regexp_replace(lower(trim({{ value }})), '^@+', ''), '')
{%- endmacro %}
