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

per_channel as (
    select
        volumes.channel,
        sum(
            case
                when {{ dbt.datediff('volumes.occurred_date', 'latest_day.last_date', 'day') }}
                    < {{ var('omniscore__silent_channel_days') }}
                    then volumes.interactions
                else 0
            end
        ) as recent_interactions,
        sum(volumes.interactions) as all_interactions
    from volumes
    cross join latest_day
    group by volumes.channel
)

select
    channel,
    all_interactions,
    recent_interactions
from per_channel
where all_interactions > 0 and recent_interactions = 0
