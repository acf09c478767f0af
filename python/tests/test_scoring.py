"""The scoring layer: the fit's objective, and a warehouse built from about ten months of
generated exports (enough history to train on point-in-time snapshots and hold out the
latest windows by time).

What is checked here and not in dbt's own tests: an independent refit of
``model_training_set`` agrees with ``model_coefficients``; rebuilding for the same as-of
date replaces history, another as-of date adds to it (migrations, changes); consent and
erasure keep persons out of every scoring relation, history included; a bad setting stops
the run at start naming it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from landing import build
from landing import generate as generate_landing

from omniscore.cli import main
from omniscore.evaluate_scores import evaluate_scores, evaluate_value
from omniscore.scoring import fit_logistic, standardise
from omniscore.warehouse import PROJECT_DIR, connect

# Enough buyers for both regressions and lifetime value to fit (under buy-till-you-die
# purchasing most customers buy a few times a year, and many have lapsed).
CUSTOMERS, SEED = 3000, 5
# Erasure requests at four times the default pace: two a day, so the five batches landed
# after the history is built erase persons who were scored (and earlier ones remain).
ERASURE_RATE = 0.02
APPENDED_DAYS = 5
START, DAYS = date(2025, 9, 1), 300
SCORING_RELATIONS = (
    "marts.customer_scores",
    "marts.score_explanations",
    "marts.score_history",
    "marts.score_changes",
    "marts.model_training_set",
    "intermediate.int_customer_features",
    "intermediate.int_engagement_points",
    "intermediate.int_model_contributions",
    "intermediate.int_model_predictions",
)


def newton_logistic(z: np.ndarray, y: np.ndarray, penalty_c: float) -> np.ndarray:
    """The same objective as omniscore.scoring, solved another way: Newton-Raphson on
    C * sum(log loss) + ||w||^2 / 2 (intercept, the last entry, unpenalised)."""
    design = np.column_stack([z, np.ones(len(z))])
    penalty = np.r_[np.ones(z.shape[1]), 0.0]
    w = np.zeros(design.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-design @ w))
        gradient = penalty_c * design.T @ (p - y) + penalty * w
        if np.abs(gradient).max() < 1e-10:
            break
        hessian = penalty_c * (design.T * (p * (1 - p))) @ design + np.diag(penalty)
        w -= np.linalg.solve(hessian, gradient)
    return w


def test_fit_solves_the_documented_objective():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3000, 5)) * [1, 10, 0.1, 1, 3] + [0, 5, 0, 2, 0]
    logit = x @ [0.8, -0.1, 4.0, 0.0, 0.3] - 1.0
    y = (rng.random(3000) < 1 / (1 + np.exp(-logit))).astype(float)
    fit = fit_logistic(x, y, penalty_c=0.3)
    z, _, _ = standardise(x)
    reference = newton_logistic(z, y, 0.3)
    np.testing.assert_allclose(fit.coefficients, reference[:-1], atol=1e-6)
    assert fit.intercept == pytest.approx(reference[-1], abs=1e-6)
    np.testing.assert_allclose(fit.center, x.mean(axis=0))
    np.testing.assert_allclose(fit.scale, x.std(axis=0))


def generate(out: Path, truth: Path, start: date, days: int) -> None:
    options = ("--erasure-rate", str(ERASURE_RATE))
    generate_landing(
        out, truth, customers=CUSTOMERS, seed=SEED, start=start, days=days, options=options
    )


def query(db: Path, sql: str) -> pd.DataFrame:
    with connect(db) as con:
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Ten months of exports built once; then the scores rebuilt for an earlier as-of date
    (so the history holds two dates); then a few more daily batches landed and built."""
    root = tmp_path_factory.mktemp("scores")
    raw, truth, db = root / "raw", root / "truth", root / "warehouse.duckdb"
    generate(raw, truth, START, DAYS)
    # Lifetime value needs 500 buyers by default; this small population has fewer.
    clv_minimums = "{omniscore__clv_min_customers: 100, omniscore__clv_min_repeat_customers: 20}"
    build(raw, db, "--vars", clv_minimums)
    first = root / "first.duckdb"
    shutil.copy(db, first)
    (latest,) = query(db, "select as_of_date from intermediate.int_scoring_dates").iloc[0]
    earlier = (pd.Timestamp(latest) - pd.Timedelta(days=28)).date().isoformat()
    build(
        raw,
        db,
        "--select",
        "int_scoring_dates+",
        "--vars",
        f"{{omniscore__score_as_of: {earlier}}}",
    )
    build(raw, db, "--select", "int_scoring_dates+")
    two_dates = root / "two_dates.duckdb"
    shutil.copy(db, two_dates)
    generate(raw, truth, START + timedelta(days=DAYS), APPENDED_DAYS)
    build(raw, db)
    return {"raw": raw, "truth": truth, "first": first, "two_dates": two_dates, "db": db}


