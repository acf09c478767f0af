{#
    Every data record of every landed help-desk tickets file, parsed once. A ticket
    reappears in later files as it changes: the version with the latest updated_at is
    staged (ties: last file, last line); older versions rank 2 and up (superseded).
    Subjects may hold quoted commas, quotes and line breaks (one record, several lines).
    Every timestamp is checked: created_at and updated_at must parse and lie in range (a
    version without a readable updated_at cannot take part in "latest wins", so it is
    quarantined rather than ranked last); solved_at may be empty (an open ticket) but, when
    written, must parse and lie in range, as it becomes a ticket_solved interaction.
    via_channel and satisfaction_rating are kept as exported: a value outside the contract's
    list is an attribute nobody expected, not an unreadable ticket (a warning names it).
#}

{{ config(materialized='table') }}

{%- set columns = [
    'ticket_id', 'created_at', 'updated_at', 'solved_at', 'requester_email', 'requester_phone', 'via_channel',
    'subject', 'status', 'priority', 'satisfaction_rating', 'tags',
] -%}
{%- set default_calling_code = var('omniscore__default_calling_code') | string -%}

with

raw_files as (
    select
        filename,
        content
    from {{ source('support', 'tickets') }}
),

taxonomy as (
    select distinct raw_event_name
    from {{ ref('interaction_taxonomy') }}
    where channel = 'support'
),

{# Tickets carry no country: national phone numbers take the default calling code. #}
default_calling_code as (
    select max(trunk_prefix) as trunk_prefix
    from {{ ref('country_calling_codes') }}
    where calling_code = '{{ default_calling_code }}'
),

{# The record reader's DuckDB field splitter uses a lambda, which sqlfluff cannot parse. #}
records as (
    {{ omniscore.read_csv_records('raw_files', columns) | indent(4) }} -- noqa: PRS
),

parsed as (
    select
        records.source_file,
        records.source_line,
        records.line_count,
        records.reader_reason,
        records.reader_detail,
        records.raw_record,
        records.field_count,
        records.column_count,
        records.created_at as created_at_raw,
        records.updated_at as updated_at_raw,
        records.solved_at as solved_at_raw,
        {{ omniscore.normalize_id('records.ticket_id') }} as ticket_id,
        {{ omniscore.parse_iso_timestamp_to_utc('trim(records.created_at)') }} as created_at,
        {{ omniscore.parse_iso_timestamp_to_utc('trim(records.updated_at)') }} as updated_at,
        {{ omniscore.parse_iso_timestamp_to_utc('trim(records.solved_at)') }} as solved_at,
        {{ omniscore.normalize_email('records.requester_email') }} as email,
        {{ omniscore.normalize_phone(
            'records.requester_phone', "'" ~ default_calling_code ~ "'", 'default_calling_code.trunk_prefix'
        ) }} as phone,
        nullif(lower(trim(records.via_channel)), '') as via_channel,
        nullif(records.subject, '') as subject,
        nullif(lower(trim(records.status)), '') as status,
        nullif(lower(trim(records.priority)), '') as priority,
        nullif(lower(trim(records.satisfaction_rating)), '') as satisfaction_rating,
        nullif(trim(records.tags), '') as tags
    from records
    cross join default_calling_code
),

{#
    Both events a ticket yields (macros/staging/support_ticket_events.sql, which
    int_interactions_unioned turns into interactions) must be in the taxonomy:
    ticket_created always, ticket_solved once solved_at is set.
#}
{%- set created_event, solved_event = omniscore.support_ticket_events() %}
enriched as (
    select
        parsed.*,
        case
            when created_mapping.raw_event_name is null
                then '{{ created_event.raw_event_name }}'
            when parsed.{{ solved_event.occurred_at }} is not null and solved_mapping.raw_event_name is null
                then '{{ solved_event.raw_event_name }}'
        end as unmapped_event_name
    from parsed
    left join taxonomy as created_mapping
        on created_mapping.raw_event_name = '{{ created_event.raw_event_name }}'
    left join taxonomy as solved_mapping
        on solved_mapping.raw_event_name = '{{ solved_event.raw_event_name }}'
),

{%- set checks = {
    'wrong_column_count': (
        'field_count != column_count',
        "'expected ' || column_count || ' fields, found ' || field_count",
    ),
    'missing_required_value': ('ticket_id is null', "'ticket_id is empty'"),
    'invalid_timestamp': omniscore.any_value_check([
        ('created_at', 'created_at_raw', 'created_at is null'),
        ('updated_at', 'updated_at_raw', 'updated_at is null'),
        ('solved_at', 'solved_at_raw', omniscore.is_unparsed('solved_at_raw', 'solved_at')),
    ]),
    'timestamp_out_of_range': omniscore.any_value_check([
        ('created_at', 'created_at_raw', omniscore.is_timestamp_out_of_range('created_at')),
        ('updated_at', 'updated_at_raw', omniscore.is_timestamp_out_of_range('updated_at')),
        ('solved_at', 'solved_at_raw', omniscore.is_timestamp_out_of_range('solved_at')),
    ]),
    'unmapped_event_type': ('unmapped_event_name is not null', 'unmapped_event_name'),
} %}

checked as (
    select
        *,
        {{ omniscore.first_quarantine_reason(checks) | indent(8) }} as quarantine_reason,
        {{ omniscore.first_quarantine_reason(checks, detail=true) | indent(8) }} as quarantine_detail
    from enriched
),

ranked as (
    select
        *,
        case
            when quarantine_reason is null
                then row_number() over (
                    partition by quarantine_reason is null, ticket_id
                    order by updated_at desc, source_file desc, source_line desc
                )
        end as duplicate_rank
    from checked
),

final as (
    select
        -- keys
        ticket_id,
        -- attributes
        created_at,
        updated_at,
        solved_at,
        email,
        phone,
        via_channel,
        subject,
        status,
        priority,
        satisfaction_rating,
        tags,
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
