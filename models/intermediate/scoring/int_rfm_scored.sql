{#
    RFM as of the scoring date, among persons with a purchase before it: recency (days
    since the last purchase day), frequency (purchase days) and monetary value (net revenue
    of purchases minus returns), each binned 1-5 by quintile_with_ties (recent, frequent
    and valuable = 5; equal values share a bin). The frequency-monetary score is the
    mean of F and M rounded up; the segment is seeds/rfm_segments.csv's name for
    (R, FM). Over the whole history before the as-of date.
#}

with

purchases as (
    select
        daily.customer_id,
        max(case when daily.interaction_type = 'purchase' then daily.occurred_date end) as last_purchase_date,
        count(distinct case when daily.interaction_type = 'purchase' then daily.occurred_date end)
            as frequency,
        sum(daily.revenue) as monetary
    from {{ ref('int_interactions_daily') }} as daily
    cross join {{ ref('int_scoring_dates') }} as dates
    where
        daily.occurred_date < dates.as_of_date
        and daily.interaction_type in ('purchase', 'return')
    group by daily.customer_id
    having count(distinct case when daily.interaction_type = 'purchase' then daily.occurred_date end) > 0
),

segments as (
    select
        recency_score,
        frequency_monetary_score,
        segment
    from {{ ref('rfm_segments') }}
),

measured as (
    select
        purchases.customer_id,
        {{ omniscore.days_between('purchases.last_purchase_date', 'dates.as_of_date') }} as recency_days,
        purchases.frequency,
        purchases.monetary
    from purchases
    cross join {{ ref('int_scoring_dates') }} as dates
),

binned as (
    select
        measured.*,
        {{ omniscore.quintile_with_ties('recency_days', descending=true) }} as recency_score,
        {{ omniscore.quintile_with_ties('frequency') }} as frequency_score,
        {{ omniscore.quintile_with_ties('monetary') }} as monetary_score
    from measured
),

combined as (
    select
        binned.*,
        cast(ceiling((binned.frequency_score + binned.monetary_score) / 2.0) as {{ dbt.type_int() }})
            as frequency_monetary_score
    from binned
),

final as (
    select
        binned.customer_id,
        binned.recency_days,
        binned.frequency,
        binned.monetary,
        binned.recency_score,
        binned.frequency_score,
        binned.monetary_score,
        binned.frequency_monetary_score,
        segments.segment as rfm_segment
    from combined as binned
    left join segments
        on
            binned.recency_score = segments.recency_score
            and binned.frequency_monetary_score = segments.frequency_monetary_score
)

select * from final
