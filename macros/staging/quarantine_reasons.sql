{#
    The quarantine reason codes in the order they are checked (docs/architecture.md): a
    record gets the first reason whose condition holds. The first four come from the
    record readers (a file set aside whole, a stray quote), not from a base model's checks.
#}
{% macro quarantine_reasons() -%}
    {{ return([
        'not_utf8',
        'wrong_delimiter',
        'missing_required_column',
        'unbalanced_quote',
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
