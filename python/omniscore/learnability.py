"""Does the generated data carry signal a model can learn? A quick check against the oracle.

On a built warehouse, features as of a date come from ``marts.fct_interactions``
(recency and frequency of purchases, web / app / email / social activity in the last 30
days); labels are "a purchase in the next 30 days" and, among past buyers, "no purchase in
the next 90 days". A logistic regression fitted at an earlier as-of date scores a later
one (split by time, as scoring-reference.md asks), and its AUC is compared with the AUC of
the truth's probabilities (:mod:`omniscore.truth`) on the same rows: the oracle.

That oracle knows each customer's latent state, including whether they have already dropped
out, which no model can see: in BG/NBD a dropout is never observed. A second reference
knows the latent parameters (lambda, p) but not the state: it infers P(alive) from the
purchases the warehouse holds (alive after the last one with probability ``(1 - p)
exp(-lambda S) / ((1 - p) exp(-lambda S) + p)``, ``S`` the seasonal time since it), the
best a model could do if it knew each person's parameters.

Customers are matched to the truth's persons through the truth events files (the person
behind most of a customer's records). Run ``python -m omniscore.learnability --db DB
--truth DIR``.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from omniscore.generator.timeline import BIRTH_RATE, effective_dropout, season_sum
from omniscore.generator.util import day_number
from omniscore.truth import Truth, load_truth, true_purchase_probability
from omniscore.warehouse import connect

log = logging.getLogger(__name__)

FEATURES = (
    "days_since_last_purchase",
    "purchase_days",
    "purchase_days_90",
    "days_since_first_seen",
    "web_30",
    "app_30",
    "email_30",
    "social_30",
    "engaged_7",
)
NO_PURCHASE_DAYS = 999  # recency of a customer who has not bought yet


@dataclass(frozen=True)
class Result:
    label: str
    window_days: int
    train_as_of: date
    test_as_of: date
    rows: int
    positives: int
    model_auc: float
    oracle_auc: float
    history_oracle_auc: float  # knows lambda and p, infers P(alive) from the purchases seen

    @property
    def ratio(self) -> float:
        return self.model_auc / self.oracle_auc


def _interactions(db: Path, truth_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interactions per customer (date, channel, type) and each customer's person."""
    with connect(db) as con:
        con.execute(
            "create temp table truth_events as select * from read_csv(?, header = true, "
            "all_varchar = true, union_by_name = true)",
            [str(truth_dir / "events_*.csv")],
        )
        interactions = con.execute(
            """
            select customer_id, channel, interaction_type, occurred_date
            from marts.fct_interactions
            where customer_id is not null
            """
        ).df()
        persons = con.execute(
            """
            select fct.customer_id, mode(ev.person_id) as person_id
            from marts.fct_interactions as fct
            inner join truth_events as ev
                on fct.source_file = ev.source_file
                and cast(fct.source_line as varchar) = ev.source_line
            where fct.customer_id is not null and ev.person_id <> ''
            group by fct.customer_id
            """
        ).df()
    interactions["occurred_date"] = pd.to_datetime(interactions["occurred_date"])
    return interactions, persons


