-- What suite marts.customer_value validates, aggregated in DuckDB (one row per person in
-- the mart: 1M+): a row per value tier with its ranges and counts of inconsistent rows,
-- and the table's totals. The first column is the row's key in the report.
with value_rows as (
    select * from marts.customer_value
),

by_tier as (
    select
        value_tier,
        count(*) as row_count,
        min(p_alive) as p_alive__min,
        max(p_alive) as p_alive__max,
        least(
            min(expected_purchases_30d), min(expected_purchases_90d),
            min(expected_purchases_365d)
        ) as expected_purchases__min,
        count(*) filter (
            where expected_purchases_30d > expected_purchases_90d + 1e-9
            or expected_purchases_90d > expected_purchases_365d + 1e-9
        ) as expected_purchases__not_increasing,
        min(expected_order_value) as expected_order_value__min,
        min(clv) as clv__min,
        count(*) filter (where model_version is not null and clv is null) as clv__valued_missing,
        count(*) filter (where model_version is null and clv is not null) as clv__unvalued_present
    from value_rows
    group by value_tier
)

select
    *,
    sum(row_count) over () as table__row_count,
    row_count::double / nullif(sum(row_count) filter (
        where value_tier in ('top_10_percent', 'next_40_percent', 'bottom_50_percent')
    ) over (), 0) as value_tier__share_of_valued
from by_tier
order by value_tier
