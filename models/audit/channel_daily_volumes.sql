{#
    Interactions per channel per UTC day, with the mean and standard deviation of the
    `omniscore__volume_trailing_days` days before it, and whether the day's count lies
    outside mean ± `omniscore__volume_sd_threshold` standard deviations. Days run from a
    channel's first interaction to the latest interaction of any channel, and a day without
    rows counts as 0, so a channel that stopped shows its empty days. A day is judged only
    with at least `omniscore__volume_min_history_days` days before it.
    BI charts it; tests/drift reads its latest day (volume anomaly, silent channel).
#}

with

interactions as (
    select
        channel,
        occurred_date
    from {{ ref('fct_interactions') }}
),

daily_counts as (
    select
        channel,
        occurred_date,
        count(*) as interactions
    from interactions
    group by channel, occurred_date
),

latest_day as (
    select max(occurred_date) as last_date
    from daily_counts
),

channel_ranges as (
    select
        daily_counts.channel,
        min(daily_counts.occurred_date) as first_date,
        max(latest_day.last_date) as last_date
    from daily_counts
    cross join latest_day
    group by daily_counts.channel
),

day_offsets as (
    select
        channel,
        first_date,
        {{ omniscore.explode_range(0, dbt.datediff('first_date', 'last_date', 'day')) }} as day_offset
    from channel_ranges
),

channel_days as (
    select
        channel,
        cast({{ dbt.dateadd('day', 'day_offset', 'first_date') }} as date) as occurred_date
    from day_offsets
),

volumes as (
    select
        channel_days.channel,
        channel_days.occurred_date,
        coalesce(daily_counts.interactions, 0) as interactions
    from channel_days
    left join daily_counts
        on
            channel_days.channel = daily_counts.channel
            and channel_days.occurred_date = daily_counts.occurred_date
),

trailing_stats as (
    select
        channel,
        occurred_date,
        interactions,
        count(*) over (
            partition by channel order by occurred_date
            rows between {{ var('omniscore__volume_trailing_days') }} preceding and 1 preceding
        ) as trailing_days,
        avg(interactions) over (
            partition by channel order by occurred_date
            rows between {{ var('omniscore__volume_trailing_days') }} preceding and 1 preceding
        ) as trailing_mean,
        stddev_samp(interactions) over (
            partition by channel order by occurred_date
            rows between {{ var('omniscore__volume_trailing_days') }} preceding and 1 preceding
        ) as trailing_sd
    from volumes
),

final as (
    select
        -- keys
        trailing_stats.channel,
        trailing_stats.occurred_date,
        -- measures
        trailing_stats.interactions,
        trailing_stats.trailing_days,
        trailing_stats.trailing_mean,
        trailing_stats.trailing_sd,
        -- attributes
        trailing_stats.occurred_date = latest_day.last_date as is_latest_day,
        coalesce(
            trailing_stats.trailing_days >= {{ var('omniscore__volume_min_history_days') }}
            and abs(trailing_stats.interactions - trailing_stats.trailing_mean)
            > {{ var('omniscore__volume_sd_threshold') }} * coalesce(trailing_stats.trailing_sd, 0),
            false
        ) as is_anomalous
    from trailing_stats
    cross join latest_day
)

select * from final
