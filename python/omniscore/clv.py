"""Customer lifetime value: the BG/NBD purchase model and the Gamma-Gamma spend model.

Both are fitted by maximum likelihood from per-customer summaries, as published:

* BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a
  customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each repeat purchase they
  drop out with probability p ~ Beta(a, b). The data per customer are x (repeat purchase
  periods), t_x (time from first to last purchase) and T (time from first purchase to the
  end of calibration).
* Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's note "The Gamma-Gamma model
  of monetary value"): a customer's spend per transaction is Gamma(p, nu) around a personal
  mean, nu ~ Gamma(q, gamma). The data are x > 0 and the mean value m of the x repeat
  transactions.

Time is in weeks (``TIME_UNIT``): fractional, days / 7, from day-granularity dates. The
literature reports its parameters in weeks (alpha is a time scale), so ours are comparable
with the published ones, and the optimiser starts from values of order one.

Everything here takes arrays or DataFrames, so the same code fits inside a dbt Python model
(``models/intermediate/clv/int_clv_model_fits.py``) or anywhere else; ``fit_clv_models``
is the one seam that fits both models from a summary.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

log = logging.getLogger(__name__)

TIME_UNIT = "week"
DAYS_PER_TIME_UNIT = 7.0
# Length of the month CLV discounts by: a twelfth of the mean Gregorian year.
DAYS_PER_MONTH = 365.25 / 12
MODEL_NAME = "clv_bgnbd_gamma_gamma"
# Bumped when the fitting code changes what it estimates, so versions differ.
MODEL_REVISION = 1

FloatArray = NDArray[np.float64]
# Below this coefficient of variation of customers' mean spend (5 %), a Gamma-Gamma fit is
# at its boundary (GammaGammaParameters.is_at_boundary): q and gamma no longer mean much.
SPEND_HETEROGENEITY_FLOOR = 0.05


class InsufficientDataError(ValueError):
    """The summary is too small (or degenerate) to fit the models."""


@dataclass(frozen=True)
class BgNbdParameters:
    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGammaParameters:
    p: float
    q: float
    gamma: float

    @property
    def population_mean(self) -> float:
        """Mean spend per transaction over the population, p * gamma / (q - 1)."""
        return self.p * self.gamma / (self.q - 1.0)

    @property
    def spend_heterogeneity(self) -> float:
        """Coefficient of variation of customers' mean spend per transaction, 1 / sqrt(q - 2).

        A customer's mean spend is p / nu with nu ~ Gamma(q, gamma): an inverse-gamma
        variable, whose CV is 1 / sqrt(q - 2) (infinite for q <= 2). As it nears 0 the fit is
        at its boundary: q and gamma grow together, their mean ratio stays finite, and every
        customer's expected order value is the population mean (the data show no spend
        difference between customers beyond chance).
        """
        return float("inf") if self.q <= 2.0 else 1.0 / float(np.sqrt(self.q - 2.0))

    @property
    def is_at_boundary(self) -> bool:
        """Customers' mean spends differ by less than :data:`SPEND_HETEROGENEITY_FLOOR`."""
        return self.spend_heterogeneity < SPEND_HETEROGENEITY_FLOOR


@dataclass(frozen=True)
class BgNbdFit:
    params: BgNbdParameters
    log_likelihood: float
    row_count: int
    iterations: int


@dataclass(frozen=True)
class GammaGammaFit:
    params: GammaGammaParameters
    log_likelihood: float
    row_count: int
    iterations: int


@dataclass(frozen=True)
class ClvFit:
    bgnbd: BgNbdFit
    gamma_gamma: GammaGammaFit
    fit_seconds: float


def _arrays(*values: ArrayLike) -> list[FloatArray]:
    return [np.atleast_1d(np.asarray(value, dtype=np.float64)) for value in values]


# --------------------------------------------------------------------------------------
# BG/NBD


