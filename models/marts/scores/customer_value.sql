{#
    One row per person in dim_customers: their probabilistic lifetime value as of the
    scoring date (BG/NBD + Gamma-Gamma, fitted on purchases before it), for ranking.

    Who gets a value, in this order (`not_scored_reason` says why not):
    - `profiling_refused`: the person refused profiling (int_score_eligibility decides it for
      every score); every person-level value is null;
    - `no_purchases`: no purchase before the as-of date. BG/NBD describes customers from their
      first purchase on (T is counted from it), so it says nothing about them: not applicable;
    - `model_not_fitted`: the data were too small to fit (see int_clv_model_fits).
    value_tier ranks valued customers by CLV (ties share a tier): top_10_percent,
    next_40_percent, bottom_50_percent; else no_purchases or not_scored.
#}

with

customers as (
    select
        customer_id,
        not_scoreable_reason = 'profiling_refused' as is_profiling_refused
    from {{ ref('int_score_eligibility') }}
),

scoring_dates as (
    select as_of_date from {{ ref('int_scoring_dates') }}
),

summaries as (
    select
        customer_id,
        first_purchase_date,
        last_purchase_date,
        repeat_purchase_days,
        recency_weeks,
        age_weeks,
        mean_repeat_order_value
    from {{ ref('int_clv_customer_summaries') }}
    where window_name = 'scoring'
),

customer_values as (
    select
        customer_id,
        model_version,
        p_alive,
        expected_purchases_30d,
        expected_purchases_90d,
        expected_purchases_365d,
        expected_order_value,
        clv
    from {{ ref('int_clv_customer_values') }}
),

reasons as (
    select
        customers.customer_id,
        case
            when customers.is_profiling_refused then 'profiling_refused'
            when summaries.customer_id is null then 'no_purchases'
            when customer_values.customer_id is null then 'model_not_fitted'
        end as not_scored_reason
    from customers
    left join summaries on customers.customer_id = summaries.customer_id
    left join customer_values on customers.customer_id = customer_values.customer_id
),

valued as (
    select customer_values.*
    from customer_values
    inner join reasons on customer_values.customer_id = reasons.customer_id
    where reasons.not_scored_reason is null
),

ranked as (
    select
        customer_id,
        {#- Share of valued customers with a higher CLV: equal CLVs share a rank, so a tier. #}
        (rank() over (order by clv desc) - 1) / cast(count(*) over () as double)
            as clv_rank_share
    from valued
),

final as (
    select
        -- keys
        cast(customers.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(scoring_dates.as_of_date as date) as as_of_date,
        cast(valued.model_version as {{ dbt.type_string() }}) as model_version,
        -- status
        cast(
            case
                when reasons.not_scored_reason = 'no_purchases' then 'no_purchases'
                when reasons.not_scored_reason is not null then 'not_scored'
                when ranked.clv_rank_share < 0.1 then 'top_10_percent'
                when ranked.clv_rank_share < 0.5 then 'next_40_percent'
                else 'bottom_50_percent'
            end as {{ dbt.type_string() }}
        ) as value_tier,
        cast(reasons.not_scored_reason as {{ dbt.type_string() }}) as not_scored_reason,
        -- purchase summary before the as-of date (null when profiling is refused)
        cast(summaries.first_purchase_date as date) as first_purchase_date,
        cast(summaries.last_purchase_date as date) as last_purchase_date,
        cast(summaries.repeat_purchase_days as {{ dbt.type_int() }}) as repeat_purchase_days,
        cast(summaries.recency_weeks as double) as recency_weeks,
        cast(summaries.age_weeks as double) as age_weeks,
        cast(summaries.mean_repeat_order_value as double) as mean_repeat_order_value,
        -- predictions
        cast(valued.p_alive as double) as p_alive,
        cast(valued.expected_purchases_30d as double) as expected_purchases_30d,
        cast(valued.expected_purchases_90d as double) as expected_purchases_90d,
        cast(valued.expected_purchases_365d as double) as expected_purchases_365d,
        cast(valued.expected_order_value as double) as expected_order_value,
        cast(valued.clv as double) as clv,
        cast(
            case when valued.clv is not null then {{ var('omniscore__clv_horizon_months') }} end
            as {{ dbt.type_int() }}
        ) as clv_horizon_months
    from customers
    cross join scoring_dates
    inner join reasons on customers.customer_id = reasons.customer_id
    left join summaries
        on
            customers.customer_id = summaries.customer_id
            and reasons.not_scored_reason is distinct from 'profiling_refused'
    left join valued on customers.customer_id = valued.customer_id
    left join ranked on customers.customer_id = ranked.customer_id
)

select * from final
