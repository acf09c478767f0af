"""`omniscore clv-plot` and `omniscore clv-benchmark`: the lifetime-value model's holdout
figure, and how long fitting takes at a given number of customers.

clv-plot reads marts.model_calibration (the `calibration` fit's predicted vs actual repeat
purchases in the holdout, per calibration-period frequency) and saves a bar chart.
clv-benchmark times omniscore.clv.fit_clv_models, the function the dbt build calls, on
customers simulated from the BG/NBD process (plus Gamma-Gamma spend), so it measures the
fit alone, without building a warehouse of that size.
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from omniscore import clv
from omniscore.warehouse import DB_HELP, connect, db_path_from_env

log = logging.getLogger(__name__)

CALIBRATION_QUERY = """
    select calibration.model_version, calibration.bucket_label, calibration.row_count,
           calibration.mean_predicted, calibration.mean_observed,
           parameters.calibration_end_date
    from marts.model_calibration as calibration
    inner join marts.clv_model_parameters as parameters
        on calibration.model_version = parameters.model_version
    where calibration.model_name = ?
    order by parameters.calibration_end_date desc, calibration.bucket
"""


class NoCalibrationError(LookupError):
    """The warehouse holds no lifetime-value calibration table (nothing was fitted)."""


def holdout_table(db_path: Path) -> pd.DataFrame:
    """The latest calibration fit's holdout table: bucket_label, row_count, mean_predicted,
    mean_observed (and the model_version and calibration_end_date)."""
    with connect(db_path) as con:
        table = con.execute(CALIBRATION_QUERY, [clv.MODEL_NAME]).df()
    if table.empty:
        raise NoCalibrationError(
            f"{db_path}: no lifetime-value calibration rows (was the model fitted?)"
        )
    latest = table["calibration_end_date"].iloc[0]
    return table[table["calibration_end_date"] == latest].reset_index(drop=True)


def plot_holdout(table: pd.DataFrame, out: Path) -> Path:
    """Bars of mean predicted vs actual repeat purchases in the holdout per frequency."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    positions = np.arange(len(table))
    figure, axes = plt.subplots(figsize=(7, 4), dpi=110)
    axes.bar(positions - 0.2, table["mean_observed"], 0.4, label="actual", color="#4c72b0")
    axes.bar(positions + 0.2, table["mean_predicted"], 0.4, label="BG/NBD", color="#dd8452")
    labels = [
        f"{label}\nn={count:,}"
        for label, count in zip(table["bucket_label"], table["row_count"], strict=True)
    ]
    axes.set_xticks(positions, labels, fontsize=8)
    axes.set_xlabel("repeat purchase days in the calibration period (customers)")
    axes.set_ylabel("mean repeat purchase days in the holdout")
    axes.set_title(f"Holdout check of {table['model_version'].iloc[0]}", fontsize=9)
    axes.legend()
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    plt.close(figure)
    return out


def run_plot(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else db_path_from_env()
    try:
        table = holdout_table(db_path)
    except (NoCalibrationError, FileNotFoundError) as error:
        log.error("%s", error)
        return 1
    out = plot_holdout(table, Path(args.out))
    log.info("saved %s", out)
    return 0


# ------------------------------------------------------------------------------ timing

BENCHMARK_BGNBD = clv.BgNbdParameters(r=0.25, alpha=4.4, a=0.8, b=2.4)
BENCHMARK_SPEND = clv.GammaGammaParameters(p=6.0, q=4.0, gamma=15.0)


@dataclass(frozen=True)
class FitTiming:
    customers: int
    day_granularity: bool
    distinct_summaries: int
    simulate_seconds: float
    fit_seconds: float
    fit_cpu_seconds: float
    fit: clv.ClvFit


def simulated_summary(customers: int, *, day_granularity: bool, seed: int) -> pd.DataFrame:
    """BG/NBD customers over two years plus a Gamma-Gamma mean spend per repeat customer."""
    rng = np.random.default_rng(seed)
    summary = clv.simulate_bgnbd_summary(
        customers, BENCHMARK_BGNBD, 104.0, rng, day_granularity=day_granularity
    )
    x = summary["frequency"].to_numpy()
    nu = rng.gamma(BENCHMARK_SPEND.q, 1.0 / BENCHMARK_SPEND.gamma, customers)
    spend = rng.gamma(BENCHMARK_SPEND.p * np.maximum(x, 1), 1.0 / (nu * np.maximum(x, 1)))
    summary["monetary_value"] = np.where(x > 0, np.round(spend, 2), 0.0)
    return summary


def time_fit(customers: int, *, day_granularity: bool, seed: int = 1) -> FitTiming:
    started = time.perf_counter()
    summary = simulated_summary(customers, day_granularity=day_granularity, seed=seed)
    simulated = time.perf_counter() - started
    distinct = len(summary[["frequency", "recency", "T"]].drop_duplicates())
    started, cpu_started = time.perf_counter(), time.process_time()
    fit = clv.fit_clv_models(summary, clv.FitRules(min_customers=1, min_repeat_customers=1))
    return FitTiming(
        customers,
        day_granularity,
        distinct,
        simulated,
        time.perf_counter() - started,
        time.process_time() - cpu_started,
        fit,
    )


def run_benchmark(args: argparse.Namespace) -> int:
    header = "customers  times         distinct (x,t_x,T)  wall s  cpu s   r      alpha  a      b"
    log.info(header)
    for customers in args.sizes:
        for day_granularity in (True, False):
            timing = time_fit(customers, day_granularity=day_granularity)
            params = timing.fit.bgnbd.params
            log.info(
                "%9d  %-12s  %18d  %6.2f  %6.2f  %.3f  %.3f  %.3f  %.3f",
                customers,
                "whole days" if day_granularity else "continuous",
                timing.distinct_summaries,
                timing.fit_seconds,
                timing.fit_cpu_seconds,
                params.r,
                params.alpha,
                params.a,
                params.b,
            )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    plot = subparsers.add_parser(
        "clv-plot", help="save the lifetime-value model's holdout check as an image"
    )
    plot.add_argument("--out", default="docs/img/clv_holdout.png", help="image file to write")
    plot.add_argument("--db", help=DB_HELP)
    plot.set_defaults(func=run_plot)

    bench = subparsers.add_parser(
        "clv-benchmark", help="time the BG/NBD + Gamma-Gamma fit on simulated customers"
    )
    bench.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="customers per run"
    )
    bench.set_defaults(func=run_benchmark)
