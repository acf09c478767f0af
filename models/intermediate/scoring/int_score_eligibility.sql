{#
    Who may be scored as of the scoring date, and why not. Profiling needs consent (GDPR
    art. 21, 22): a person whose golden record says `is_profiling_consented = false` gets
    no person-level score (`profiling_refused`; unknown consent is scored). A person with
    no interaction before the as-of date has nothing to score (`no_history`). The
    regression scores also need `omniscore__min_history_days` since the person was first
    seen (`insufficient_history`), a fitted model (`no_trained_model`) and, for churn
    risk, a past purchase (`not_a_past_buyer`); those per-score reasons are in
    customer_scores. Never a silent null.
#}

with

customers as (
    select
        customer_id,
        is_profiling_consented
    from {{ ref('dim_customers') }}
),

features as (
    select
        customer_id,
        tenure_days,
        has_purchased
    from {{ ref('int_customer_features') }}
    where as_of_date = (select scoring_dates.as_of_date from {{ ref('int_scoring_dates') }} as scoring_dates)
),

active as (
    select distinct daily.customer_id
    from {{ ref('int_interactions_daily') }} as daily
    cross join {{ ref('int_scoring_dates') }} as dates
    where daily.occurred_date < dates.as_of_date
),

final as (
    select
        customers.customer_id,
        case
            when customers.is_profiling_consented = false then 'profiling_refused'
            when active.customer_id is null then 'no_history'
        end as not_scoreable_reason,
        coalesce(features.tenure_days, 0) as tenure_days,
        coalesce(features.has_purchased, false) as has_purchased
    from customers
    left join features on customers.customer_id = features.customer_id
    left join active on customers.customer_id = active.customer_id
)

select * from final