def _bgnbd_terms(
    log_params: FloatArray, x: FloatArray, t_x: FloatArray, big_t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per-row log-likelihood and its gradient with respect to the log parameters.

    LL = A1 + A2 + log(exp(A3) + [x > 0] exp(A4)), with
    A1 = lnG(r + x) - lnG(r) + r ln(alpha), A2 = lnB(a, b + x) - lnB(a, b),
    A3 = -(r + x) ln(alpha + T), A4 = ln(a) - ln(b + x - 1) - (r + x) ln(alpha + t_x).
    """
    r, alpha, a, b = np.exp(log_params)
    rx = r + x
    repeat = x > 0
    a1 = special.gammaln(rx) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -rx * np.log(alpha + big_t)
    # b + x - 1 > 0 wherever x > 0; elsewhere the term is absent (-inf).
    b_x_1 = np.where(repeat, b + x - 1.0, 1.0)
    a4 = np.where(repeat, np.log(a) - np.log(b_x_1) - rx * np.log(alpha + t_x), -np.inf)
    tail = np.logaddexp(a3, a4)
    ll = a1 + a2 + tail
    w3 = np.exp(a3 - tail)
    w4 = np.exp(a4 - tail)

    d_r = (
        special.digamma(rx)
        - special.digamma(r)
        + np.log(alpha)
        - w3 * np.log(alpha + big_t)
        - w4 * np.log(alpha + t_x)
    )
    d_alpha = r / alpha - w3 * rx / (alpha + big_t) - w4 * rx / (alpha + t_x)
    psi_ab, psi_abx = special.digamma(a + b), special.digamma(a + b + x)
    d_a = psi_ab - psi_abx + w4 / a
    d_b = psi_ab + special.digamma(b + x) - special.digamma(b) - psi_abx - w4 / b_x_1
    gradient = np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return ll, gradient


def bgnbd_log_likelihood(
    params: BgNbdParameters, x: ArrayLike, t_x: ArrayLike, big_t: ArrayLike
) -> FloatArray:
    """Each customer's BG/NBD log-likelihood (FHL 2005, equation 6)."""
    x_, t_x_, big_t_ = _arrays(x, t_x, big_t)
    log_params = np.log([params.r, params.alpha, params.a, params.b])
    return _bgnbd_terms(log_params, x_, t_x_, big_t_)[0]


def distinct_rows(*columns: FloatArray) -> tuple[list[FloatArray], NDArray[np.intp], FloatArray]:
    """The distinct rows of equal-length columns, each row's index among them, and how
    often each occurs. Day-granularity summaries repeat the same (x, t_x, T) many times:
    likelihoods are weighted sums over distinct rows, predictions are computed once each."""
    codes, uniques = pd.factorize(pd.MultiIndex.from_arrays(columns))
    distinct = [
        np.asarray(uniques.get_level_values(i), dtype=np.float64) for i in range(len(columns))
    ]
    counts = np.bincount(codes, minlength=len(uniques)).astype(np.float64)
    return distinct, codes, counts


def _compress(*columns: FloatArray) -> tuple[list[FloatArray], FloatArray]:
    distinct, _, counts = distinct_rows(*columns)
    return distinct, counts


def _maximise(
    objective_terms,
    start: FloatArray,
    weights: FloatArray,
    what: str,
) -> tuple[FloatArray, float, int]:
    """Maximise sum(weights * LL) over log parameters (BFGS with the analytic gradient)."""
    total = weights.sum()

    def negative(log_params: FloatArray) -> tuple[float, FloatArray]:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ll, gradient = objective_terms(log_params)
        value = -float(weights @ ll) / total
        if not np.isfinite(value):
            return np.inf, np.zeros_like(log_params)
        return value, -(gradient @ weights) / total

    result = optimize.minimize(
        negative,
        start,
        jac=True,
        method="BFGS",
        options={"gtol": 1e-9, "maxiter": 2000},
    )
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun):
        raise InsufficientDataError(f"{what}: the optimiser did not reach a finite optimum")
    if not result.success:
        # BFGS stops with "precision loss" at an optimum it cannot refine further; the
        # gradient says whether that is one.
        gradient_norm = float(np.max(np.abs(result.jac)))
        if gradient_norm > 1e-5:
            raise InsufficientDataError(f"{what}: no convergence ({result.message})")
    return result.x, -float(result.fun) * total, int(result.nit)


