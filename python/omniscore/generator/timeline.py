"""Buy till you die: when each customer buys and drops out, and how engaged people are.

Latent quantities per person (drawn with the population, see :func:`draw_latent`):

* ``purchase_rate`` lambda ~ Gamma(shape :data:`RATE_SHAPE`, rate :data:`RATE_RATE`) per
  day of average seasonality (mean 0.03: a purchase every 33 days while alive; median
  waiting time about 7 weeks; strong heterogeneity, the shape is below 1);
* ``dropout_probability`` p ~ Beta(:data:`DROPOUT_A`, :data:`DROPOUT_B`) (mean 0.11): after
  each purchase the customer drops out for good with this probability, raised by
  :data:`BAD_EXPERIENCE_DROPOUT` when the order leads to a bad support experience (each
  order does with probability :data:`BAD_EXPERIENCE_PROBABILITY`);
* ``engagement`` level (mean 1): sqrt(lambda / mean lambda) scaled to mean 1, times
  3 Beta(1.6, 3.2) (noise of its own: mean 1, standard deviation 0.6), so frequent buyers
  browse and open more; prospects' is 0.6 times that;
* ``channel_pref``: Dirichlet weights over web, app, email, social and stores.

The clock of purchases is seasonal: day ``d`` covers ``[C(d), C(d + 1))`` on an intensity
axis where ``C(d)`` is the sum of :func:`~omniscore.generator.plans.season` over the days
before ``d`` (:func:`intensity_at`). A customer (not a prospect) is born with a first
purchase after their CRM creation: the birth is the first event of a Poisson process of
rate :data:`BIRTH_RATE` on that axis started at the creation day (mean 14 seasonal days).
While alive, purchases follow a Poisson process of rate lambda on the same axis (that is,
rate lambda x season(day) per day); the birth purchase and every later one may end the
customer's life (the dropout day is that purchase's day). Purchases stop at an erasure
request. Prospects never buy.

Every draw is a hash of (seed, tag, person, purchase number), so a person's k-th purchase
does not depend on how many days are generated, on chunks or on other persons: a timeline
is extended lazily, day by day, and always lands on the same purchases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from math import exp, lgamma, sqrt

import numpy as np

from omniscore.generator.plans import season
from omniscore.generator.util import day_number, hash_uniform

# --- latent parameters ---------------------------------------------------------------------
RATE_SHAPE = 0.9  # r of Gamma(r, alpha): purchase rate per seasonal day
RATE_RATE = 30.0  # alpha (days): mean rate r / alpha = 0.03 a day
DROPOUT_A = 1.5  # Beta(a, b) of the dropout probability after a purchase: mean 0.11
DROPOUT_B = 12.0
BIRTH_RATE = 1 / 14  # first purchase after CRM creation: mean 14 seasonal days
BAD_EXPERIENCE_PROBABILITY = 0.05  # an order leads to a ticket rated bad
BAD_EXPERIENCE_DROPOUT = 0.3  # ... and then the customer also drops out with this probability
ENGAGEMENT_NOISE = (1.6, 3.2)  # Beta(a, b) of the engagement level's own factor (x 3)
PROSPECT_ENGAGEMENT = 0.6
PREFERENCES = ("web", "app", "email", "social", "stores")
PREF_WEB, PREF_APP, PREF_EMAIL, PREF_SOCIAL, PREF_STORES = range(5)
PREF_CONCENTRATION = np.array([2.0, 1.5, 2.0, 1.0, 3.5])  # stores sell the most
PREF_MEAN = PREF_CONCENTRATION / PREF_CONCENTRATION.sum()

# --- engagement over time --------------------------------------------------------------------
PRE_PURCHASE_DAYS = 7  # browsing rises in the week before a purchase
PRE_PURCHASE_SESSIONS = 2.0  # expected extra web/app sessions in that week
LAPSE_DECAY_DAYS = 30.0  # after the dropout, activity decays with this time constant ...
LAPSED_FLOOR = 0.15  # ... to this share of the person's level

# Hash tags of the timeline's draws (hashed, not streamed; see util.hash_uniform).
T_GAP = 40
T_DROPOUT = 41
T_EXPERIENCE = 42
T_PRE_PURCHASE = 43
T_PRE_PURCHASE_APP = 44

NEVER = 2**30
LOOKBACK_DAYS = 31  # purchases of days this far before a requested day are kept
EXTEND_DAYS = 31  # a timeline is extended by this many days beyond the day requested
_INTENSITY_FIRST = day_number(date(2014, 1, 1))
_INTENSITY_LAST = day_number(date(2080, 1, 1))


@lru_cache(maxsize=1)
def _intensity_table() -> np.ndarray:
    seasons = np.array([season(d) for d in range(_INTENSITY_FIRST, _INTENSITY_LAST)])
    return np.concatenate([[0.0], np.cumsum(seasons)])


def intensity_at(day: np.ndarray | int) -> np.ndarray:
    """C(day): the sum of ``season`` over the days before ``day`` (from 2014-01-01)."""
    d = np.asarray(day, dtype=np.int64)
    if d.size and (d.min() < _INTENSITY_FIRST or d.max() > _INTENSITY_LAST):
        raise ValueError("day out of the range of the seasonal clock (2014-2079)")
    return _intensity_table()[d - _INTENSITY_FIRST]


def season_sum(first: np.ndarray | int, stop: np.ndarray | int) -> np.ndarray:
    """The sum of ``season(d)`` over ``first <= d < stop`` (0 when ``stop <= first``)."""
    first, stop = np.asarray(first, dtype=np.int64), np.asarray(stop, dtype=np.int64)
    return np.maximum(intensity_at(np.maximum(stop, first)) - intensity_at(first), 0.0)


def day_of_intensity(x: np.ndarray) -> np.ndarray:
    """The day whose interval ``[C(d), C(d + 1))`` holds ``x`` (NEVER past the clock's end)."""
    table = _intensity_table()
    d = np.searchsorted(table, x, side="right") - 1
    return np.where(d >= len(table) - 1, NEVER, d + _INTENSITY_FIRST).astype(np.int64)


def draw_engagement_noise(rng: np.random.Generator, m: int) -> np.ndarray:
    """The engagement level's own factor (mean 1) of ``m`` persons."""
    a, b = ENGAGEMENT_NOISE
    return rng.beta(a, b, m) * (a + b) / a


def draw_latent(rng: np.random.Generator, noise: np.ndarray) -> dict[str, np.ndarray]:
    """Latent parameters of persons whose engagement factors are ``noise`` (see the module
    docstring)."""
    m = len(noise)
    rate = rng.gamma(RATE_SHAPE, 1.0 / RATE_RATE, m)
    rate = np.maximum(rate, 1e-9)  # a rate of exactly 0 would never buy: keep it positive
    dropout = rng.beta(DROPOUT_A, DROPOUT_B, m)
    # sqrt(lambda / mean) has mean Gamma(r + 1/2) / (Gamma(r) sqrt(r)): divided by it, 1
    mean_root = exp(lgamma(RATE_SHAPE + 0.5) - lgamma(RATE_SHAPE)) / sqrt(RATE_SHAPE)
    engagement = np.sqrt(rate * RATE_RATE / RATE_SHAPE) / mean_root * noise
    pref = rng.dirichlet(PREF_CONCENTRATION, m)
    return {
        "purchase_rate": rate,
        "dropout_probability": dropout,
        "engagement": np.minimum(engagement, 10.0),
        "channel_pref": pref.astype(np.float32),
    }


def _uniform(seed: int, tag: int, person: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    key = (np.asarray(person, dtype=np.uint64) << np.uint64(24)) | np.asarray(k, dtype=np.uint64)
    return hash_uniform(seed, tag, key)


def _exponential(seed: int, person: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """The k-th Exp(1) waiting time of each person (k = 0: until the birth)."""
    return -np.log1p(-_uniform(seed, T_GAP, person, k))


def effective_dropout(dropout_probability: np.ndarray) -> np.ndarray:
    """The probability of dropping out after a purchase, bad support experiences included."""
    p = np.asarray(dropout_probability, dtype=np.float64)
    return p + (1.0 - p) * BAD_EXPERIENCE_PROBABILITY * BAD_EXPERIENCE_DROPOUT


@dataclass
class DayPurchases:
    """The purchases of one day, ordered by person (a person may buy more than once)."""

    person: np.ndarray
    bad_experience: np.ndarray  # the order leads to a ticket rated bad

    def between(self, lo: int, hi: int) -> DayPurchases:
        a, b = np.searchsorted(self.person, [lo, hi])
        return DayPurchases(self.person[a:b], self.bad_experience[a:b])


_NO_PURCHASES = DayPurchases(np.zeros(0, np.int64), np.zeros(0, bool))


class Timeline:
    """Purchases of every person, known up to :attr:`horizon` and extended on demand.

    Per person it keeps the position of the next purchase on the seasonal clock, the
    number of purchases so far, and whether it may still buy; per day (from a little
    before the days asked for) the purchases themselves.
    """

    def __init__(
        self,
        seed: int,
        *,
        purchase_rate: np.ndarray,
        dropout_probability: np.ndarray,
        is_prospect: np.ndarray,
        created_day: np.ndarray,
        erasure_day: np.ndarray,
    ) -> None:
        n = len(purchase_rate)
        self.seed = seed
        self.rate = purchase_rate
        self.dropout = dropout_probability
        self.erasure_day = erasure_day
        person = np.arange(n, dtype=np.int64)
        self._pos = intensity_at(created_day) + _exponential(seed, person, 0) / BIRTH_RATE
        self._k = np.zeros(n, dtype=np.int64)
        self._open = ~np.asarray(is_prospect, dtype=bool)
        self.first_purchase_day = np.full(n, NEVER, dtype=np.int64)
        self.dropout_day = np.full(n, NEVER, dtype=np.int64)
        self.horizon = -NEVER
        self._days: dict[int, DayPurchases] = {}
        self._kept_from = NEVER

    def purchases(self, day: int, lo: int, hi: int) -> DayPurchases:
        """The purchases of persons ``lo..hi-1`` on ``day``."""
        if day > self.horizon:
            self.extend(day + EXTEND_DAYS, keep_from=day - LOOKBACK_DAYS)
        if day < self._kept_from:
            raise RuntimeError(f"purchases of day {day} were not kept (from {self._kept_from})")
        return self._days.get(day, _NO_PURCHASES).between(lo, hi)

    def next_purchase_gap(self, day: int, lo: int, hi: int) -> np.ndarray:
        """Days from ``day`` to each person's next purchase when within
        :data:`PRE_PURCHASE_DAYS` (1..7), else 0."""
        gap = np.zeros(hi - lo, dtype=np.int64)
        for g in range(PRE_PURCHASE_DAYS, 0, -1):
            who = self.purchases(day + g, lo, hi).person - lo
            gap[who] = g
        return gap

    def extend(self, last: int, keep_from: int) -> None:
        """Know every purchase up to day ``last``; keep the days from ``keep_from`` on."""
        if last <= self.horizon:
            return
        if self.horizon > -NEVER:  # days before what is kept cannot come back
            keep_from = max(keep_from, self._kept_from)
        self._days = {d: v for d, v in self._days.items() if d >= keep_from}
        limit = intensity_at(last + 1)
        idx = np.flatnonzero(self._open & (self._pos < limit))
        records: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        while len(idx):
            day = day_of_intensity(self._pos[idx])
            erased = day >= self.erasure_day[idx]  # nothing is bought from the erasure on
            self._open[idx[erased]] = False
            idx, day = idx[~erased], day[~erased]
            k = self._k[idx]
            bad = _uniform(self.seed, T_EXPERIENCE, idx, k) < BAD_EXPERIENCE_PROBABILITY
            p = self.dropout[idx]
            p = np.where(bad, p + (1.0 - p) * BAD_EXPERIENCE_DROPOUT, p)
            drop = _uniform(self.seed, T_DROPOUT, idx, k) < p
            born = k == 0
            self.first_purchase_day[idx[born]] = day[born]
            self.dropout_day[idx[drop]] = day[drop]
            self._open[idx[drop]] = False
            kept = day >= keep_from
            if kept.any():
                records.append((idx[kept], day[kept], bad[kept]))
            self._k[idx] = k + 1
            self._pos[idx] += _exponential(self.seed, idx, k + 1) / self.rate[idx]
            idx = idx[~drop]
            idx = idx[self._pos[idx] < limit]
        self.horizon = last
        self._kept_from = keep_from
        if not records:
            return
        person = np.concatenate([r[0] for r in records])
        day = np.concatenate([r[1] for r in records])
        bad = np.concatenate([r[2] for r in records])
        order = np.lexsort((person, day))  # stable: a person's purchases of a day in order
        person, day, bad = person[order], day[order], bad[order]
        days, starts = np.unique(day, return_index=True)
        bounds = [*starts.tolist(), len(day)]
        for i, d in enumerate(days.tolist()):
            self._days[d] = DayPurchases(
                person[bounds[i] : bounds[i + 1]], bad[bounds[i] : bounds[i + 1]]
            )


def lapse_factor(day: int, dropout_day: np.ndarray) -> np.ndarray:
    """Activity after a dropout: 1 until the dropout day, then decaying to a floor."""
    factor = np.ones(len(dropout_day))
    lapsed = np.flatnonzero(np.asarray(dropout_day) < day)
    since = (day - dropout_day[lapsed]).astype(np.float64)
    factor[lapsed] = LAPSED_FLOOR + (1.0 - LAPSED_FLOOR) * np.exp(-since / LAPSE_DECAY_DAYS)
    return factor


def pre_purchase_probability(gap: np.ndarray) -> np.ndarray:
    """Chance of an extra (web or app) browsing session ``gap`` days before a purchase:
    weights 7..1 for gaps 1..7, :data:`PRE_PURCHASE_SESSIONS` in the week in all."""
    g = np.asarray(gap, dtype=np.int64)
    weight = (PRE_PURCHASE_DAYS + 1 - g) / (PRE_PURCHASE_DAYS * (PRE_PURCHASE_DAYS + 1) / 2)
    return np.where(g > 0, np.minimum(PRE_PURCHASE_SESSIONS * weight, 1.0), 0.0)
