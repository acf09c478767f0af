"""The simulated people, and their identifiers as each channel writes them.

The population depends on (seed, customers, original start, population settings) only, never
on the number of days, so that appending a batch later finds the same people. It is drawn in
blocks of :data:`BLOCK` persons, each from its own random stream. Identifier strings are not
stored: they are derived, vectorised, from the person's index when a channel needs them, and
are unique by construction (bijective scrambles of the index), so two persons never share an
identifier by accident; the one shared identifier is deliberate.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from omniscore.generator import constants as k
from omniscore.generator.timeline import (
    PROSPECT_ENGAGEMENT,
    draw_engagement_noise,
    draw_latent,
)
from omniscore.generator.util import (
    DAY_US,
    EPOCH,
    T_EMAIL_STYLE,
    T_LATENT,
    T_POPULATION,
    T_POPULATION_GLOBAL,
    US,
    cat,
    day_number,
    hash_uniform,
    hex16,
    lookup,
    mix64,
    padded,
    stream,
    to_str,
    uuid_text,
    where,
)

BLOCK = 65_536
MAX_COOKIES = 4
MAX_DEVICES = 2
NEVER = 2**30  # a day number after any generated day
BACKLOG_DAYS = 3 * 365
FIRST_VALID_DAY = day_number(EPOCH.replace(year=2015)) + 1  # business started 2015-01-01


@dataclass
class Population:
    """Attributes per person (index = person number - 1)."""

    purchase_rate: np.ndarray  # latent purchases per seasonal day while alive (timeline.py)
    dropout_probability: np.ndarray  # latent chance of dropping out after a purchase
    engagement: np.ndarray  # latent level of browsing, opening and posting (mean about 1)
    channel_pref: np.ndarray  # [n, 5] weights over timeline.PREFERENCES, summing to 1
    is_prospect: np.ndarray  # never buys (lifecycle subscriber or lead)
    country: np.ndarray  # index into constants.COUNTRIES
    city: np.ndarray  # index into constants.CITIES
    store: np.ndarray  # home store, index into constants.STORES
    created_day: np.ndarray  # CRM contact created on this day number
    created_us: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray
    birth_day: np.ndarray  # day number, -1 unknown
    has_phone: np.ndarray
    email_placeholder: np.ndarray  # CRM email is a placeholder (person has no real email)
    phone_placeholder: np.ndarray
    shared_phone: np.ndarray  # CRM phone is the shared number
    has_card: np.ndarray  # loyalty card
    has_handle: np.ndarray  # social handle
    n_cookies: np.ndarray
    cookie_first_day: np.ndarray  # [n, MAX_COOKIES]: first day the browser is used
    cookie_login_us: np.ndarray  # [n, MAX_COOKIES]: events from then on carry the contact id
    cookie_category: np.ndarray  # [n, MAX_COOKIES]: desktop / mobile / tablet
    n_devices: np.ndarray
    device_first_day: np.ndarray  # [n, MAX_DEVICES]
    device_login_us: np.ndarray  # [n, MAX_DEVICES]
    device_platform: np.ndarray  # [n, MAX_DEVICES]: 0 iOS, 1 Android
    lifecycle: np.ndarray  # 0 customer, 1 subscriber, 2 lead
    consent_marketing: np.ndarray  # 1 yes, 0 no, -1 unknown
    consent_profiling: np.ndarray
    email_domain: np.ndarray
    email_pattern: np.ndarray
    unsubscribe_campaign: np.ndarray  # index of the campaign the person unsubscribes from
    erasure_day: np.ndarray  # day number of the erasure request, NEVER when none
    erasure_mode: np.ndarray  # 0 contact id and email, 1 contact id only, 2 email only

    @property
    def size(self) -> int:
        return len(self.is_prospect)


def _block(
    seed: int, b: int, m: int, start_day: int, placeholder_rate: float, prospect_share: float
) -> dict[str, np.ndarray]:
    rng = stream(seed, T_POPULATION, b)
    out: dict[str, np.ndarray] = {}
    noise = draw_engagement_noise(rng, m)  # first, as the propensity it replaces was
    prospect = rng.random(m) < prospect_share
    out["is_prospect"] = prospect
    out.update(draw_latent(stream(seed, T_LATENT, b), noise))
    out["engagement"] = np.where(prospect, PROSPECT_ENGAGEMENT, 1.0) * out["engagement"]
    country = rng.choice(len(k.COUNTRIES), m, p=k.COUNTRY_WEIGHTS)
    out["country"] = country.astype(np.int8)
    city = k.COUNTRY_CITY_START[country] + (rng.random(m) * k.COUNTRY_CITY_COUNT[country]).astype(
        int
    )
    out["city"] = city.astype(np.int8)
    other = k.COUNTRY_STORE_START[country] + (
        rng.random(m) * k.COUNTRY_STORE_COUNT[country]
    ).astype(int)
    out["store"] = np.where(k.CITY_STORE[city] >= 0, k.CITY_STORE[city], other).astype(np.int8)

    backlog_days = max(1, min(BACKLOG_DAYS, start_day - FIRST_VALID_DAY - 30))
    in_backlog = rng.random(m) < 0.9
    created = np.where(
        in_backlog,
        start_day - 1 - rng.integers(0, backlog_days, m),
        start_day + rng.integers(0, 365, m),
    )
    created_tod = rng.integers(7 * 3600, 23 * 3600, m) - k.COUNTRY_UTC_OFFSET_H[country] * 3600
    created_tod = created_tod % 86_400
    out["created_day"] = created.astype(np.int32)
    out["created_us"] = created.astype(np.int64) * DAY_US + created_tod * US
    out["first_name"] = rng.integers(0, len(k.FIRST_NAMES), m).astype(np.int16)
    out["last_name"] = rng.integers(0, len(k.LAST_NAMES), m).astype(np.int16)
    birth = day_number(EPOCH.replace(year=1950)) + rng.integers(0, 56 * 365, m)
    out["birth_day"] = np.where(rng.random(m) < 0.2, -1, birth).astype(np.int32)
    out["has_phone"] = rng.random(m) < 0.85
    out["email_placeholder"] = rng.random(m) < placeholder_rate
    out["phone_placeholder"] = (
        out["has_phone"] & k.NANP[country] & (rng.random(m) < placeholder_rate)
    )
    out["shared_phone"] = np.zeros(m, dtype=bool)
    out["has_card"] = np.where(prospect, rng.random(m) < 0.1, rng.random(m) < 0.8)
    out["has_handle"] = rng.random(m) < 0.35

    # Browsers: the first one is used before sign-up (anonymous) and logs in at sign-up;
    # later ones appear around the generated period and log in some days after first use.
    n_cookies = 1 + np.minimum(rng.poisson(0.9, m), MAX_COOKIES - 1)
    out["n_cookies"] = n_cookies.astype(np.int8)
    first = np.empty((m, MAX_COOKIES), dtype=np.int32)
    login = np.empty((m, MAX_COOKIES), dtype=np.int64)
    first[:, 0] = created - rng.integers(0, 30, m)
    login[:, 0] = out["created_us"]
    for slot in range(1, MAX_COOKIES):
        f = np.maximum(created, start_day + rng.integers(-120, 150, m))
        first[:, slot] = f
        at = (f + rng.integers(0, 10, m)).astype(np.int64) * DAY_US + rng.integers(
            0, 86_400, m
        ) * US
        login[:, slot] = np.maximum(at, out["created_us"] + US)
    out["cookie_first_day"] = first
    out["cookie_login_us"] = login
    out["cookie_category"] = rng.choice(3, (m, MAX_COOKIES), p=[0.45, 0.45, 0.10]).astype(np.int8)

    has_app = rng.random(m) < 0.4
    out["n_devices"] = np.where(has_app, 1 + (rng.random(m) < 0.2), 0).astype(np.int8)
    dfirst = np.empty((m, MAX_DEVICES), dtype=np.int32)
    dlogin = np.empty((m, MAX_DEVICES), dtype=np.int64)
    previous = created - 10
    for slot in range(MAX_DEVICES):
        f = np.maximum(previous, start_day + rng.integers(-400 if slot == 0 else -60, 120, m))
        dfirst[:, slot] = f
        at = (f + rng.integers(0, 4, m)).astype(np.int64) * DAY_US + rng.integers(0, 86_400, m) * US
        dlogin[:, slot] = np.maximum(at, out["created_us"] + US)
        previous = f
    out["device_first_day"] = dfirst
    out["device_login_us"] = dlogin
    out["device_platform"] = (rng.random((m, MAX_DEVICES)) < 0.45).astype(np.int8)

    out["lifecycle"] = np.where(prospect, np.where(rng.random(m) < 0.6, 1, 2), 0).astype(np.int8)
    out["consent_marketing"] = rng.choice([1, 0, -1], m, p=[0.72, 0.18, 0.10]).astype(np.int8)
    out["consent_profiling"] = rng.choice([1, 0, -1], m, p=[0.6, 0.25, 0.15]).astype(np.int8)
    out["email_domain"] = rng.integers(0, len(k.EMAIL_DOMAINS), m).astype(np.int8)
    out["email_pattern"] = rng.integers(0, 4, m).astype(np.int8)
    out["unsubscribe_campaign"] = (rng.geometric(0.008, m) - 1).astype(np.int32)
    mode = rng.choice(3, m, p=[0.6, 0.25, 0.15])
    out["erasure_mode"] = np.where(out["email_placeholder"], 1, mode).astype(np.int8)
    return out


def build_population(
    seed: int,
    customers: int,
    start_day: int,
    *,
    placeholder_rate: float,
    prospect_share: float,
    erasure_rate: float,
    shared_persons: int,
) -> Population:
    """Draw the persons; see the module docstring for what the result depends on."""
    parts = [
        _block(
            seed, b, min(BLOCK, customers - b * BLOCK), start_day, placeholder_rate, prospect_share
        )
        for b in range((customers + BLOCK - 1) // BLOCK)
    ]
    data = {
        f.name: np.concatenate([p[f.name] for p in parts])
        for f in fields(Population)
        if f.name in parts[0]
    }
    rng = stream(seed, T_POPULATION_GLOBAL, customers)

    # One phone number typed on the contacts of several persons.
    if shared_persons >= 2:
        chosen = rng.choice(customers, min(shared_persons, customers), replace=False)
        data["shared_phone"][chosen] = True
        data["has_phone"][chosen] = True
        data["phone_placeholder"][chosen] = False

    # Erasure requests: persons of the backlog in a random order, at a steady pace that
    # starts on the first day (ceil schedule), so even a short run has one.
    erasure = np.full(customers, NEVER, dtype=np.int32)
    per_day = customers * erasure_rate / 30.0
    candidates = np.flatnonzero(data["created_day"] < start_day)
    order = rng.permutation(candidates)
    if per_day > 0 and len(order):
        offset = np.floor(np.arange(len(order)) / per_day)
        erasure[order] = np.minimum(start_day + offset, NEVER).astype(np.int32)
    data["erasure_day"] = erasure
    return Population(**data)


# --- identifiers ---------------------------------------------------------------------------
# Scrambles (a * i + b) mod M with a coprime to M are bijections on [0, M): unique values for
# person indexes below M (M >= MAX_CUSTOMERS). (multiplier a, offset b, modulus M) per kind.
SCRAMBLES = {
    "contact_id": (48_271, 12_345, 10**8),
    "loyalty_card": (7_919, 4_242_424, 10**10),
    "email": (40_503, 777, 10**7),
    "social_handle": (69_069, 31_337, 10**7),
    "phone": (1_103_517, 424_242, 8_000_000),  # 8,000,000 = 2**9 * 5**6: a odd, not 5k
}


def scramble(kind: str, g: np.ndarray) -> np.ndarray:
    """The number behind a person's identifier of ``kind``: unique per person index."""
    a, b, modulus = SCRAMBLES[kind]
    return (np.asarray(g, dtype=np.int64) * a + b) % modulus


