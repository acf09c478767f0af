-- What suite marts.fct_interactions validates: one row per (channel, interaction_type,
-- funnel_stage) with that group's measures and its channel's and table's, aggregated in
-- DuckDB so that the suite never reads the fact table itself (13M rows at 1M customers).
-- The first column is the row's key in the report.
with by_type as (
    select
        channel,
        interaction_type,
        funnel_stage,
        count(*) as row_count,
        count(customer_id) as attributed_rows,
        min(revenue) as revenue_min,
        max(revenue) as revenue_max,
        count(*) filter (
            where interaction_type = 'purchase' and order_id is null
        ) as purchases_without_order,
        min(occurred_at) as first_occurred_at,
        max(occurred_at) as last_occurred_at
    from marts.fct_interactions
    group by channel, interaction_type, funnel_stage
)

select
    channel || ' / ' || interaction_type as channel_interaction_type,
    channel,
    interaction_type,
    funnel_stage,
    row_count,
    sum(row_count) over () as table__row_count,
    sum(row_count) over (partition by channel)::double / sum(row_count) over () as channel__share,
    1 - sum(attributed_rows) over (partition by channel)::double
    / sum(row_count) over (partition by channel) as customer_id__null_rate,
    revenue_min::double as revenue__min,
    revenue_max::double as revenue__max,
    purchases_without_order as order_id__missing_on_purchase,
    year(first_occurred_at) as occurred_at__first_year,
    date_diff('hour', current_timestamp at time zone 'UTC', last_occurred_at)
        as occurred_at__hours_after_now
from by_type
order by channel, interaction_type
