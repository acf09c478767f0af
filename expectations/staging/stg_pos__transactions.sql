-- What suite staging.stg_pos__transactions validates: one row per currency with the
-- staged store lines' measures. The first column is the row's key in the report.
select
    currency_code,
    count(*) as row_count,
    avg(is_return::int) as is_return__rate,
    avg((loyalty_card_id is null)::int) as loyalty_card_id__null_rate,
    min(amount)::double as amount__min,
    max(amount)::double as amount__max,
    count(*) filter (where quantity = 0) as quantity__zero,
    count(*) filter (where sign(amount) <> sign(amount_local)) as amount__sign_differs_from_local,
    count(*) filter (where is_return <> (quantity < 0)) as is_return__disagrees_with_quantity
from staging.stg_pos__transactions
group by currency_code
order by currency_code