def test_both_models_are_fitted_and_evaluated_on_a_later_holdout(scored):
    # The lifetime-value family's rows (test_clv_cdnow.py checks them) are left out.
    metrics = query(
        scored["first"],
        "select * from marts.model_metrics where model_name != 'clv_bgnbd_gamma_gamma'",
    )
    assert set(metrics["model_name"]) == {"propensity", "churn_risk"}
    auc = metrics[(metrics["metric_name"] == "auc") & (metrics["split"] == "holdout")]
    assert len(auc) == 2
    assert (auc["metric_value"] > 0.6).all(), auc
    windows = query(
        scored["first"],
        "select model_name, split, min(as_of_date) as first_as_of, max(label_window_end_date) "
        "as last_label_end from marts.model_training_set group by all",
    ).set_index(["model_name", "split"])
    for model in ("propensity", "churn_risk"):
        train, holdout = windows.loc[(model, "train")], windows.loc[(model, "holdout")]
        assert train["last_label_end"] <= holdout["first_as_of"]


def test_an_independent_refit_agrees_with_model_coefficients(scored):
    db = scored["first"]
    coefficients = query(db, "select * from marts.model_coefficients")
    training = query(db, "select * from marts.model_training_set where split = 'train'")
    for version, terms in coefficients.groupby("model_version"):
        rows = training[training["model_version"] == version]
        features = terms[terms["term"] != "(intercept)"]
        columns = []
        for _, term in features.iterrows():
            values = rows[term["term"]].astype(float).to_numpy()
            columns.append(
                np.log1p(np.maximum(values, 0)) if term["transform"] == "log1p" else values
            )
        x = np.column_stack(columns)
        z, center, scale = standardise(x)
        np.testing.assert_allclose(features["center"], center, atol=1e-9)
        np.testing.assert_allclose(features["scale"], scale, atol=1e-9)
        (penalty_c,) = terms["penalty_c"].unique()
        reference = newton_logistic(z, rows["label"].to_numpy(dtype=float), penalty_c)
        np.testing.assert_allclose(features["coefficient"], reference[:-1], atol=1e-4)
        intercept = terms.loc[terms["term"] == "(intercept)", "coefficient"].item()
        assert intercept == pytest.approx(reference[-1], abs=1e-4)


def test_sql_scores_equal_the_fitted_model(scored):
    """customer_scores' probabilities are the fitted model applied to today's features."""
    db = scored["first"]
    scores = query(
        db,
        "select scores.customer_id, scores.score_propensity, features.* "
        "from marts.customer_scores as scores "
        "inner join intermediate.int_customer_features as features "
        "on scores.customer_id = features.customer_id and scores.as_of_date = features.as_of_date "
        "where scores.score_propensity is not null",
    )
    terms = query(db, "select * from marts.model_coefficients where model_name = 'propensity'")
    logit = terms.loc[terms["term"] == "(intercept)", "coefficient"].item()
    for _, term in terms[terms["term"] != "(intercept)"].iterrows():
        values = scores[term["term"]].astype(float).to_numpy()
        if term["transform"] == "log1p":
            values = np.log1p(np.maximum(values, 0))
        logit = logit + term["coefficient"] * (values - term["center"]) / term["scale"]
    np.testing.assert_allclose(scores["score_propensity"], 1 / (1 + np.exp(-logit)), atol=1e-9)


def test_rebuilding_an_as_of_date_replaces_its_history(scored):
    history = query(
        scored["two_dates"],
        "select as_of_date, count(*) as persons, count(distinct customer_id) as distinct_persons "
        "from marts.score_history group by as_of_date order by as_of_date",
    )
    assert len(history) == 2  # the earlier date and the latest, built twice
    assert (history["persons"] == history["distinct_persons"]).all()
    first = query(scored["first"], "select count(*) as n from marts.score_history")
    assert history["persons"].iloc[-1] == first["n"].iloc[0]


def test_migrations_and_changes_compare_the_two_latest_dates(scored):
    db = scored["two_dates"]
    migrations = query(db, "select * from marts.segment_migrations")
    history = query(db, "select as_of_date, count(*) as n from marts.score_history group by 1")
    assert set(migrations["segmentation"]) >= {"rfm_segment", "engagement_band", "propensity_band"}
    for _, per_segmentation in migrations.groupby("segmentation"):
        earlier = per_segmentation[per_segmentation["from_segment"] != "(not scored)"]
        assert earlier["person_count"].sum() == history["n"].min()
    changes = query(db, "select * from marts.score_changes")
    assert len(changes) > 0
    assert changes["engagement_top_component_moves"].notna().any()


def test_persons_who_refused_profiling_get_no_score(scored):
    db = scored["first"]
    refused = query(
        db,
        "select scores.* from marts.customer_scores as scores inner join marts.dim_customers "
        "using (customer_id) where dim_customers.is_profiling_consented = false",
    )
    assert len(refused) > 0
    assert (~refused["is_scoreable"]).all()
    assert (refused["not_scoreable_reason"] == "profiling_refused").all()
    score_columns = [c for c in refused.columns if c.startswith("score_")]
    assert refused[score_columns].isna().all().all()
    assert (refused["propensity_not_scored_reason"] == "profiling_refused").all()
    ids = tuple(refused["customer_id"])
    for relation in ("marts.score_explanations", "marts.score_history", "marts.model_training_set"):
        found = query(db, f"select count(*) as n from {relation} where customer_id in {ids}")
        assert found["n"].iloc[0] == 0, relation


