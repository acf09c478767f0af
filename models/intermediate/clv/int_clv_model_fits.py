"""BG/NBD and Gamma-Gamma fitted by maximum likelihood, one row per fitting window.

Reads int_clv_customer_summaries (profiling-consented customers only) and fits each window
(`scoring`, `calibration`) with omniscore.clv.fit_clv_models, the same function any other
runtime calls. A window too small to fit (fewer customers than
`omniscore__clv_min_customers`, fewer repeat customers with a positive spend than
`omniscore__clv_min_repeat_customers`, or no optimum) writes no row: no parameters version,
and customer_value's values are null with reason `model_not_fitted`.
"""

from __future__ import annotations

import logging

import pandas as pd

from omniscore import clv

log = logging.getLogger("omniscore.clv")

COLUMNS = {
    "model_name": "str",
    "model_version": "str",
    "window_name": "str",
    "calibration_start_date": "datetime64[us]",
    "calibration_end_date": "datetime64[us]",
    "time_unit": "str",
    "row_count": "int64",
    "r": "float64",
    "alpha": "float64",
    "a": "float64",
    "b": "float64",
    "bgnbd_log_likelihood": "float64",
    "gamma_gamma_row_count": "int64",
    "p": "float64",
    "q": "float64",
    "gamma": "float64",
    "gamma_gamma_log_likelihood": "float64",
    "spend_heterogeneity": "float64",
    "is_gamma_gamma_at_boundary": "bool",
}


def model(dbt, session):
    dbt.config(materialized="table")
    rules = clv.FitRules(
        min_customers=int(dbt.config.get("clv_min_customers")),
        min_repeat_customers=int(dbt.config.get("clv_min_repeat_customers")),
    )
    summaries = dbt.ref("int_clv_customer_summaries").df()
    summaries = summaries[summaries["is_fit_eligible"]]
    rows = []
    for window_name, window in summaries.groupby("window_name", sort=True):
        frame = pd.DataFrame(
            {
                "frequency": window["repeat_purchase_days"].astype("float64"),
                "recency": window["recency_weeks"].astype("float64"),
                "T": window["age_weeks"].astype("float64"),
                "monetary_value": window["mean_repeat_order_value"].astype("float64"),
            }
        )
        end = pd.Timestamp(window["window_end_date"].iloc[0]).date()
        try:
            fit = clv.fit_clv_models(frame, rules)
        except clv.InsufficientDataError as error:
            log.warning("CLV %s window ending %s not fitted: %s", window_name, end, error)
            continue
        settings = {
            "window": window_name,
            "min_customers": rules.min_customers,
            "min_repeat_customers": rules.min_repeat_customers,
        }
        bgnbd, spend = fit.bgnbd.params, fit.gamma_gamma.params
        rows.append(
            {
                "model_name": clv.MODEL_NAME,
                "model_version": clv.model_version(end, settings),
                "window_name": window_name,
                "calibration_start_date": pd.Timestamp(window["first_purchase_date"].min()),
                "calibration_end_date": pd.Timestamp(end),
                "time_unit": clv.TIME_UNIT,
                "row_count": fit.bgnbd.row_count,
                "r": bgnbd.r,
                "alpha": bgnbd.alpha,
                "a": bgnbd.a,
                "b": bgnbd.b,
                "bgnbd_log_likelihood": fit.bgnbd.log_likelihood,
                "gamma_gamma_row_count": fit.gamma_gamma.row_count,
                "p": spend.p,
                "q": spend.q,
                "gamma": spend.gamma,
                "gamma_gamma_log_likelihood": fit.gamma_gamma.log_likelihood,
                "spend_heterogeneity": spend.spend_heterogeneity,
                "is_gamma_gamma_at_boundary": spend.is_at_boundary,
            }
        )
        if spend.is_at_boundary:
            log.warning(
                "CLV %s window ending %s: Gamma-Gamma at its boundary (customers' mean spends"
                " differ by %.2g%%, q = %.3g): every expected order value is the population"
                " mean %.2f",
                window_name,
                end,
                100 * spend.spend_heterogeneity,
                spend.q,
                spend.population_mean,
            )
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS)