def features_as_of(interactions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Per customer seen before ``as_of``: the features of :data:`FEATURES`."""
    t = pd.Timestamp(as_of)
    past = interactions[interactions["occurred_date"] < t]
    age = (t - past["occurred_date"]).dt.days
    buys = past[past["interaction_type"] == "purchase"]
    buy_age = (t - buys["occurred_date"]).dt.days
    engaged = ~past["interaction_type"].isin(["purchase", "message_received", "return"])
    recent = past[engaged & (age <= 30)]
    out = pd.DataFrame(index=pd.Index(past["customer_id"].unique(), name="customer_id"))
    out["days_since_last_purchase"] = buy_age.groupby(buys["customer_id"]).min()
    out["days_since_last_purchase"] = out["days_since_last_purchase"].fillna(NO_PURCHASE_DAYS)
    out["purchase_days"] = buys.groupby("customer_id")["occurred_date"].nunique()
    out["purchase_days_90"] = buys[buy_age <= 90].groupby("customer_id")["occurred_date"].nunique()
    out["days_since_first_seen"] = age.groupby(past["customer_id"]).max()
    for channel in ("web", "app", "email", "social"):
        counts = recent[recent["channel"] == channel].groupby("customer_id").size()
        out[f"{channel}_30"] = counts
    out["engaged_7"] = past[engaged & (age <= 7)].groupby("customer_id").size()
    return out.fillna(0.0)


def labels_as_of(interactions: pd.DataFrame, as_of: date, window_days: int) -> pd.Series:
    """Per customer: whether they bought in ``[as_of, as_of + window_days)``."""
    t = pd.Timestamp(as_of)
    buys = interactions[
        (interactions["interaction_type"] == "purchase")
        & (interactions["occurred_date"] >= t)
        & (interactions["occurred_date"] < t + pd.Timedelta(days=window_days))
    ]
    return pd.Series(True, index=pd.Index(buys["customer_id"].unique(), name="customer_id"))


def _rows(
    interactions: pd.DataFrame, persons: pd.DataFrame, as_of: date, window: int, churn: bool
) -> pd.DataFrame:
    frame = features_as_of(interactions, as_of)
    frame["bought"] = labels_as_of(interactions, as_of, window).reindex(frame.index)
    frame["bought"] = frame["bought"].fillna(False).astype(bool)
    frame = frame.join(persons.set_index("customer_id"), how="inner")
    if churn:  # among past buyers: no purchase in the window
        frame = frame[frame["purchase_days"] > 0]
        frame["label"] = ~frame["bought"]
    else:
        frame["label"] = frame["bought"]
    return frame


def history_oracle(
    truth: Truth, rows: pd.DataFrame, interactions: pd.DataFrame, as_of: date, window: int
) -> np.ndarray:
    """P(a purchase in the window) per row given the person's latent parameters and the
    purchases the warehouse holds before ``as_of`` (see the module docstring)."""
    start = day_number(as_of)
    epoch = pd.Timestamp("1970-01-01")
    seen_from = day_number(interactions["occurred_date"].min().date())
    buys = interactions[
        (interactions["interaction_type"] == "purchase")
        & (interactions["occurred_date"] < pd.Timestamp(as_of))
    ]
    last_seen = (buys.groupby("customer_id")["occurred_date"].max() - epoch).dt.days
    last_seen = last_seen.reindex(rows.index)
    index = pd.Series(np.arange(len(truth.person_id)), index=truth.person_id)
    i = index.reindex(rows["person_id"]).to_numpy()
    rate, p = truth.purchase_rate[i], effective_dropout(truth.dropout_probability[i])
    born = truth.first_purchase_day[i] < start
    # a customer born before the files start and not seen buying: last bought before them
    before_files = np.maximum(truth.first_purchase_day[i], seen_from - 1)
    last = np.where(last_seen.notna(), last_seen.fillna(0).to_numpy(dtype=np.int64), before_files)
    last = np.where(born, np.minimum(last, start - 1), start - 1)
    survived = (1.0 - p) * np.exp(-rate * season_sum(last + 1, start))
    alive = survived / (survived + p)
    stop = np.maximum(np.minimum(start + window, truth.erasure_day[i]), start)
    buys_if_alive = -np.expm1(-rate * season_sum(start, stop))
    birth_from = np.minimum(np.maximum(truth.created_day[i], start), stop)
    birth = -np.expm1(-BIRTH_RATE * season_sum(birth_from, stop))
    probability = np.where(born, alive * buys_if_alive, birth)
    return np.where(truth.is_buyer[i], probability, 0.0)


def evaluate_signal(db: Path, truth_dir: Path, *, last_day: date | None = None) -> list[Result]:
    """Model and oracle AUC for the 30-day purchase and 90-day lapse labels (latest windows
    held out, the windows before them for training)."""
    truth = load_truth(truth_dir)
    last = last_day or truth.last_day
    interactions, persons = _interactions(db, truth_dir)
    results = []
    for label, window, churn in (("purchase_30d", 30, False), ("no_purchase_90d", 90, True)):
        test_as_of = last + timedelta(days=1 - window)
        train_as_of = test_as_of - timedelta(days=window)
        train = _rows(interactions, persons, train_as_of, window, churn)
        test = _rows(interactions, persons, test_as_of, window, churn)
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        model.fit(np.log1p(train[list(FEATURES)]), train["label"])
        scored = model.predict_proba(np.log1p(test[list(FEATURES)]))[:, 1]
        oracle = true_purchase_probability(truth, test_as_of, window).set_index("person_id")
        p_buy = oracle["probability"].reindex(test["person_id"]).to_numpy()
        oracle_score = 1.0 - p_buy if churn else p_buy
        p_history = history_oracle(truth, test, interactions, test_as_of, window)
        history_score = 1.0 - p_history if churn else p_history
        result = Result(
            label=label,
            window_days=window,
            train_as_of=train_as_of,
            test_as_of=test_as_of,
            rows=len(test),
            positives=int(test["label"].sum()),
            model_auc=float(roc_auc_score(test["label"], scored)),
            oracle_auc=float(roc_auc_score(test["label"], oracle_score)),
            history_oracle_auc=float(roc_auc_score(test["label"], history_score)),
        )
        log.info(
            "%s: train as of %s, test as of %s: %d rows, %d positive; model AUC %.4f, "
            "oracle AUC %.4f (ratio %.3f), oracle given the purchases seen %.4f (ratio %.3f)",
            label,
            train_as_of,
            test_as_of,
            result.rows,
            result.positives,
            result.model_auc,
            result.oracle_auc,
            result.ratio,
            result.history_oracle_auc,
            result.model_auc / result.history_oracle_auc,
        )
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    evaluate_signal(args.db, args.truth)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
