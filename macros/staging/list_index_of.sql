{# 1-based position of `value` in a list, null when absent. #}
{% macro list_index_of(list_value, value) -%}
    {{ return(adapter.dispatch('list_index_of', 'omniscore')(list_value, value)) }}
{%- endmacro %}

{% macro default__list_index_of(list_value, value) -%}
    nullif(array_position({{ list_value }}, {{ value }}), 0)
{%- endmacro %}

{% macro duckdb__list_index_of(list_value, value) -%}
    list_position({{ list_value }}, {{ value }})
{%- endmacro %}
