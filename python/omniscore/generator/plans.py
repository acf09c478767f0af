"""Orders, the backbone of purchases, returns and support tickets.

Who buys on which day comes from the persons' timelines (:mod:`.timeline`); what each order
is (channel, items, returns, tickets) comes from the random stream of its (day, chunk of
persons), so any channel can recompute the orders of any day: web and app purchase events
and POS receipts read the orders of their own day, POS returns read orders of the ten days
before, support tickets the orders of the days before their creation. Nothing about orders
is stored between runs.

Returns and tickets follow some orders more than others: multi-item orders and shoes and
apparel (sizes) are returned more often, multi-item and returned orders lead to more
tickets, and an order with a bad support experience (a timeline draw, which also raises the
customer's chance of dropping out) always leads to a ticket rated bad.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import cos, pi
from typing import TYPE_CHECKING

import numpy as np

from omniscore.generator import constants as k
from omniscore.generator.util import T_ORDERS, day_date, stream, zone_offset_s

if TYPE_CHECKING:  # population.py draws latent parameters with timeline.py, which reads season
    from omniscore.generator.population import Population
    from omniscore.generator.timeline import DayPurchases

WEB, APP, POS = 0, 1, 2
MAX_RETURN_LAG = 10
MAX_TICKET_LAG = 3  # days from order to ticket
MAX_TICKET_SPAN = 4  # days from ticket creation to its last version
TICKET_VERSIONS = 4

WEEKLY = np.array([0.94, 0.96, 0.98, 1.0, 1.06, 1.1, 0.96])  # Monday .. Sunday
DIURNAL = np.array(
    [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4.5, 5, 5.5, 5, 4.5, 4.5, 5, 5.5, 6, 6.5, 6, 5, 3.5, 2]
)
DIURNAL_CDF = np.cumsum(DIURNAL) / DIURNAL.sum()
PREF_WEB, PREF_APP, PREF_STORES = 0, 1, 4  # columns of Population.channel_pref

RETURN_BASE = 0.03  # chance that a store order is returned ...
RETURN_PER_EXTRA_ITEM = 0.03  # ... more for each item beyond the first ...
RETURN_SIZED = 0.05  # ... and when its first item is shoes or apparel
SIZED_CATEGORIES = (0, 1)  # constants.CATEGORIES: shoes, apparel
TICKET_BASE = 0.12  # chance that an order leads to a ticket ...
TICKET_PER_EXTRA_ITEM = 0.03  # ... more for each item beyond the first ...
TICKET_RETURNED = 0.25  # ... and when it is returned
GOOD_RATING = 0.6  # tickets other than bad experiences are rated good with this chance


def season(day: int) -> float:
    """Weekly and yearly seasonality: busier weekends, December and Black Friday week."""
    d: date = day_date(day)
    doy = d.timetuple().tm_yday
    yearly = 1.0 + 0.2 * cos(2 * pi * (doy - 355) / 365.25)
    black_friday_week = (d.month == 11 and d.day >= 24) or (d.month == 12 and d.day <= 1)
    return float(WEEKLY[d.weekday()] * yearly * (1.5 if black_friday_week else 1.0))


def time_of_day(rng: np.random.Generator, utc_offset_h: np.ndarray) -> np.ndarray:
    """Seconds after midnight UTC, busy at lunch and in the evening local time."""
    n = len(utc_offset_h)
    hour = np.searchsorted(DIURNAL_CDF, rng.random(n), side="right")
    local = hour * 3600 + rng.integers(0, 3600, n)
    return (local - np.asarray(utc_offset_h) * 3600) % 86_400


def opening_hours_utc(rng: np.random.Generator, store: np.ndarray, day: int) -> np.ndarray:
    """Seconds after midnight UTC of ``day`` that fall between 09:00 and 21:00 store time."""
    local = rng.integers(9 * 3600, 21 * 3600, len(store))
    offsets = np.array([zone_offset_s(z, day) for z in k.STORE_ZONES])
    return (local - offsets[store]) % 86_400


@dataclass
class Orders:
    """The orders placed by one chunk of persons on one day (arrays per order / per item)."""

    person: np.ndarray  # global person index
    channel: np.ndarray  # WEB, APP, POS
    store: np.ndarray  # POS orders: store index, else -1
    tod_s: np.ndarray  # seconds after midnight UTC (POS: within opening hours)
    currency: np.ndarray  # index into constants.CURRENCIES
    value_cents: np.ndarray
    n_items: np.ndarray
    first_item: np.ndarray  # index of the order's first item in the item arrays
    sku: np.ndarray  # per item
    quantity: np.ndarray  # per item
    unit_cents: np.ndarray  # per item
    discount_cents: np.ndarray  # per item
    return_lag: np.ndarray  # POS orders returned (first item) this many days later, else -1
    return_tod_u: np.ndarray  # uniform for the return's time of day
    ticket_lag: np.ndarray  # a support ticket this many days later, else -1
    ticket_tod_s: np.ndarray
    ticket_topic: np.ndarray
    ticket_via: np.ndarray
    ticket_priority: np.ndarray
    ticket_offsets: np.ndarray  # [n, TICKET_VERSIONS]: version days after creation, -1 none
    ticket_version_tod_s: np.ndarray  # [n, TICKET_VERSIONS]
    ticket_solved: np.ndarray  # the last version is solved
    ticket_rating: np.ndarray  # 0 good, 1 bad, 2 offered, 3 unoffered (on solved versions)
    bad_experience: np.ndarray  # the ticket is a complaint rated bad (see timeline.py)
    ticket_u: np.ndarray  # [n, 4] uniforms for the requester's email/phone/format choices

    @property
    def size(self) -> int:
        return len(self.person)


def orders_for(
    seed: int, pop: Population, day: int, lo: int, hi: int, chunk: int, purchases: DayPurchases
) -> Orders:
    """The orders of persons ``lo..hi-1`` (chunk ``chunk``) on ``day``: one per purchase of
    their timelines (``purchases``, ordered by person)."""
    rng = stream(seed, T_ORDERS, day, chunk)
    person = purchases.person.astype(np.int64)
    bad = purchases.bad_experience
    n = len(person)

    # the channel follows the person's preferences among the channels they can buy in
    u = rng.random(n)
    pref = pop.channel_pref[person].astype(np.float64)
    w_pos = pref[:, PREF_STORES] * pop.has_card[person]
    w_app = pref[:, PREF_APP] * (pop.n_devices[person] > 0)
    total = w_pos + w_app + pref[:, PREF_WEB]
    channel = np.full(n, WEB, dtype=np.int8)
    channel[u * total < w_pos + w_app] = APP
    channel[u * total < w_pos] = POS
    country = pop.country[person].astype(np.int64)
    same_country = k.COUNTRY_STORE_START[country] + (
        rng.random(n) * k.COUNTRY_STORE_COUNT[country]
    ).astype(int)
    store = np.where(rng.random(n) < 0.8, pop.store[person], same_country)
    store = np.where(channel == POS, store, -1).astype(np.int8)
    tod = time_of_day(rng, k.COUNTRY_UTC_OFFSET_H[country])
    pos = channel == POS
    if pos.any():
        tod[pos] = opening_hours_utc(rng, store[pos].astype(int), day)

    n_items = 1 + rng.binomial(3, 0.25, n)
    first_item = np.cumsum(n_items) - n_items
    order_of_item = np.repeat(np.arange(n), n_items)
    n_lines = len(order_of_item)
    sku = rng.integers(0, k.N_SKUS, n_lines)
    currency = k.COUNTRY_CURRENCY[country]
    quantity = 1 + rng.binomial(2, 0.15, n_lines)
    unit = k.SKU_PRICE_CENTS[currency[order_of_item], sku]
    discounted = rng.random(n_lines) < 0.15
    discount = np.where(discounted, (unit * quantity) // 10, 0)
    value = np.bincount(order_of_item, weights=unit * quantity - discount, minlength=n)

    sized = np.isin(k.SKU_CATEGORY[sku[first_item]], SIZED_CATEGORIES)
    return_p = RETURN_BASE + RETURN_PER_EXTRA_ITEM * (n_items - 1) + RETURN_SIZED * sized
    returned = pos & (rng.random(n) < return_p)
    return_lag = np.where(returned, rng.integers(1, MAX_RETURN_LAG + 1, n), -1)
    return_tod_u = rng.random(n)

    # Support tickets follow some orders: created 0..3 days later, then updated on later days.
    ticket_p = TICKET_BASE + TICKET_PER_EXTRA_ITEM * (n_items - 1) + TICKET_RETURNED * returned
    ticketed = bad | (rng.random(n) < ticket_p)
    ticket_lag = np.where(ticketed, rng.integers(0, MAX_TICKET_LAG + 1, n), -1)
    ticket_tod = rng.integers(6 * 3600, 20 * 3600, n)
    topic = rng.integers(0, len(k.TICKET_TOPICS), n)
    via = rng.choice(len(k.TICKET_VIA), n, p=k.TICKET_VIA_WEIGHTS)
    priority = rng.choice(len(k.TICKET_PRIORITIES), n, p=[0.2, 0.55, 0.2, 0.05])
    n_versions = rng.integers(2, TICKET_VERSIONS + 1, n)
    # distinct version days 1..MAX_TICKET_SPAN after creation, in order
    offsets = np.sort(
        np.argsort(rng.random((n, MAX_TICKET_SPAN)), axis=1)[:, : TICKET_VERSIONS - 1] + 1, axis=1
    )
    offsets = np.concatenate([np.zeros((n, 1), dtype=np.int64), offsets], axis=1)
    offsets = np.where(np.arange(TICKET_VERSIONS)[None, :] < n_versions[:, None], offsets, -1)
    version_tod = rng.integers(0, 86_400, (n, TICKET_VERSIONS))
    # the first version is written a few minutes after creation
    version_tod[:, 0] = np.minimum(ticket_tod + rng.integers(30, 1800, n), 86_399)
    solved = bad | (rng.random(n) < 0.9)
    good = rng.random(n) < GOOD_RATING
    rating = np.where(good & ~bad, 0, 1)
    rating = np.where(~bad & (rng.random(n) < 0.25), rng.integers(2, 4, n), rating)
    return Orders(
        person=person,
        channel=channel,
        store=store,
        tod_s=tod,
        currency=currency,
        value_cents=value.astype(np.int64),
        n_items=n_items,
        first_item=first_item,
        sku=sku,
        quantity=quantity,
        unit_cents=unit,
        discount_cents=discount,
        return_lag=return_lag,
        return_tod_u=return_tod_u,
        ticket_lag=ticket_lag,
        ticket_tod_s=ticket_tod,
        ticket_topic=topic,
        ticket_via=via,
        ticket_priority=priority,
        ticket_offsets=offsets,
        ticket_version_tod_s=version_tod,
        ticket_solved=solved,
        ticket_rating=rating,
        bad_experience=bad,
        ticket_u=rng.random((n, 4)),
    )
