{#
    Every non-empty line of every landed app events file (JSON lines), parsed once: typed
    columns, the first quarantine reason that applies, and the rank among copies of the
    same insert_id (1 = the staged copy: first by file, then line). A revenue needs its
    currency: one with an empty currency is quarantined as `unknown_currency`, like one with
    a currency the rates seed does not know, rather than staged without a reporting amount.
    A price alone (a product view) is kept: it is never converted.
#}

{{ config(materialized='table') }}

{%- set fields = {
    'insert_id': '$.insert_id',
    'event_type': '$.event_type',
    'event_time': '$.event_time',
    'device_id': '$.device_id',
    'user_id': '$.user_id',
    'platform': '$.platform',
    'app_version': '$.app_version',
    'product_id': '$.event_properties.product_id',
    'price': '$.event_properties.price',
    'quantity': '$.event_properties.quantity',
    'revenue': '$.event_properties.revenue',
    'currency': '$.event_properties.currency',
} -%}

with

raw_files as (
    select
        filename,
        content
    from {{ source('app', 'events') }}
),

taxonomy as (
    select distinct raw_event_name
    from {{ ref('interaction_taxonomy') }}
    where channel = 'app'
),

exchange_rates as (
    select
        currency_code,
        rate_to_usd
    from {{ ref('exchange_rates') }}
),

records as (
    {{ omniscore.read_jsonl_records('raw_files', fields) | indent(4) }}
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
        is_json_object,
        event_time as event_time_raw,
        price as price_raw,
        quantity as quantity_raw,
        revenue as revenue_raw,
        {{ omniscore.normalize_id('insert_id') }} as event_id,
        {{ omniscore.try_parse_timestamp('trim(event_time)', ['%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S']) }}
            as occurred_at,
        lower(trim(event_type)) as event_name,
        {{ omniscore.normalize_id('device_id') }} as device_id,
        {{ omniscore.normalize_id('user_id') }} as contact_id,
        nullif(lower(trim(platform)), '') as platform,
        nullif(trim(app_version), '') as app_version,
        {{ omniscore.normalize_id('product_id') }} as product_id,
        {{ omniscore.parse_number('price') }} as price_local,
        {{ omniscore.parse_integer('quantity') }} as quantity,
        {{ omniscore.parse_number('revenue') }} as revenue_local,
        nullif(upper(trim(currency)), '') as currency_code
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
    'malformed_json': ('not is_json_object', "'not a JSON object'"),
    'missing_required_value': ('event_id is null', "'insert_id is empty'"),
    'invalid_timestamp': ('occurred_at is null', "'event_time: ' || coalesce(event_time_raw, '')"),
    'invalid_number': omniscore.invalid_values_check([
        ('price', 'price_raw', 'price_local'),
        ('quantity', 'quantity_raw', 'quantity'),
        ('revenue', 'revenue_raw', 'revenue_local'),
    ]),
    'timestamp_out_of_range': (
        omniscore.is_timestamp_out_of_range('occurred_at'),
        "'event_time: ' || cast(occurred_at as " ~ dbt.type_string() ~ ")",
    ),
    'unknown_currency': (
        '(currency_code is not null or revenue_local is not null) and rate_to_usd is null',
        "case when currency_code is null then 'currency is empty for revenue: ' || revenue_raw"
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
        device_id,
        contact_id,
        platform,
        app_version,
        product_id,
        -- measures
        price_local,
        quantity,
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