def person_ids(g: np.ndarray) -> pa.Array:
    return padded("P", np.asarray(g, dtype=np.int64) + 1, 8)


def contact_ids(g: np.ndarray) -> pa.Array:
    return padded("C", scramble("contact_id", g), 8)


def loyalty_cards(g: np.ndarray) -> pa.Array:
    return padded("LC", scramble("loyalty_card", g), 10)


def _first_ascii(pop: Population, g: np.ndarray) -> pa.Array:
    return lookup([n[1] for n in k.FIRST_NAMES], pop.first_name[g])


def _last_ascii(pop: Population, g: np.ndarray) -> pa.Array:
    return lookup([n[1] for n in k.LAST_NAMES], pop.last_name[g])


def emails(pop: Population, g: np.ndarray) -> pa.Array:
    """Normalised (lower-case) email; the digits at the end of the local part are unique."""
    first, last = _first_ascii(pop, g), _last_ascii(pop, g)
    number = to_str(scramble("email", g))
    pattern = pop.email_pattern[g]
    local = where(pattern == 0, cat(first, ".", last), cat(first, "_", last))
    local = where(pattern == 2, cat(pc.utf8_slice_codeunits(first, 0, 1), last), local)
    local = where(pattern == 3, cat(last, ".", first), local)
    domain = lookup(k.EMAIL_DOMAINS, pop.email_domain[g])
    return cat(local, number, "@", domain)


