"""Expected repeat purchases per customer over the horizons the marts need (BG/NBD eq. 10).

The conditional expectation needs the Gauss hypergeometric function 2F1(r + x, b + x;
a + b + x - 1; t / (alpha + T + t)). Its series converges slowly as that argument nears 1,
which is where long horizons meet young customers (t = 365 days, T = a few days: z ~ 0.9),
so a fixed truncation in SQL would be wrong for exactly those rows; it is computed here
with scipy's 2F1. Everything with a closed form (P(alive), Gamma-Gamma, discounting, CLV) is
SQL over the parameters (int_clv_customer_values).

One row per fitted window, customer and horizon, cumulative from the window's end:
- `scoring` fit: `days` 30, 90 and 365, and `months` 1 .. omniscore__clv_horizon_months
  (a month is 365.25 / 12 days; CLV discounts each month's increment);
- `calibration` fit: `days` omniscore__clv_holdout_days (the holdout).
Only profiling-consented customers; no row when the window was not fitted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from omniscore import clv

DAY_HORIZONS = (30, 90, 365)
COLUMNS = {
    "customer_id": "str",
    "model_version": "str",
    "window_name": "str",
    "horizon_unit": "str",
    "horizon_length": "int64",
    "horizon_days": "float64",
    "expected_purchases": "float64",
}


def horizons(
    window_name: str, holdout_days: int, horizon_months: int
) -> list[tuple[str, int, float]]:
    if window_name == "calibration":
        return [("days", holdout_days, float(holdout_days))]
    months = [("months", m, m * clv.DAYS_PER_MONTH) for m in range(1, horizon_months + 1)]
    return [("days", d, float(d)) for d in DAY_HORIZONS] + months


def model(dbt, session):
    dbt.config(materialized="table")
    holdout_days = int(dbt.config.get("clv_holdout_days"))
    horizon_months = int(dbt.config.get("clv_horizon_months"))
    fits = dbt.ref("int_clv_model_fits").df()
    summaries = dbt.ref("int_clv_customer_summaries").df()
    summaries = summaries[summaries["is_fit_eligible"]]
    parts = []
    for fit in fits.itertuples(index=False):
        params = clv.BgNbdParameters(fit.r, fit.alpha, fit.a, fit.b)
        window = summaries[summaries["window_name"] == fit.window_name]
        # Day-granularity summaries repeat: compute each distinct (x, t_x, T) once.
        (x, t_x, big_t), inverse, _ = clv.distinct_rows(
            *(
                window[column].to_numpy(dtype=np.float64)
                for column in ("repeat_purchase_days", "recency_weeks", "age_weeks")
            )
        )
        for unit, length, days in horizons(fit.window_name, holdout_days, horizon_months):
            weeks = days / clv.DAYS_PER_TIME_UNIT
            expected = clv.expected_purchases(params, weeks, x, t_x, big_t)[inverse]
            parts.append(
                pd.DataFrame(
                    {
                        "customer_id": window["customer_id"].to_numpy(),
                        "model_version": fit.model_version,
                        "window_name": fit.window_name,
                        "horizon_unit": unit,
                        "horizon_length": length,
                        "horizon_days": days,
                        "expected_purchases": expected,
                    }
                )
            )
    if not parts:
        return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in COLUMNS.items()})
    return pd.concat(parts, ignore_index=True).astype(COLUMNS)
