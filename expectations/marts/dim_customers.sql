-- What suite marts.dim_customers validates: one row per lifecycle stage with its measures
-- and the table's, aggregated in DuckDB (the dimension has a row per person: 1M+).
-- "One customer per identifier" counts golden email and phone keys held by more than one
-- customer, leaving out placeholders and over-linked identifiers, which by design link
-- nobody (int_identifiers_screened). The first column is the row's key in the report.
with excluded_keys as (
    select node_key
    from intermediate.int_identifiers_screened
    where is_placeholder or is_over_linked
),

shared_email_keys as (
    select count(*) as shared_keys
    from (
        select email_key
        from marts.dim_customers
        where email_key is not null
            and email_key not in (select excluded_keys.node_key from excluded_keys)
        group by email_key
        having count(*) > 1
    )
),

shared_phone_keys as (
    select count(*) as shared_keys
    from (
        select phone_key
        from marts.dim_customers
        where phone_key is not null
            and phone_key not in (select excluded_keys.node_key from excluded_keys)
        group by phone_key
        having count(*) > 1
    )
),

by_stage as (
    select
        lifecycle_stage,
        count(*) as row_count,
        avg(is_identified::int) as identified_rate,
        avg((is_marketing_consented is null)::int) as consent_unknown_rate,
        min(channel_count) as channel_count_min,
        max(channel_count) as channel_count_max,
        min(interaction_count) as interaction_count_min,
        min(revenue_to_date)::double as revenue_to_date_min,
        max(revenue_to_date)::double as revenue_to_date_max,
        count(*) filter (where first_seen_at > last_seen_at) as seen_out_of_order,
        count(*) filter (where orders_to_date > 0 and lifecycle_stage <> 'customer')
            as buyers_not_customers
    from marts.dim_customers
    group by lifecycle_stage
)

select
    by_stage.lifecycle_stage,
    by_stage.row_count,
    sum(by_stage.row_count) over () as table__row_count,
    by_stage.row_count::double / sum(by_stage.row_count) over () as lifecycle_stage__share,
    by_stage.identified_rate as is_identified__rate,
    by_stage.consent_unknown_rate as is_marketing_consented__null_rate,
    by_stage.channel_count_min as channel_count__min,
    by_stage.channel_count_max as channel_count__max,
    by_stage.interaction_count_min as interaction_count__min,
    by_stage.revenue_to_date_min as revenue_to_date__min,
    by_stage.revenue_to_date_max as revenue_to_date__max,
    by_stage.seen_out_of_order as first_seen_at__after_last_seen,
    by_stage.buyers_not_customers as orders_to_date__buyers_not_customers,
    shared_email_keys.shared_keys as email_key__shared_by_customers,
    shared_phone_keys.shared_keys as phone_key__shared_by_customers
from by_stage
cross join shared_email_keys
cross join shared_phone_keys
order by by_stage.lifecycle_stage
