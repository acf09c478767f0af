{#
    A select-list expression that turns one row into one row per piece of `value` split
    at every match of the regular expression `pattern` (pieces may be empty).
#}
{% macro split_to_rows(value, pattern) -%}
    {{ return(adapter.dispatch('split_to_rows', 'omniscore')(value, pattern)) }}
{%- endmacro %}

{% macro default__split_to_rows(value, pattern) -%}
    explode(split({{ value }}, '{{ pattern }}'))
{%- endmacro %}

{% macro duckdb__split_to_rows(value, pattern) -%}
    unnest(regexp_split_to_array({{ value }}, '{{ pattern }}'))
{%- endmacro %}
