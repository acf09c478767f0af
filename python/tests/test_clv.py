"""omniscore.clv: the published BG/NBD and Gamma-Gamma formulas, checked by hand values,
by independent numerics (finite differences, the integral form of 2F1) and by recovering
the parameters of simulated customers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special

from omniscore import clv

CDNOW = clv.BgNbdParameters(r=0.243, alpha=4.414, a=0.793, b=2.426)


def finite_difference_gradient(function, point: np.ndarray, step: float = 1e-6) -> np.ndarray:
    gradient = []
    for i in range(len(point)):
        up, down = point.copy(), point.copy()
        up[i] += step
        down[i] -= step
        gradient.append((function(up) - function(down)) / (2 * step))
    return np.stack(gradient)


def test_bgnbd_gradient_matches_finite_differences():
    x = np.array([0.0, 1.0, 2.0, 7.0])
    t_x = np.array([0.0, 3.5, 30.43, 38.0])
    big_t = np.array([10.0, 20.0, 38.86, 38.86])
    point = np.log([0.3, 4.0, 0.8, 2.5])
    _, analytic = clv._bgnbd_terms(point, x, t_x, big_t)
    numeric = finite_difference_gradient(lambda p: clv._bgnbd_terms(p, x, t_x, big_t)[0], point)
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_gamma_gamma_gradient_matches_finite_differences():
    x, m = np.array([1.0, 2.0, 9.0]), np.array([10.0, 35.5, 20.0])
    point = np.log([6.0, 3.7, 15.0])
    _, analytic = clv._gamma_gamma_terms(point, x, m)
    numeric = finite_difference_gradient(lambda p: clv._gamma_gamma_terms(p, x, m)[0], point)
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_bgnbd_log_likelihood_of_one_customer_by_hand():
    """r = 2, alpha = 3, a = 1, b = 4, T = 10. x = 0: L = (alpha / (alpha + T))^r. x = 1,
    t_x = 4: L = B(1, 5) / B(1, 4) * G(3) / G(2) * 3^2 / 13^3 + B(2, 4) / B(1, 4) * G(3) / G(2)
    * 3^2 / 7^3 = 4/5 * 18 / 2197 + 1/5 * 18 / 343."""
    params = clv.BgNbdParameters(r=2.0, alpha=3.0, a=1.0, b=4.0)
    by_hand = [np.log((3.0 / 13.0) ** 2), np.log(0.8 * 18 / 2197 + 0.2 * 18 / 343)]
    values = clv.bgnbd_log_likelihood(params, [0, 1], [0, 4.0], [10.0, 10.0])
    assert values == pytest.approx(by_hand)


def test_p_alive_by_hand():
    params = clv.BgNbdParameters(r=1.0, alpha=2.0, a=1.0, b=4.0)
    # 1 / (1 + 1/4 * (8/4)^2) = 0.5; x = 0 is alive for sure; t_x = T: 1 / (1 + a / (b + x - 1)).
    values = clv.p_alive(params, [1, 0, 2], [2.0, 0.0, 6.0], [6.0, 6.0, 6.0])
    assert values == pytest.approx([0.5, 1.0, 1.0 / (1.0 + 1.0 / 5.0)])


def test_expected_purchases_of_cdnow_customer_1_as_published():
    """Hardie's BG/NBD Excel note: customer 1 (x = 2, t_x = 30.43, T = 38.86) is expected
    to make 1.226 purchases in the next 39 weeks."""
    value = clv.expected_purchases(CDNOW, 39, 2, 30.43, 38.86)[0]
    assert round(value, 3) == pytest.approx(1.226)


def hyp2f1_by_integral(a: float, b: float, c: float, z: float) -> float:
    """Euler's integral: 2F1(a, b; c; z) = G(c) / (G(b) G(c - b)) int_0^1 s^(b-1)
    (1-s)^(c-b-1) (1-zs)^(-a) ds, for c > b > 0 (2F1 is symmetric in a and b)."""
    if not c > b > 0:
        a, b = b, a
    integral, _ = integrate.quad(
        lambda s: s ** (b - 1) * (1 - s) ** (c - b - 1) * (1 - z * s) ** (-a), 0, 1, limit=200
    )
    return float(
        np.exp(special.gammaln(c) - special.gammaln(b) - special.gammaln(c - b)) * integral
    )


@pytest.mark.parametrize(
    ("t", "x", "t_x", "big_t"),
    [
        (39.0, 2, 30.43, 38.86),
        (52.0, 0, 0.0, 0.5),  # a year ahead for a customer of a few days: z near 1
        (4.3, 5, 20.0, 21.0),
        (52.0, 12, 60.0, 70.0),
    ],
)
def test_expected_purchases_matches_the_integral_form_of_2f1(t, x, t_x, big_t):
    r, alpha, a, b = CDNOW.r, CDNOW.alpha, CDNOW.a, CDNOW.b
    hyp = hyp2f1_by_integral(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
    unconditional = (
        (a + b + x - 1) / (a - 1) * (1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp)
    )
    alive = clv.p_alive(CDNOW, [x], [t_x], [big_t])[0]
    ours = clv.expected_purchases(CDNOW, t, x, t_x, big_t)[0]
    assert ours == pytest.approx(unconditional * alive, rel=1e-6)


def test_expected_purchases_grow_with_the_horizon():
    horizons = np.array([1.0, 4.0, 13.0, 52.0, 520.0])
    values = clv.expected_purchases(CDNOW, horizons, 3, 10.0, 20.0)
    assert np.all(np.diff(values) > 0)
    assert values[0] > 0


def test_expected_order_value_shrinks_towards_the_population_mean():
    params = clv.GammaGammaParameters(p=1.0, q=2.0, gamma=8.0)  # population mean 8
    assert clv.expected_order_value(params, [1, 0, 1000], [12.0, 0.0, 12.0]) == pytest.approx(
        [10.0, 8.0, (1.0 / 1001.0) * 8.0 + (1000.0 / 1001.0) * 12.0]
    )


def test_fitting_recovers_simulated_parameters():
    truth = clv.BgNbdParameters(r=0.8, alpha=6.0, a=0.7, b=3.0)
    summary = clv.simulate_bgnbd_summary(30_000, truth, 52.0, np.random.default_rng(5))
    fit = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    for name in ("r", "alpha", "a", "b"):
        assert getattr(fit.params, name) == pytest.approx(getattr(truth, name), rel=0.15), name


def test_gamma_gamma_recovers_simulated_parameters():
    rng = np.random.default_rng(9)
    p, q, gamma = 4.0, 5.0, 30.0
    x = rng.integers(1, 12, 20_000).astype(float)
    nu = rng.gamma(q, 1.0 / gamma, len(x))
    m = rng.gamma(p * x, 1.0 / (nu * x))  # mean of x Gamma(p, nu) spends
    fit = clv.fit_gamma_gamma(x, m)
    assert fit.params.p == pytest.approx(p, rel=0.1)
    assert fit.params.q == pytest.approx(q, rel=0.15)
    assert fit.params.gamma == pytest.approx(gamma, rel=0.2)


def test_gamma_gamma_without_spend_heterogeneity_is_flagged_at_its_boundary():
    rng = np.random.default_rng(11)
    x = rng.integers(1, 12, 5_000).astype(float)
    nu = rng.gamma(5.0, 1 / 30.0, len(x))  # q = 5: customers' mean spends differ (CV 58 %)
    spread = clv.fit_gamma_gamma(x, rng.gamma(4.0 * x, 1.0 / (nu * x)))
    assert not spread.params.is_at_boundary
    assert spread.params.spend_heterogeneity == pytest.approx(1 / np.sqrt(spread.params.q - 2))
    # Every customer's spends drawn around one mean (30): no heterogeneity to find.
    same = clv.fit_gamma_gamma(x, rng.gamma(4.0 * x, 30.0 / (4.0 * x)))
    assert same.params.is_at_boundary
    assert same.params.population_mean == pytest.approx(30.0, rel=0.05)


def test_too_little_data_raises_insufficient_data():
    summary = pd.DataFrame(
        {"frequency": [1, 0], "recency": [1.0, 0.0], "T": [2.0, 2.0], "monetary_value": [5.0, 0.0]}
    )
    with pytest.raises(clv.InsufficientDataError, match="fewer than 500"):
        clv.fit_clv_models(summary)
    with pytest.raises(clv.InsufficientDataError, match="repeat customers"):
        clv.fit_clv_models(summary, clv.FitRules(min_customers=2, min_repeat_customers=2))


def test_inconsistent_summaries_are_rejected():
    with pytest.raises(ValueError, match="t_x"):
        clv.fit_bgnbd([1], [5.0], [2.0])


def test_model_version_is_deterministic_and_follows_settings():
    end = date(2026, 3, 1)
    first = clv.model_version(end, {"min_customers": 500})
    assert first == clv.model_version(end, {"min_customers": 500})
    assert first.startswith("clv_bgnbd_gamma_gamma-20260301-")
    assert first != clv.model_version(end, {"min_customers": 100})


def test_distinct_rows_rebuild_every_row_and_count_repeats():
    x = np.array([1.0, 0.0, 1.0, 1.0])
    t_x = np.array([2.0, 0.0, 2.0, 3.0])
    (dx, dt), inverse, counts = clv.distinct_rows(x, t_x)
    assert np.array_equal(dx[inverse], x) and np.array_equal(dt[inverse], t_x)
    assert sorted(counts.tolist()) == [1.0, 1.0, 2.0]


def test_the_fit_benchmark_fits_what_it_simulates():
    from omniscore.clv_report import BENCHMARK_BGNBD, BENCHMARK_SPEND, time_fit

    timing = time_fit(20_000, day_granularity=True, seed=3)
    assert timing.distinct_summaries < 20_000
    assert timing.fit_seconds > 0 and timing.fit_cpu_seconds > 0
    for name in ("r", "alpha", "a", "b"):
        fitted, true = getattr(timing.fit.bgnbd.params, name), getattr(BENCHMARK_BGNBD, name)
        assert fitted == pytest.approx(true, rel=0.25), name
    spend = timing.fit.gamma_gamma.params
    assert spend.population_mean == pytest.approx(BENCHMARK_SPEND.population_mean, rel=0.1)
