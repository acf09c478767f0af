{#
    A number as written in an export, as decimal(18, 4); null when empty or when it does
    not parse. `decimal_separator` is '.' (thousands grouped by ',') or ',' (thousands
    grouped by '.' or a space, as in `1.234,50`). Grouping is accepted only in groups of
    three digits, so `12.50` in a decimal-comma file is not read as 1250.
#}
{% macro parse_number(value, decimal_separator='.') -%}
    {%- set trimmed = 'trim(' ~ value ~ ')' -%}
    {%- if decimal_separator == '.' -%}
    case
        when {{ omniscore.regexp_full_match(trimmed, '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?') }}
            then {{ omniscore.try_cast(trimmed, 'decimal(18, 4)') }}
        when {{ omniscore.regexp_full_match(trimmed, '[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?') }}
            then {{ omniscore.try_cast(dbt.replace(trimmed, "','", "''"), 'decimal(18, 4)') }}
    end
    {%- elif decimal_separator == ',' -%}
    case
        when {{ omniscore.regexp_full_match(trimmed, '[+-]?[0-9]+(,[0-9]+)?') }}
            then {{ omniscore.try_cast(dbt.replace(trimmed, "','", "'.'"), 'decimal(18, 4)') }}
        when {{ omniscore.regexp_full_match(trimmed, '[+-]?[0-9]{1,3}([. ][0-9]{3})+(,[0-9]+)?') }}
            then {{ omniscore.try_cast(
                dbt.replace(omniscore.regexp_replace_all(trimmed, '[. ]', ''), "','", "'.'"),
                'decimal(18, 4)'
            ) }}
    end
    {%- else -%}
        {{ exceptions.raise_compiler_error("parse_number: decimal_separator must be '.' or ','") }}
    {%- endif -%}
{%- endmacro %}
