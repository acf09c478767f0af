{# Number of elements of a list. #}
{% macro list_length(list_value) -%}
    {{ return(adapter.dispatch('list_length', 'omniscore')(list_value)) }}
{%- endmacro %}

{% macro default__list_length(list_value) -%}
    size({{ list_value }})
{%- endmacro %}

{% macro duckdb__list_length(list_value) -%}
    len({{ list_value }})
{%- endmacro %}
