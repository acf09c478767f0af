{#
    The text of field `position` (1-based) of a list made by split_csv_fields, unquoted:
    surrounding double quotes removed and doubled quotes undone. Null when the record has
    fewer fields.
#}
{% macro csv_field(fields, position) -%}
    {%- set value = omniscore.list_element(fields, position) -%}
    case
        when {{ value }} like '"%"'
            then {{ dbt.replace("substr(" ~ value ~ ", 2, " ~ dbt.length(value) ~ " - 2)", "'\"\"'", "'\"'") }}
        else {{ value }}
    end
{%- endmacro %}
