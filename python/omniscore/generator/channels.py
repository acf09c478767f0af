"""One class per landed file type: which rows a chunk of persons produces on a day, and how
they are written (columns, formats, quoting). Quirks are injected by :mod:`.quirks` using the
columns each class names (key, timestamp, number, event name, placeholder targets).

Rows of persons come from the person's own identifiers; rows of visitors and shoppers who are
not modelled persons (``person == -1``) come from a separate "anonymous" chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from omniscore.generator import constants as k
from omniscore.generator import population as people
from omniscore.generator.context import MAX_OPEN_DAYS, Context
from omniscore.generator.plans import (
    APP,
    MAX_RETURN_LAG,
    MAX_TICKET_LAG,
    MAX_TICKET_SPAN,
    POS,
    TICKET_VERSIONS,
    WEB,
    opening_hours_utc,
    season,
    time_of_day,
)
from omniscore.generator.population import MAX_COOKIES, MAX_DEVICES
from omniscore.generator.timeline import PREF_APP, PREF_MEAN, PREF_SOCIAL, PREF_WEB
from omniscore.generator.util import (
    DAY_US,
    T_APP,
    T_CRM,
    T_EMAIL,
    T_ERASURE,
    T_POS,
    T_SOCIAL,
    T_SUPPORT,
    T_WEB,
    US,
    cat,
    csv_quote,
    day_date,
    empty,
    hash_uniform,
    hex16,
    json_string,
    lookup,
    mix64,
    money,
    stochastic_round,
    strftime_utc,
    strftime_zones,
    to_str,
    uuid_text,
    where,
    zone_offset_s,
)

ISO_Z = "%Y-%m-%dT%H:%M:%SZ"
ISO_OFFSET = "%Y-%m-%dT%H:%M:%S%Ez"
COUNTRIES_LOWER = tuple(c.lower() for c in k.COUNTRIES)
# Activity of a person of engagement level 1 on a day of average season (timeline.py):
WEB_SESSIONS_PER_DAY = 0.03
APP_SESSIONS_PER_DAY = 0.04
SOCIAL_PER_DAY = 0.05


@dataclass
class Batch:
    """Rows of one file for one chunk of persons, before formatting."""

    ts: np.ndarray  # µs UTC of the timestamp the warehouse checks
    person: np.ndarray  # person index, -1 for people who are not modelled persons
    data: dict[str, Any] = field(default_factory=dict)  # numpy or pyarrow arrays
    entity: np.ndarray | None = None  # versioned files: contact index / ticket id

    @property
    def size(self) -> int:
        return len(self.ts)

    def take(self, order: np.ndarray) -> Batch:
        idx = pa.array(order, pa.int64())
        data = {
            name: v.take(idx) if isinstance(v, pa.Array) else v[order]
            for name, v in self.data.items()
        }
        entity = None if self.entity is None else self.entity[order]
        return Batch(self.ts[order], self.person[order], data, entity)


def _empty_batch() -> Batch:
    return Batch(np.zeros(0, np.int64), np.zeros(0, np.int64), {})


class Channel:
    """A landed file type (``<folder>/<prefix>_<date>.<ext>``) and how to fill it."""

    folder: ClassVar[str]
    prefix: ClassVar[str]
    tag: ClassVar[int]
    ext: ClassVar[str] = "csv"
    delimiter: ClassVar[str] = ","
    columns: ClassVar[tuple[str, ...]]
    text_columns: ClassVar[tuple[str, ...]] = ()
    key_column: ClassVar[str]
    ts_column: ClassVar[str]
    number_column: ClassVar[str | None] = None
    name_column: ClassVar[str | None] = None
    unmapped: ClassVar[tuple[str, ...]] = ()
    placeholders: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = ()
    bad_timestamps: ClassVar[tuple[str, ...]] = k.BAD_TIMESTAMPS
    bad_numbers: ClassVar[tuple[str, ...]] = k.BAD_NUMBERS
    versioned: ClassVar[bool] = False  # rows are versions of an entity; latest updated_at wins
    late: ClassVar[bool] = False  # may carry late events
    carries: ClassVar[bool] = False  # may repeat rows in the next file, may be re-delivered
    anonymous: ClassVar[bool] = False  # has rows of people who are not modelled persons
    quirky: ClassVar[bool] = True
    always_crlf: ClassVar[bool] = False
    write_empty: ClassVar[bool] = True  # write a header-only file on a day without rows

    @property
    def jsonl(self) -> bool:
        return self.ext == "jsonl"

    def file_name(self, day: int) -> str:
        return f"{self.prefix}_{day_date(day).isoformat()}.{self.ext}"

    def source_file(self, day: int) -> str:
        return f"{self.folder}/{self.file_name(day)}"

    def header(self, ctx: Context, day: int) -> tuple[str, ...]:
        return self.columns

    def chunks(self, ctx: Context) -> range:
        return range(ctx.n_chunks + (1 if self.anonymous else 0))

    def generate(self, ctx: Context, day: int, chunk: int) -> Batch:
        raise NotImplementedError

    def format(self, ctx: Context, b: Batch, ts: np.ndarray, day: int) -> dict[str, pa.Array]:
        raise NotImplementedError

    def assemble(self, fields: dict[str, pa.Array], header: tuple[str, ...]) -> list[pa.Array]:
        """The written form of each column (quoted where needed), in header order."""
        return [
            csv_quote(fields[c], self.delimiter) if c in self.text_columns else fields[c]
            for c in header
        ]

    def join(self, columns: list[pa.Array]) -> pa.Array:
        return pc.binary_join_element_wise(*columns, self.delimiter)


def _key(day: int, chunk: int, n: int) -> np.ndarray:
    """Unique per row of a (day, chunk): the source of event ids."""
    return (
        (np.uint64(day) << np.uint64(32))
        | (np.uint64(chunk) << np.uint64(22))
        | np.arange(n, dtype=np.uint64)
    )


def _ids(seed: int, key: np.ndarray, salt: int) -> np.ndarray:
    return mix64(key ^ mix64(np.uint64(seed * 1_000_003 + salt))[0])


def _sku_text(sku: np.ndarray) -> pa.Array:
    return cat("SKU-", to_str(10_000 + np.maximum(sku, 0)))


def _expand_sessions(
    rng: np.random.Generator, counts: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Events of sessions from per-session counts of each event type (types in funnel order).

    Returns the session and type of each event (grouped by session, in type order), its
    offset in seconds from the session start, and each session's duration.
    """
    m = len(counts[0])
    sess = np.concatenate([np.repeat(np.arange(m), c) for c in counts])
    etype = np.concatenate([np.full(int(c.sum()), t, np.int8) for t, c in enumerate(counts)])
    order = np.lexsort((etype, sess))
    sess, etype = sess[order], etype[order]
    e = len(sess)
    gaps = rng.exponential(40.0, e) + 3.0
    first = np.ones(e, dtype=bool)
    first[1:] = sess[1:] != sess[:-1]
    gaps[first] = 0.0
    cum = np.cumsum(gaps)
    offset = cum - np.maximum.accumulate(np.where(first, cum, 0.0))
    last = np.ones(e, dtype=bool)
    last[:-1] = first[1:]
    duration = np.zeros(m)
    duration[sess[last]] = offset[last]
    return sess, etype, offset, duration


