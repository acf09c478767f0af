{#
    An expression that stops the query with `message` (a SQL string expression) when it
    is evaluated. Use it in a CASE branch so it is evaluated only for offending rows.
#}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error', 'omniscore')(message)) }}
{%- endmacro %}

{% macro default__raise_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}

{% macro duckdb__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}
