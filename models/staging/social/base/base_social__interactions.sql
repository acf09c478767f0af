{#
    Every data record of every landed social interactions file, parsed once: typed
    columns, the first quarantine reason that applies, and the rank among copies of the
    same interaction_id (1 = the staged copy: first by file, then line).
#}

{{ config(materialized='table') }}

{%- set columns = ['interaction_id', 'platform', 'handle', 'interaction_type', 'occurred_at', 'text', 'sentiment'] -%}

with

raw_files as (
    select
        filename,
        content
    from {{ source('social', 'interactions') }}
),

taxonomy as (
    select distinct raw_event_name
    from {{ ref('interaction_taxonomy') }}
    where channel = 'social'
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
        occurred_at as occurred_at_raw,
        sentiment as sentiment_raw,
        {{ omniscore.normalize_id('interaction_id') }} as interaction_id,
        nullif(lower(trim(platform)), '') as platform,
        {{ omniscore.normalize_handle('handle') }} as handle,
        lower(trim(interaction_type)) as interaction_type,
        {{ omniscore.parse_iso_timestamp_to_utc('trim(occurred_at)') }} as occurred_at,
        nullif(text, '') as text,
        cast({{ omniscore.parse_number('sentiment') }} as double) as sentiment
    from records
),

enriched as (
    select
        parsed.*,
        taxonomy.raw_event_name is not null as is_mapped_event
    from parsed
    left join taxonomy
        on parsed.interaction_type = taxonomy.raw_event_name
),

{%- set checks = {
    'wrong_column_count': (
        'field_count != column_count',
        "'expected ' || column_count || ' fields, found ' || field_count",
    ),
    'missing_required_value': ('interaction_id is null', "'interaction_id is empty'"),
    'invalid_timestamp': ('occurred_at is null', "'occurred_at: ' || coalesce(occurred_at_raw, '')"),
    'invalid_number': omniscore.invalid_values_check([
        ('sentiment', 'sentiment_raw', 'sentiment', 'sentiment not between -1 and 1'),
    ]),
    'timestamp_out_of_range': (
        omniscore.is_timestamp_out_of_range('occurred_at'),
        "'occurred_at: ' || coalesce(occurred_at_raw, '')",
    ),
    'unmapped_event_type': ('not is_mapped_event', "coalesce(interaction_type, '')"),
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
                    partition by quarantine_reason is null, interaction_id
                    order by source_file, source_line
                )
        end as duplicate_rank
    from checked
),

final as (
    select
        -- keys
        interaction_id,
        -- attributes
        platform,
        handle,
        interaction_type,
        occurred_at,
        text,
        -- measures
        sentiment,
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
