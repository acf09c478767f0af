-- What suite marts.score_history validates: one row per as-of date of the history with its
-- persons, score ranges and its size against the date before. The first column is the
-- row's key in the report.
with by_date as (
    select
        as_of_date,
        count(*) as row_count,
        min(score_engagement) as score_engagement__min,
        max(score_engagement) as score_engagement__max,
        min(fit_points) as fit_points__min,
        max(fit_points) as fit_points__max,
        least(min(score_propensity), min(score_churn_risk)) as score_probabilities__min,
        greatest(max(score_propensity), max(score_churn_risk)) as score_probabilities__max,
        least(min(rfm_recency_score), min(rfm_frequency_score), min(rfm_monetary_score))
            as rfm_scores__min,
        greatest(max(rfm_recency_score), max(rfm_frequency_score), max(rfm_monetary_score))
            as rfm_scores__max
    from marts.score_history
    group by as_of_date
)

select
    as_of_date::varchar as as_of_date,
    by_date.* exclude (as_of_date),
    row_count::double / lag(row_count) over (order by by_date.as_of_date)
        as row_count__ratio_to_previous,
    (
        select count(*) from marts.customer_scores
        where customer_scores.is_scoreable and customer_scores.as_of_date = by_date.as_of_date
    ) - row_count as row_count__missing_from_scores,
    (by_date.as_of_date = (select max(as_of_date) from marts.customer_scores))::int
        as as_of_date__is_current
from by_date
order by by_date.as_of_date
