{#
    True when a UTC timestamp lies before omniscore__business_started_at or more than
    omniscore__future_tolerance_hours after this dbt run started (both rendered as
    literals, so the condition is portable and fixed for the whole run).
#}
{% macro is_timestamp_out_of_range(utc_timestamp) -%}
    {%- set cutoff = run_started_at + modules.datetime.timedelta(hours=var('omniscore__future_tolerance_hours') | int) -%}
    (
        {{ utc_timestamp }} < cast('{{ var("omniscore__business_started_at") }}' as timestamp)
        or {{ utc_timestamp }} > cast('{{ cutoff.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
    )
{%- endmacro %}
