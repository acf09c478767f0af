"""The generator's latent truth: the probability each person buys in a window, and how much.

Evaluation of purchase scores and lifetime value compares a model with the probability
the simulation itself used (docs/architecture.md, "Generator ground truth"). These
functions read ``persons.csv`` and ``manifest.json`` of a truth folder and apply the
generator's own buy-till-you-die process (:mod:`omniscore.generator.timeline`: the same
seasonal clock, birth rate and dropout probabilities) to each person's latent parameters
and latent state at the as-of date:

* a prospect never buys; nobody buys from their erasure request on;
* a customer whose dropout day is before ``as_of`` never buys again;
* a customer alive at ``as_of`` (born before it, not dropped out) buys in the window
  ``[as_of, as_of + window_days)`` with probability ``1 - exp(-lambda x S)``, where ``S`` is
  the sum of ``season(d)`` over the window's days (up to an erasure);
* a customer not yet born at ``as_of`` is born (first purchase) at rate ``BIRTH_RATE`` on
  the same seasonal clock from their CRM creation day, so the first purchase falls in the
  window with probability ``1 - exp(-BIRTH_RATE x S')`` (``S'`` from the later of ``as_of``
  and the creation day); their expected purchases add the purchases after that birth.

The state at ``as_of`` is known for ``as_of`` up to the day after the last generated batch.
Expected purchases count purchases (orders), not purchase days: a customer may buy twice on
a day. The probabilities ignore what a model may see but the latent state does not hold:
the browsing of the week before a purchase is caused by that purchase, so on short windows
a model reading it can rank the first days of a window a little better than this truth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from omniscore.generator.timeline import BIRTH_RATE, effective_dropout, season_sum
from omniscore.generator.util import day_number

NEVER = 2**30


@dataclass(frozen=True)
class Truth:
    """The persons of a truth folder as arrays (day numbers; NEVER for an empty date)."""

    person_id: np.ndarray
    is_buyer: np.ndarray  # not a prospect
    purchase_rate: np.ndarray  # per seasonal day (0 for prospects)
    dropout_probability: np.ndarray  # the latent Beta draw (0 for prospects)
    created_day: np.ndarray
    first_purchase_day: np.ndarray
    dropout_day: np.ndarray
    erasure_day: np.ndarray
    last_day: date  # the last generated batch


def _days(column: pd.Series) -> np.ndarray:
    parsed = pd.to_datetime(column, format="%Y-%m-%d", errors="raise")
    days = (parsed - pd.Timestamp("1970-01-01")).dt.days
    return days.fillna(NEVER).to_numpy(dtype=np.int64)


@lru_cache(maxsize=4)
def _load(persons: str, modified_ns: int, manifest: str) -> Truth:
    frame = pd.read_csv(
        persons,
        dtype={"person_id": str, "is_prospect": str},
        usecols=[
            "person_id",
            "is_prospect",
            "created_date",
            "purchase_rate",
            "dropout_probability",
            "first_purchase_date",
            "dropout_date",
            "erasure_date",
        ],
    )
    last = json.loads(Path(manifest).read_text(encoding="utf-8"))["last_batch"]
    return Truth(
        person_id=frame["person_id"].to_numpy(),
        is_buyer=(frame["is_prospect"].str.lower() == "false").to_numpy(),
        purchase_rate=frame["purchase_rate"].fillna(0.0).to_numpy(dtype=np.float64),
        dropout_probability=frame["dropout_probability"].fillna(0.0).to_numpy(dtype=np.float64),
        created_day=_days(frame["created_date"]),
        first_purchase_day=_days(frame["first_purchase_date"]),
        dropout_day=_days(frame["dropout_date"]),
        erasure_day=_days(frame["erasure_date"]),
        last_day=date.fromisoformat(last),
    )


def load_truth(truth_dir: str | Path) -> Truth:
    """Read ``persons.csv`` and ``manifest.json`` of ``truth_dir`` (cached until changed)."""
    folder = Path(truth_dir)
    persons = folder / "persons.csv"
    if not persons.exists() or not (folder / "manifest.json").exists():
        raise FileNotFoundError(f"{folder} lacks persons.csv or manifest.json: not a truth folder")
    return _load(str(persons.resolve()), persons.stat().st_mtime_ns, str(folder / "manifest.json"))


@dataclass(frozen=True)
class _Window:
    """Per person: who may buy, and the seasonal length of the window for them."""

    alive: np.ndarray  # born before as_of and not dropped out: buys at rate lambda
    unborn: np.ndarray  # a customer whose first purchase is on or after as_of
    season_alive: np.ndarray  # sum of season over the window (up to an erasure)
    season_unborn: np.ndarray  # ... from the later of as_of and the creation day


def _window(truth: Truth, as_of: date, window_days: int) -> _Window:
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, not {window_days}")
    if as_of > truth.last_day + timedelta(days=1):
        raise ValueError(
            f"as_of {as_of} is after the day after the last generated batch "
            f"({truth.last_day}): the latent state there is not in the truth folder"
        )
    start = day_number(as_of)
    stop = np.minimum(start + window_days, truth.erasure_day)  # nothing bought from erasure on
    possible = truth.is_buyer & (truth.erasure_day > start) & (truth.dropout_day >= start)
    born = truth.first_purchase_day < start
    alive = possible & born
    unborn = possible & ~born
    stop = np.maximum(stop, start)
    season_alive = np.where(alive, season_sum(start, stop), 0.0)
    birth_start = np.minimum(np.maximum(truth.created_day, start), stop)
    season_unborn = np.where(unborn, season_sum(birth_start, stop), 0.0)
    return _Window(alive, unborn, season_alive, season_unborn)


def _as_truth(truth: Truth | str | Path) -> Truth:
    return truth if isinstance(truth, Truth) else load_truth(truth)


def true_purchase_probability(
    truth_dir: Truth | str | Path, as_of: date, window_days: int
) -> pd.DataFrame:
    """P(at least one purchase in ``[as_of, as_of + window_days)``) per person, given the
    latent parameters and the latent state at ``as_of``; columns person_id, probability."""
    truth = _as_truth(truth_dir)
    w = _window(truth, as_of, window_days)
    probability = np.where(w.alive, -np.expm1(-truth.purchase_rate * w.season_alive), 0.0)
    probability = np.where(w.unborn, -np.expm1(-BIRTH_RATE * w.season_unborn), probability)
    return pd.DataFrame({"person_id": truth.person_id, "probability": probability})


def purchase_probability_given_purchases(
    truth_dir: Truth | str | Path,
    as_of: date,
    window_days: int,
    last_purchase: pd.DataFrame,
    data_start: date,
) -> pd.DataFrame:
    """A second reference: P(a purchase in ``[as_of, as_of + window_days)``) for a model that
    knows each person's latent parameters (lambda, p) but not whether they dropped out, which
    BG/NBD never observes. It infers P(alive) from the purchases a warehouse holds:
    ``last_purchase`` (person_id, last_purchase_date before ``as_of``; a person missing there
    is taken to have last bought just before ``data_start``, the first day of data, or at
    birth). Alive after a last purchase with probability
    ``(1 - p) exp(-lambda S) / ((1 - p) exp(-lambda S) + p)``, ``S`` the seasonal time since
    it; a customer not yet born at ``as_of`` is as in :func:`true_purchase_probability`.
    Columns person_id, probability."""
    truth = _as_truth(truth_dir)
    start = day_number(as_of)
    seen = pd.Series(
        [day_number(d) for d in pd.to_datetime(last_purchase["last_purchase_date"]).dt.date],
        index=last_purchase["person_id"].to_numpy(),
        dtype="float64",
    )
    seen = seen.groupby(level=0).max().reindex(truth.person_id).to_numpy()
    before_files = np.maximum(truth.first_purchase_day, day_number(data_start) - 1)
    last = np.where(np.isnan(seen), before_files, np.nan_to_num(seen)).astype(np.int64)
    born = truth.first_purchase_day < start
    last = np.where(born, np.minimum(last, start - 1), start - 1)
    p = effective_dropout(truth.dropout_probability)
    survived = (1.0 - p) * np.exp(-truth.purchase_rate * season_sum(last + 1, start))
    alive = survived / np.maximum(survived + p, 1e-300)
    stop = np.maximum(np.minimum(start + window_days, truth.erasure_day), start)
    buys_if_alive = -np.expm1(-truth.purchase_rate * season_sum(start, stop))
    birth_from = np.minimum(np.maximum(truth.created_day, start), stop)
    birth = -np.expm1(-BIRTH_RATE * season_sum(birth_from, stop))
    probability = np.where(born, alive * buys_if_alive, birth)
    probability = np.where(truth.is_buyer & (truth.erasure_day > start), probability, 0.0)
    return pd.DataFrame({"person_id": truth.person_id, "probability": probability})


def true_expected_purchases(
    truth_dir: Truth | str | Path, as_of: date, window_days: int
) -> pd.DataFrame:
    """Expected number of purchases (orders) in ``[as_of, as_of + window_days)`` per person,
    given the latent parameters and state at ``as_of``; columns person_id,
    expected_purchases.

    Alive at ``as_of``: purchases at rate lambda until one of them ends the customer's life
    (each with the effective dropout probability ``p``), ``(1 - exp(-lambda p S)) / p``.
    Not yet born: the birth purchase falls in the window with probability ``A = 1 -
    exp(-beta S)``; after it the customer is alive with probability ``1 - p`` and buys as
    above for the rest of the window, which integrates to ``A + (1 - p) lambda
    (expm1(-beta S) - beta expm1(-c S) / c) / (beta - c)`` with ``c = lambda p``.
    """
    truth = _as_truth(truth_dir)
    w = _window(truth, as_of, window_days)
    rate = truth.purchase_rate
    p = effective_dropout(truth.dropout_probability)
    c = np.maximum(rate * p, 1e-300)
    expected = np.where(w.alive, -np.expm1(-c * w.season_alive) / np.maximum(p, 1e-300), 0.0)
    beta, s = BIRTH_RATE, w.season_unborn
    # beta == c has a finite limit; move c off it by a relative 1e-6 (an error of that order)
    c = np.where(np.abs(beta - c) < 1e-6 * beta, c * (1.0 - 1e-6), c)
    after_birth = rate * (np.expm1(-beta * s) - beta * np.expm1(-c * s) / c) / (beta - c)
    unborn = -np.expm1(-beta * s) + (1.0 - p) * after_birth
    expected = np.where(w.unborn, unborn, expected)
    return pd.DataFrame({"person_id": truth.person_id, "expected_purchases": expected})
