{# True when the list `list_value` holds every one of `values` (a list of SQL literals). #}
{% macro list_contains_all(list_value, values) -%}
    {{ return(adapter.dispatch('list_contains_all', 'omniscore')(list_value, values)) }}
{%- endmacro %}

{% macro default__list_contains_all(list_value, values) -%}
    size(array_except(array({{ values | join(', ') }}), {{ list_value }})) = 0
{%- endmacro %}

{% macro duckdb__list_contains_all(list_value, values) -%}
    list_has_all({{ list_value }}, [{{ values | join(', ') }}])
{%- endmacro %}
