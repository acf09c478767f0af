{#
    The quarantine reason codes in the order they are checked (docs/architecture.md): a
    record gets the first reason whose condition holds.
#}
{% macro quarantine_reasons() -%}
    {{ return([
        'wrong_column_count',
        'malformed_json',
        'missing_required_value',
        'invalid_timestamp',
        'invalid_number',
        'timestamp_out_of_range',
        'unknown_currency',
        'unknown_store',
        'unmapped_event_type',
    ]) }}
{%- endmacro %}
