"""Injecting the quirks of raw-exports.md into a chunk's rows, and writing its records.

Each row gets at most one quirk, chosen without overlap from a random permutation; a row
with a quarantine quirk is never duplicated. What the warehouse must do with every written
record is known here and returned with it: staged, dropped as a repeat, or quarantined with
the architecture's reason code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from omniscore.generator.channels import Channel
from omniscore.generator.context import Context
from omniscore.generator.settings import Rates
from omniscore.generator.util import DAY_US, T_QUIRKS, stochastic_round

VALID, DUPLICATE = 0, 1
# Quarantine reasons of docs/architecture.md, in the order the warehouse checks them.
REASONS = (
    "wrong_column_count",
    "malformed_json",
    "missing_required_value",
    "invalid_timestamp",
    "invalid_number",
    "timestamp_out_of_range",
    "unknown_currency",
    "unknown_store",
    "unmapped_event_type",
)


def reason_code(reason: str) -> int:
    return 2 + REASONS.index(reason)


def reason_of(code: int) -> str:
    return REASONS[code - 2]


LATE_DAYS = (1, 5)  # late rows are this many days older than their batch (inclusive)
FUTURE_DAYS = 3653  # out-of-range timestamps: ten years ahead ...
PAST_DAYS = 7305  # ... or twenty years back (or the epoch)
CARRIED_SHARE = 0.3  # of the duplicates, the share repeated in the next batch's file


@dataclass
class Piece:
    """A chunk's records in file order, with what the warehouse must do with each."""

    records: list[str]
    status: np.ndarray  # VALID, DUPLICATE or reason_code(...)
    person: np.ndarray
    entity: np.ndarray | None = None
    carry_out: list[tuple[str, int]] = field(default_factory=list)


def _choose(
    rng: np.random.Generator, n: int, channel: Channel, rates: Rates, carry_ok: bool
) -> dict[str, np.ndarray]:
    """Disjoint sets of rows per quirk."""
    wanted: list[tuple[str, float]] = [
        ("broken", rates.broken),
        ("missing_id", rates.missing_id),
        ("bad_timestamp", rates.bad_timestamp),
        ("bad_number", rates.bad_number if channel.number_column else 0.0),
        ("out_of_range", rates.out_of_range),
        ("unmapped", rates.unmapped if channel.name_column else 0.0),
        ("placeholder", rates.placeholder if channel.placeholders else 0.0),
        ("late", rates.late if channel.late else 0.0),
    ]
    if carry_ok:
        wanted += [
            ("duplicate", rates.duplicate * (1 - CARRIED_SHARE)),
            ("carry", rates.duplicate * CARRIED_SHARE),
        ]
    else:
        wanted.append(("duplicate", rates.duplicate))
    order = rng.permutation(n)
    chosen: dict[str, np.ndarray] = {}
    taken = 0
    for name, rate in wanted:
        count = min(stochastic_round(rng, n * rate), n - taken) if rate > 0 else 0
        chosen[name] = np.sort(order[taken : taken + count])
        taken += count
    return chosen


def _replace(
    arr: pa.Array, rows: np.ndarray, values: tuple[str, ...], rng: np.random.Generator
) -> pa.Array:
    if not len(rows):
        return arr
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    picked = [values[i] for i in rng.integers(0, len(values), len(rows))]
    return pc.replace_with_mask(arr, pa.array(mask), pa.array(picked, pa.string()))


def _broken_csv(rng: np.random.Generator, fields: list[str], delimiter: str) -> str:
    """The record with one or two fields too few, or one too many."""
    if rng.random() < 0.5:
        return delimiter.join(fields[: -int(rng.integers(1, 3))])
    return delimiter.join([*fields, fields[-1]])


