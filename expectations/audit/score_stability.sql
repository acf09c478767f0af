-- What suite audit.score_stability validates: the population stability index of each
-- score between the two latest as-of dates of score_history (audit.score_stability keeps
-- every pair for BI), one row with a column per score. No row when the history holds a
-- single date. The first column is the row's key in the report.
select
    max(from_date)::varchar || ' -> ' || max(to_date)::varchar as date_pair,
    max(psi) filter (where score_name = 'engagement') as score_engagement__psi,
    max(psi) filter (where score_name = 'fit_points') as fit_points__psi,
    max(psi) filter (where score_name = 'propensity') as score_propensity__psi,
    max(psi) filter (where score_name = 'churn_risk') as score_churn_risk__psi
from audit.score_stability
where to_date = (select max(to_date) from audit.score_stability)
having count(*) > 0
