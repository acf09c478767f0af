{#
    A yes/no flag as exported (true/false, yes/no, 1/0, Y/N, T/F in any case) as boolean;
    null when empty or anything else (unknown).
#}
{% macro parse_boolean_flag(value) -%}
    case
        when lower(trim({{ value }})) in ('true', 'yes', 'y', '1', 't') then true
        when lower(trim({{ value }})) in ('false', 'no', 'n', '0', 'f') then false
    end
{%- endmacro %}
