{#
    No feature sees an interaction on or after its as-of date, and no training label sees
    the holdout: for every snapshot row, the latest interaction day that fed any aggregate
    is before the as-of date; for every model version, every training label window ends
    by the holdout's as-of date (so nothing of the holdout period is fitted on).
#}

with

training_windows as (
    select
        model_version,
        max(label_window_end_date) as last_training_label_end
    from {{ ref('model_training_set') }}
    where split = 'train'
    group by model_version
),

holdout_dates as (
    select
        model_version,
        min(as_of_date) as holdout_as_of_date
    from {{ ref('model_training_set') }}
    where split = 'holdout'
    group by model_version
)

select
    'feature' as leak,
    as_of_date as checked_date,
    customer_id as detail,
    last_interaction_date_used as offending_date
from {{ ref('int_customer_features') }}
where last_interaction_date_used >= as_of_date

union all

select
    'training label window reaches the holdout' as leak,
    holdout_dates.holdout_as_of_date as checked_date,
    training_windows.model_version as detail,
    training_windows.last_training_label_end as offending_date
from training_windows
inner join holdout_dates on training_windows.model_version = holdout_dates.model_version
where training_windows.last_training_label_end > holdout_dates.holdout_as_of_date
