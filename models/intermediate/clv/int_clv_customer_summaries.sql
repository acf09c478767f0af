{#
    One row per customer with a purchase and per fitting window: the BG/NBD and Gamma-Gamma
    summary of their purchases before the window's end.

    Windows: `scoring` ends at the as-of date (the fit behind customer_value); `calibration`
    ends `omniscore__clv_holdout_days` earlier (the fit whose predictions for the holdout,
    [calibration end, as-of), are checked against what happened).

    - A purchase day is a UTC day with at least one `purchase` interaction (any channel);
      several orders on one day are one purchase, as in the literature.
    - x (repeat_purchase_days) = purchase days - 1; recency t_x = last - first purchase day;
      age T = last day of the window (end - 1 day) - first purchase day: whole days, and in
      weeks (days / 7, the models' time unit). A purchase on the window's last day has t_x = T.
    - Value of a purchase day = its purchases' revenue + the returns attributed to it, floored
      at 0. A return carries its own receipt, not the sale's, so it is attributed to the
      customer's latest purchase day on or before it (within the window). The mean over
      repeat days (not the first) is the Gamma-Gamma input.
    - Only customers in dim_customers; `is_fit_eligible` is false when the person refused
      profiling (int_score_eligibility's `profiling_refused`, the one place that decides
      it for every score): they are neither fitted nor scored.
#}

with

scoring_dates as (
    select as_of_date from {{ ref('int_scoring_dates') }}
),

interactions as (
    select
        customer_id,
        interaction_type,
        occurred_date,
        revenue
    from {{ ref('fct_interactions') }}
    where
        interaction_type in ('purchase', 'return')
        and customer_id is not null
),

customers as (
    select
        customer_id,
        coalesce(not_scoreable_reason, '') != 'profiling_refused' as is_fit_eligible
    from {{ ref('int_score_eligibility') }}
),

windows as (
    select
        'scoring' as window_name,
        as_of_date as window_end_date,
        as_of_date
    from scoring_dates
    union all
    select
        'calibration' as window_name,
        cast({{ dbt.dateadd('day', -1 * var('omniscore__clv_holdout_days'), 'as_of_date') }} as date)
            as window_end_date,
        as_of_date
    from scoring_dates
),

customer_days as (
    select
        interactions.customer_id,
        interactions.occurred_date,
        max(case when interactions.interaction_type = 'purchase' then 1 else 0 end) as is_purchase_day,
        sum(
            case when interactions.interaction_type = 'purchase' then coalesce(interactions.revenue, 0) else 0 end
        ) as purchase_revenue,
        sum(
            case when interactions.interaction_type = 'return' then coalesce(interactions.revenue, 0) else 0 end
        ) as return_revenue
    from interactions
    inner join customers on interactions.customer_id = customers.customer_id
    group by interactions.customer_id, interactions.occurred_date
),

window_days as (
    select
        windows.window_name,
        windows.window_end_date,
        customer_days.*,
        {#- The number of the latest purchase day on or before this day (0: none yet). #}
        sum(customer_days.is_purchase_day) over (
            partition by windows.window_name, customer_days.customer_id
            order by customer_days.occurred_date
            rows between unbounded preceding and current row
        ) as purchase_day_number
    from windows
    inner join customer_days on windows.window_end_date > customer_days.occurred_date
),

purchase_days as (
    select
        window_name,
        window_end_date,
        customer_id,
        purchase_day_number,
        min(occurred_date) as purchase_date,
        greatest(cast(sum(purchase_revenue + return_revenue) as double), 0.0)
            as net_value
    from window_days
    where purchase_day_number > 0
    group by window_name, window_end_date, customer_id, purchase_day_number
),

summaries as (
    select
        window_name,
        window_end_date,
        customer_id,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        count(*) as purchase_days,
        avg(case when purchase_day_number > 1 then net_value end) as mean_repeat_order_value
    from purchase_days
    group by window_name, window_end_date, customer_id
),

summaries_in_days as (
    select
        *,
        {{ dbt.datediff('first_purchase_date', 'last_purchase_date', 'day') }}
            as recency_days,
        {{ dbt.datediff('first_purchase_date', 'window_end_date', 'day') }}
        - 1 as age_days
    from summaries
),

holdout_purchases as (
    select
        windows.window_name,
        customer_days.customer_id,
        sum(customer_days.is_purchase_day) as holdout_purchase_days
    from windows
    inner join customer_days
        on
            windows.window_end_date <= customer_days.occurred_date
            and windows.as_of_date > customer_days.occurred_date
    where windows.window_name = 'calibration'
    group by windows.window_name, customer_days.customer_id
),

final as (
    select
        -- keys
        summaries.customer_id,
        summaries.window_name,
        -- window
        summaries.window_end_date,
        -- purchases before the window's end
        summaries.first_purchase_date,
        summaries.last_purchase_date,
        cast(summaries.purchase_days as {{ dbt.type_int() }}) as purchase_days,
        cast(summaries.purchase_days - 1 as {{ dbt.type_int() }}) as repeat_purchase_days,
        cast(summaries.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(summaries.age_days as {{ dbt.type_int() }}) as age_days,
        cast(summaries.recency_days as double) / 7 as recency_weeks,
        cast(summaries.age_days as double) / 7 as age_weeks,
        summaries.mean_repeat_order_value,
        -- holdout (calibration window only; null for scoring)
        case
            when summaries.window_name = 'calibration'
                then cast(coalesce(holdout_purchases.holdout_purchase_days, 0) as {{ dbt.type_int() }})
        end as holdout_purchase_days,
        -- eligibility
        customers.is_fit_eligible
    from summaries_in_days as summaries
    inner join customers on summaries.customer_id = customers.customer_id
    left join holdout_purchases
        on
            summaries.window_name = holdout_purchases.window_name
            and summaries.customer_id = holdout_purchases.customer_id
)

select * from final
