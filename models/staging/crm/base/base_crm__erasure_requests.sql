{#
    Every data record of every landed erasure-requests file, parsed once. Either
    identifier may be empty.

    An erasure request must never be lost, so a record is honoured (staged) whenever it
    names a contact id or an email, whatever its request_id or requested_at say:
    requested_at is null when it does not parse, and a date out of range is kept as
    written. Only a structurally broken record (wrong_column_count: its fields cannot be
    told apart) or one naming neither identifier (missing_required_value) is quarantined.

    Copies of a request are records with the same request_id, contact_id and email
    (request_key); they rank by file, then line (1 = staged). A request_id repeated with
    other identifiers is another request and is honoured too.
#}

{{ config(materialized='table') }}

{%- set columns = ['request_id', 'contact_id', 'email', 'requested_at'] -%}

with

raw_files as (
    select
        filename,
        content
    from {{ source('crm', 'erasure_requests') }}
),

{# The record reader's DuckDB field splitter uses a lambda, which sqlfluff cannot parse. #}
records as (
    {{ omniscore.read_csv_records('raw_files', columns) | indent(4) }} -- noqa: PRS
),

parsed as (
    select
        source_file,
        source_line,
        line_count,
        reader_reason,
        reader_detail,
        raw_record,
        field_count,
        column_count,
        {{ omniscore.normalize_id('request_id') }} as request_id,
        {{ omniscore.normalize_id('contact_id') }} as contact_id,
        {{ omniscore.normalize_email('email') }} as email,
        {{ omniscore.parse_iso_timestamp_to_utc('trim(requested_at)') }} as requested_at
    from records
),

{%- set checks = {
    'wrong_column_count': (
        'field_count != column_count',
        "'expected ' || column_count || ' fields, found ' || field_count",
    ),
    'missing_required_value': (
        'contact_id is null and email is null',
        "'contact_id and email are empty'",
    ),
} %}

checked as (
    select
        *,
        {{ omniscore.hash_key(['request_id', 'contact_id', 'email']) }} as request_key,
        {{ omniscore.first_quarantine_reason(checks) | indent(8) }} as quarantine_reason,
        {{ omniscore.first_quarantine_reason(checks, detail=true) | indent(8) }} as quarantine_detail
    from parsed
),

ranked as (
    select
        *,
        case
            when quarantine_reason is null
                then row_number() over (
                    partition by quarantine_reason is null, request_key
                    order by source_file, source_line
                )
        end as duplicate_rank
    from checked
),

final as (
    select
        -- keys
        request_key,
        request_id,
        -- identifiers
        contact_id,
        email,
        -- attributes
        requested_at,
        -- lineage and accounting
        source_file,
        source_line,
        line_count,
        raw_record,
        quarantine_reason,
        quarantine_detail,
        duplicate_rank
    from ranked
)

{# Erased persons' records become tombstones (file and line only). #}
{{ omniscore.without_erased_records('final') }}