def _funnel(level: np.ndarray, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per session, the chances of going on from pages to product views and from product
    views to the cart: higher for engaged persons, highest in the week before a purchase
    (kind 3)."""
    engaged = np.minimum(level, 2.0)
    to_view = np.where(kind == 3, 0.9, 0.1 + 0.2 * engaged)
    to_cart = np.where(kind == 3, 0.6, 0.25 + 0.12 * engaged)
    return to_view, to_cart


def _pick_slot(rng: np.random.Generator, available: np.ndarray) -> np.ndarray:
    """A random available slot per row of a boolean [n, slots] matrix (column 0 always)."""
    available = available.copy()
    available[:, 0] = True
    r = (rng.random(len(available)) * available.sum(axis=1)).astype(int)
    return np.argmax(np.cumsum(available, axis=1) > r[:, None], axis=1)


def _session_events(
    rng: np.random.Generator,
    counts: list[np.ndarray],
    country: np.ndarray,
    day: int,
    login_us: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The events of a day's sessions (web or app), and when each happens.

    ``counts`` are per-session counts of each event type (see :func:`_expand_sessions`);
    ``login_us`` is, per session, the moment (µs UTC) it logs in, or -1. A session starts at
    a time of day typical of its country, a login session so that it ends at its login.
    Returns the session and type of each event, each session's start (seconds after
    midnight UTC) and each event's timestamp (µs UTC, within the day).
    """
    d0 = day * DAY_US
    sess, etype, offset, duration = _expand_sessions(
        rng, [np.asarray(c, dtype=np.int64) for c in counts]
    )
    tod = time_of_day(rng, k.COUNTRY_UTC_OFFSET_H[country]).astype(float)
    start = np.maximum(0.0, np.minimum(tod, 86_399.0 - np.ceil(duration)))
    is_login = login_us >= 0
    if is_login.any():
        login_tod = (login_us[is_login] - d0) / US
        start[is_login] = np.maximum(0.0, login_tod - duration[is_login])
    # microseconds of their own: an SDK stamps events when they happen
    jitter = rng.integers(0, US, len(sess))
    ts = np.minimum(
        d0 + np.floor((start[sess] + offset) * US).astype(np.int64) + jitter, d0 + DAY_US - 1
    )
    return sess, etype, start, ts


# --- web -------------------------------------------------------------------------------------

W_PAGE, W_LOGIN, W_SIGNUP, W_FORM, W_VIEW, W_ADD, W_REMOVE, W_CHECKOUT, W_PURCHASE = range(9)
PAGE_PATHS = ("", "c/shoes", "c/apparel", "c/accessories", "c/home", "sale", "stores", "search")


class Web(Channel):
    folder, prefix, tag = "web", "events", T_WEB
    columns = (
        "event_id",
        "event_timestamp",
        "event_name",
        "user_pseudo_id",
        "user_id",
        "page_location",
        "item_id",
        "value",
        "currency",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "device_category",
        "country",
    )
    key_column, ts_column, number_column, name_column = (
        "event_id",
        "event_timestamp",
        "value",
        "event_name",
    )
    unmapped = k.UNMAPPED_WEB
    placeholders = (("user_pseudo_id", k.PLACEHOLDER_COOKIES),)
    late = carries = anonymous = True
    # With the extra-column option, the export has a new column in the middle of the header
    # from this batch on (the first batch shows the header of the contract).
    EXTRA_COLUMN_FROM_BATCH = 1

    def header(self, ctx: Context, day: int) -> tuple[str, ...]:
        if not ctx.settings.extra_column or ctx.batch_index(day) < self.EXTRA_COLUMN_FROM_BATCH:
            return self.columns
        at = self.columns.index("user_id") + 1
        return (*self.columns[:at], "session_id", *self.columns[at:])

    def generate(self, ctx: Context, day: int, chunk: int) -> Batch:
        pop = ctx.pop
        rng = ctx.stream(T_WEB, day, chunk)
        anonymous = chunk == ctx.anonymous_chunk
        if anonymous:
            ns = stochastic_round(rng, 0.25 * ctx.customers / 30 * season(day))
            person = np.full(ns, -1, dtype=np.int64)
            kind = np.zeros(ns, dtype=np.int8)
            slot = np.zeros(ns, dtype=np.int64)
            order = np.full(ns, -1)
            country = rng.choice(len(k.COUNTRIES), ns, p=k.COUNTRY_WEIGHTS)
            # visitors who are not persons browse as before: fixed funnel chances
            to_view, to_cart = np.full(ns, 0.1875), np.full(ns, 0.3025)
            orders = None
        else:
            lo, hi = ctx.chunk_range(chunk)
            m = hi - lo
            alive = pop.erasure_day[lo:hi] > day
            active = alive & (pop.cookie_first_day[lo:hi, 0] <= day)
            engagement = ctx.engagement(day, chunk)
            pref = pop.channel_pref[lo:hi, PREF_WEB] / PREF_MEAN[PREF_WEB]
            rate = WEB_SESSIONS_PER_DAY * engagement.level * pref * season(day)
            # browsing sessions, and the extra ones of the week before a purchase (kind 3)
            pre = engagement.pre_web & active
            n0 = rng.poisson(rate) * active + pre
            is_pre = np.zeros(int(n0.sum()), dtype=bool)
            is_pre[(np.cumsum(n0) - n0)[pre]] = True  # the first session of the person
            orders = ctx.orders(day, chunk)
            o = np.flatnonzero(orders.channel == WEB)
            slots = np.arange(MAX_COOKIES)[None, :]
            logins = (
                (pop.cookie_login_us[lo:hi] // DAY_US == day)
                & (slots < pop.n_cookies[lo:hi, None])
                & alive[:, None]
            )
            li, lk = np.nonzero(logins)
            person = np.concatenate([lo + np.repeat(np.arange(m), n0), orders.person[o], lo + li])
            kind = np.concatenate(
                [
                    np.where(is_pre, 3, 0).astype(np.int8),
                    np.ones(len(o), np.int8),
                    np.full(len(li), 2, np.int8),
                ]
            )
            order = np.concatenate([np.full(n0.sum(), -1), o, np.full(len(li), -1)])
            ns = len(person)
            available = (pop.cookie_first_day[person] <= day) & (
                slots < pop.n_cookies[person][:, None]
            )
            slot = np.where(rng.random(ns) < 0.5, 0, _pick_slot(rng, available))
            slot[kind == 2] = lk
            country = pop.country[person].astype(np.int64)
            to_view, to_cart = _funnel(engagement.level[person - lo], kind)

        # how far down the funnel each session goes; orders end in a purchase
        u = rng.random((ns, 5))
        s1 = (u[:, 0] < 0.55) | (kind == 3)
        s2 = s1 & (u[:, 1] < to_view)
        s3 = s2 & (u[:, 2] < to_cart)
        stage = s1.astype(np.int64) + s2 + s3
        stage = np.where(kind == 1, 4, np.where(kind == 2, 0, stage))
        is_login = kind == 2
        counts = [
            np.where(is_login, 1, 1 + rng.poisson(0.7, ns)),
            is_login & (slot > 0),
            is_login & (slot == 0),  # the first browser signs up, later ones log in
            (kind == 0) & (u[:, 3] < 0.03),  # pre-purchase sessions do not sign up
            np.where(stage >= 1, 1 + rng.poisson(0.8, ns), 0),
            stage >= 2,
            (stage >= 2) & (u[:, 4] < 0.12),
            stage >= 3,
            stage == 4,
        ]
        login_us = np.full(ns, -1, dtype=np.int64)
        login_us[is_login] = pop.cookie_login_us[person[is_login], slot[is_login]]
        sess, etype, start, ts = _session_events(rng, counts, country, day, login_us)

        e = len(sess)
        ep, es = person[sess], slot[sess]
        if anonymous:
            logged = np.zeros(e, dtype=bool)
            start_s = day * 86_400 + start.astype(np.int64)
            cookie = people.anonymous_cookie_ids(day, np.arange(ns), start_s).take(pa.array(sess))
            device = rng.choice(3, ns, p=[0.45, 0.45, 0.10])
        else:
            logged = (ts >= pop.cookie_login_us[ep, es]) | (etype == W_LOGIN) | (etype == W_SIGNUP)
            cookie = people.cookie_ids(pop, ep, es)
            device = pop.cookie_category[person, slot]

        currency = k.COUNTRY_CURRENCY[country]
        cart_sku = rng.integers(0, k.N_SKUS, ns)
        has_order = order >= 0
        order_value = k.SKU_PRICE_CENTS[currency, cart_sku]
        if orders is not None and has_order.any():
            cart_sku[has_order] = orders.sku[orders.first_item[order[has_order]]]
            order_value[has_order] = orders.value_cents[order[has_order]]
        sku = np.full(e, -1, dtype=np.int64)
        viewed = etype == W_VIEW
        sku[viewed] = rng.integers(0, k.N_SKUS, int(viewed.sum()))
        in_cart = (etype == W_ADD) | (etype == W_REMOVE)
        sku[in_cart] = cart_sku[sess[in_cart]]
        # raw-exports.md: value/currency are the order value on purchase events, only there
        value = np.where(etype == W_PURCHASE, order_value[sess], -1)
        utm = np.where(rng.random(ns) < 0.35, rng.integers(0, len(k.UTMS), ns), -1)
        data = {
            "key": _key(day, chunk, e),
            "etype": etype,
            "cookie": cookie,
            "logged": logged,
            "sku": sku,
            "value": value,
            "currency": currency[sess],
            "utm": utm[sess],
            "device": device[sess],
            "country": country[sess],
            "session": day * 86_400 + start.astype(np.int64)[sess],
            "page": rng.integers(0, len(PAGE_PATHS), e),
        }
        return Batch(ts, ep.astype(np.int64), data)

    def format(self, ctx: Context, b: Batch, ts: np.ndarray, day: int) -> dict[str, pa.Array]:
        d = b.data
        etype = d["etype"]
        sku_text = _sku_text(d["sku"])
        path = lookup(PAGE_PATHS, d["page"])
        for t, p in (
            (W_VIEW, cat("p/", sku_text)),
            (W_ADD, cat("p/", sku_text)),
            (W_REMOVE, "cart"),
            (W_CHECKOUT, "checkout"),
            (W_PURCHASE, "checkout/confirmation"),
            (W_LOGIN, "account/login"),
            (W_SIGNUP, "account/register"),
            (W_FORM, "newsletter"),
        ):
            path = where(etype == t, p, path)
        utm = d["utm"]
        has_utm = utm >= 0
        utm_part = [lookup([u[i] for u in k.UTMS], np.maximum(utm, 0)) for i in range(3)]
        has_value = d["value"] >= 0
        return {
            "event_id": hex16(_ids(ctx.seed, d["key"], T_WEB)),
            "event_timestamp": to_str(ts),
            "event_name": lookup(k.WEB_EVENTS, etype),
            "user_pseudo_id": d["cookie"],
            "user_id": where(d["logged"], people.contact_ids(np.maximum(b.person, 0)), ""),
            "session_id": to_str(d["session"]),
            "page_location": cat(
                "https://shop.example.com/", lookup(COUNTRIES_LOWER, d["country"]), "/", path
            ),
            "item_id": where(d["sku"] >= 0, sku_text, ""),
            "value": where(has_value, money(np.maximum(d["value"], 0)), ""),
            "currency": where(has_value, lookup(k.CURRENCIES, d["currency"]), ""),
            "utm_source": where(has_utm, utm_part[0], ""),
            "utm_medium": where(has_utm, utm_part[1], ""),
            "utm_campaign": where(has_utm, utm_part[2], ""),
            "device_category": lookup(k.DEVICE_CATEGORIES, d["device"]),
            "country": lookup(k.COUNTRIES, d["country"]),
        }


# --- app -------------------------------------------------------------------------------------

A_OPEN, A_LOGIN, A_SCREEN, A_VIEW, A_ADD, A_REMOVE, A_CHECKOUT, A_PURCHASE = range(8)
A_PUSH, A_PUSH_OPEN = 8, 9


class App(Channel):
    folder, prefix, tag, ext = "app", "events", T_APP, "jsonl"
    columns = (
        "insert_id",
        "event_type",
        "event_time",
        "device_id",
        "user_id",
        "platform",
        "app_version",
        "event_properties",
    )
    key_column, ts_column, name_column = "insert_id", "event_time", "event_type"
    unmapped = k.UNMAPPED_APP
    placeholders = (("device_id", k.PLACEHOLDER_DEVICES),)
    late = carries = True

    def generate(self, ctx: Context, day: int, chunk: int) -> Batch:
        pop = ctx.pop
        rng = ctx.stream(T_APP, day, chunk)
        d0 = day * DAY_US
        lo, hi = ctx.chunk_range(chunk)
        m = hi - lo
        alive = pop.erasure_day[lo:hi] > day
        has_app = pop.n_devices[lo:hi] > 0
        active = alive & has_app & (pop.device_first_day[lo:hi, 0] <= day)
        engagement = ctx.engagement(day, chunk)
        pref = pop.channel_pref[lo:hi, PREF_APP] / PREF_MEAN[PREF_APP]
        rate = APP_SESSIONS_PER_DAY * engagement.level * pref * season(day)
        pre = engagement.pre_app & active
        n0 = rng.poisson(rate) * active + pre
        is_pre = np.zeros(int(n0.sum()), dtype=bool)
        is_pre[(np.cumsum(n0) - n0)[pre]] = True  # the first session of the person
        orders = ctx.orders(day, chunk)
        o = np.flatnonzero(orders.channel == APP)
        slots = np.arange(MAX_DEVICES)[None, :]
        logins = (
            (pop.device_login_us[lo:hi] // DAY_US == day)
            & (slots < pop.n_devices[lo:hi, None])
            & alive[:, None]
        )
        li, lk = np.nonzero(logins)
        person = np.concatenate([lo + np.repeat(np.arange(m), n0), orders.person[o], lo + li])
        kind = np.concatenate(
            [
                np.where(is_pre, 3, 0).astype(np.int8),
                np.ones(len(o), np.int8),
                np.full(len(li), 2, np.int8),
            ]
        )
        order = np.concatenate([np.full(n0.sum(), -1), o, np.full(len(li), -1)])
        ns = len(person)
        available = (pop.device_first_day[person] <= day) & (slots < pop.n_devices[person][:, None])
        slot = _pick_slot(rng, available)
        slot[kind == 2] = lk
        to_view, to_cart = _funnel(engagement.level[person - lo], kind)
        country = pop.country[person].astype(np.int64)

        u = rng.random((ns, 4))
        s1 = (u[:, 0] < 0.6) | (kind == 3)
        s2 = s1 & (u[:, 1] < to_view + 0.03)
        s3 = s2 & (u[:, 2] < to_cart + 0.05)
        stage = s1.astype(np.int64) + s2 + s3
        stage = np.where(kind == 1, 4, np.where(kind == 2, 0, stage))
        is_login = kind == 2
        counts = [
            np.ones(ns),
            is_login,
            np.where(is_login, 0, 1 + rng.poisson(1.2, ns)),
            np.where(stage >= 1, 1 + rng.poisson(0.8, ns), 0),
            stage >= 2,
            (stage >= 2) & (u[:, 3] < 0.1),
            stage >= 3,
            stage == 4,
        ]
        login_us = np.full(ns, -1, dtype=np.int64)
        login_us[is_login] = pop.device_login_us[person[is_login], slot[is_login]]
        sess, etype, _, ts = _session_events(rng, counts, country, day, login_us)

        currency = k.COUNTRY_CURRENCY[country]
        cart_sku = rng.integers(0, k.N_SKUS, ns)
        has_order = order >= 0
        order_value = k.SKU_PRICE_CENTS[currency, cart_sku]
        order_qty = np.ones(ns, dtype=np.int64)
        if has_order.any():
            oo = order[has_order]
            cart_sku[has_order] = orders.sku[orders.first_item[oo]]
            order_value[has_order] = orders.value_cents[oo]
            item_order = np.repeat(np.arange(orders.size), orders.n_items)
            qty = np.bincount(item_order, weights=orders.quantity, minlength=orders.size)
            order_qty[has_order] = qty[oo].astype(np.int64)
        e = len(sess)
        sku = np.full(e, -1, dtype=np.int64)
        viewed = etype == A_VIEW
        sku[viewed] = rng.integers(0, k.N_SKUS, int(viewed.sum()))
        in_cart = (etype == A_ADD) | (etype == A_REMOVE)
        sku[in_cart] = cart_sku[sess[in_cart]]
        # revenue is the order value, on purchase events only (as the web export's value)
        value = np.where(etype == A_PURCHASE, order_value[sess], -1)
        # items in the cart: the order's at checkout and purchase, else the one item added
        quantity = np.where((etype == A_PURCHASE) | (etype == A_CHECKOUT), order_qty[sess], 1)
        ev_person, ev_slot, ev_type, ev_ts = person[sess], slot[sess], etype, ts
        ev_currency = currency[sess]

        # push notifications (Mondays, Wednesdays, Fridays) to app users who consented
        if day_date(day).weekday() in (0, 2, 4):
            eligible = (
                alive
                & has_app
                & (pop.device_first_day[lo:hi, 0] <= day)
                & (pop.consent_marketing[lo:hi] != 0)
            )
            pushed = lo + np.flatnonzero(eligible & (rng.random(m) < 0.3))
            received = 17 * 3600 + rng.integers(0, 900, len(pushed))
            opened_at = received + 30 + rng.exponential(1800.0, len(pushed))
            open_p = np.minimum(
                0.2 * engagement.level[pushed - lo] + 0.2 * (engagement.gap[pushed - lo] > 0), 0.9
            )
            opened = (rng.random(len(pushed)) < open_p) & (opened_at < 86_399)
            push_person = np.concatenate([pushed, pushed[opened]])
            push_ts = d0 + np.concatenate(
                [received * US, (opened_at[opened] * US).astype(np.int64)]
            )
            push_type = np.concatenate(
                [
                    np.full(len(pushed), A_PUSH, np.int8),
                    np.full(int(opened.sum()), A_PUSH_OPEN, np.int8),
                ]
            )
            n_push = len(push_person)
            ev_person = np.concatenate([ev_person, push_person])
            ev_slot = np.concatenate([ev_slot, np.zeros(n_push, dtype=ev_slot.dtype)])
            ev_type = np.concatenate([ev_type, push_type])
            ev_ts = np.concatenate([ev_ts, push_ts])
            sku = np.concatenate([sku, np.full(n_push, -1)])
            value = np.concatenate([value, np.full(n_push, -1)])
            quantity = np.concatenate([quantity, np.ones(n_push, dtype=np.int64)])
            ev_currency = np.concatenate(
                [ev_currency, k.COUNTRY_CURRENCY[pop.country[push_person]]]
            )
        e = len(ev_ts)
        logged = (ev_ts >= pop.device_login_us[ev_person, ev_slot]) | (ev_type == A_LOGIN)
        data = {
            "key": _key(day, chunk, e),
            "etype": ev_type,
            "slot": ev_slot,
            "logged": logged,
            "sku": sku,
            "value": value,
            "quantity": quantity,
            "currency": ev_currency,
        }
        return Batch(ev_ts, ev_person.astype(np.int64), data)

    def format(self, ctx: Context, b: Batch, ts: np.ndarray, day: int) -> dict[str, pa.Array]:
        pop, d = ctx.pop, b.data
        ids = _ids(ctx.seed, d["key"], T_APP)
        platform = pop.device_platform[b.person, d["slot"]]
        version_hash = mix64((b.person * 4 + d["slot"]).astype(np.uint64)) % np.uint64(12)
        minor = np.maximum(1, (day - 19_700) // 30 - (version_hash % np.uint64(3)).astype(np.int64))
        patch = (version_hash // np.uint64(3)).astype(np.int64)
        etype = d["etype"]
        product = cat('"product_id":"', _sku_text(d["sku"]), '"')
        price = cat('"price":', money(k.SKU_PRICE_CENTS[d["currency"], np.maximum(d["sku"], 0)]))
        currency = cat('"currency":"', lookup(k.CURRENCIES, d["currency"]), '"')
        quantity = cat('"quantity":', to_str(d["quantity"]))
        revenue = cat('"revenue":', money(np.maximum(d["value"], 0)))
        props = pa.array(np.full(b.size, "{}", dtype=object), pa.string())
        for t, p in (
            (A_VIEW, cat("{", product, ",", price, ",", currency, "}")),
            (A_ADD, cat("{", product, ",", price, ",", quantity, ",", currency, "}")),
            (A_REMOVE, cat("{", product, ",", quantity, "}")),
            (A_CHECKOUT, cat("{", quantity, "}")),
            (A_PURCHASE, cat("{", revenue, ",", quantity, ",", currency, "}")),
        ):
            props = where(etype == t, p, props)
        contact = people.contact_ids(b.person)
        return {
            "insert_id": uuid_text(ids, mix64(ids ^ np.uint64(0xA5A5A5A5))),
            "event_type": lookup(k.APP_EVENTS, etype),
            "event_time": strftime_utc(ts, "%Y-%m-%d %H:%M:%S", seconds=False),
            "device_id": people.device_ids(ctx.seed, b.person, d["slot"], platform),
            "user_id": pc.if_else(pa.array(d["logged"]), contact, pa.scalar(None, pa.string())),
            "platform": lookup(k.APP_PLATFORMS, platform),
            "app_version": cat("5.", to_str(minor), ".", to_str(patch)),
            "event_properties": props,
        }

    def assemble(self, fields: dict[str, pa.Array], header: tuple[str, ...]) -> list[pa.Array]:
        parts: list[pa.Array] = []
        for i, name in enumerate(header):
            value = fields[name] if name == "event_properties" else json_string(fields[name])
            parts.append(cat("{" if i == 0 else ",", f'"{name}":', value))
        parts[-1] = cat(parts[-1], "}")
        return parts

    def join(self, columns: list[pa.Array]) -> pa.Array:
        return pc.binary_join_element_wise(*columns, "")


# --- email -----------------------------------------------------------------------------------


class Email(Channel):
    folder, prefix, tag = "email", "activity", T_EMAIL
    columns = ("email", "campaign_id", "campaign_name", "action", "timestamp", "url", "bounce_type")
    text_columns = ("campaign_name",)
    key_column, ts_column = "email", "timestamp"
    carries = True

    def generate(self, ctx: Context, day: int, chunk: int) -> Batch:
        parts = []
        for sent_day in range(day - MAX_OPEN_DAYS, day + 1):
            if ctx.campaign_index(sent_day) is None:
                continue
            c = ctx.campaign(sent_day, chunk)
            sel = (c.ts >= day * DAY_US) & (c.ts < (day + 1) * DAY_US)
            parts.append((sent_day, c, sel))
        if not parts:
            return _empty_batch()
        ts = np.concatenate([c.ts[sel] for _, c, sel in parts])
        data = {
            "action": np.concatenate([c.action[sel] for _, c, sel in parts]),
            "hard": np.concatenate([c.bounce_hard[sel] for _, c, sel in parts]),
            "sent_day": np.concatenate([np.full(int(sel.sum()), sd) for sd, _, sel in parts]),
        }
        person = np.concatenate([c.person[sel] for _, c, sel in parts]).astype(np.int64)
        return Batch(ts, person, data)

    def format(self, ctx: Context, b: Batch, ts: np.ndarray, day: int) -> dict[str, pa.Array]:
        d = b.data
        days = sorted(set(int(x) for x in d["sent_day"]))
        where_day = np.searchsorted(np.array(days, dtype=np.int64), d["sent_day"])
        ids = [f"cmp_{day_date(x).strftime('%Y%m%d')}" for x in days]
        names = [
            k.CAMPAIGN_NAMES[(ctx.campaign_index(x) or 0) % len(k.CAMPAIGN_NAMES)] for x in days
        ]
        campaign_id = lookup(ids, where_day) if days else empty(0)
        action = d["action"]
        click_url = cat(
            "https://shop.example.com/",
            lookup(COUNTRIES_LOWER, ctx.pop.country[b.person]),
            "/?utm_source=newsletter&utm_medium=email&utm_campaign=",
            campaign_id,
        )
        url = where(action == 2, click_url, "")
        url = where(
            action == 4, cat("https://shop.example.com/email/unsubscribe?c=", campaign_id), url
        )
        bounce = where(d["hard"], "hard", "soft")
        return {
            "email": people.emails(ctx.pop, b.person),
            "campaign_id": campaign_id,
            "campaign_name": lookup(names, where_day) if days else empty(0),
            "action": lookup(k.EMAIL_ACTIONS, action),
            "timestamp": strftime_utc(ts, "%Y-%m-%d %H:%M:%S", tz=ctx.settings.email_timezone),
            "url": url,
            "bounce_type": where(action == 3, bounce, ""),
        }


# --- point of sale ---------------------------------------------------------------------------


class Pos(Channel):
    folder, prefix, tag, delimiter = "pos", "transactions", T_POS, ";"
    columns = (
        "receipt_id",
        "line_no",
        "store_id",
        "transaction_at",
        "loyalty_card_id",
        "sku",
        "quantity",
        "unit_price",
        "discount_amount",
        "currency",
    )
    key_column, ts_column, number_column = "receipt_id", "transaction_at", "unit_price"
    bad_timestamps = k.BAD_TIMESTAMPS_POS
    bad_numbers = k.BAD_NUMBERS_POS
    late = carries = anonymous = always_crlf = True

    def generate(self, ctx: Context, day: int, chunk: int) -> Batch:
        rng = ctx.stream(T_POS, day, chunk)
        d0 = day * DAY_US
        if chunk == ctx.anonymous_chunk:  # shoppers without a loyalty card
            n = stochastic_round(rng, 0.1 * ctx.customers / 30 * season(day))
            country = rng.choice(len(k.COUNTRIES), n, p=k.COUNTRY_WEIGHTS)
            store = k.COUNTRY_STORE_START[country] + (
                rng.random(n) * k.COUNTRY_STORE_COUNT[country]
            ).astype(int)
            tod = opening_hours_utc(rng, store, day)
            is_return = rng.random(n) < 0.06
            lines = np.where(is_return, 1, 1 + rng.binomial(2, 0.3, n))
            receipt = np.repeat(np.arange(n), lines)
            line_no = np.arange(len(receipt)) - np.repeat(np.cumsum(lines) - lines, lines) + 1
            sku = rng.integers(0, k.N_SKUS, len(receipt))
            quantity = np.where(is_return[receipt], -1, 1 + rng.binomial(1, 0.2, len(receipt)))
            currency = k.COUNTRY_CURRENCY[k.STORE_COUNTRY[store[receipt]]]
            data = {
                "receipt": day * 10**8 + chunk * 10**5 + receipt,
                "line_no": line_no,
                "store": store[receipt],
                "sku": sku,
                "quantity": quantity,
                "unit": k.SKU_PRICE_CENTS[currency, sku],
                "discount": np.zeros(len(receipt), dtype=np.int64),
            }
            ts = d0 + tod[receipt] * US
            return Batch(ts, np.full(len(receipt), -1, dtype=np.int64), data)

        orders = ctx.orders(day, chunk)
        o = np.flatnonzero(orders.channel == POS)
        n_items = orders.n_items[o]
        order_of_line = np.repeat(o, n_items)
        position = np.arange(len(order_of_line)) - np.repeat(np.cumsum(n_items) - n_items, n_items)
        item = orders.first_item[order_of_line] + position
        parts = [
            {
                "receipt": day * 10**8 + chunk * 10**5 + order_of_line,
                "line_no": position + 1,
                "store": orders.store[order_of_line],
                "sku": orders.sku[item],
                "quantity": orders.quantity[item],
                "unit": orders.unit_cents[item],
                "discount": orders.discount_cents[item],
                "person": orders.person[order_of_line],
                "tod": orders.tod_s[order_of_line],
            }
        ]
        # returns of earlier store purchases: the first line, quantity negated
        returned = 0
        for lag in range(1, MAX_RETURN_LAG + 1):
            earlier = ctx.orders(day - lag, chunk)
            r = np.flatnonzero((earlier.channel == POS) & (earlier.return_lag == lag))
            r = r[ctx.pop.erasure_day[earlier.person[r]] > day]
            if not len(r):
                continue
            store = earlier.store[r].astype(np.int64)
            offsets = np.array([zone_offset_s(z, day) for z in k.STORE_ZONES])
            local = (9 * 3600 + earlier.return_tod_u[r] * 12 * 3600).astype(np.int64)
            first = earlier.first_item[r]
            parts.append(
                {
                    "receipt": day * 10**8 + chunk * 10**5 + 50_000 + returned + np.arange(len(r)),
                    "line_no": np.ones(len(r), dtype=np.int64),
                    "store": store,
                    "sku": earlier.sku[first],
                    "quantity": -earlier.quantity[first],
                    "unit": earlier.unit_cents[first],
                    "discount": np.zeros(len(r), dtype=np.int64),
                    "person": earlier.person[r],
                    "tod": (local - offsets[store]) % 86_400,
                }
            )
            returned += len(r)
        data = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        person = data.pop("person").astype(np.int64)
        ts = d0 + data.pop("tod").astype(np.int64) * US
        return Batch(ts, person, data)

    def format(self, ctx: Context, b: Batch, ts: np.ndarray, day: int) -> dict[str, pa.Array]:
        d = b.data
        store = d["store"].astype(np.int64)
        currency = k.COUNTRY_CURRENCY[k.STORE_COUNTRY[store]]
        return {
            "receipt_id": cat("R", to_str(d["receipt"])),
            "line_no": to_str(d["line_no"]),
            "store_id": lookup(k.STORE_IDS, store),
            "transaction_at": strftime_zones(ts, store, k.STORE_ZONES, "%d/%m/%Y %H:%M"),
            "loyalty_card_id": where(
                b.person >= 0, people.loyalty_cards(np.maximum(b.person, 0)), ""
            ),
            "sku": _sku_text(d["sku"]),
            "quantity": to_str(d["quantity"]),
            "unit_price": money(d["unit"], ","),
            "discount_amount": money(d["discount"], ","),
            "currency": lookup(k.CURRENCIES, currency),
        }


# --- support ---------------------------------------------------------------------------------

STATUS = ("new", "open", "pending", "solved")
RATINGS = ("good", "bad", "offered", "unoffered")


class Support(Channel):
    folder, prefix, tag = "support", "tickets", T_SUPPORT
    columns = (
        "ticket_id",
        "created_at",
        "updated_at",
        "solved_at",
        "requester_email",
        "requester_phone",
        "via_channel",
        "subject",
        "status",
        "priority",
        "satisfaction_rating",
        "tags",
    )
    text_columns = ("subject",)
    key_column, ts_column = "ticket_id", "created_at"
    bad_timestamps = ("#VALUE!", "2026-13-45T99:99:99+01:00", "not-a-timestamp")
    placeholders = (
        ("requester_email", ("noemail@example.com", "NoEmail@Example.com", "none@none.com")),
        ("requester_phone", k.PLACEHOLDER_PHONES_SUPPORT),
    )
    versioned = True

    def generate(self, ctx: Context, day: int, chunk: int) -> Batch:
        cols: dict[str, list[np.ndarray]] = {}

        def add(**values: np.ndarray) -> None:
            for name, v in values.items():
                cols.setdefault(name, []).append(v)

        for x in range(day - MAX_TICKET_LAG - MAX_TICKET_SPAN, day + 1):
            o = ctx.orders(x, chunk)
            if not o.size:
                continue
            created = x + o.ticket_lag
            has = (o.ticket_lag >= 0) & (created >= ctx.start_day) & (created <= day)
            n_versions = (o.ticket_offsets >= 0).sum(axis=1)
            for v in range(TICKET_VERSIONS):
                off = o.ticket_offsets[:, v]
                sel = np.flatnonzero(has & (off >= 0) & (created + off == day))
                if not len(sel):
                    continue
                last = v == n_versions[sel] - 1
                status = np.where(v == 0, np.where(o.ticket_via[sel] < 2, 0, 1), 1 + v % 2)
                status = np.where(last & o.ticket_solved[sel], 3, status)
                status = np.where(last & ~o.ticket_solved[sel] & (v > 0), 2, status)
                add(
                    ticket=x * 10**8 + chunk * 10**5 + sel,
                    person=o.person[sel],
                    created=created[sel].astype(np.int64) * DAY_US + o.ticket_tod_s[sel] * US,
                    updated=day * DAY_US + o.ticket_version_tod_s[sel, v] * US,
                    status=status,
                    rating=np.where(status == 3, o.ticket_rating[sel], 3),
                    topic=o.ticket_topic[sel],
                    via=o.ticket_via[sel],
                    priority=o.ticket_priority[sel],
                    u=o.ticket_u[sel],
                    order_ref=(x - 19_000) * 10**5 + chunk * 1000 + sel % 1000,
                )
        if not cols:
            return _empty_batch()
        data = {name: np.concatenate(v) for name, v in cols.items()}
        alive = ctx.pop.erasure_day[data["person"]] > day
        data = {name: v[alive] for name, v in data.items()}
        person = data.pop("person").astype(np.int64)
        ts = data.pop("created")
        return Batch(ts, person, data, entity=data["ticket"])

    def format(self, ctx: Context, b: Batch, ts: np.ndarray, day: int) -> dict[str, pa.Array]:
        pop, d = ctx.pop, b.data
        g = b.person
        zone = k.CITY_ZONE[pop.city[g]]
        via, u = d["via"], d["u"]
        has_email = ~pop.email_placeholder[g] & ~((via == 3) & (u[:, 0] < 0.5))
        has_phone = pop.has_phone[g] & ~pop.phone_placeholder[g] & ((via == 3) | (u[:, 1] < 0.3))
        variant = (u[:, 2] * 60).astype(np.int64)
        subject = [
            k.TICKET_TOPICS[t][0].format(order=r)
            for t, r in zip(d["topic"], d["order_ref"], strict=True)
        ]
        solved = d["status"] == 3
        updated = strftime_zones(d["updated"], zone, k.ZONES, ISO_OFFSET)
        return {
            "ticket_id": to_str(d["ticket"]),
            "created_at": strftime_zones(ts, zone, k.ZONES, ISO_OFFSET),
            "updated_at": updated,
            "solved_at": where(solved, updated, ""),
            "requester_email": where(
                has_email, people.email_display(ctx.seed, pop, g, d["ticket"]), ""
            ),
            "requester_phone": where(
                has_phone, people.phones_display(pop, g, variant, international_only=True), ""
            ),
            "via_channel": lookup(k.TICKET_VIA, via),
            "subject": pa.array(subject, pa.string()),
            "status": lookup(STATUS, d["status"]),
            "priority": lookup(k.TICKET_PRIORITIES, d["priority"]),
            "satisfaction_rating": lookup(RATINGS, d["rating"]),
            "tags": lookup([t[1] for t in k.TICKET_TOPICS], d["topic"]),
        }


# --- social ----------------------------------------------------------------------------------


class Social(Channel):
    folder, prefix, tag = "social", "interactions", T_SOCIAL
    columns = (
        "interaction_id",
        "platform",
        "handle",
        "interaction_type",
        "occurred_at",
        "text",
        "sentiment",
    )
    text_columns = ("text",)
    key_column, ts_column, number_column = "interaction_id", "occurred_at", "sentiment"
    bad_timestamps = k.BAD_TIMESTAMPS_ISO
    late = carries = anonymous = True

    def generate(self, ctx: Context, day: int, chunk: int) -> Batch:
        pop = ctx.pop
        rng = ctx.stream(T_SOCIAL, day, chunk)
        if chunk == ctx.anonymous_chunk:
            n = stochastic_round(rng, 0.05 * ctx.customers / 30 * season(day))
            person = np.full(n, -1, dtype=np.int64)
            country = rng.choice(len(k.COUNTRIES), n, p=k.COUNTRY_WEIGHTS)
        else:
            lo, hi = ctx.chunk_range(chunk)
            active = pop.has_handle[lo:hi] & (pop.erasure_day[lo:hi] > day)
            level = ctx.engagement(day, chunk).level
            pref = pop.channel_pref[lo:hi, PREF_SOCIAL] / PREF_MEAN[PREF_SOCIAL]
            counts = rng.poisson(SOCIAL_PER_DAY * level * pref * season(day)) * active
            person = (lo + np.repeat(np.arange(hi - lo), counts)).astype(np.int64)
            n = len(person)
            country = pop.country[person].astype(np.int64)
        kind = rng.choice(len(k.SOCIAL_TYPES), n, p=k.SOCIAL_TYPE_WEIGHTS)
        text = rng.integers(0, len(k.SOCIAL_TEXTS), n)
        base = np.array([t[1] for t in k.SOCIAL_TEXTS])[text]
        data = {
            "key": _key(day, chunk, n),
            "kind": kind,
            "platform": rng.choice(3, n, p=[0.8, 0.1, 0.1]),
            "variant": rng.integers(0, 4, n),
            "text": text,
            "sentiment": np.clip(base + rng.normal(0, 8, n).round().astype(np.int64), -100, 100),
            "anonymous_id": 2**26 + (day - 16_000) * 2**20 + np.arange(n),
        }
        ts = day * DAY_US + time_of_day(rng, k.COUNTRY_UTC_OFFSET_H[country]) * US
        return Batch(ts.astype(np.int64), person, data)

    def format(self, ctx: Context, b: Batch, ts: np.ndarray, day: int) -> dict[str, pa.Array]:
        d = b.data
        shown = where(
            b.person >= 0,
            people.handles(ctx.pop, np.maximum(b.person, 0)),
            cat("fan_", to_str(d["anonymous_id"])),
        )
        lower = pc.utf8_lower(shown)
        variant = d["variant"]
        handle = where(variant == 0, cat("@", shown), shown)
        handle = where(variant == 1, lower, handle)
        handle = where(variant == 2, cat("@", lower), handle)
        kind = d["kind"]
        has_text = (kind == 1) | (kind == 3) | (kind == 4)
        text = lookup([t[0] for t in k.SOCIAL_TEXTS], d["text"])
        text = where(kind == 3, cat("@omnishop ", text), text)
        return {
            "interaction_id": to_str(pa.array(_ids(ctx.seed, d["key"], T_SOCIAL))),
            "platform": lookup(k.SOCIAL_PLATFORMS, d["platform"]),
            "handle": handle,
            "interaction_type": lookup(k.SOCIAL_TYPES, kind),
            "occurred_at": strftime_utc(ts, ISO_Z),
            "text": where(has_text, text, ""),
            "sentiment": where(has_text, money(d["sentiment"]), ""),
        }


# --- CRM -------------------------------------------------------------------------------------

CONSENT_STYLES = (("true", "false"), ("yes", "no"), ("1", "0"), ("Y", "N"))
LIFECYCLE = ("customer", "subscriber", "lead")


class Crm(Channel):
    folder, prefix, tag = "crm", "contacts", T_CRM
    columns = (
        "contact_id",
        "email",
        "phone",
        "first_name",
        "last_name",
        "loyalty_card_id",
        "instagram_handle",
        "country",
        "city",
        "birth_date",
        "lifecycle_stage",
        "consent_marketing",
        "consent_profiling",
        "created_at",
        "updated_at",
    )
    text_columns = ("first_name", "last_name", "city")
    key_column, ts_column = "contact_id", "updated_at"
    bad_timestamps = k.BAD_TIMESTAMPS_ISO
    versioned = True
    UPDATES_PER_DAY = 1 / 45

    def generate(self, ctx: Context, day: int, chunk: int) -> Batch:
        pop = ctx.pop
        lo, hi = ctx.chunk_range(chunk)
        rng = ctx.stream(T_CRM, day, chunk)
        g = np.arange(lo, hi, dtype=np.int64)
        created_day = pop.created_day[lo:hi]
        if day == ctx.start_day:  # the first batch carries every contact created so far
            new = created_day <= day
            updated = np.zeros(hi - lo, dtype=bool)
        else:
            new = created_day == day
            updated = (
                (created_day < day)
                & (pop.erasure_day[lo:hi] > day)
                & (hash_uniform(ctx.seed, T_CRM, g, day) < self.UPDATES_PER_DAY)
            )
        rows = np.flatnonzero(new | updated)
        g = g[rows]
        n = len(g)
        created_us = pop.created_us[g]
        start_us = np.int64(ctx.start_day) * DAY_US
        backlog = created_us < start_us
        u = rng.random(n)
        # last edit of a backlog contact: some time between its creation and the first batch
        ts = np.where(
            backlog & (day == ctx.start_day),
            created_us + (u * (start_us - created_us)).astype(np.int64),
            created_us + (u * 600).astype(np.int64) * US,
        )
        ts = np.where(updated[rows], day * DAY_US + rng.integers(0, 86_400, n) * US, ts)
        ts = np.minimum(ts // US * US, (day + 1) * DAY_US - US)
        salt = g * 100_003 + day
        return Batch(ts, g, {"salt": salt}, entity=g)

    def format(self, ctx: Context, b: Batch, ts: np.ndarray, day: int) -> dict[str, pa.Array]:
        pop, g = ctx.pop, b.person
        salt = b.data["salt"]
        h = (mix64(salt.astype(np.uint64) ^ np.uint64(ctx.seed)) % np.uint64(1 << 30)).astype(
            np.int64
        )
        email = where(
            pop.email_placeholder[g],
            lookup(k.PLACEHOLDER_EMAILS, h % len(k.PLACEHOLDER_EMAILS)),
            people.email_display(ctx.seed, pop, g, salt),
        )
        phone = where(
            pop.phone_placeholder[g],
            lookup(k.PLACEHOLDER_PHONES_NANP, h % len(k.PLACEHOLDER_PHONES_NANP)),
            people.phones_display(pop, g, h // 7),
        )
        phone = where(pop.has_phone[g], phone, "")
        handle = people.handles(pop, g)
        style = (h // 11) % 4
        handle = where(style == 0, cat("@", handle), handle)
        handle = where(style == 1, pc.utf8_lower(handle), handle)
        consent_style = (h // 53) % len(CONSENT_STYLES)

        def consent(values: np.ndarray) -> pa.Array:
            yes = lookup([s[0] for s in CONSENT_STYLES], consent_style)
            no = lookup([s[1] for s in CONSENT_STYLES], consent_style)
            return where(values == 1, yes, where(values == 0, no, ""))

        birth = strftime_utc(np.maximum(pop.birth_day[g], 0).astype(np.int64) * DAY_US, "%Y-%m-%d")
        return {
            "contact_id": people.contact_ids(g),
            "email": email,
            "phone": phone,
            "first_name": lookup([n[0] for n in k.FIRST_NAMES], pop.first_name[g]),
            "last_name": lookup([n[0] for n in k.LAST_NAMES], pop.last_name[g]),
            "loyalty_card_id": where(pop.has_card[g], people.loyalty_cards(g), ""),
            "instagram_handle": where(pop.has_handle[g], handle, ""),
            "country": lookup(k.COUNTRIES, pop.country[g]),
            "city": lookup(k.CITY_NAMES, pop.city[g]),
            "birth_date": where(pop.birth_day[g] >= 0, birth, ""),
            "lifecycle_stage": lookup(LIFECYCLE, pop.lifecycle[g]),
            "consent_marketing": consent(pop.consent_marketing[g]),
            "consent_profiling": consent(pop.consent_profiling[g]),
            "created_at": strftime_utc(pop.created_us[g], ISO_Z),
            "updated_at": strftime_utc(ts, ISO_Z),
        }


class Erasure(Channel):
    folder, prefix, tag = "crm", "erasure_requests", T_ERASURE
    columns = ("request_id", "contact_id", "email", "requested_at")
    key_column, ts_column = "request_id", "requested_at"
    quirky = False
    write_empty = False

    def generate(self, ctx: Context, day: int, chunk: int) -> Batch:
        lo, hi = ctx.chunk_range(chunk)
        g = lo + np.flatnonzero(ctx.pop.erasure_day[lo:hi] == day)
        rng = ctx.stream(T_ERASURE, day, chunk)
        ts = day * DAY_US + rng.integers(8 * 3600, 20 * 3600, len(g)) * US
        order = np.arange(len(g))
        return Batch(
            ts.astype(np.int64),
            g.astype(np.int64),
            {"request": day * 10**8 + chunk * 10**5 + order},
        )

    def format(self, ctx: Context, b: Batch, ts: np.ndarray, day: int) -> dict[str, pa.Array]:
        mode = ctx.pop.erasure_mode[b.person]
        return {
            "request_id": cat("ER-", to_str(b.data["request"])),
            "contact_id": where(mode != 2, people.contact_ids(b.person), ""),
            "email": where(mode != 1, people.emails(ctx.pop, b.person), ""),
            "requested_at": strftime_utc(ts, ISO_Z),
        }


CHANNELS: tuple[Channel, ...] = (
    Crm(),
    Erasure(),
    Web(),
    App(),
    Email(),
    Pos(),
    Support(),
    Social(),
)
