{#
    Engagement score 0-100 per person as of the scoring date: the decayed, capped rule
    points of int_engagement_points summed and scaled by saturating_score (k points score
    50), with the same scaling per channel for the sub-scores. The most responsive channel
    is the one with the highest sub-score (ties: alphabetical). Persons without points in
    the window score 0 (in customer_scores).
#}

with

components as (
    select
        customer_id,
        channel,
        decayed_points
    from {{ ref('int_engagement_points') }}
),

by_channel as (
    select
        customer_id,
        channel,
        sum(decayed_points) as channel_points
    from components
    group by customer_id, channel
),

ranked as (
    select
        by_channel.*,
        row_number() over (
            partition by by_channel.customer_id order by by_channel.channel_points desc, by_channel.channel asc
        ) as channel_rank
    from by_channel
),

final as (
    select
        customer_id,
        sum(channel_points) as engagement_points,
        {{ omniscore.saturating_score('sum(channel_points)') }} as score_engagement,
        {%- for channel in omniscore.score_channels() %}
            {{ omniscore.saturating_score(
                'sum(case when channel = \'' ~ channel ~ '\' then channel_points else 0 end)'
            ) }} as score_engagement_{{ channel }},
        {%- endfor %}
        max(case when channel_rank = 1 and channel_points > 0 then channel end) as most_responsive_channel
    from ranked
    group by customer_id
)

select * from final
