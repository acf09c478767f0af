{#
    The engagement score's components: per person, channel and interaction type, the rule
    points earned in the `omniscore__engagement_window_days` before the as-of date, after
    daily caps and decay.

    1. Points: interactions x seeds/engagement_points.csv (channel x interaction type;
       a pair the seed does not list earns 0).
    2. Daily cap: a person's points of one interaction type on one day, summed over
       channels, are cut to seeds/engagement_daily_caps.csv's max_points_per_day (types
       without a cap are not cut; negative points are never cut). The cut is shared
       among the day's channels in proportion to their points.
    3. Decay: points of a day `age_days` before the as-of date weigh
       0.5 ^ (age_days / omniscore__engagement_half_life_days).
#}

with

as_of as (
    select as_of_date from {{ ref('int_scoring_dates') }}
),

daily as (
    select
        customer_id,
        occurred_date,
        channel,
        interaction_type,
        interaction_count
    from {{ ref('int_interactions_daily') }}
),

points as (
    select
        channel,
        interaction_type,
        points
    from {{ ref('engagement_points') }}
),

caps as (
    select
        interaction_type,
        max_points_per_day
    from {{ ref('engagement_daily_caps') }}
),

in_window as (
    select
        daily.*,
        {{ omniscore.days_between('daily.occurred_date', 'as_of.as_of_date') }} as age_days,
        daily.interaction_count * coalesce(points.points, 0) as uncapped_points
    from daily
    cross join as_of
    left join points
        on daily.channel = points.channel and daily.interaction_type = points.interaction_type
    where
        daily.occurred_date < as_of.as_of_date
        and daily.occurred_date >= cast(
            {{ dbt.dateadd('day', -1 * var('omniscore__engagement_window_days'), 'as_of.as_of_date') }} as date
        )
),

type_days as (
    select
        customer_id,
        occurred_date,
        interaction_type,
        sum(uncapped_points) as day_points
    from in_window
    group by customer_id, occurred_date, interaction_type
),

capped as (
    select
        in_window.*,
        case
            when caps.max_points_per_day is null or type_days.day_points <= caps.max_points_per_day
                then in_window.uncapped_points
            else in_window.uncapped_points * caps.max_points_per_day / type_days.day_points
        end as capped_points
    from in_window
    inner join type_days
        on
            in_window.customer_id = type_days.customer_id
            and in_window.occurred_date = type_days.occurred_date
            and in_window.interaction_type = type_days.interaction_type
    left join caps on in_window.interaction_type = caps.interaction_type
),

final as (
    select
        customer_id,
        channel,
        interaction_type,
        sum(interaction_count) as interaction_count,
        sum(uncapped_points) as uncapped_points,
        sum(capped_points) as capped_points,
        sum(
            capped_points * power(0.5, age_days * 1.0 / {{ var('omniscore__engagement_half_life_days') }})
        ) as decayed_points,
        max(occurred_date) as last_occurred_date
    from capped
    group by customer_id, channel, interaction_type
)

select * from final
