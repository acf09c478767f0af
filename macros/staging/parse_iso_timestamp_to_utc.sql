{#
    An ISO 8601 timestamp with a UTC offset (`2025-03-01T12:34:56+01:00`, `...-0500`) or
    `Z`, optionally with fractional seconds, as a timestamp without time zone in UTC.
    Null when it does not parse or carries no offset.
#}
{% macro parse_iso_timestamp_to_utc(value) -%}
    {{ return(adapter.dispatch('parse_iso_timestamp_to_utc', 'omniscore')(value)) }}
{%- endmacro %}

{% macro default__parse_iso_timestamp_to_utc(value) -%}
    case
        when {{ value }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(Z|z|[+-][0-9]{2}:?[0-9]{2})$'
            then to_utc_timestamp(try_to_timestamp({{ value }}), current_timezone())
    end
{%- endmacro %}

{% macro duckdb__parse_iso_timestamp_to_utc(value) -%}
    timezone('UTC', try_strptime(
        regexp_replace({{ value }}, '[Zz]$', '+00:00'),
        [
            '%Y-%m-%dT%H:%M:%S%z',
            '%Y-%m-%dT%H:%M:%S.%f%z',
            '%Y-%m-%d %H:%M:%S%z',
            '%Y-%m-%d %H:%M:%S.%f%z'
        ]
    ))
{%- endmacro %}
