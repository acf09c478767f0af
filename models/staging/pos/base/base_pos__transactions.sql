{#
    Every data record of every landed POS transactions file (semicolon-separated, decimal
    comma), parsed once. `transaction_at` is wall-clock time in the store's IANA zone
    (from stg_pos__stores), converted to UTC with that date's daylight saving rules.
    Copies of a receipt line (receipt_id, line_no) rank by file, then line (1 = staged).
    A line cannot be staged without its quantity and unit price (`missing_required_value`)
    nor its amounts converted without a known currency (`unknown_currency`, also when the
    currency is empty); an empty discount is no discount.
#}

{{ config(materialized='table') }}

{%- set columns = [
    'receipt_id', 'line_no', 'store_id', 'transaction_at', 'loyalty_card_id', 'sku', 'quantity', 'unit_price',
    'discount_amount', 'currency',
] -%}

with

raw_files as (
    select
        filename,
        content
    from {{ source('pos', 'transactions') }}
),

stores as (
    select
        store_id,
        timezone,
        {{ omniscore.is_valid_time_zone('timezone') }} as is_valid_time_zone
    from {{ ref('stg_pos__stores') }}
),

taxonomy as (
    select distinct raw_event_name
    from {{ ref('interaction_taxonomy') }}
    where channel = 'pos'
),

exchange_rates as (
    select
        currency_code,
        rate_to_usd
    from {{ ref('exchange_rates') }}
),

{# The record reader's DuckDB field splitter uses a lambda, which sqlfluff cannot parse. #}
records as (
    {{ omniscore.read_csv_records('raw_files', columns, delimiter=';') | indent(4) }} -- noqa: PRS
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
        line_no as line_no_raw,
        transaction_at as transaction_at_raw,
        quantity as quantity_raw,
        unit_price as unit_price_raw,
        discount_amount as discount_amount_raw,
        {{ omniscore.normalize_id('receipt_id') }} as receipt_id,
        {{ omniscore.parse_integer('line_no') }} as line_no,
        {{ omniscore.normalize_id('store_id') }} as store_id,
        {{ omniscore.try_parse_timestamp('trim(transaction_at)', '%d/%m/%Y %H:%M') }} as transacted_at_local,
        {{ omniscore.normalize_id('loyalty_card_id') }} as loyalty_card_id,
        {{ omniscore.normalize_id('sku') }} as sku,
        {{ omniscore.parse_integer('quantity') }} as quantity,
        {{ omniscore.parse_number('unit_price', decimal_separator=',') }} as unit_price_local,
        {{ omniscore.parse_number('discount_amount', decimal_separator=',') }} as discount_amount_local,
        nullif(upper(trim(currency)), '') as currency_code
    from records
),

{# POS rows are named for the taxonomy by the sign of the quantity. #}
named as (
    select
        *,
        case when quantity < 0 then 'return' else 'sale' end as raw_event_name
    from parsed
),

enriched as (
    select
        named.*,
        stores.timezone as store_timezone,
        exchange_rates.rate_to_usd,
        reporting_currency.reporting_rate_to_usd,
        stores.store_id is not null as is_known_store,
        coalesce(stores.is_valid_time_zone, false) as has_valid_time_zone,
        taxonomy.raw_event_name is not null as is_mapped_event
    from named
    cross join reporting_currency
    left join stores
        on named.store_id = stores.store_id
    left join exchange_rates
        on named.currency_code = exchange_rates.currency_code
    left join taxonomy
        on named.raw_event_name = taxonomy.raw_event_name
),

{#
    The line's amount is signed by the quantity. `discount_amount` is exported as a positive
    amount taken off the line's gross value. A sale is q·u − d; a return (negative q) refunds
    what was paid for those units, −(|q|·u − d) = q·u + d: the discount is not refunded
    (subtracting it, q·u − d, would overstate the refund by twice the discount).
#}
converted as (
    select
        *,
        case
            when has_valid_time_zone
                then {{ omniscore.local_to_utc('transacted_at_local', 'store_timezone') }}
        end as occurred_at,
        case
            when quantity < 0 then quantity * unit_price_local + coalesce(discount_amount_local, 0)
            else quantity * unit_price_local - coalesce(discount_amount_local, 0)
        end as amount_local
    from enriched
),

{#
    Out of range is judged on the UTC time when the store's zone is known, else on the
    local time (such rows are quarantined as unknown_store anyway, one step later).
#}
{%- set checks = {
    'wrong_column_count': (
        'field_count != column_count',
        "'expected ' || column_count || ' fields, found ' || field_count",
    ),
    'missing_required_value': (
        'receipt_id is null or nullif(trim(line_no_raw), \'\') is null'
        ~ ' or nullif(trim(quantity_raw), \'\') is null or nullif(trim(unit_price_raw), \'\') is null',
        "case when receipt_id is null then 'receipt_id is empty'"
        ~ " when nullif(trim(line_no_raw), '') is null then 'line_no is empty'"
        ~ " when nullif(trim(quantity_raw), '') is null then 'quantity is empty'"
        ~ " else 'unit_price is empty' end",
    ),
    'invalid_timestamp': (
        'transacted_at_local is null or (is_known_store and not has_valid_time_zone)',
        "case when transacted_at_local is null then 'transaction_at: ' || coalesce(transaction_at_raw, '')"
        ~ " else 'store ' || store_id || ' has unknown time zone: ' || coalesce(store_timezone, '') end",
    ),
    'invalid_number': omniscore.invalid_values_check([
        ('line_no', 'line_no_raw', 'line_no'),
        ('quantity', 'quantity_raw', 'quantity'),
        ('unit_price', 'unit_price_raw', 'unit_price_local'),
        ('discount_amount', 'discount_amount_raw', 'discount_amount_local'),
    ]),
    'timestamp_out_of_range': (
        omniscore.is_timestamp_out_of_range('coalesce(occurred_at, transacted_at_local)'),
        "'transaction_at: ' || coalesce(transaction_at_raw, '')",
    ),
    'unknown_currency': (
        'rate_to_usd is null',
        "case when currency_code is null then 'currency is empty' else 'currency: ' || currency_code end",
    ),
    'unknown_store': ('not is_known_store', "'store_id: ' || coalesce(store_id, '')"),
    'unmapped_event_type': ('not is_mapped_event', 'raw_event_name'),
} %}

checked as (
    select
        *,
        {{ omniscore.first_quarantine_reason(checks) | indent(8) }} as quarantine_reason,
        {{ omniscore.first_quarantine_reason(checks, detail=true) | indent(8) }} as quarantine_detail
    from converted
),

ranked as (
    select
        *,
        case
            when quarantine_reason is null
                then row_number() over (
                    partition by quarantine_reason is null, receipt_id, line_no
                    order by source_file, source_line
                )
        end as duplicate_rank
    from checked
),

final as (
    select
        -- keys
        receipt_id || '-' || cast(line_no as {{ dbt.type_string() }}) as transaction_line_id,
        receipt_id,
        line_no,
        -- foreign keys
        store_id,
        loyalty_card_id,
        -- attributes
        occurred_at,
        sku,
        quantity < 0 as is_return,
        -- measures
        quantity,
        unit_price_local,
        discount_amount_local,
        amount_local,
        currency_code,
        {{ omniscore.to_reporting_currency('amount_local', 'rate_to_usd', 'reporting_rate_to_usd') }} as amount,
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
