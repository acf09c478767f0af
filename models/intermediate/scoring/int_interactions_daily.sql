{#
    The interaction history the scores read, one row per person, UTC day, channel and
    interaction type: counts, distinct orders, net revenue, social sentiment and support
    ratings. Features, rule points and labels all aggregate this table, so one person's
    fifty page views of a session cost one row, and the daily caps of the engagement
    score apply at its grain.

    Reads the core marts (what BI sees: attribution and erasure already applied) and the
    two staged attributes the fact does not carry (sentiment, satisfaction rating), joined
    by the source row the fact was built from.
#}

with

interactions as (
    select
        customer_id,
        channel,
        interaction_type,
        funnel_stage,
        occurred_date,
        order_id,
        revenue,
        source_file,
        source_line
    from {{ ref('fct_interactions') }}
    where customer_id is not null
),

social as (
    select
        source_file,
        source_line,
        sentiment
    from {{ ref('stg_social__interactions') }}
),

tickets as (
    select
        source_file,
        source_line,
        satisfaction_rating
    from {{ ref('stg_support__tickets') }}
),

enriched as (
    select
        interactions.*,
        social.sentiment,
        case
            when interactions.interaction_type = 'support_resolved' then tickets.satisfaction_rating
        end as satisfaction_rating
    from interactions
    left join social
        on
            interactions.channel = 'social'
            and interactions.source_file = social.source_file
            and interactions.source_line = social.source_line
    left join tickets
        on
            interactions.channel = 'support'
            and interactions.source_file = tickets.source_file
            and interactions.source_line = tickets.source_line
),

final as (
    select
        customer_id,
        occurred_date,
        channel,
        interaction_type,
        funnel_stage,
        count(*) as interaction_count,
        count(distinct order_id) as order_count,
        sum(coalesce(revenue, 0)) as revenue,
        sum(sentiment) as sentiment_sum,
        count(sentiment) as sentiment_count,
        sum(case when satisfaction_rating = 'bad' then 1 else 0 end) as bad_rating_count
    from enriched
    group by customer_id, occurred_date, channel, interaction_type, funnel_stage
)

select * from final
