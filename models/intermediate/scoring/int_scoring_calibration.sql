{#
    Calibration of each regression model version by decile of predicted probability
    (bucket 1 = the lowest tenth): mean predicted probability against the observed rate,
    on training and holdout rows, in model_calibration's shape.
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

bucketed as (
    select
        predictions.*,
        ntile(10) over (
            partition by predictions.model_version, predictions.split
            order by predictions.probability, predictions.as_of_date, predictions.customer_id
        ) as bucket
    from predictions
),

final as (
    select
        model_name,
        model_version,
        split,
        bucket,
        {{ dbt.concat(["'decile '", dbt.cast('bucket', dbt.type_string())]) }} as bucket_label,
        count(*) as row_count,
        avg(probability) as mean_predicted,
        avg(label * 1.0) as mean_observed
    from bucketed
    group by model_name, model_version, split, bucket
)

select * from final