def make_piece(
    ctx: Context,
    channel: Channel,
    day: int,
    chunk: int,
    header: tuple[str, ...],
    carry_in: list[tuple[str, int]],
    carry_ok: bool,
) -> Piece:
    """Generate a chunk's rows, inject its quirks, write its records."""
    batch = channel.generate(ctx, day, chunk)
    if batch.size:
        batch = batch.take(np.argsort(batch.ts, kind="stable"))
    n = batch.size
    rng = ctx.stream(T_QUIRKS, day, chunk, channel.tag)
    chosen = (
        _choose(rng, n, channel, ctx.rates, carry_ok)
        if channel.quirky
        else {"duplicate": np.zeros(0, dtype=np.int64)}
    )
    status = np.zeros(n, dtype=np.int8)
    records: list[str] = []
    if n:
        ts = batch.ts.copy()
        rows = chosen.get("late", np.zeros(0, dtype=np.int64))
        ts[rows] -= rng.integers(LATE_DAYS[0], LATE_DAYS[1] + 1, len(rows)) * DAY_US
        rows = chosen.get("out_of_range", np.zeros(0, dtype=np.int64))
        how = rng.integers(0, 3, len(rows))
        ts[rows] = np.select(
            [how == 0, how == 1],
            [ts[rows] + FUTURE_DAYS * DAY_US, ts[rows] - PAST_DAYS * DAY_US],
            0,
        )
        status[rows] = reason_code("timestamp_out_of_range")

        fields = channel.format(ctx, batch, ts, day)
        if "bad_timestamp" in chosen:
            rows = chosen["bad_timestamp"]
            fields[channel.ts_column] = _replace(
                fields[channel.ts_column], rows, channel.bad_timestamps, rng
            )
            status[rows] = reason_code("invalid_timestamp")
        if channel.number_column and "bad_number" in chosen:
            rows = chosen["bad_number"]
            col = channel.number_column
            fields[col] = _replace(fields[col], rows, channel.bad_numbers, rng)
            status[rows] = reason_code("invalid_number")
        if channel.name_column and "unmapped" in chosen:
            rows = chosen["unmapped"]
            col = channel.name_column
            fields[col] = _replace(fields[col], rows, channel.unmapped, rng)
            status[rows] = reason_code("unmapped_event_type")
        if channel.placeholders and "placeholder" in chosen:
            rows = chosen["placeholder"]
            target = rng.integers(0, len(channel.placeholders), len(rows))
            for i, (col, values) in enumerate(channel.placeholders):
                fields[col] = _replace(fields[col], rows[target == i], values, rng)
        if "missing_id" in chosen:
            rows = chosen["missing_id"]
            fields[channel.key_column] = _replace(fields[channel.key_column], rows, ("",), rng)
            status[rows] = reason_code("missing_required_value")

        columns = channel.assemble(fields, header)
        records = channel.join(columns).to_pylist()
        rows = chosen.get("broken", np.zeros(0, dtype=np.int64))
        for i in rows:
            if channel.jsonl:  # cut the line short: an unterminated JSON object
                records[i] = records[i][: int(rng.integers(1, len(records[i]) - 1))]
            else:
                values = [c[int(i)].as_py() for c in columns]
                records[i] = _broken_csv(rng, values, channel.delimiter)
        status[rows] = reason_code("malformed_json" if channel.jsonl else "wrong_column_count")

    # repeats: copies later in this file, and rows to repeat in the next batch's file
    dup_rows = chosen.get("duplicate", np.zeros(0, dtype=np.int64))
    carry_rows = chosen.get("carry", np.zeros(0, dtype=np.int64))
    carry_out = [(records[i], int(batch.person[i])) for i in carry_rows]
    dup_keys = dup_rows + 0.5 + rng.random(len(dup_rows)) * (n - dup_rows - 0.5)
    carry_keys = rng.random(len(carry_in)) * max(n, 1)
    keys = np.concatenate([np.arange(n, dtype=float), dup_keys, carry_keys])
    order = np.argsort(keys, kind="stable")
    # for CRM contacts and tickets a copy is one more version: the runner counts it
    copy_status = VALID if channel.versioned else DUPLICATE
    all_records = records + [records[i] for i in dup_rows] + [r for r, _ in carry_in]
    all_status = np.concatenate(
        [
            status,
            np.full(len(dup_rows), copy_status, np.int8),
            np.full(len(carry_in), DUPLICATE, np.int8),
        ]
    )
    all_person = np.concatenate(
        [batch.person, batch.person[dup_rows], np.array([p for _, p in carry_in], dtype=np.int64)]
    )
    entity = None
    if batch.entity is not None:
        entity = np.concatenate(
            [batch.entity, batch.entity[dup_rows], np.full(len(carry_in), -1, dtype=np.int64)]
        )[order]
    return Piece(
        records=[all_records[i] for i in order],
        status=all_status[order],
        person=all_person[order],
        entity=entity,
        carry_out=carry_out,
    )
