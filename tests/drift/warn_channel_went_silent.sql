{#
    A channel that went silent: it had interactions before, and none in the latest
    `omniscore__silent_channel_days` days (up to the latest interaction of any channel).
    Its files stopped arriving, arrive empty, or are all set aside. A warning: the other
    channels still build; `dbt source freshness` says whether files stopped landing.
#}

{{ config(severity='warn') }}

with

volumes as (
    select
        channel,
        occurred_date,
        interactions
    from {{ ref('channel_daily_volumes') }}
),

latest_day as (
    select max(occurred_date) as last_date
    from volumes
),

dated as (
    select
        volumes.channel,
        volumes.interactions,
        {{ dbt.datediff('volumes.occurred_date', 'latest_day.last_date', 'day') }}
            as days_before_latest
    from volumes
    cross join latest_day
),

per_channel as (
    select
        channel,
        sum(
            case
                when days_before_latest < {{ var('omniscore__silent_channel_days') }} then interactions
                else 0
            end
        ) as recent_interactions,
        sum(interactions) as all_interactions
    from dated
    group by channel
)

select
    channel,
    all_interactions,
    recent_interactions
from per_channel
where all_interactions > 0 and recent_interactions = 0
