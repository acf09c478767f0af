{#
    A text of whole microseconds since the Unix epoch (UTC) as a timestamp without time zone
    in UTC. Null unless it is an integer of at most 18 digits (sign allowed).
#}
{% macro epoch_micros_to_timestamp(value) -%}
    {{ return(adapter.dispatch('epoch_micros_to_timestamp', 'omniscore')(value)) }}
{%- endmacro %}

{% macro default__epoch_micros_to_timestamp(value) -%}
    case
        when {{ omniscore.regexp_full_match(value, '-?[0-9]{1,18}') }}
            then timestamp_micros(cast({{ value }} as bigint))
    end
{%- endmacro %}

{% macro duckdb__epoch_micros_to_timestamp(value) -%}
    case
        when {{ omniscore.regexp_full_match(value, '-?[0-9]{1,18}') }}
            then make_timestamp(cast({{ value }} as bigint))
    end
{%- endmacro %}
