"""Tests of the simulated behaviour: buy-till-you-die purchases, engagement and the truth API.

Purchases and activity are read from the landed files (the day of a record is the date of
its batch file, which late rows do not change) and attributed to persons with the truth's
events files; the latent truth comes from persons.csv.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniscore.generator import Settings, generate
from omniscore.generator import timeline as tl
from omniscore.generator.population import build_population
from omniscore.generator.util import day_number
from omniscore.truth import (
    load_truth,
    purchase_probability_given_purchases,
    true_expected_purchases,
    true_purchase_probability,
)

START = date(2026, 1, 1)
TODAY = date(2026, 11, 22)
HISTORY_DAYS = 60
# activity that shows engagement (not what the business sends: sends, push notifications)
ENGAGED = {
    "web": {"page_view", "view_item", "add_to_cart", "remove_from_cart", "begin_checkout"},
    "app": {"app_open", "screen_view", "product_view", "add_to_cart", "push_opened"},
    "email": {"open", "click"},
    "social": {"like", "comment", "share", "mention", "dm", "follow"},
}


def run(out: Path, customers: int, days: int, seed: int) -> Path:
    settings = Settings(seed=seed, customers=customers, start=START)
    generate(out, settings, start=START, days=days, today=TODAY)
    return out.parent / "truth"


@dataclass
class Landed:
    """What the landed files say persons did, per person and day."""

    purchases: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    activity: defaultdict[str, defaultdict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )


def _file_day(source_file: str) -> int:
    stem = source_file.rsplit("/", 1)[-1].split(".")[0].removesuffix("_redelivered")
    return day_number(date.fromisoformat(stem.rsplit("_", 1)[-1]))


def _records(path: Path) -> dict[int, dict[str, str]]:
    """Records by their first physical line (CSV with quoted line breaks, or JSON lines)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".jsonl":
        out = {}
        for i, line in enumerate(text.splitlines(), start=1):
            try:
                out[i] = json.loads(line)
            except ValueError:
                continue
        return out
    delimiter = ";" if path.parent.name == "pos" else ","
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    header = next(reader)
    out, line = {}, reader.line_num + 1
    for row in reader:
        if len(row) == len(header):
            out[line] = dict(zip(header, row, strict=True))
        line = reader.line_num + 1
    return out


def read_landed(raw: Path, truth: Path) -> Landed:
    landed = Landed()
    seen: set[tuple[str, str]] = set()
    files: dict[str, dict[int, dict[str, str]]] = {}
    for events in sorted(truth.glob("events_*.csv")):
        with open(events, encoding="utf-8") as f:
            for event in csv.DictReader(f):
                person, channel, source = event["person_id"], event["channel"], event["source_file"]
                if not person or channel in ("crm", "support"):
                    continue
                if source not in files:
                    files[source] = _records(raw / source)
                row = files[source][int(event["source_line"])]
                day = _file_day(source)
                key, name = _key_and_name(channel, row)
                if (channel, key) in seen:  # a repeat of a row already read
                    continue
                seen.add((channel, key))
                purchase = (channel in ("web", "app") and name == "purchase") or (
                    channel == "pos"
                    and row["line_no"] == "1"
                    and not row["quantity"].startswith("-")
                )
                if purchase:
                    landed.purchases[person].append(day)
                if name in ENGAGED.get(channel, ()):
                    landed.activity[person][day] += 1
    return landed


def _key_and_name(channel: str, row: dict[str, str]) -> tuple[str, str]:
    if channel == "web":
        return row["event_id"], row["event_name"]
    if channel == "app":
        return row["insert_id"], row["event_type"]
    if channel == "email":
        return "|".join(row[c] for c in ("email", "campaign_id", "action", "timestamp")), row[
            "action"
        ]
    if channel == "pos":
        return f"{row['receipt_id']}:{row['line_no']}", "receipt"
    return row["interaction_id"], row["interaction_type"]


def persons_frame(truth: Path) -> pd.DataFrame:
    frame = pd.read_csv(truth / "persons.csv", dtype={"person_id": str})
    for column in ("created_date", "first_purchase_date", "dropout_date", "erasure_date"):
        dates = pd.to_datetime(frame[column], format="%Y-%m-%d")
        frame[column] = (dates - pd.Timestamp("1970-01-01")).dt.days
    return frame


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Landed, pd.DataFrame]:
    """3,000 customers x 60 days: (truth folder, what landed, persons)."""
    out = tmp_path_factory.mktemp("history") / "raw"
    truth = run(out, customers=3000, days=HISTORY_DAYS, seed=21)
    return truth, read_landed(out, truth), persons_frame(truth)


