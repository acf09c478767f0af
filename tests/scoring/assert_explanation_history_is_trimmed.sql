{#
    score_explanations keeps every component only for the two latest as-of dates; before
    them at most `omniscore__explanation_history_components` per person and score
    (trim_explanation_history). Returns the person-scores of older dates holding more.
#}

with

explanations as (
    select
        as_of_date,
        customer_id,
        score_name,
        component_rank
    from {{ ref('score_explanations') }}
),

latest_dates as (
    select distinct as_of_date
    from explanations
    order by as_of_date desc
    limit 2
),

older as (
    select
        as_of_date,
        customer_id,
        score_name,
        count(*) as components,
        max(component_rank) as lowest_rank
    from explanations
    where as_of_date < (select min(latest_dates.as_of_date) from latest_dates)
    group by as_of_date, customer_id, score_name
)

select *
from older
where
    components > {{ var('omniscore__explanation_history_components') }}
    or lowest_rank > {{ var('omniscore__explanation_history_components') }}
