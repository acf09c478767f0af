{#
    Each profiling-consented customer's predicted value under the `scoring` fit, in SQL over
    the fitted parameters where closed forms exist:

    - P(alive) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))
      (Fader, Hardie & Lee 2005), T and t_x in weeks;
    - expected order value (Gamma-Gamma): (q - 1) / (p x + q - 1) * p gamma / (q - 1)
      + p x / (p x + q - 1) * m, shrinking the customer's mean repeat value m towards the
      population mean (x = 0: the population mean);
    - CLV = margin * expected order value * sum over months i = 1 .. horizon of
      (E[purchases by month i] - E[purchases by month i - 1]) / (1 + monthly rate)^i.
    Expected purchases (needing 2F1) come from int_clv_expected_purchases.
#}

with

fits as (
    select
        model_version,
        window_name,
        r,
        alpha,
        a,
        b,
        p,
        q,
        gamma
    from {{ ref('int_clv_model_fits') }}
    where window_name = 'scoring'
),

summaries as (
    select
        customer_id,
        window_name,
        repeat_purchase_days,
        recency_weeks,
        age_weeks,
        mean_repeat_order_value
    from {{ ref('int_clv_customer_summaries') }}
    where window_name = 'scoring' and is_fit_eligible
),

expected_purchases as (
    select
        customer_id,
        model_version,
        horizon_unit,
        horizon_length,
        expected_purchases
    from {{ ref('int_clv_expected_purchases') }}
    where window_name = 'scoring'
),

day_windows as (
    select
        customer_id,
        model_version,
        max(case when horizon_length = 30 then expected_purchases end) as expected_purchases_30d,
        max(case when horizon_length = 90 then expected_purchases end) as expected_purchases_90d,
        max(case when horizon_length = 365 then expected_purchases end) as expected_purchases_365d
    from expected_purchases
    where horizon_unit = 'days'
    group by customer_id, model_version
),

monthly_increments as (
    select
        customer_id,
        model_version,
        horizon_length as month_number,
        expected_purchases - coalesce(
            lag(expected_purchases) over (
                partition by customer_id, model_version order by horizon_length
            ),
            0
        ) as month_purchases
    from expected_purchases
    where
        horizon_unit = 'months'
        and horizon_length <= {{ var('omniscore__clv_horizon_months') }}
),

discounted_purchases as (
    select
        customer_id,
        model_version,
        sum(
            month_purchases
            / power(1 + {{ var('omniscore__clv_monthly_discount_rate') }}, month_number)
        ) as discounted_purchases
    from monthly_increments
    group by customer_id, model_version
),

valued as (
    select
        summaries.customer_id,
        fits.model_version,
        day_windows.expected_purchases_30d,
        day_windows.expected_purchases_90d,
        day_windows.expected_purchases_365d,
        discounted_purchases.discounted_purchases,
        case
            when summaries.repeat_purchase_days = 0 then 1.0
            else 1.0 / (
                1.0
                + fits.a / (fits.b + summaries.repeat_purchase_days - 1)
                * power(
                    (fits.alpha + summaries.age_weeks) / (fits.alpha + summaries.recency_weeks),
                    fits.r + summaries.repeat_purchase_days
                )
            )
        end as p_alive,
        (fits.q - 1) / (fits.p * summaries.repeat_purchase_days + fits.q - 1)
        * (fits.p * fits.gamma / (fits.q - 1))
        + (fits.p * summaries.repeat_purchase_days)
        / (fits.p * summaries.repeat_purchase_days + fits.q - 1)
        * coalesce(summaries.mean_repeat_order_value, 0) as expected_order_value
    from summaries
    cross join fits
    left join day_windows
        on
            summaries.customer_id = day_windows.customer_id
            and fits.model_version = day_windows.model_version
    left join discounted_purchases
        on
            summaries.customer_id = discounted_purchases.customer_id
            and fits.model_version = discounted_purchases.model_version
),

final as (
    select
        -- keys
        customer_id,
        model_version,
        -- predictions
        p_alive,
        expected_purchases_30d,
        expected_purchases_90d,
        expected_purchases_365d,
        expected_order_value,
        {{ var('omniscore__clv_margin') }} * expected_order_value * discounted_purchases as clv
    from valued
)

select * from final