def test_latent_parameters_follow_their_distributions(tmp_path: Path) -> None:
    """Gamma(r, alpha) purchase rates and Beta(a, b) dropout probabilities, recovered by the
    method of moments from persons.csv; engagement follows the purchase rate."""
    persons = persons_frame(run(tmp_path / "raw", customers=20_000, days=1, seed=4))
    buyers = persons[persons["is_prospect"] == False]  # noqa: E712 - a pandas mask
    assert persons.loc[persons["is_prospect"], "purchase_rate"].isna().all()
    rate = buyers["purchase_rate"]
    shape, scale_rate = rate.mean() ** 2 / rate.var(), rate.mean() / rate.var()
    assert shape == pytest.approx(tl.RATE_SHAPE, rel=0.1)
    assert scale_rate == pytest.approx(tl.RATE_RATE, rel=0.1)
    p = buyers["dropout_probability"]
    common = p.mean() * (1 - p.mean()) / p.var() - 1
    assert p.mean() * common == pytest.approx(tl.DROPOUT_A, rel=0.15)
    assert (1 - p.mean()) * common == pytest.approx(tl.DROPOUT_B, rel=0.15)
    assert buyers["engagement_level"].mean() == pytest.approx(1.0, abs=0.1)
    assert buyers["engagement_level"].corr(rate, method="spearman") > 0.5
    prefs = persons[[f"pref_{n}" for n in tl.PREFERENCES]]
    assert np.allclose(prefs.sum(axis=1), 1.0, atol=1e-3)
    assert np.allclose(prefs.mean(), tl.PREF_MEAN, atol=0.01)
    # a retailer's customer base: most were born before the first batch and about half of
    # them have lapsed already
    born = buyers["first_purchase_date"].notna().mean()
    lapsed = buyers["dropout_date"].notna().mean()
    assert born > 0.85 and 0.3 < lapsed < 0.7


def test_purchases_fall_between_birth_and_dropout(
    history: tuple[Path, Landed, pd.DataFrame],
) -> None:
    _, landed, persons = history
    by_id = persons.set_index("person_id")
    first_day, last_day = day_number(START), day_number(START) + HISTORY_DAYS - 1
    assert len(landed.purchases) > 300
    for person, days in landed.purchases.items():
        row = by_id.loc[person]
        assert not row["is_prospect"], person  # prospects never buy
        assert min(days) >= row["first_purchase_date"], person
        if not np.isnan(row["dropout_date"]):
            assert max(days) <= row["dropout_date"], person
        if not np.isnan(row["erasure_date"]):
            assert max(days) < row["erasure_date"], person
    # births and dropouts in the period are purchases (unless a quirk quarantined the row)
    for column in ("first_purchase_date", "dropout_date"):
        inside = persons[persons[column].between(first_day, last_day)]
        seen = [
            d in landed.purchases.get(p, ())
            for p, d in zip(inside.person_id, inside[column], strict=True)
        ]
        assert len(seen) > 30 and np.mean(seen) > 0.9, column
    # some customers are lost in the period, and none of them buys again
    lapsed = persons[persons["dropout_date"].between(first_day, last_day - 7)]
    assert len(lapsed) > 30


def test_engagement_rises_in_the_week_before_a_purchase(
    history: tuple[Path, Landed, pd.DataFrame],
) -> None:
    _, landed, _ = history
    first_day, last_day = day_number(START), day_number(START) + HISTORY_DAYS - 1
    before = other = before_days = other_days = 0
    for person, days in landed.purchases.items():
        bought = set(days)
        week_before = {d - g for d in bought for g in range(1, 8)} - bought
        activity = landed.activity[person]
        for day in range(first_day + 7, last_day + 1):  # days whose week is in the files
            if day in bought:
                continue
            if day in week_before:
                before += activity.get(day, 0)
                before_days += 1
            else:
                other += activity.get(day, 0)
                other_days += 1
    assert before_days > 1000 and other_days > 1000
    assert before / before_days > 1.5 * other / other_days


def test_engagement_fades_after_a_dropout(history: tuple[Path, Landed, pd.DataFrame]) -> None:
    _, landed, persons = history
    first_day, last_day = day_number(START), day_number(START) + HISTORY_DAYS - 1
    lapsed = persons[persons["dropout_date"].between(first_day + 14, last_day - 30)]
    assert len(lapsed) > 20
    before = after = before_days = after_days = 0
    for person, dropout in zip(lapsed.person_id, lapsed["dropout_date"].astype(int), strict=True):
        activity = landed.activity.get(person, {})
        for day in range(first_day, dropout - 7):
            before += activity.get(day, 0)
            before_days += 1
        for day in range(dropout + 14, last_day + 1):
            after += activity.get(day, 0)
            after_days += 1
    assert after / after_days < 0.6 * before / before_days


def test_true_probabilities_match_purchases_in_the_files(
    history: tuple[Path, Landed, pd.DataFrame],
) -> None:
    truth, landed, persons = history
    # the latent state at as_of is in the truth; the window's purchases are in the files
    as_of = START + timedelta(days=30)
    for window in (7, 30):
        start = day_number(as_of)
        observed = np.array(
            [
                sum(start <= d < start + window for d in landed.purchases.get(p, ()))
                for p in persons.person_id
            ]
        )
        predicted = true_purchase_probability(truth, as_of, window)
        expected = true_expected_purchases(truth, as_of, window)
        assert list(predicted.person_id) == list(persons.person_id)
        p = predicted.probability.to_numpy()
        tolerance = 3 * np.sqrt((p * (1 - p)).sum()) / len(p) + 0.005  # 3 SE + quarantined
        assert p.mean() == pytest.approx((observed > 0).mean(), abs=tolerance), window
        e = expected.expected_purchases.to_numpy()
        assert e.mean() == pytest.approx(observed.mean(), rel=0.15), window
        # it ranks: the half with the higher probabilities buys far more often
        high = p >= np.median(p[p > 0])
        assert (observed[high] > 0).mean() > 3 * (observed[~high] > 0).mean()
        # nobody who cannot buy does
        assert not (observed[p == 0] > 0).any()


