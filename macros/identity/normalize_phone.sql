{#
    A free-form phone number in E.164 (`+` and 8 to 15 digits), or null
    (docs/architecture.md, "Phone to E.164"):
    1. keep the digits; note whether the text started with `+`;
    2. `+...` -> `+digits`; `00...` -> `+` and the digits after `00`;
    3. otherwise a national number: drop `trunk_prefix` if it starts with it, and prepend
       `calling_code`; for calling code 1 an 11-digit national number starting with 1
       drops that 1 first;
    4. the result must have 8 to 15 digits and must not start with 0 (no calling code
       does), else null: typed `0000000000` reads as `00` + `00000000`, a placeholder
       that would otherwise become the linkable `+00000000`.
    `calling_code` and `trunk_prefix` are SQL expressions (columns or literals) for the
    row's country; a null calling code leaves a national number unresolvable (null).
#}
{% macro normalize_phone(value, calling_code, trunk_prefix) -%}
    {%- set digits = omniscore.regexp_replace_all(value, '[^0-9]', '') -%}
    {%- set national -%}
        case
            when nullif({{ trunk_prefix }}, '') is not null and {{ digits }} like ({{ trunk_prefix }} || '%')
                then substr({{ digits }}, {{ dbt.length(trunk_prefix) }} + 1)
            else {{ digits }}
        end
    {%- endset -%}
    {%- set international -%}
        case
            when trim({{ value }}) like '+%' then {{ digits }}
            when {{ digits }} like '00%' then substr({{ digits }}, 3)
            when {{ calling_code }} = '1' and {{ dbt.length(national) }} = 11 and {{ national }} like '1%'
                then {{ national }}
            else {{ calling_code }} || {{ national }}
        end
    {%- endset -%}
    case
        when {{ dbt.length(international) }} between 8 and 15 and {{ international }} not like '0%'
            then '+' || {{ international }}
    end
{%- endmacro %}
