"""Seeding, hashing, time and vectorised text helpers shared by the generator's modules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DAY_S = 86_400
DAY_US = 86_400_000_000
US = 1_000_000
EPOCH = date(1970, 1, 1)

# Random streams: every stream is seeded from (seed, tag, ...), so that a day's data does not
# depend on which other days or channels were generated in the same call.
T_POPULATION = 1
T_POPULATION_GLOBAL = 2
T_ORDERS = 3
T_LATENT = 4
T_WEB = 10
T_APP = 11
T_EMAIL = 12
T_POS = 13
T_SUPPORT = 14
T_SOCIAL = 15
T_CRM = 16
T_ERASURE = 17
T_QUIRKS = 20
T_FILE = 21
T_REDELIVERY = 22
T_CAMPAIGN = 23
T_EMAIL_STYLE = 30  # hashed, not drawn: the style of an email as typed


def day_number(d: date) -> int:
    return (d - EPOCH).days


def day_date(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def stream(seed: int, *keys: int) -> np.random.Generator:
    """An independent random generator for the stream named by ``keys``."""
    return np.random.default_rng(np.random.SeedSequence([seed, *(int(k) for k in keys)]))


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray | int) -> np.ndarray:
    """The splitmix64 finaliser: a bijection on uint64, so distinct inputs stay distinct."""
    z = np.array(x, dtype=np.uint64, ndmin=1)
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= _M1
        z ^= z >> np.uint64(27)
        z *= _M2
        z ^= z >> np.uint64(31)
    return z


def hash_uniform(seed: int, tag: int, a: np.ndarray, b: int = 0) -> np.ndarray:
    """A uniform [0, 1) value per element of ``a``, fixed by (seed, tag, a, b)."""
    with np.errstate(over="ignore"):
        key = mix64(mix64(np.uint64(seed) ^ np.uint64(tag * 0x9E3779B97F4A7C15 % 2**64)))
        z = mix64(mix64(key + np.asarray(a, dtype=np.uint64)) + np.uint64(b))
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)


def stochastic_round(rng: np.random.Generator, x: float) -> int:
    """``x`` rounded down or up at random, so that the expected value is ``x``."""
    return int(np.floor(x + rng.random()))


@lru_cache(maxsize=4096)
def zone_offset_s(zone: str, day: int) -> int:
    """UTC offset in seconds of ``zone`` at noon UTC of day number ``day``."""
    moment = datetime(1970, 1, 1, 12, tzinfo=UTC) + timedelta(days=day)
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


# --- text ------------------------------------------------------------------------------------


def to_str(values: np.ndarray | pa.Array) -> pa.Array:
    arr = values if isinstance(values, pa.Array) else pa.array(values)
    return pc.cast(arr, pa.string())


def cat(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and string scalars."""
    return pc.binary_join_element_wise(*parts, "")


def lpad(arr: pa.Array, width: int) -> pa.Array:
    return pc.utf8_lpad(arr, width=width, padding="0")


def padded(prefix: str, values: np.ndarray, width: int) -> pa.Array:
    """``prefix`` and the integers zero-padded to ``width`` digits, as
    ``cat(prefix, lpad(to_str(values), width))`` writes them (built from digits when every
    value fits the width)."""
    v = np.asarray(values, dtype=np.int64)
    if len(v) and (v.min() < 0 or v.max() >= 10**width):
        return cat(prefix, lpad(to_str(v), width))
    return _fixed_width_text(len(v), [prefix.encode("utf-8"), _digits(v, width)])


def lookup(values: Sequence[str], idx: np.ndarray) -> pa.Array:
    """``values[idx]`` as a string array."""
    indices = pa.array(np.asarray(idx, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(
        indices, pa.array(values, pa.string())
    ).dictionary_decode()


def empty(n: int) -> pa.Array:
    return pc.fill_null(pa.nulls(n, pa.string()), "")


def where(mask: np.ndarray, a: pa.Array | str, b: pa.Array | str) -> pa.Array:
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), a, b)


