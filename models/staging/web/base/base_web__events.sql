{#
    Every data record of every landed web events file, parsed once: typed columns, the
    first quarantine reason that applies, and the rank among copies of the same event_id
    (1 = the staged copy: first by file, then line). A value needs its currency: one with
    an empty currency is quarantined as `unknown_currency`, like one with a currency the
    rates seed does not know, rather than staged without a reporting amount.
#}

{{ config(materialized='table') }}

{%- set columns = [
    'event_id', 'event_timestamp', 'event_name', 'user_pseudo_id', 'user_id', 'page_location', 'item_id',
    'value', 'currency', 'utm_source', 'utm_medium', 'utm_campaign', 'device_category', 'country',
] -%}

with

raw_files as (
    select
        filename,
        content
    from {{ source('web', 'events') }}
),

taxonomy as (
    select distinct raw_event_name
    from {{ ref('interaction_taxonomy') }}
    where channel = 'web'
),

exchange_rates as (
    select
        currency_code,
        rate_to_usd
    from {{ ref('exchange_rates') }}
),

{# The record reader's DuckDB field splitter uses a lambda, which sqlfluff cannot parse. #}
records as (
    {{ omniscore.read_csv_records('raw_files', columns) | indent(4) }} -- noqa: PRS
),

reporting_currency as (
    {{ omniscore.reporting_currency_rate('exchange_rates') | indent(4) }}
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
        event_timestamp as event_timestamp_raw,
        value as value_raw,
        {{ omniscore.normalize_id('event_id') }} as event_id,
        {{ omniscore.epoch_micros_to_timestamp('trim(event_timestamp)') }} as occurred_at,
        lower(trim(event_name)) as event_name,
        {{ omniscore.normalize_id('user_pseudo_id') }} as cookie_id,
        {{ omniscore.normalize_id('user_id') }} as contact_id,
        nullif(trim(page_location), '') as page_location,
        {{ omniscore.normalize_id('item_id') }} as item_id,
        {{ omniscore.parse_number('value') }} as revenue_local,
        nullif(upper(trim(currency)), '') as currency_code,
        nullif(trim(utm_source), '') as utm_source,
        nullif(trim(utm_medium), '') as utm_medium,
        nullif(trim(utm_campaign), '') as utm_campaign,
        nullif(lower(trim(device_category)), '') as device_category,
        nullif(upper(trim(country)), '') as country_code
    from records
),

enriched as (
    select
        parsed.*,
        exchange_rates.rate_to_usd,
        reporting_currency.reporting_rate_to_usd,
        taxonomy.raw_event_name is not null as is_mapped_event
    from parsed
    cross join reporting_currency
    left join exchange_rates
        on parsed.currency_code = exchange_rates.currency_code
    left join taxonomy
        on parsed.event_name = taxonomy.raw_event_name
),

{%- set checks = {
    'wrong_column_count': (
        'field_count != column_count',
        "'expected ' || column_count || ' fields, found ' || field_count",
    ),
    'missing_required_value': ('event_id is null', "'event_id is empty'"),
    'invalid_timestamp': ('occurred_at is null', "'event_timestamp: ' || coalesce(event_timestamp_raw, '')"),
    'invalid_number': omniscore.invalid_values_check([('value', 'value_raw', 'revenue_local')]),
    'timestamp_out_of_range': (
        omniscore.is_timestamp_out_of_range('occurred_at'),
        "'event_timestamp: ' || cast(occurred_at as " ~ dbt.type_string() ~ ")",
    ),
    'unknown_currency': (
        '(currency_code is not null or revenue_local is not null) and rate_to_usd is null',
        "case when currency_code is null then 'currency is empty for value: ' || value_raw"
        ~ " else 'currency: ' || currency_code end",
    ),
    'unmapped_event_type': ('not is_mapped_event', "coalesce(event_name, '')"),
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
                    partition by quarantine_reason is null, event_id
                    order by source_file, source_line
                )
        end as duplicate_rank
    from checked
),

final as (
    select
        -- keys
        event_id,
        -- attributes
        occurred_at,
        event_name,
        cookie_id,
        contact_id,
        page_location,
        item_id,
        utm_source,
        utm_medium,
        utm_campaign,
        device_category,
        country_code,
        -- measures
        revenue_local,
        currency_code,
        {{ omniscore.to_reporting_currency('revenue_local', 'rate_to_usd', 'reporting_rate_to_usd') }} as revenue,
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
