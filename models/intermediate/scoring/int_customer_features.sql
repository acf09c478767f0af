{#
    Point-in-time features: one row per (as-of date, person) for every as-of date of
    int_scoring_snapshots, from what happened strictly before the as-of date
    (occurred_date < as_of_date; `age_days` = days before it, 1 = the day before). The
    persons of a date are those first seen before it. The same model serves the training
    snapshots and today's scores, so what a model was fitted on and what it scores are
    computed alike.

    Recency features are capped at 365 days (also for "never"). Rates are 0 when their
    denominator is. Every window is at most a year, so each snapshot reads only the year of
    days before it (its cost does not grow with the length of the history); the lifetime
    purchase count, the one exception, reads only purchase days. Profile completeness and marketing consent come from today's golden
    record (the CRM export keeps only the latest version of a contact): they look ahead (a
    prospect who buys fills in the profile at checkout), so they feed the fit grade of
    today's scores but no regression (seeds/score_features.csv lists them for no model).
    Identity has the same look-ahead in a milder form: an anonymous visitor's earlier
    browsing joins their person once they identify. Everything derived from interactions
    is point in time:
    `last_interaction_date_used`, the latest day any aggregate saw, is checked against the
    as-of date (tests/scoring/assert_features_see_only_the_past.sql) and a unit test puts
    interactions on and after the as-of date and expects none of them counted.
#}

{%- set windows = [7, 30, 90] %}
{%- set horizon_days = 365 %}

with

snapshots as (
    select distinct as_of_date from {{ ref('int_scoring_snapshots') }}
),

daily as (
    select
        customer_id,
        occurred_date,
        channel,
        interaction_type,
        interaction_count,
        order_count,
        revenue,
        sentiment_sum,
        sentiment_count,
        bad_rating_count
    from {{ ref('int_interactions_daily') }}
),

customers as (
    select
        customer_id,
        cast(first_seen_at as date) as first_seen_date,
        (
            case when first_name is not null or last_name is not null then 1 else 0 end
            + case when email_key is not null then 1 else 0 end
            + case when phone_key is not null then 1 else 0 end
            + case when city is not null then 1 else 0 end
            + case when birth_date is not null then 1 else 0 end
        ) / 5.0 as profile_completeness,
        case when is_marketing_consented then 1 else 0 end as is_marketing_consented
    from {{ ref('dim_customers') }}
),

population as (
    select
        customers.*,
        snapshots.as_of_date
    from customers
    inner join snapshots on customers.first_seen_date < snapshots.as_of_date
),

{# One row per person and day with activity, as flags and sums; windows then add days
   up instead of counting distinct dates. #}
days as (
    select
        customer_id,
        occurred_date,
        max(case when interaction_type = 'purchase' then 1 else 0 end) as is_purchase_day,
        {#- Engaged: the person did something; an email or push sent to them, or bounced, is not. #}
        max(
            case when interaction_type not in ('message_received', 'message_bounced') then 1 else 0 end
        ) as is_engaged_day,
        {%- for channel in omniscore.score_channels() %}
            max(case when channel = '{{ channel }}' then 1 else 0 end) as is_{{ channel }}_day,
        {%- endfor %}
        {#- A cart day is abandoned when the person put something in a cart or began a
            checkout that day and bought nothing that day. #}
        max(case when interaction_type in ('add_to_cart', 'checkout_started') then 1 else 0 end) as is_cart_day,
        sum(case when interaction_type in ('purchase', 'return') then revenue else 0 end) as net_revenue,
        sum(case when interaction_type = 'purchase' then order_count else 0 end) as orders,
        sum(case when interaction_type = 'return' then interaction_count else 0 end) as return_count,
        sum(case when interaction_type = 'add_to_cart' then interaction_count else 0 end) as cart_adds,
        {%- for interaction_type, name in [
            ('message_received', 'emails_received'),
            ('message_opened', 'emails_opened'),
            ('message_clicked', 'emails_clicked'),
        ] %}
            sum(
                case
                    when channel = 'email' and interaction_type = '{{ interaction_type }}' then interaction_count
                    else 0
                end
            ) as {{ name }},
        {%- endfor %}
        sum(case when interaction_type = 'support_ticket' then interaction_count else 0 end) as support_tickets,
        sum(bad_rating_count) as bad_ratings,
        sum(sentiment_sum) as sentiment_sum,
        sum(sentiment_count) as sentiment_count
    from daily
    group by customer_id, occurred_date
),

history as (
    select
        days.*,
        snapshots.as_of_date,
        {{ omniscore.days_between('days.occurred_date', 'snapshots.as_of_date') }} as age_days
    from days
    inner join snapshots
        on
            days.occurred_date < snapshots.as_of_date
            and days.occurred_date >= {{ dbt.dateadd('day', -horizon_days, 'snapshots.as_of_date') }}
),

lifetime_purchases as (
    select
        snapshots.as_of_date,
        days.customer_id,
        count(*) as purchase_days_total,
        max(days.occurred_date) as last_purchase_date
    from days
    inner join snapshots on days.occurred_date < snapshots.as_of_date
    where days.is_purchase_day = 1
    group by snapshots.as_of_date, days.customer_id
),

activity as (
    select
        as_of_date,
        customer_id,
        max(occurred_date) as last_interaction_date_used,
        min(age_days) as days_since_last_interaction,
        min(case when is_purchase_day = 1 then age_days end) as days_since_last_purchase,
        min(case when is_engaged_day = 1 then age_days end) as days_since_last_engaged,
        sum(case when age_days <= 30 then is_engaged_day else 0 end) as engaged_days_30d,
        sum(case when age_days <= 90 then is_engaged_day else 0 end) as engaged_days_90d,
        {%- for window in [30, 90, 365] %}
            sum(case when age_days <= {{ window }} then is_purchase_day else 0 end) as purchase_days_{{ window }}d,
        {%- endfor %}
        sum(case when age_days <= 365 then net_revenue else 0 end) as net_revenue_365d,
        sum(case when age_days <= 365 then orders else 0 end) as orders_365d,
        sum(case when age_days <= 365 then return_count else 0 end) as returns_365d,
        sum(case when age_days <= 30 then 1 else 0 end) as active_days_30d,
        (
            {%- for channel in omniscore.score_channels() %}
                max(case when age_days <= 90 then is_{{ channel }}_day else 0 end){{ " +" if not loop.last }}
            {%- endfor %}
        ) as channels_90d,
        {%- for channel in omniscore.score_channels() %}
            {%- for window in windows %}
                sum(case when age_days <= {{ window }} then is_{{ channel }}_day else 0 end)
                    as {{ channel }}_days_{{ window }}d,
            {%- endfor %}
        {%- endfor %}
        sum(case when age_days <= 30 then cart_adds else 0 end) as cart_adds_30d,
        sum(case when age_days <= 90 then is_cart_day else 0 end) as cart_days_90d,
        sum(case when age_days <= 90 and is_purchase_day = 0 then is_cart_day else 0 end)
            as abandoned_cart_days_90d,
        {%- for name in ['emails_received', 'emails_opened', 'emails_clicked', 'support_tickets'] %}
            sum(case when age_days <= 90 then {{ name }} else 0 end) as {{ name }}_90d,
        {%- endfor %}
        sum(case when age_days <= 365 then bad_ratings else 0 end) as bad_ratings_365d,
        sum(case when age_days <= 90 then sentiment_sum end) as sentiment_sum_90d,
        sum(case when age_days <= 90 then sentiment_count else 0 end) as sentiment_count_90d
    from history
    group by as_of_date, customer_id
),

final as (
    select
        -- keys
        population.as_of_date,
        population.customer_id,
        -- features
        {{ omniscore.days_between('population.first_seen_date', 'population.as_of_date') }} as tenure_days,
        least(coalesce(activity.days_since_last_interaction, 365), 365) as days_since_last_interaction,
        least(coalesce(activity.days_since_last_purchase, 365), 365) as days_since_last_purchase,
        least(coalesce(activity.days_since_last_engaged, 365), 365) as days_since_last_engaged,
        coalesce(activity.engaged_days_30d, 0) as engaged_days_30d,
        coalesce(activity.engaged_days_90d, 0) as engaged_days_90d,
        {#- Purchases a buyer "missed" since the last one at their own yearly pace: the quantity
            behind P(alive) in buy-till-you-die models (long silence from a frequent buyer). #}
        coalesce(
            activity.days_since_last_purchase * activity.purchase_days_365d / 365.0, 0
        ) as purchases_missed_since_last,
        {%- for window in [30, 90, 365] %}
            coalesce(activity.purchase_days_{{ window }}d, 0) as purchase_days_{{ window }}d,
        {%- endfor %}
        coalesce(lifetime_purchases.purchase_days_total, 0) as purchase_days_total,
        coalesce(activity.net_revenue_365d, 0) as net_revenue_365d,
        case
            when activity.orders_365d > 0 then greatest(activity.net_revenue_365d, 0) / activity.orders_365d
            else 0
        end as avg_order_value_365d,
        coalesce(activity.returns_365d, 0) as returns_365d,
        coalesce(activity.active_days_30d, 0) as active_days_30d,
        coalesce(activity.channels_90d, 0) as channels_90d,
        {%- for channel in omniscore.score_channels() %}
            {%- for window in windows %}
                coalesce(activity.{{ channel }}_days_{{ window }}d, 0) as {{ channel }}_days_{{ window }}d,
            {%- endfor %}
        {%- endfor %}
        coalesce(activity.cart_adds_30d, 0) as cart_adds_30d,
        case
            when activity.cart_days_90d > 0 then activity.abandoned_cart_days_90d * 1.0 / activity.cart_days_90d
            else 0
        end as cart_abandonment_rate_90d,
        case
            when activity.emails_received_90d > 0
                then least(activity.emails_opened_90d * 1.0 / activity.emails_received_90d, 1)
            else 0
        end as email_open_rate_90d,
        case
            when activity.emails_received_90d > 0
                then least(activity.emails_clicked_90d * 1.0 / activity.emails_received_90d, 1)
            else 0
        end as email_click_rate_90d,
        coalesce(activity.support_tickets_90d, 0) as support_tickets_90d,
        coalesce(activity.bad_ratings_365d, 0) as bad_ratings_365d,
        case
            when activity.sentiment_count_90d > 0 then activity.sentiment_sum_90d / activity.sentiment_count_90d
            else 0
        end as social_sentiment_90d,
        population.profile_completeness,
        population.is_marketing_consented,
        -- metadata (not model inputs)
        lifetime_purchases.customer_id is not null as has_purchased,
        {#- Checked by the leakage test: the latest day any aggregate read. #}
        case
            when
                activity.last_interaction_date_used is null
                or lifetime_purchases.last_purchase_date > activity.last_interaction_date_used
                then lifetime_purchases.last_purchase_date
            else activity.last_interaction_date_used
        end as last_interaction_date_used
    from population
    left join activity
        on population.as_of_date = activity.as_of_date and population.customer_id = activity.customer_id
    left join lifetime_purchases
        on
            population.as_of_date = lifetime_purchases.as_of_date
            and population.customer_id = lifetime_purchases.customer_id
)

select * from final