def handles(pop: Population, g: np.ndarray) -> pa.Array:
    """Social handle as displayed (``Jane_Doe1234``); normalised it is lower-case."""
    first = pc.utf8_capitalize(_first_ascii(pop, g))
    last = pc.utf8_capitalize(_last_ascii(pop, g))
    return cat(first, "_", last, to_str(scramble("social_handle", g)))


def _phone_parts(pop: Population, g: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Area code and a 7-digit subscriber number (first digit 2-9), unique per person."""
    subscriber = 2_000_000 + scramble("phone", g)
    return lookup(k.CITY_AREA, pop.city[g]), to_str(subscriber)


def phone_e164(pop: Population, g: np.ndarray) -> pa.Array:
    """The person's phone in E.164 (the shared number for the persons who share it)."""
    area, subscriber = _phone_parts(pop, g)
    e164 = cat("+", lookup(k.CALLING_CODE, pop.country[g]), area, subscriber)
    return where(pop.shared_phone[g], k.SHARED_PHONE_E164, e164)


def _slice(arr: pa.Array, start: int, stop: int = 99) -> pa.Array:
    return pc.utf8_slice_codeunits(arr, start=start, stop=stop)


def _phone_forms(cc: str, area: pa.Array, sub: pa.Array) -> tuple[list[pa.Array], int]:
    """Formats of one country's numbers; the first ``n`` of them are international."""
    nat = cat(area, sub)
    if cc == "1":
        a, b, s = area, _slice(sub, 0, 3), _slice(sub, 3)
        return [
            cat("+1 (", a, ") ", b, "-", s),
            cat("001 ", a, " ", b, " ", s),
            cat("+1", nat),
            cat(a, ".", b, ".", s),
            cat("(", a, ") ", b, "-", s),
            cat("1-", a, "-", b, "-", s),
        ], 3
    if cc == "44":  # 020 7946 0958
        a, b, s = _slice(nat, 0, 2), _slice(nat, 2, 6), _slice(nat, 6)
        return [
            cat("+44 ", a, " ", b, " ", s),
            cat("0044 ", a, " ", b, " ", s),
            cat("+44", nat),
            cat("0", a, " ", b, " ", s),
        ], 3
    if cc == "49":
        return [
            cat("+49 ", area, " ", sub),
            cat("0049 ", area, " ", sub),
            cat("0", area, " ", sub),
            cat("0", area, "/", sub),
        ], 2
    if cc == "34":  # no trunk prefix
        a, b, s = _slice(nat, 0, 3), _slice(nat, 3, 6), _slice(nat, 6)
        return [
            cat("+34 ", a, " ", b, " ", s),
            cat("0034 ", a, " ", b, " ", s),
            cat(a, " ", b, " ", s),
        ], 2
    # France and the Netherlands: nine digits, trunk prefix 0
    a, b, s = (
        _slice(nat, 0, 1 if cc == "33" else 2),
        _slice(nat, 1 if cc == "33" else 2, 5),
        _slice(nat, 5),
    )
    return [
        cat("+", cc, " ", a, " ", b, " ", s),
        cat("00", cc, " ", a, " ", b, " ", s),
        cat("0", a, " ", b, " ", s),
    ], 2


def phones_display(
    pop: Population, g: np.ndarray, variant: np.ndarray, international_only: bool = False
) -> pa.Array:
    """The person's phone as people type it, in one of several formats per country.

    With ``international_only`` (support tickets: no country column) only ``+``/``00``
    formats are written, except for US numbers, which may stay national.
    """
    g = np.asarray(g, dtype=np.int64)
    area, sub = _phone_parts(pop, g)
    country = pop.country[g]
    out = np.empty(len(g), dtype=object)
    for c in np.unique(country):
        rows = np.flatnonzero(country == c)
        taken = pa.array(rows)
        forms, n_international = _phone_forms(
            k.CALLING_CODE[int(c)], area.take(taken), sub.take(taken)
        )
        usable = len(forms) if (not international_only or c == 0) else n_international
        pick = np.asarray(variant)[rows] % usable
        for f in range(usable):
            sel = np.flatnonzero(pick == f)
            out[rows[sel]] = forms[f].take(pa.array(sel)).to_numpy(zero_copy_only=False)
    result = pa.array(out, pa.string())
    shared = pop.shared_phone[g]
    if shared.any():
        forms = lookup(k.SHARED_PHONE_DISPLAY, np.asarray(variant) % len(k.SHARED_PHONE_DISPLAY))
        result = where(shared, forms, result)
    return result


def cookie_ids(pop: Population, g: np.ndarray, slot: np.ndarray) -> pa.Array:
    """Web-analytics style first-party cookie ids (``<10 digits>.<first-seen seconds>``)."""
    index = np.asarray(g, dtype=np.int64) * 8 + slot
    first_s = pop.cookie_first_day[g, slot].astype(np.int64) * 86_400 + (index * 7_919) % 86_400
    return _cookie_text(index, first_s)


def anonymous_cookie_ids(day: int, j: np.ndarray, start_s: np.ndarray) -> pa.Array:
    """Cookies of visitors who are not persons: an index range of their own (from 2**26)."""
    index = 2**26 + (day - 16_000) * 2**20 + np.asarray(j, dtype=np.int64)
    return _cookie_text(index, start_s)


def _cookie_text(index: np.ndarray, first_s: np.ndarray) -> pa.Array:
    number = 1_000_000_000 + (index * 2_654_435_761 + 97) % 9_000_000_000
    return cat(to_str(number), ".", to_str(first_s))


def device_ids(seed: int, g: np.ndarray, slot: np.ndarray, platform: np.ndarray) -> pa.Array:
    """iOS: upper-case UUID (IDFV); Android: 16 hex digits (Android ID)."""
    index = np.asarray(g, dtype=np.uint64) * np.uint64(4) + np.asarray(slot, dtype=np.uint64)
    hi = mix64(index ^ mix64(np.uint64(seed))[0])
    lo = mix64(hi ^ np.uint64(0x5DEECE66D))
    return where(np.asarray(platform) == 0, uuid_text(hi, lo, upper=True), hex16(hi))


def email_display(seed: int, pop: Population, g: np.ndarray, salt: np.ndarray) -> pa.Array:
    """The email as typed into the CRM: odd case or surrounding spaces now and then."""
    base = emails(pop, g)
    u = hash_uniform(seed, T_EMAIL_STYLE, np.asarray(salt, dtype=np.int64))
    text = where(u < 0.15, pc.utf8_title(base), base)
    text = where((u >= 0.15) & (u < 0.2), pc.utf8_upper(base), text)
    return where((u >= 0.2) & (u < 0.32), cat(" ", text, "  "), text)
