{#
    Every data record of every landed email activity file, parsed once. The export has no
    event id: a row is identified by (email, campaign_id, action, timestamp, url), hashed
    into activity_id; copies rank by file, then line (1 = staged). Timestamps are wall
    clock in the sending account's zone (omniscore__email_timezone), converted to UTC.
#}

{{ config(materialized='table') }}

{%- set columns = ['email', 'campaign_id', 'campaign_name', 'action', 'timestamp', 'url', 'bounce_type'] -%}

with

raw_files as (
    select
        filename,
        content
    from {{ source('email', 'activities') }}
),

taxonomy as (
    select distinct raw_event_name
    from {{ ref('interaction_taxonomy') }}
    where channel = 'email'
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
        timestamp as timestamp_raw,
        {{ omniscore.hash_key([
            omniscore.normalize_email('email'),
            'trim(campaign_id)',
            'lower(trim(action))',
            'trim(timestamp)',
            'trim(url)',
        ]) }} as activity_id,
        {{ omniscore.normalize_email('email') }} as email,
        {{ omniscore.normalize_id('campaign_id') }} as campaign_id,
        nullif(trim(campaign_name), '') as campaign_name,
        lower(trim(action)) as action,
        {{ omniscore.local_to_utc(
            omniscore.try_parse_timestamp('trim(timestamp)', '%Y-%m-%d %H:%M:%S'),
            "'" ~ var('omniscore__email_timezone') ~ "'"
        ) }} as occurred_at,
        nullif(trim(url), '') as url,
        nullif(lower(trim(bounce_type)), '') as bounce_type
    from records
),

enriched as (
    select
        parsed.*,
        taxonomy.raw_event_name is not null as is_mapped_event
    from parsed
    left join taxonomy
        on parsed.action = taxonomy.raw_event_name
),

{%- set checks = {
    'wrong_column_count': (
        'field_count != column_count',
        "'expected ' || column_count || ' fields, found ' || field_count",
    ),
    'missing_required_value': ('email is null', "'email is empty'"),
    'invalid_timestamp': ('occurred_at is null', "'timestamp: ' || coalesce(timestamp_raw, '')"),
    'timestamp_out_of_range': (
        omniscore.is_timestamp_out_of_range('occurred_at'),
        "'timestamp: ' || cast(occurred_at as " ~ dbt.type_string() ~ ") || ' UTC'",
    ),
    'unmapped_event_type': ('not is_mapped_event', "coalesce(action, '')"),
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
                    partition by quarantine_reason is null, activity_id
                    order by source_file, source_line
                )
        end as duplicate_rank
    from checked
),

final as (
    select
        -- keys
        activity_id,
        -- attributes
        email,
        campaign_id,
        campaign_name,
        action,
        occurred_at,
        url,
        bounce_type,
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
