"""The regression scores against the oracle: what a perfect model reaches on the same rows.

For each model version's holdout rows (``intermediate.int_model_predictions``, split
``holdout``: features as of the holdout date, labels from the window after it, never fitted
on), the generator's latent truth gives each person's true probability of the labelled event
(:func:`omniscore.truth.true_purchase_probability`: purchase rate, dropout and latent state at
the as-of date). No model can beat the AUC of that probability in expectation; ours is
reported as a share of it. That oracle also knows who has already dropped out, which no model
can observe (in BG/NBD a dropout is never seen), so a second reference is given: the
probability for someone who knows each person's latent purchase rate and dropout probability
but infers whether they are still alive from the purchases the warehouse holds
(:func:`omniscore.truth.purchase_probability_given_purchases`).

A warehouse customer is the truth's person owning most of its identifiers. Customers with
no modelled person (anonymous visitors the generator does not model, who never buy) are
easy negatives for any model and the oracle alike, so the figures are given twice: over the
modelled persons only (the headline, ``population = "persons"``) and over all holdout rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
from sklearn.metrics import roc_auc_score

from omniscore.truth import (
    purchase_probability_given_purchases,
    true_expected_purchases,
    true_purchase_probability,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelEvaluation:
    model_name: str
    model_version: str
    population: str  # "persons" (modelled persons) or "all" (every holdout row)
    as_of_date: date
    window_days: int
    rows: int
    positives: int
    auc: float
    oracle_auc: float
    reference_auc: float  # knows the latent parameters, infers P(alive) from purchases seen

    @property
    def auc_ratio(self) -> float:
        return self.auc / self.oracle_auc if self.oracle_auc else float("nan")


def has_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether the warehouse holds ``schema.name`` (a warehouse built without the scoring
    layer, or before it existed, has nothing to evaluate)."""
    (count,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return count > 0


def customer_persons(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> pd.DataFrame:
    """customer_id -> person_id: the person owning most of the customer's identifiers."""
    return con.execute(
        """
        with truth as (
            select identifier_type, identifier_value, min(person_id) as person_id
            from read_csv(?, header = true, all_varchar = true)
            group by identifier_type, identifier_value
            having count(distinct person_id) = 1
        ),
        votes as (
            select resolved.customer_id, truth.person_id, count(*) as identifiers
            from intermediate.int_identifiers_resolved as resolved
            inner join truth
                on resolved.identifier_type = truth.identifier_type
                and resolved.identifier_value = truth.identifier_value
            group by all
        )
        select customer_id, arg_max(person_id, identifiers) as person_id
        from votes
        group by customer_id
        """,
        [str(truth_dir / "identifiers.csv")],
    ).df()


def evaluate_scores(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> list[ModelEvaluation]:
    """Our holdout AUC and the oracle's, per model version in the warehouse."""
    if not has_relation(con, "intermediate", "int_model_predictions"):
        return []
    holdout = con.execute(
        """
        select predictions.model_name, predictions.model_version, predictions.as_of_date,
               snapshots.window_days, predictions.customer_id, predictions.probability,
               predictions.label
        from intermediate.int_model_predictions as predictions
        inner join intermediate.int_scoring_snapshots as snapshots
            on predictions.model_name = snapshots.model_name
            and predictions.as_of_date = snapshots.as_of_date
            and snapshots.split = 'holdout'
        where predictions.split = 'holdout'
        """
    ).df()
    if holdout.empty:
        return []
    persons = customer_persons(con, truth_dir)
    holdout = holdout.merge(persons, on="customer_id", how="left")
    purchase_days = con.execute(
        """
        select customer_id, occurred_date
        from intermediate.int_interactions_daily
        where interaction_type = 'purchase'
        """
    ).df()
    (data_start,) = con.execute(
        "select min(occurred_date) from intermediate.int_interactions_daily"
    ).fetchone()
    purchase_days = purchase_days.merge(persons, on="customer_id")
    results = []
    for (model_name, version, as_of, window), rows in holdout.groupby(
        ["model_name", "model_version", "as_of_date", "window_days"]
    ):
        as_of_date = pd.Timestamp(as_of).date()
        seen = purchase_days[purchase_days["occurred_date"] < pd.Timestamp(as_of_date)]
        last_purchase = (seen.groupby("person_id", as_index=False)["occurred_date"].max()).rename(
            columns={"occurred_date": "last_purchase_date"}
        )
        references = {
            "oracle": true_purchase_probability(truth_dir, as_of_date, int(window)),
            "reference": purchase_probability_given_purchases(
                truth_dir, as_of_date, int(window), last_purchase, data_start
            ),
        }
        merged = rows
        for name, frame in references.items():
            merged = merged.merge(
                frame.rename(columns={"probability": f"{name}_buys"}), on="person_id", how="left"
            )
            buys = merged[f"{name}_buys"].fillna(0.0)
            merged[name] = 1.0 - buys if model_name == "churn_risk" else buys
        for population, subset in (
            ("persons", merged[merged["person_id"].notna()]),
            ("all", merged),
        ):
            labels = subset["label"].to_numpy(dtype=int)
            if len(labels) == 0 or labels.min() == labels.max():
                log.warning("%s (%s): holdout has one class only, no AUC", version, population)
                continue
            results.append(
                ModelEvaluation(
                    model_name=str(model_name),
                    model_version=str(version),
                    population=population,
                    as_of_date=as_of_date,
                    window_days=int(window),
                    rows=len(subset),
                    positives=int(labels.sum()),
                    auc=float(roc_auc_score(labels, subset["probability"])),
                    oracle_auc=float(roc_auc_score(labels, subset["oracle"])),
                    reference_auc=float(roc_auc_score(labels, subset["reference"])),
                )
            )
    return results


@dataclass(frozen=True)
class ValueEvaluation:
    """Lifetime value's holdout: BG/NBD's expected purchase days per customer, fitted before
    the holdout, against the truth's expected purchases and the purchase days that came."""

    model_version: str
    holdout_start: date
    holdout_days: int
    customers: int
    correlation_with_truth: float
    correlation_with_actual: float
    truth_correlation_with_actual: float


def evaluate_value(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> list[ValueEvaluation]:
    """Pearson correlations over the modelled customers of the calibration fit's holdout."""
    if not has_relation(con, "intermediate", "int_clv_expected_purchases"):
        return []
    rows = con.execute(
        """
        select expected.model_version, expected.customer_id, expected.horizon_days,
               expected.expected_purchases, summaries.window_end_date,
               summaries.holdout_purchase_days
        from intermediate.int_clv_expected_purchases as expected
        inner join intermediate.int_clv_customer_summaries as summaries
            on expected.customer_id = summaries.customer_id
            and expected.window_name = summaries.window_name
        where expected.window_name = 'calibration'
        """
    ).df()
    if rows.empty:
        return []
    rows = rows.merge(customer_persons(con, truth_dir), on="customer_id")
    results = []
    for (version, end, days), group in rows.groupby(
        ["model_version", "window_end_date", "horizon_days"]
    ):
        start = pd.Timestamp(end).date()  # the calibration's end (exclusive): the holdout's start
        truth = true_expected_purchases(truth_dir, start, int(days))
        merged = group.merge(truth, on="person_id")
        if len(merged) < 3:
            continue
        predicted, true = merged["expected_purchases_x"], merged["expected_purchases_y"]
        actual = merged["holdout_purchase_days"].astype(float)
        results.append(
            ValueEvaluation(
                model_version=str(version),
                holdout_start=start,
                holdout_days=int(days),
                customers=len(merged),
                correlation_with_truth=float(predicted.corr(true)),
                correlation_with_actual=float(predicted.corr(actual)),
                truth_correlation_with_actual=float(true.corr(actual)),
            )
        )
    return results


def format_value_report(results: list[ValueEvaluation]) -> str:
    lines = [
        "Lifetime value on its holdout: expected purchases per customer, Pearson correlation",
        f"  {'model version':<44} {'holdout from':>12} {'days':>5} {'customers':>9}"
        f" {'vs truth':>8} {'vs actual':>9} {'truth vs actual':>15}",
    ]
    if not results:
        lines.append("  (no calibration fit)")
    for r in results:
        lines.append(
            f"  {r.model_version:<44} {r.holdout_start.isoformat():>12} {r.holdout_days:>5} "
            f"{r.customers:>9,} {r.correlation_with_truth:>8.3f} {r.correlation_with_actual:>9.3f}"
            f" {r.truth_correlation_with_actual:>15.3f}"
        )
    return "\n".join(lines)


def format_scores_report(results: list[ModelEvaluation]) -> str:
    lines = [
        "Regression scores on the holdout by time, against the oracle (the truth's probability)",
        f"  {'model version':<30} {'rows of':<8} {'as of':>10} {'rows':>8} {'positive':>8}"
        f" {'AUC':>7} {'oracle':>7} {'ratio':>6} {'known-parameters reference':>27}",
    ]
    if not results:
        lines.append("  (no fitted model with a two-class holdout)")
    for r in results:
        lines.append(
            f"  {r.model_version:<30} {r.population:<8} {r.as_of_date.isoformat():>10} "
            f"{r.rows:>8,} {r.positives:>8,} {r.auc:>7.4f} {r.oracle_auc:>7.4f} {r.auc_ratio:>6.3f}"
            f" {r.reference_auc:>10.4f} (ratio {r.auc / r.reference_auc:.3f})"
        )
    return "\n".join(lines)
