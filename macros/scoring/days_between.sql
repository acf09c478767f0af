{#
    Whole days from date `start_date` to date `end_date` (positive when end is later). A
    compact form of dbt.datediff for dates, whose timestamp casts make every use a long line.
#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'omniscore')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}

{% macro duckdb__days_between(start_date, end_date) -%}
    date_diff('day', {{ start_date }}, {{ end_date }})
{%- endmacro %}