def test_every_missing_score_of_a_scoreable_person_says_why(scored):
    missing = query(
        scored["first"],
        "select * from marts.customer_scores where is_scoreable and "
        "((score_propensity is null and propensity_not_scored_reason is null) or "
        "(score_churn_risk is null and churn_risk_not_scored_reason is null) or "
        "score_engagement is null)",
    )
    assert missing.empty


def test_erased_persons_leave_every_scoring_relation(scored):
    """Persons whose erasure request landed in the last batches were scored in earlier
    builds; after the build that sees the request, no scoring relation names any of their
    customer ids, history included."""
    before, after = scored["two_dates"], scored["db"]
    # The scrub removes erased persons from the identity graph; the suppression list keeps
    # the customer ids they had.
    erased = (
        "select suppressed_key as customer_id from audit.erasure_suppression_list"
        " where key_kind = 'customer'"
    )
    erased_now = set(query(after, erased)["customer_id"])
    erased_before = set(query(before, erased)["customer_id"])
    newly_erased = erased_now - erased_before
    history_before = set(
        query(before, "select customer_id from marts.score_history")["customer_id"]
    )
    assert newly_erased & history_before, "the last batch should erase someone already scored"
    for relation in SCORING_RELATIONS:
        ids = set(query(after, f"select distinct customer_id from {relation}")["customer_id"])
        assert not ids & erased_now, relation


def validate_scoring_config(project: Path, db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "run-operation",
            "validate_scoring_config",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            *args,
        ],
        cwd=project,
        env={**os.environ, "OMNISCORE_DB": str(db)},
        capture_output=True,
        text=True,
    )


def test_bad_scoring_settings_stop_the_run_at_start_naming_them(tmp_path):
    """The check reads the seed files about to be loaded, so a copy of the project with
    broken seeds fails; a bad var fails the same way."""
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns(".venv", "data", "target", "logs", ".git", "python"),
    )
    db = tmp_path / "warehouse.duckdb"
    assert validate_scoring_config(project, db).returncode == 0

    result = validate_scoring_config(
        project, db, "--vars", "{omniscore__engagement_half_life_days: -7}"
    )
    assert result.returncode != 0
    assert (
        "omniscore__engagement_half_life_days=-7 is not a number > 0"
        in result.stdout + result.stderr
    )

    bands = project / "seeds" / "score_bands.csv"
    bands.write_text(
        bands.read_text().replace("engagement,warm,2,30,60", "engagement,warm,2,25,60")
    )
    points = project / "seeds" / "engagement_points.csv"
    points.write_text(points.read_text() + "web,teleport,5\n")
    result = validate_scoring_config(project, db)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "band warm of engagement [25, 60) overlaps band cold" in output
    assert "interaction type teleport is not in seeds/interaction_taxonomy.csv" in output


def test_evaluate_compares_each_model_with_the_oracle_on_its_holdout(scored):
    """The oracle's AUC comes from the truth's probabilities on the same holdout rows; on
    modelled persons it ranks better than chance, and our model gets a real share of it."""
    with connect(scored["first"]) as con:
        results = evaluate_scores(con, scored["truth"])
    persons = {r.model_name: r for r in results if r.population == "persons"}
    assert set(persons) == {"propensity", "churn_risk"}
    for result in persons.values():
        assert result.rows > 0 and 0 < result.positives < result.rows
        assert 0.6 < result.oracle_auc <= 1.0
        assert 0.5 < result.auc_ratio < 1.1
    everyone = {r.model_name: r for r in results if r.population == "all"}
    assert everyone["propensity"].rows >= persons["propensity"].rows


def test_evaluate_correlates_lifetime_value_with_the_truth(scored):
    """BG/NBD fitted before its holdout: each customer's expected purchases there follow
    the truth's expectation."""
    with connect(scored["first"]) as con:
        results = evaluate_value(con, scored["truth"])
    assert len(results) == 1
    (result,) = results
    assert result.customers > 100
    assert result.correlation_with_truth > 0.5
    assert result.truth_correlation_with_actual > 0.5


def test_evaluate_exits_1_below_the_least_auc_ratio(scored, capsys):
    args = ["evaluate", "--truth", str(scored["truth"]), "--db", str(scored["db"])]
    args += ["--min-precision", "0", "--min-recall", "0"]
    assert main(args) == 0
    report = capsys.readouterr().out
    assert "oracle" in report and "propensity-" in report and "churn_risk-" in report
    assert "Lifetime value on its holdout" in report
    assert main([*args, "--min-auc-ratio", "0.5"]) == 0
    assert main([*args, "--min-auc-ratio", "1.5"]) == 1
