{#
    Evaluation of the lifetime-value model in the model_metrics shape (docs/architecture.md):
    - `train`, per fit: the BG/NBD and Gamma-Gamma log-likelihoods, and the correlation
      between frequency and mean spend of repeat customers (Gamma-Gamma assumes none);
      window = the fit's calibration window [start, end);
    - `holdout`, for the `calibration` fit: errors of its predicted repeat purchase days per
      customer in the holdout [calibration end, as-of) against the actual ones.
#}

with

fits as (
    select
        model_name,
        model_version,
        window_name,
        calibration_start_date,
        calibration_end_date,
        row_count,
        bgnbd_log_likelihood,
        gamma_gamma_row_count,
        gamma_gamma_log_likelihood
    from {{ ref('int_clv_model_fits') }}
),

scoring_dates as (
    select as_of_date from {{ ref('int_scoring_dates') }}
),

summaries as (
    select
        customer_id,
        window_name,
        repeat_purchase_days,
        mean_repeat_order_value,
        holdout_purchase_days
    from {{ ref('int_clv_customer_summaries') }}
    where is_fit_eligible
),

expected_purchases as (
    select
        customer_id,
        model_version,
        expected_purchases
    from {{ ref('int_clv_expected_purchases') }}
    where window_name = 'calibration'
),

spend_correlations as (
    select
        window_name,
        corr(repeat_purchase_days, mean_repeat_order_value) as spend_frequency_correlation
    from summaries
    where repeat_purchase_days > 0 and mean_repeat_order_value > 0
    group by window_name
),

train_metrics as (
    select
        fits.model_name,
        fits.model_version,
        fits.calibration_start_date as window_start_date,
        fits.calibration_end_date as window_end_date,
        fits.row_count,
        'bgnbd_log_likelihood' as metric_name,
        fits.bgnbd_log_likelihood as metric_value
    from fits
    union all
    select
        fits.model_name,
        fits.model_version,
        fits.calibration_start_date as window_start_date,
        fits.calibration_end_date as window_end_date,
        fits.gamma_gamma_row_count as row_count,
        'gamma_gamma_log_likelihood' as metric_name,
        fits.gamma_gamma_log_likelihood as metric_value
    from fits
    union all
    select
        fits.model_name,
        fits.model_version,
        fits.calibration_start_date as window_start_date,
        fits.calibration_end_date as window_end_date,
        fits.gamma_gamma_row_count as row_count,
        'spend_frequency_correlation' as metric_name,
        spend_correlations.spend_frequency_correlation as metric_value
    from fits
    inner join spend_correlations on fits.window_name = spend_correlations.window_name
),

holdout_pairs as (
    select
        fits.model_name,
        fits.model_version,
        fits.calibration_end_date as window_start_date,
        scoring_dates.as_of_date as window_end_date,
        expected_purchases.expected_purchases as predicted,
        summaries.holdout_purchase_days as observed
    from fits
    cross join scoring_dates
    inner join expected_purchases on fits.model_version = expected_purchases.model_version
    inner join summaries
        on
            expected_purchases.customer_id = summaries.customer_id
            and summaries.window_name = 'calibration'
    where fits.window_name = 'calibration'
),

holdout_summary as (
    select
        model_name,
        model_version,
        window_start_date,
        window_end_date,
        count(*) as row_count,
        avg(abs(predicted - observed)) as mean_absolute_error,
        sqrt(avg((predicted - observed) * (predicted - observed))) as root_mean_squared_error,
        sum(predicted) as total_predicted_purchases,
        sum(observed) as total_observed_purchases,
        corr(predicted, observed) as prediction_correlation
    from holdout_pairs
    group by model_name, model_version, window_start_date, window_end_date
),

holdout_metrics as (
    {%- for metric in [
        'mean_absolute_error', 'root_mean_squared_error', 'total_predicted_purchases',
        'total_observed_purchases', 'prediction_correlation',
    ] %}
        select
            model_name,
            model_version,
            window_start_date,
            window_end_date,
            row_count,
            '{{ metric }}' as metric_name,
            {{ metric }} as metric_value
        from holdout_summary
        {{- "\n    union all" if not loop.last }}
    {%- endfor %}
),

unioned as (
    select
        *,
        'train' as split
    from train_metrics
    union all
    select
        *,
        'holdout' as split
    from holdout_metrics
),

final as (
    select
        cast(model_name as {{ dbt.type_string() }}) as model_name,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(split as {{ dbt.type_string() }}) as split,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(metric_value as double) as metric_value,
        cast(window_start_date as date) as window_start_date,
        cast(window_end_date as date) as window_end_date,
        cast(row_count as {{ dbt.type_bigint() }}) as row_count
    from unioned
)

select * from final