def fit_bgnbd(x: ArrayLike, t_x: ArrayLike, big_t: ArrayLike) -> BgNbdFit:
    """Maximum-likelihood BG/NBD parameters for summaries x, t_x, T (one time unit)."""
    x_, t_x_, big_t_ = _arrays(x, t_x, big_t)
    if len(x_) == 0:
        raise InsufficientDataError("BG/NBD: no customers")
    if (
        np.any(x_ < 0)
        or np.any(t_x_ < 0)
        or np.any(t_x_ > big_t_)
        or np.any((x_ == 0) & (t_x_ != 0))
    ):
        raise ValueError("BG/NBD summaries need x >= 0, 0 <= t_x <= T and t_x = 0 when x = 0")
    (ux, ut, uT), weights = _compress(x_, t_x_, big_t_)
    log_params, ll, iterations = _maximise(
        lambda lp: _bgnbd_terms(lp, ux, ut, uT), np.zeros(4), weights, "BG/NBD"
    )
    r, alpha, a, b = np.exp(log_params)
    return BgNbdFit(BgNbdParameters(r, alpha, a, b), ll, len(x_), iterations)


def p_alive(params: BgNbdParameters, x: ArrayLike, t_x: ArrayLike, big_t: ArrayLike) -> FloatArray:
    """P(alive | x, t_x, T) =
    1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))
    (FHL 2005)."""
    x_, t_x_, big_t_ = _arrays(x, t_x, big_t)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x_ > 0
    log_odds = (
        np.log(a)
        - np.log(np.where(repeat, b + x_ - 1.0, 1.0))
        + (r + x_) * (np.log(alpha + big_t_) - np.log(alpha + t_x_))
    )
    return np.where(repeat, 1.0 / (1.0 + np.exp(log_odds)), 1.0)


def expected_purchases(
    params: BgNbdParameters, t: ArrayLike, x: ArrayLike, t_x: ArrayLike, big_t: ArrayLike
) -> FloatArray:
    """E[Y(t) | x, t_x, T]: expected purchases in the next t time units (FHL 2005, eq. 10).

    ((a + b + x - 1) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t))^(r + x)
    * 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))) / (1 + [x > 0] a / (b + x - 1)
    * ((alpha + T) / (alpha + t_x))^(r + x)). The Gauss hypergeometric function is scipy's.
    """
    t_, x_, t_x_, big_t_ = _arrays(t, x, t_x, big_t)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    rx = r + x_
    horizon = alpha + big_t_ + t_
    hyp = special.hyp2f1(rx, b + x_, a + b + x_ - 1.0, t_ / horizon)
    factor = (a + b + x_ - 1.0) / (a - 1.0)
    unconditional = factor * (1.0 - np.exp(rx * np.log((alpha + big_t_) / horizon)) * hyp)
    return unconditional * p_alive(params, x_, t_x_, big_t_)


# --------------------------------------------------------------------------------------
# Gamma-Gamma


