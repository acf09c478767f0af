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
from omniscore.generator.util import DAY_US, T_CAMPAIGN, US, day_date, day_number, stream

# Persons per chunk: the unit of generation, of random streams and of memory. Part of the
# output's definition (changing it changes the data), so it is a constant, not an option.
CHUNK = 131_072
CAMPAIGN_WEEKDAYS = (1, 3)  # newsletters go out on Tuesdays and Thursdays
MAX_OPEN_DAYS = 3  # emails are opened up to this many days after they were sent

T = TypeVar("T")


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
        self._orders: OrderedDict[tuple[int, int], Orders] = OrderedDict()
        self._campaigns: OrderedDict[tuple[int, int], Campaign] = OrderedDict()

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
            lambda: orders_for(self.seed, self.pop, day, lo, hi, chunk),
            size=24 * max(1, self.n_chunks),
        )

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
        p = pop.propensity[person]
        sent = send_start + rng.integers(0, 1800, n) * US  # the send is spread over 30 minutes
        bounce = rng.random(n) < 0.015
        hard = rng.random(n) < 0.25
        unsubscribe = unsubscribes[local] & ~bounce
        opened = ~bounce & ((rng.random(n) < 0.12 + 0.35 * p) | unsubscribe)
        max_delay = MAX_OPEN_DAYS * 86_400 - 14 * 3600 - 3600
        open_ts = (
            sent + np.minimum(60 + rng.exponential(4 * 3600, n), max_delay).astype(np.int64) * US
        )
        clicked = opened & (rng.random(n) < 0.1 + 0.4 * p)
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
