{#
    A wall-clock timestamp without time zone read in IANA zone `time_zone` (a SQL
    expression: a quoted literal or a column), as a timestamp without time zone in UTC.
    Daylight saving time is applied as of that date; a wall time skipped by a spring-forward
    gap or repeated at fall-back resolves as the database's zone library does. The zone
    must be valid (see is_valid_time_zone).
#}
{% macro local_to_utc(local_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('local_to_utc', 'omniscore')(local_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__local_to_utc(local_timestamp, time_zone) -%}
    to_utc_timestamp({{ local_timestamp }}, {{ time_zone }})
{%- endmacro %}

{% macro duckdb__local_to_utc(local_timestamp, time_zone) -%}
    timezone('UTC', timezone({{ time_zone }}, {{ local_timestamp }}))
{%- endmacro %}