def test_true_probabilities_match_the_simulation_at_scale(tmp_path: Path) -> None:
    """20,000 customers: the formulas against the generator's own timelines, for windows
    that start after the last batch too (persons born or lost in the window)."""
    settings = Settings(seed=8, customers=20_000, start=START)
    truth = run(tmp_path / "raw", customers=settings.customers, days=1, seed=settings.seed)
    pop = build_population(
        settings.seed,
        settings.customers,
        day_number(START),
        placeholder_rate=settings.rates.placeholder,
        prospect_share=settings.prospect_share,
        erasure_rate=settings.rates.erasure,
        shared_persons=settings.shared_identifier_persons,
    )
    timeline = tl.Timeline(
        settings.seed,
        purchase_rate=pop.purchase_rate,
        dropout_probability=pop.dropout_probability,
        is_prospect=pop.is_prospect,
        created_day=pop.created_day,
        erasure_day=pop.erasure_day,
    )
    as_of = START + timedelta(days=1)
    start = day_number(as_of)
    timeline.extend(start + 90, keep_from=start)
    counts = np.zeros((2, settings.customers))
    for row, window in enumerate((30, 90)):
        for day in range(start, start + window):
            np.add.at(counts[row], timeline.purchases(day, 0, settings.customers).person, 1)
        p = true_purchase_probability(truth, as_of, window).probability.to_numpy()
        e = true_expected_purchases(truth, as_of, window).expected_purchases.to_numpy()
        se = np.sqrt((p * (1 - p)).sum()) / len(p)
        assert abs(p.mean() - (counts[row] > 0).mean()) < 3 * se, window
        assert e.mean() == pytest.approx(counts[row].mean(), rel=0.05), window


def test_truth_api_refuses_what_it_cannot_know(tmp_path: Path) -> None:
    truth = run(tmp_path / "raw", customers=200, days=2, seed=3)
    loaded = load_truth(truth)
    assert loaded.last_day == START + timedelta(days=1)
    assert load_truth(truth) is loaded  # read once
    with pytest.raises(ValueError, match="after the day after the last generated batch"):
        true_purchase_probability(truth, START + timedelta(days=3), 30)
    with pytest.raises(ValueError, match="window_days"):
        true_expected_purchases(truth, START, 0)
    as_of = day_number(START) + 2
    p = true_purchase_probability(loaded, START + timedelta(days=2), 30).probability.to_numpy()
    cannot = (
        ~loaded.is_buyer
        | (loaded.dropout_day < as_of)
        | (loaded.erasure_day <= as_of)
        | (loaded.created_day >= as_of + 30)
    )
    assert (p[cannot] == 0).all() and (p[~cannot] > 0).all() and (p <= 1).all()


def test_the_known_parameters_reference_infers_alive_from_the_last_purchase(
    history: tuple[Path, Landed, pd.DataFrame],
) -> None:
    """With the last purchase the day before as_of, P(alive) is 1 - p exactly; the longer
    ago the last purchase, the lower the probability; prospects never buy."""
    truth, _, _ = history
    loaded = load_truth(truth)
    as_of = START + timedelta(days=HISTORY_DAYS)
    born = loaded.is_buyer & (loaded.first_purchase_day < day_number(as_of))
    born &= loaded.erasure_day > day_number(as_of)
    ids = loaded.person_id[born]

    def reference(days_ago: int) -> np.ndarray:
        last = pd.DataFrame({"person_id": ids, "last_purchase_date": as_of - timedelta(days_ago)})
        frame = purchase_probability_given_purchases(loaded, as_of, 30, last, START)
        return frame.set_index("person_id").loc[ids, "probability"].to_numpy()

    p = tl.effective_dropout(loaded.dropout_probability[born])
    buys = -np.expm1(
        -loaded.purchase_rate[born] * tl.season_sum(day_number(as_of), day_number(as_of) + 30)
    )
    np.testing.assert_allclose(reference(1), (1 - p) * buys, rtol=1e-12)
    assert (reference(40) <= reference(1) + 1e-15).all()
    assert reference(40).mean() < reference(1).mean()
    everyone = purchase_probability_given_purchases(
        loaded, as_of, 30, pd.DataFrame({"person_id": [], "last_purchase_date": []}), START
    )
    prospects = everyone.set_index("person_id").loc[loaded.person_id[~loaded.is_buyer]]
    assert (prospects["probability"] == 0).all()
