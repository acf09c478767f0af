{# The staged pos transaction lines: one row per kept record (not quarantined, first of its copies). #}

with

base as (
    select *
    from {{ ref('base_pos__transactions') }}
),

final as (
    select
        transaction_line_id,
        receipt_id,
        line_no,
        store_id,
        occurred_at,
        loyalty_card_id,
        sku,
        quantity,
        unit_price_local,
        discount_amount_local,
        amount_local,
        currency_code,
        amount,
        is_return,
        source_file,
        source_line
    from base
    where duplicate_rank = 1
)

select * from final
