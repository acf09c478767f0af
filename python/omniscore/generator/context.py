"""What every channel needs while generating: settings, population, chunks, cached plans."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from omniscore.generator.plans import Orders, orders_for
from omniscore.generator.population import Population
from omniscore.generator.settings import Settings
from omniscore.generator.timeline import (
    PREF_APP,
    PREF_EMAIL,
    PREF_MEAN,
    PREF_WEB,
    T_PRE_PURCHASE,
    T_PRE_PURCHASE_APP,
    Timeline,
    lapse_factor,
    pre_purchase_probability,
)
from omniscore.generator.util import (
    DAY_US,
    T_CAMPAIGN,
    US,
    day_date,
    day_number,
    hash_uniform,
    stream,
)

# Persons per chunk: the unit of generation, of random streams and of memory. Part of the
# output's definition (changing it changes the data), so it is a constant, not an option.
CHUNK = 131_072
CAMPAIGN_WEEKDAYS = (1, 3)  # newsletters go out on Tuesdays and Thursdays
MAX_OPEN_DAYS = 3  # emails are opened up to this many days after they were sent

T = TypeVar("T")


@dataclass
class Engagement:
    """How active each person of a chunk is on one day (see timeline.py)."""

    level: np.ndarray  # engagement level x lapse factor (decays after a dropout)
    gap: np.ndarray  # days to the next purchase when within a week (1..7), else 0
    pre_web: np.ndarray  # an extra browsing session on the web before a purchase
    pre_app: np.ndarray  # ... in the app


@dataclass
class Campaign:
    """The email activity of one campaign for one chunk of persons, in time order."""

    person: np.ndarray
    action: np.ndarray  # index into constants.EMAIL_ACTIONS
    ts: np.ndarray  # µs UTC, whole seconds
    bounce_hard: np.ndarray


class Context:
    def __init__(self, settings: Settings, population: Population) -> None:
        self.settings = settings
        self.seed = settings.seed
        self.rates = settings.rates
        self.pop = population
        self.customers = settings.customers
        self.start_day = day_number(settings.start)
        self.n_chunks = (settings.customers + CHUNK - 1) // CHUNK
        self.anonymous_chunk = self.n_chunks  # visitors and shoppers who are not persons
        self.timeline = Timeline(
            settings.seed,
            purchase_rate=population.purchase_rate,
            dropout_probability=population.dropout_probability,
            is_prospect=population.is_prospect,
            created_day=population.created_day,
            erasure_day=population.erasure_day,
        )
        self._orders: OrderedDict[tuple[int, int], Orders] = OrderedDict()
        self._campaigns: OrderedDict[tuple[int, int], Campaign] = OrderedDict()
        self._engagement: OrderedDict[tuple[int, int], Engagement] = OrderedDict()

    def chunk_range(self, chunk: int) -> tuple[int, int]:
        return chunk * CHUNK, min((chunk + 1) * CHUNK, self.customers)

    def stream(self, *keys: int) -> np.random.Generator:
        return stream(self.seed, *keys)

    def batch_index(self, day: int) -> int:
        return day - self.start_day

    @staticmethod
    def _cached(cache: OrderedDict, key: tuple[int, int], make: Callable[[], T], size: int) -> T:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        value = make()
        cache[key] = value
        if len(cache) > size:
            cache.popitem(last=False)
        return value

    def orders(self, day: int, chunk: int) -> Orders:
        lo, hi = self.chunk_range(chunk)
        return self._cached(
            self._orders,
            (day, chunk),
            lambda: orders_for(
                self.seed, self.pop, day, lo, hi, chunk, self.timeline.purchases(day, lo, hi)
            ),
            size=24 * max(1, self.n_chunks),
        )

    def engagement(self, day: int, chunk: int) -> Engagement:
        return self._cached(
            self._engagement,
            (day, chunk),
            lambda: self._engagement_of(day, chunk),
            size=(MAX_OPEN_DAYS + 2) * max(1, self.n_chunks),
        )

    def _engagement_of(self, day: int, chunk: int) -> Engagement:
        lo, hi = self.chunk_range(chunk)
        gap = self.timeline.next_purchase_gap(day, lo, hi)  # extends the timeline first
        level = self.pop.engagement[lo:hi] * lapse_factor(day, self.timeline.dropout_day[lo:hi])
        # the week before a purchase: browsing sessions, in the app or on the web as the
        # person prefers (hashed, so that the web and the app agree on the split)
        soon = np.flatnonzero(gap > 0)
        g = lo + soon
        pre = np.zeros(hi - lo, dtype=bool)
        in_app = np.zeros(hi - lo, dtype=bool)
        pre[soon] = hash_uniform(self.seed, T_PRE_PURCHASE, g, day) < pre_purchase_probability(
            gap[soon]
        )
        pref = self.pop.channel_pref[g]
        app_share = pref[:, PREF_APP] / (pref[:, PREF_WEB] + pref[:, PREF_APP])
        app_share = np.where(self.pop.n_devices[g] > 0, app_share, 0.0)
        in_app[soon] = hash_uniform(self.seed, T_PRE_PURCHASE_APP, g, day) < app_share
        return Engagement(level=level, gap=gap, pre_web=pre & ~in_app, pre_app=pre & in_app)

    # --- email campaigns ---------------------------------------------------------------------

    def campaign_index(self, day: int) -> int | None:
        """Index of the campaign sent on ``day`` (counted from the first batch), or None."""
        if day < self.start_day or day_date(day).weekday() not in CAMPAIGN_WEEKDAYS:
            return None
        return sum(
            1 for d in range(self.start_day, day) if day_date(d).weekday() in CAMPAIGN_WEEKDAYS
        )

    def campaign(self, day: int, chunk: int) -> Campaign:
        return self._cached(
            self._campaigns,
            (day, chunk),
            lambda: self._campaign(day, chunk),
            size=(MAX_OPEN_DAYS + 2) * max(1, self.n_chunks),
        )

    def _campaign(self, day: int, chunk: int) -> Campaign:
        index = self.campaign_index(day)
        assert index is not None
        pop = self.pop
        lo, hi = self.chunk_range(chunk)
        rng = stream(self.seed, T_CAMPAIGN, day, chunk)
        m = hi - lo
        send_start = day * DAY_US + 14 * 3600 * US
        unsubscribes = pop.unsubscribe_campaign[lo:hi] == index
        eligible = (
            ~pop.email_placeholder[lo:hi]
            & (pop.created_us[lo:hi] < send_start)
            & (pop.erasure_day[lo:hi] > day)
            & (pop.consent_marketing[lo:hi] == 1)
            & (pop.unsubscribe_campaign[lo:hi] >= index)
        )
        chosen = eligible & ((rng.random(m) < 0.35) | unsubscribes)
        local = np.flatnonzero(chosen)
        n = len(local)
        person = lo + local
        engagement = self.engagement(day, chunk)
        level = engagement.level[local]
        soon = engagement.gap[local] > 0  # a purchase within the week
        interest = level * np.sqrt(pop.channel_pref[person, PREF_EMAIL] / PREF_MEAN[PREF_EMAIL])
        sent = send_start + rng.integers(0, 1800, n) * US  # the send is spread over 30 minutes
        bounce = rng.random(n) < 0.015
        hard = rng.random(n) < 0.25
        unsubscribe = unsubscribes[local] & ~bounce
        open_p = np.minimum(0.2 * interest + 0.2 * soon, 0.9)
        opened = ~bounce & ((rng.random(n) < open_p) | unsubscribe)
        max_delay = MAX_OPEN_DAYS * 86_400 - 14 * 3600 - 3600
        open_ts = (
            sent + np.minimum(60 + rng.exponential(4 * 3600, n), max_delay).astype(np.int64) * US
        )
        clicked = opened & (rng.random(n) < np.minimum(0.1 + 0.1 * interest + 0.3 * soon, 0.9))
        click_ts = open_ts + (5 + rng.exponential(90, n)).astype(np.int64) * US
        unsubscribe_ts = open_ts + (20 + rng.exponential(60, n)).astype(np.int64) * US
        abuse = ~bounce & ~opened & (rng.random(n) < 0.002)
        abuse_ts = sent + (60 + rng.exponential(3600, n)).astype(np.int64) * US
        bounce_ts = sent + rng.integers(2, 120, n) * US
        parts = [
            (np.ones(n, bool), 0, sent),
            (bounce, 3, bounce_ts),
            (opened, 1, open_ts),
            (clicked, 2, click_ts),
            (unsubscribe, 4, unsubscribe_ts),
            (abuse, 5, abuse_ts),
        ]
        who = np.concatenate([person[mask] for mask, _, _ in parts])
        action = np.concatenate([np.full(int(mask.sum()), a, np.int8) for mask, a, _ in parts])
        ts = np.concatenate([t[mask] for mask, _, t in parts])
        hard_bounce = np.concatenate([hard[mask] & (a == 3) for mask, a, _ in parts])
        # nothing reaches the provider after the person asked to be erased
        keep = ts < pop.erasure_day[who].astype(np.int64) * DAY_US
        order = np.argsort(ts[keep], kind="stable")
        return Campaign(
            person=who[keep][order],
            action=action[keep][order],
            ts=ts[keep][order],
            bounce_hard=hard_bounce[keep][order],
        )
