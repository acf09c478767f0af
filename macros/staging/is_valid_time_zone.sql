{# True when `time_zone` names a time zone the database knows (IANA names). #}
{% macro is_valid_time_zone(time_zone) -%}
    {{ return(adapter.dispatch('is_valid_time_zone', 'omniscore')(time_zone)) }}
{%- endmacro %}

{% macro default__is_valid_time_zone(time_zone) -%}
    ({{ time_zone }} rlike '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$')
{%- endmacro %}

{% macro duckdb__is_valid_time_zone(time_zone) -%}
    coalesce({{ time_zone }} in (select tz_names.name from pg_timezone_names() as tz_names), false)
{%- endmacro %}