def money(cents: np.ndarray, decimal: str = ".") -> pa.Array:
    """Amounts in cents as text with two decimals (``12.50``, ``-3,99``)."""
    c = np.asarray(cents, dtype=np.int64)
    a = np.abs(c)
    txt = cat(to_str(a // 100), decimal, padded("", a % 100, 2))
    neg = c < 0
    return where(neg, cat("-", txt), txt) if neg.any() else txt


def hex16(x: np.ndarray) -> pa.Array:
    """uint64 values as 16 lower-case hex digits."""
    raw = np.asarray(x, dtype=np.uint64).astype(">u8").tobytes().hex().encode("ascii")
    return pa.array(np.frombuffer(raw, dtype="S16")).cast(pa.string())


def uuid_text(hi: np.ndarray, lo: np.ndarray, upper: bool = False) -> pa.Array:
    """Two uint64 arrays as UUID-formatted text (8-4-4-4-12)."""
    a, b = hex16(hi), hex16(lo)

    def cut(arr: pa.Array, start: int, stop: int) -> pa.Array:
        return pc.utf8_slice_codeunits(arr, start=start, stop=stop)

    text = cat(
        cut(a, 0, 8), "-", cut(a, 8, 12), "-", cut(a, 12, 16), "-", cut(b, 0, 4), "-", cut(b, 4, 16)
    )
    return pc.utf8_upper(text) if upper else text


# strftime directives that :func:`strftime_utc` formats with numpy; any other goes to Arrow
_DIRECTIVE = re.compile(r"%Ez|%[YmdHMSz%]|[^%]+")


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers as ``width`` zero-padded ASCII digits, one row each."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers) % 10 + 48).astype(np.uint8)


def _fixed_width_text(n: int, columns: list[np.ndarray | bytes]) -> pa.Array:
    """A string array of ``n`` rows, each the concatenation of the columns' bytes."""
    width = sum(c.shape[1] if isinstance(c, np.ndarray) else len(c) for c in columns)
    data = np.empty((n, width), dtype=np.uint8)
    at = 0
    for c in columns:
        if isinstance(c, np.ndarray):
            data[:, at : at + c.shape[1]] = c
            at += c.shape[1]
        else:
            data[:, at : at + len(c)] = np.frombuffer(c, dtype=np.uint8)
            at += len(c)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _format_local(seconds: np.ndarray, micros: np.ndarray | None, offset: np.ndarray, fmt: str):
    """``seconds`` (UTC, whole) shifted by ``offset`` (seconds) and formatted; None when
    ``fmt`` has a directive this does not know or a year outside 0..9999 (Arrow's then)."""
    pieces = _DIRECTIVE.findall(fmt)
    if "".join(pieces) != fmt:
        return None
    local = seconds + offset
    day = local // DAY_S
    of_day = local - day * DAY_S
    dates = day.astype("datetime64[D]")
    years = dates.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970
    if len(year) and (year.min() < 0 or year.max() > 9999):
        return None
    months = dates.astype("datetime64[M]")
    month = months.astype(np.int64) % 12 + 1
    dom = (dates - months).astype(np.int64) + 1
    columns: list[np.ndarray | bytes] = []
    for piece in pieces:
        if piece == "%Y":
            columns.append(_digits(year, 4))
        elif piece == "%m":
            columns.append(_digits(month, 2))
        elif piece == "%d":
            columns.append(_digits(dom, 2))
        elif piece == "%H":
            columns.append(_digits(of_day // 3600, 2))
        elif piece == "%M":
            columns.append(_digits(of_day // 60 % 60, 2))
        elif piece == "%S":
            columns.append(_digits(of_day % 60, 2))
            if micros is not None:  # Arrow prints the timestamp's unit: SS.ffffff
                columns += [b".", _digits(micros, 6)]
        elif piece in ("%z", "%Ez"):
            sign = np.where(offset < 0, ord("-"), ord("+")).astype(np.uint8)[:, None]
            minutes = np.abs(offset) // 60
            columns += [sign, _digits(minutes // 60, 2)]
            columns += (
                [b":", _digits(minutes % 60, 2)] if piece == "%Ez" else [_digits(minutes % 60, 2)]
            )
        elif piece == "%%":
            columns.append(b"%")
        else:
            columns.append(piece.encode("utf-8"))
    return _fixed_width_text(len(seconds), columns)


def _utc_offsets(seconds: np.ndarray, tz: str | None) -> np.ndarray:
    """The UTC offset (seconds) of ``tz`` at each instant."""
    if tz is None:
        return np.zeros(len(seconds), dtype=np.int64)
    local = pc.local_timestamp(pa.array(seconds, pa.timestamp("s", tz=tz)))
    return local.cast(pa.int64()).to_numpy() - seconds


def _strftime(us: np.ndarray, fmt: str, offset: np.ndarray, seconds: bool) -> pa.Array | None:
    values = np.asarray(us, dtype=np.int64)
    whole = values // US
    return _format_local(whole, None if seconds else values - whole * US, offset, fmt)


def strftime_utc(us: np.ndarray, fmt: str, tz: str | None = None, seconds: bool = True) -> pa.Array:
    """Microsecond timestamps (UTC) formatted in ``tz`` (UTC when None), as Arrow's strftime.

    With ``seconds`` the value is truncated to whole seconds first; otherwise ``%S`` prints
    the microseconds too (``SS.ffffff``). The directives of the exports (``%Y %m %d %H %M
    %S %z %Ez``) are formatted with numpy, many times faster than Arrow's strftime.
    """
    values = np.asarray(us, dtype=np.int64)
    text = _strftime(values, fmt, _utc_offsets(values // US, tz), seconds)
    if text is not None:
        return text
    if seconds:
        arr = pa.array(values // US, pa.timestamp("s", tz=tz))
    else:
        arr = pa.array(values, pa.timestamp("us", tz=tz))
    return pc.strftime(arr, format=fmt)


def strftime_zones(
    us: np.ndarray, zone_idx: np.ndarray, zones: Sequence[str], fmt: str
) -> pa.Array:
    """Like :func:`strftime_utc` with a time zone per row (``zones[zone_idx]``)."""
    values = np.asarray(us, dtype=np.int64)
    n = len(values)
    offset = np.zeros(n, dtype=np.int64)
    for z in np.unique(zone_idx):
        rows = np.flatnonzero(zone_idx == z)
        offset[rows] = _utc_offsets(values[rows] // US, zones[int(z)])
    text = _strftime(values, fmt, offset, seconds=True)
    if text is not None:
        return text
    out = np.empty(n, dtype=object)
    for z in np.unique(zone_idx):
        rows = np.flatnonzero(zone_idx == z)
        out[rows] = strftime_utc(values[rows], fmt, tz=zones[int(z)]).to_numpy(zero_copy_only=False)
    return pa.array(out, pa.string()) if n else empty(0)


def csv_quote(arr: pa.Array, delimiter: str) -> pa.Array:
    """Quote values that hold the delimiter, a quote or a line break (minimal quoting)."""
    needs = pc.match_substring_regex(arr, f'[{delimiter}"\r\n]')
    quoted = cat('"', pc.replace_substring(arr, '"', '""'), '"')
    return pc.if_else(needs, quoted, arr)


def json_string(arr: pa.Array) -> pa.Array:
    """Values as JSON strings, nulls as ``null``; values never hold quotes or backslashes."""
    return pc.fill_null(cat('"', arr, '"'), "null")
