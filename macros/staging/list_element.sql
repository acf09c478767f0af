{#
    Element `position` (1-based) of a list; null when the list is shorter or the
    position is null. (Spark's try_element_at takes an int position, not a bigint.)
#}
{% macro list_element(list_value, position) -%}
    {{ return(adapter.dispatch('list_element', 'omniscore')(list_value, position)) }}
{%- endmacro %}

{% macro default__list_element(list_value, position) -%}
    try_element_at({{ list_value }}, cast({{ position }} as int))
{%- endmacro %}

{% macro duckdb__list_element(list_value, position) -%}
    list_extract({{ list_value }}, {{ position }})
{%- endmacro %}
