{#
    The calibration / holdout table of the lifetime-value model (model_calibration contract,
    docs/architecture.md): the `calibration` fit (purchases before as-of - holdout days)
    predicts each customer's repeat purchase days in the holdout [calibration end, as-of);
    per bucket of calibration-period frequency x (0, 1, ..., 6, 7+, as in Fader, Hardie &
    Lee 2005, figure 4), the mean predicted and the mean observed.
#}

with

fits as (
    select
        model_name,
        model_version
    from {{ ref('int_clv_model_fits') }}
    where window_name = 'calibration'
),

summaries as (
    select
        customer_id,
        repeat_purchase_days,
        holdout_purchase_days
    from {{ ref('int_clv_customer_summaries') }}
    where window_name = 'calibration' and is_fit_eligible
),

expected_purchases as (
    select
        customer_id,
        model_version,
        expected_purchases
    from {{ ref('int_clv_expected_purchases') }}
    where window_name = 'calibration'
),

bucketed as (
    select
        fits.model_name,
        fits.model_version,
        expected_purchases.expected_purchases,
        summaries.holdout_purchase_days,
        least(summaries.repeat_purchase_days, 7) + 1 as bucket
    from summaries
    inner join expected_purchases on summaries.customer_id = expected_purchases.customer_id
    inner join fits on expected_purchases.model_version = fits.model_version
),

final as (
    select
        cast(model_name as {{ dbt.type_string() }}) as model_name,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast('holdout' as {{ dbt.type_string() }}) as split,
        cast(bucket as {{ dbt.type_int() }}) as bucket,
        cast(
            case when bucket = 8 then '7+' else cast(bucket - 1 as {{ dbt.type_string() }}) end
            as {{ dbt.type_string() }}
        ) as bucket_label,
        cast(count(*) as {{ dbt.type_bigint() }}) as row_count,
        cast(avg(expected_purchases) as double) as mean_predicted,
        cast(avg(holdout_purchase_days) as double) as mean_observed
    from bucketed
    group by model_name, model_version, bucket
)

select * from final
