-- What suite marts.model_calibration validates: one row per live model version (the
-- versions customer_scores and customer_value use) and split, summarising its buckets.
-- Regressions: expected calibration error (row-weighted mean |predicted - observed| over
-- the deciles) and the largest decile gap; lifetime value: predicted over observed holdout
-- purchases. The first column is the row's key in the report.
with live_versions as (
    -- The versions marts.model_versions_in_use lists: scoring people today, or lifetime
    -- value's holdout evidence.
    select model_version from marts.model_versions_in_use
)

select
    model_name || ' / ' || split as row_key,
    model_name,
    model_version,
    split,
    case when model_name = 'clv_bgnbd_gamma_gamma' then 'lifetime_value'
        else 'regression' end as model_family,
    count(*) as bucket_count,
    sum(row_count) as row_count,
    sum(row_count * abs(mean_predicted - mean_observed)) / nullif(sum(row_count), 0)
        as calibration_error,
    max(abs(mean_predicted - mean_observed)) as decile_gap__max,
    sum(row_count * mean_predicted) / nullif(sum(row_count * mean_observed), 0)
        as predicted_to_observed
from marts.model_calibration
where model_version in (select live_versions.model_version from live_versions)
group by model_name, model_version, split
order by row_key
