{#
    Aggregate function: the values of `measure` joined by `delimiter`, in the order of
    `order_by` (a SQL expression, not a clause). dbt's own listagg takes an ORDER BY but
    Spark's version ignores it, and the order matters here (the lines of a multi-line CSV
    record), so the Spark-style default sorts explicitly.
#}
{% macro ordered_listagg(measure, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'omniscore')(measure, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter, order_by) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('sort_key', {{ order_by }}, 'value', {{ measure }}))),
            entry -> entry.value
        ),
        {{ delimiter }}
    )
{%- endmacro %}

{% macro duckdb__ordered_listagg(measure, delimiter, order_by) -%}
    {{ dbt.listagg(measure, delimiter, 'order by ' ~ order_by) }}
{%- endmacro %}
