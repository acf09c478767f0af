-- What suite marts.model_metrics validates: one row per live model version (the versions
-- customer_scores and customer_value use) and split, with its metrics as columns. Older
-- versions stay in model_metrics for BI; only the ones scoring people today are judged.
-- The first column is the row's key in the report.
with live_versions as (
    -- The versions marts.model_versions_in_use lists: scoring people today, or lifetime
    -- value's holdout evidence.
    select model_version from marts.model_versions_in_use
),

metrics as (
    select *
    from marts.model_metrics
    where model_version in (select live_versions.model_version from live_versions)
),

by_split as (
    select
        model_name,
        model_version,
        split,
        case when count(*) filter (where metric_name = 'auc') > 0 then 'regression'
            else 'lifetime_value' end as model_family,
        max(row_count) as row_count,
        max(metric_value) filter (where metric_name = 'auc') as auc,
        max(metric_value) filter (where metric_name = 'log_loss') as log_loss,
        max(metric_value) filter (where metric_name = 'brier_score') as brier_score,
        max(metric_value) filter (where metric_name = 'top_decile_lift') as top_decile_lift,
        max(metric_value) filter (where metric_name = 'base_rate') as base_rate,
        max(metric_value) filter (where metric_name = 'mean_predicted') as mean_predicted,
        max(metric_value) filter (where metric_name = 'prediction_correlation')
            as prediction_correlation,
        max(metric_value) filter (where metric_name = 'total_predicted_purchases')
        / nullif(max(metric_value) filter (where metric_name = 'total_observed_purchases'), 0)
            as purchases__predicted_to_observed,
        max(metric_value) filter (where metric_name = 'spend_frequency_correlation')
            as spend_frequency_correlation
    from metrics
    group by model_name, model_version, split
)

select
    model_name || ' / ' || split as row_key,
    *,
    case when split = 'holdout' then
        max(auc) filter (where split = 'train') over (partition by model_version) - auc
    end as auc__train_minus_holdout
from by_split
order by row_key
