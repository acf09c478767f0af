{#
    The furthest funnel stage each person reached before the as-of date: the highest
    stage_order of seeds/funnel_stages.csv among the funnel stages of their interactions
    (seeds/interaction_taxonomy.csv), where a stage marked `requires_purchase` (retention,
    advocacy) counts only for persons who have bought: a login or a like before any
    purchase does not make a retained customer.
#}

with

daily as (
    select
        daily.customer_id,
        daily.funnel_stage,
        daily.interaction_type
    from {{ ref('int_interactions_daily') }} as daily
    cross join {{ ref('int_scoring_dates') }} as dates
    where daily.occurred_date < dates.as_of_date
),

stages as (
    select
        funnel_stage,
        stage_order,
        requires_purchase
    from {{ ref('funnel_stages') }}
),

buyers as (
    select distinct customer_id
    from daily
    where interaction_type = 'purchase'
),

reached as (
    select
        daily.customer_id,
        max(
            case
                when not stages.requires_purchase or buyers.customer_id is not null then stages.stage_order
                else (select min(first_stage.stage_order) from stages as first_stage)
            end
        ) as stage_order
    from daily
    inner join stages on daily.funnel_stage = stages.funnel_stage
    left join buyers on daily.customer_id = buyers.customer_id
    group by daily.customer_id
),

final as (
    select
        reached.customer_id,
        stages.funnel_stage as funnel_stage_reached,
        reached.stage_order as funnel_stage_order
    from reached
    inner join stages on reached.stage_order = stages.stage_order
)

select * from final