def _gamma_gamma_terms(
    log_params: FloatArray, x: FloatArray, m: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per-row log-likelihood of mean spend m over x transactions, and its gradient:
    lnG(px + q) - lnG(px) - lnG(q) + q ln(g) + (px - 1) ln(m) + px ln(x) - (px + q) ln(g + mx)."""
    p, q, g = np.exp(log_params)
    px = p * x
    log_gmx = np.log(g + m * x)
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(g)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_gmx
    )
    psi_pxq = special.digamma(px + q)
    d_p = x * (psi_pxq - special.digamma(px) + np.log(m) + np.log(x) - log_gmx)
    d_q = psi_pxq - special.digamma(q) + np.log(g) - log_gmx
    d_g = q / g - (px + q) / (g + m * x)
    return ll, np.stack([d_p * p, d_q * q, d_g * g])


def gamma_gamma_log_likelihood(
    params: GammaGammaParameters, x: ArrayLike, m: ArrayLike
) -> FloatArray:
    """Each customer's Gamma-Gamma log-likelihood (x > 0, m > 0)."""
    x_, m_ = _arrays(x, m)
    return _gamma_gamma_terms(np.log([params.p, params.q, params.gamma]), x_, m_)[0]


def fit_gamma_gamma(x: ArrayLike, m: ArrayLike) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma parameters from repeat customers' x > 0 and mean m > 0."""
    x_, m_ = _arrays(x, m)
    if len(x_) == 0:
        raise InsufficientDataError("Gamma-Gamma: no repeat customers with a positive spend")
    if np.any(x_ <= 0) or np.any(m_ <= 0):
        raise ValueError("Gamma-Gamma needs x > 0 and m > 0 for every row")
    (ux, um), weights = _compress(x_, m_)
    # Start where the population mean p g / (q - 1) is the observed mean spend.
    start = np.log([1.0, 2.0, float(np.mean(m_))])
    log_params, ll, iterations = _maximise(
        lambda lp: _gamma_gamma_terms(lp, ux, um), start, weights, "Gamma-Gamma"
    )
    p, q, g = np.exp(log_params)
    if q <= 1.0:
        raise InsufficientDataError("Gamma-Gamma: q <= 1, the population mean spend is infinite")
    return GammaGammaFit(GammaGammaParameters(p, q, g), ll, len(x_), iterations)


def expected_order_value(params: GammaGammaParameters, x: ArrayLike, m: ArrayLike) -> FloatArray:
    """E[Z | x, m]: (q - 1) / (px + q - 1) * p g / (q - 1) + px / (px + q - 1) * m.
    With x = 0 it is the population mean."""
    x_, m_ = _arrays(x, m)
    p, q = params.p, params.q
    weight = p * x_ / (p * x_ + q - 1.0)
    return (1.0 - weight) * params.population_mean + weight * np.where(x_ > 0, m_, 0.0)


# --------------------------------------------------------------------------------------
# The seam: summaries in, both fits out


@dataclass(frozen=True)
class FitRules:
    """What a summary needs before it is fitted (below: no parameters, values null)."""

    min_customers: int = 500
    min_repeat_customers: int = 100


def fit_clv_models(summary: pd.DataFrame, rules: FitRules | None = None) -> ClvFit:
    """Fit BG/NBD on every row and Gamma-Gamma on the rows with frequency > 0 and a
    positive monetary value.

    ``summary`` has columns frequency (x), recency (t_x), T and monetary_value (mean value
    of the repeat purchases; any value where frequency is 0), times in ``TIME_UNIT``.
    Raises ``InsufficientDataError`` when the data are too small for ``rules`` or an
    optimum cannot be found.
    """
    rules = rules or FitRules()
    started = time.perf_counter()
    if len(summary) < rules.min_customers:
        raise InsufficientDataError(
            f"{len(summary)} customers with a purchase, fewer than {rules.min_customers}"
        )
    frequency = summary["frequency"].to_numpy(dtype=np.float64)
    monetary = summary["monetary_value"].to_numpy(dtype=np.float64, na_value=np.nan)
    spenders = (frequency > 0) & (monetary > 0)
    if spenders.sum() < rules.min_repeat_customers:
        raise InsufficientDataError(
            f"{int(spenders.sum())} repeat customers with a positive spend, "
            f"fewer than {rules.min_repeat_customers}"
        )
    bgnbd = fit_bgnbd(frequency, summary["recency"], summary["T"])
    gamma_gamma = fit_gamma_gamma(frequency[spenders], monetary[spenders])
    elapsed = time.perf_counter() - started
    log.info(
        "fitted BG/NBD on %d customers (LL %.1f) and Gamma-Gamma on %d in %.2f s",
        bgnbd.row_count,
        bgnbd.log_likelihood,
        gamma_gamma.row_count,
        elapsed,
    )
    return ClvFit(bgnbd, gamma_gamma, elapsed)


def model_version(training_end: date, settings: dict[str, object]) -> str:
    """Deterministic version, in the scoring layer's form: `<model>-<end of the training
    window, yyyymmdd>-<8 hex of md5(settings)>`."""
    canonical = json.dumps(
        {"revision": MODEL_REVISION, "time_unit": TIME_UNIT, **settings}, sort_keys=True
    )
    digest = hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{MODEL_NAME}-{training_end.strftime('%Y%m%d')}-{digest}"


# --------------------------------------------------------------------------------------
# Summaries and simulation (tests, benchmarks, the published CDNOW check)


def summarise_transactions(
    transactions: pd.DataFrame, calibration_end: date, *, first_day: date | None = None
) -> pd.DataFrame:
    """Per-customer x, t_x, T (weeks) and mean repeat-day value from transactions.

    ``transactions`` has columns customer_id, purchase_date (date) and amount. Only
    purchases before ``calibration_end`` (exclusive) count; purchases on one day are one
    purchase of their summed amount; T runs to the last day of the window
    (calibration_end - 1 day), so a purchase on that day has t_x = T. ``first_day`` drops
    customers whose first purchase is earlier. The warehouse computes the same in SQL
    (int_clv_customer_summaries), net of returns.
    """
    frame = transactions.loc[:, ["customer_id", "purchase_date", "amount"]].copy()
    frame["purchase_date"] = pd.to_datetime(frame["purchase_date"])
    end = pd.Timestamp(calibration_end)
    frame = frame[frame["purchase_date"] < end]
    days = frame.groupby(["customer_id", "purchase_date"], as_index=False)["amount"].sum()
    days = days.sort_values(["customer_id", "purchase_date"])
    first = days.groupby("customer_id")["purchase_date"].transform("min")
    days["is_repeat"] = days["purchase_date"] > first
    grouped = days.groupby("customer_id")
    last_day = end - pd.Timedelta(days=1)
    summary = pd.DataFrame(
        {
            "first_purchase_date": grouped["purchase_date"].min(),
            "frequency": grouped["is_repeat"].sum().astype(np.int64),
            "recency_days": (
                grouped["purchase_date"].max() - grouped["purchase_date"].min()
            ).dt.days,
            "T_days": (last_day - grouped["purchase_date"].min()).dt.days,
        }
    )
    repeat_values = days[days["is_repeat"]].groupby("customer_id")["amount"].mean()
    summary["monetary_value"] = repeat_values.reindex(summary.index).fillna(0.0)
    summary["recency"] = summary["recency_days"] / DAYS_PER_TIME_UNIT
    summary["T"] = summary["T_days"] / DAYS_PER_TIME_UNIT
    if first_day is not None:
        summary = summary[summary["first_purchase_date"] >= pd.Timestamp(first_day)]
    return summary


def simulate_bgnbd_summary(
    n: int,
    params: BgNbdParameters,
    max_age: float,
    rng: np.random.Generator,
    *,
    day_granularity: bool = False,
) -> pd.DataFrame:
    """n customers drawn from the BG/NBD process: ages T uniform on (0, max_age], rate
    lambda ~ Gamma(r, 1/alpha), dropout p ~ Beta(a, b) after each repeat purchase.
    ``day_granularity`` rounds times down to whole days, as warehouse data are."""
    big_t = rng.uniform(0.0, max_age, n)
    rate = rng.gamma(params.r, 1.0 / params.alpha, n)
    dropout = rng.beta(params.a, params.b, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    clock = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        index = np.flatnonzero(active)
        clock[index] += rng.exponential(1.0, len(index)) / rate[index]
        bought = clock[index] <= big_t[index]
        buyers = index[bought]
        x[buyers] += 1
        t_x[buyers] = clock[buyers]
        dies = rng.random(len(buyers)) < dropout[buyers]
        active[index[~bought]] = False
        active[buyers[dies]] = False
    if day_granularity:
        big_t = np.floor(big_t * DAYS_PER_TIME_UNIT) / DAYS_PER_TIME_UNIT
        t_x = np.minimum(np.floor(t_x * DAYS_PER_TIME_UNIT) / DAYS_PER_TIME_UNIT, big_t)
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": big_t})
