{# A whole number (optional sign, at most 9 digits) as integer; null when empty or not one. #}
{% macro parse_integer(value) -%}
    case
        when {{ omniscore.regexp_full_match('trim(' ~ value ~ ')', '[+-]?[0-9]{1,9}') }}
            then cast(trim({{ value }}) as integer)
    end
{%- endmacro %}
