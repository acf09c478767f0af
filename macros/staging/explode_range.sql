{#
    A select-list expression that turns one row into one row per integer from
    `start_value` to `end_value` (both included).
#}
{% macro explode_range(start_value, end_value) -%}
    {{ return(adapter.dispatch('explode_range', 'omniscore')(start_value, end_value)) }}
{%- endmacro %}

{% macro default__explode_range(start_value, end_value) -%}
    explode(sequence({{ start_value }}, {{ end_value }}))
{%- endmacro %}

{% macro duckdb__explode_range(start_value, end_value) -%}
    unnest(generate_series({{ start_value }}, {{ end_value }}))
{%- endmacro %}
