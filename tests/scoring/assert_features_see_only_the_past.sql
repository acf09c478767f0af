{#
    No feature sees an interaction on or after its as-of date: for every snapshot row, the
    latest interaction day that fed any aggregate is before the as-of date, and no label of
    the training set is computed from a day before its as-of date (labels look only at
    [as_of_date, label_window_end_date)).
#}

select
    'feature' as leak,
    as_of_date,
    customer_id,
    last_interaction_date_used as offending_date
from {{ ref('int_customer_features') }}
where last_interaction_date_used >= as_of_date

union all

select
    'label window' as leak,
    as_of_date,
    customer_id,
    label_window_end_date as offending_date
from {{ ref('model_training_set') }}
where label_window_end_date <= as_of_date
