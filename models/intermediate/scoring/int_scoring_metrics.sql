{#
    Evaluation of each regression model version on its training rows and on its holdout
    (the latest labelled window, never fitted on), in model_metrics' long shape:
      - auc: the Mann-Whitney statistic, (sum of the positives' ranks - P(P+1)/2) / (P N),
        tied probabilities taking their average rank;
      - log_loss: mean of -(y ln p + (1 - y) ln(1 - p)), p clipped to [1e-15, 1 - 1e-15];
      - brier_score: mean of (p - y)^2;
      - top_decile_lift: positive rate among the 10 % highest probabilities (ntile 1 of 10)
        over the base rate;
      - base_rate: share of positive labels; mean_predicted: mean probability.
    Calibration by decile is int_scoring_calibration.
#}

with

predictions as (
    select
        model_name,
        model_version,
        split,
        as_of_date,
        customer_id,
        probability,
        label
    from {{ ref('int_model_predictions') }}
    where split in ('train', 'holdout')
),

windows as (
    select
        model_version,
        split,
        min(as_of_date) as window_start_date,
        max(label_window_end_date) as window_end_date
    from {{ ref('model_training_set') }}
    group by model_version, split
),

ranked as (
    select
        predictions.*,
        (
            2 * rank() over (partition by predictions.model_version, predictions.split order by predictions.probability)
            + count(*) over (partition by predictions.model_version, predictions.split, predictions.probability) - 1
        ) / 2.0 as average_rank,
        ntile(10) over (
            partition by predictions.model_version, predictions.split
            order by predictions.probability desc, predictions.as_of_date asc, predictions.customer_id asc
        ) as top_decile
    from predictions
),

summary as (
    select
        model_name,
        model_version,
        split,
        count(*) as row_count,
        sum(label) as positives,
        count(*) - sum(label) as negatives,
        sum(case when label = 1 then average_rank else 0 end) as positive_rank_sum,
        avg(
            -1 * (
                label * ln(least(greatest(probability, 1e-15), 1 - 1e-15))
                + (1 - label) * ln(1 - least(greatest(probability, 1e-15), 1 - 1e-15))
            )
        ) as log_loss,
        avg((probability - label) * (probability - label)) as brier_score,
        avg(label * 1.0) as base_rate,
        avg(probability) as mean_predicted,
        avg(case when top_decile = 1 then label * 1.0 end) as top_decile_rate
    from ranked
    group by model_name, model_version, split
),

metrics as (
    select
        model_name,
        model_version,
        split,
        row_count,
        log_loss,
        brier_score,
        base_rate,
        mean_predicted,
        case
            when positives > 0 and negatives > 0
                then (positive_rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)
        end as auc,
        case when base_rate > 0 then top_decile_rate / base_rate end as top_decile_lift
    from summary
),

long as (
    {%- for metric in ['auc', 'log_loss', 'brier_score', 'top_decile_lift', 'base_rate', 'mean_predicted'] %}
        select
            model_name,
            model_version,
            split,
            '{{ metric }}' as metric_name,
            cast({{ metric }} as double) as metric_value,
            row_count
        from metrics
        {{- " union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        long.model_name,
        long.model_version,
        long.split,
        long.metric_name,
        long.metric_value,
        windows.window_start_date,
        windows.window_end_date,
        long.row_count
    from long
    inner join windows on long.model_version = windows.model_version and long.split = windows.split
)

select * from final
