"""Writing a landing folder batch by batch, with its ground truth beside it.

The truth directory holds the files of docs/architecture.md plus what an append needs.
What the architecture's files mean here, precisely:

* ``events_<date>.csv`` lists every record of the files delivered in that batch (a
  re-delivered file included) that the warehouse must not quarantine: staged rows and rows
  it drops as repeats. ``person_id`` is the person who acted, also where the row alone
  cannot tell (a cookie's events before it logs in, a placeholder cookie or device); it is
  empty for people who are not modelled persons: anonymous web visitors, shoppers without
  a loyalty card, social accounts unknown to the CRM.
* ``identifiers.csv`` lists every identifier of every person of the population, whether or
  not it has appeared in a file yet.
* ``persons.csv``: ``is_erased`` is true when the erasure request is in a landed batch;
  the latent parameters and dates of :mod:`.timeline` (docs/architecture.md), dates empty
  when they fall after the last batch written.

Files kept for appends:

* ``manifest.json``: the run parameters (seed, customers, first batch, rates, ...), the
  format of the generator that wrote them and the last batch written; an append must be of
  the same format, match the parameters and continue on the next day;
* ``ledger.csv``: per landed file, the rows the warehouse must quarantine (by reason) or drop
  as repeats; ``expected_quarantine.csv`` and ``expected_duplicates.csv`` are its sums per
  ``batch_date`` (the date in the file's name, also for a re-delivered file) and channel;
* ``state/``: the day of the latest valid version of each CRM contact and open ticket (to
  count superseded versions) and the rows to repeat in the next batch's files.

Every random choice of a day is seeded from (seed, day, ...), and the state carries over
exactly, so D days in one call write the same bytes as D one-day appends.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import multiprocessing
import os
import shutil
import sys
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from omniscore.generator import constants as k
from omniscore.generator import population as people
from omniscore.generator.channels import CHANNELS, Channel
from omniscore.generator.context import Context
from omniscore.generator.plans import MAX_TICKET_SPAN
from omniscore.generator.population import MAX_COOKIES, MAX_DEVICES, build_population
from omniscore.generator.quirks import DUPLICATE, VALID, make_piece, reason_of
from omniscore.generator.settings import GenerateError, Settings
from omniscore.generator.timeline import PREFERENCES
from omniscore.generator.util import (
    DAY_US,
    T_FILE,
    T_REDELIVERY,
    cat,
    day_date,
    day_number,
    strftime_utc,
    to_str,
    where,
)

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
# Version of what a manifest describes: raised whenever the same settings would write other
# data (format 2: phone numbers and the web/app values changed; format 3: buy-till-you-die
# timelines and engagement replace the propensity), so that an append never continues a
# folder written by another version.
FORMAT = 3
LEDGER = "ledger.csv"
LEDGER_HEADER = "source_file,batch_date,channel,kind,reason,rows\n"
EVENTS_HEADER = "channel,source_file,source_line,person_id\n"
FIRST_START = date(2015, 2, 1)  # late rows go back 5 days; the business started 2015-01-01
REDELIVERY_WINDOW = 3  # a re-delivered file is one of the last three batches'
BOM = "\ufeff".encode()


@dataclass
class Summary:
    """What a call wrote."""

    batches: int = 0
    files: int = 0
    records: int = 0
    records_by_channel: Counter = field(default_factory=Counter)
    seconds: float = 0.0


@dataclass
class State:
    """What one batch leaves for the next (see the module docstring)."""

    contacts: np.ndarray  # day of the file with the latest valid version, -1 none
    tickets: dict[int, int]
    carry: dict[str, list[tuple[str, int]]]

    @classmethod
    def new(cls, customers: int) -> State:
        return cls(np.full(customers, -1, dtype=np.int32), {}, {})

    @classmethod
    def load(cls, folder: Path, customers: int) -> State:
        state = cls.new(customers)
        if (folder / "contacts.npy").exists():
            state.contacts = np.load(folder / "contacts.npy")
        with open(folder / "tickets.csv", encoding="utf-8") as f:
            state.tickets = {int(a): int(b) for a, b in csv.reader(f)}
        with open(folder / "carry.jsonl", encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                state.carry.setdefault(item["file"], []).append((item["record"], item["person"]))
        return state

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "contacts.npy", self.contacts)
        with open(folder / "tickets.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(sorted(self.tickets.items()))
        with open(folder / "carry.jsonl", "w", encoding="utf-8") as f:
            for key in sorted(self.carry):
                for record, person in self.carry[key]:
                    item = {"file": key, "record": record, "person": person}
                    f.write(json.dumps(item, ensure_ascii=False) + "\n")


def default_truth_dir(out: Path) -> Path:
    """The ground truth's default place: a sibling ``truth`` folder of the landing folder."""
    return Path(out).parent / "truth"


def _inside(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or b in a.parents


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


def _flat(values: dict, prefix: str = "") -> dict:
    """Nested settings as ``{"rates.late": 0.02, ...}``, to name what differs."""
    flat: dict = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _check_request(
    out: Path, truth: Path, settings: Settings, start: date, days: int, today: date
) -> dict | None:
    """Validate the request; the manifest of an existing landing folder, else None."""
    settings.validate()
    if days < 1:
        raise GenerateError("--days must be at least 1")
    if start < FIRST_START:
        raise GenerateError(f"--start must be on or after {FIRST_START} (business started 2015)")
    last = start + timedelta(days=days - 1)
    if last >= today:
        raise GenerateError(
            f"the last batch ({last}) must be before today ({today}): the warehouse quarantines "
            "timestamps in the future"
        )
    if _inside(truth, out) or _inside(out, truth):
        raise GenerateError(
            f"the truth folder ({truth}) must be beside the landing folder ({out}), not inside it"
        )
    manifest_path = truth / MANIFEST
    if not manifest_path.exists():
        if _has_files(out):
            raise GenerateError(
                f"{out} already holds files but {manifest_path} does not exist: remove the "
                "folder, or pass the --truth folder it was generated with"
            )
        if _has_files(truth):
            raise GenerateError(f"{truth} already holds files but no {MANIFEST}: remove it first")
        if start != settings.start:
            raise GenerateError("the first batch must be the start of the settings")
        return None
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise GenerateError(
            f"{out} was written by another version of the generator (manifest format "
            f"{manifest.get('format')!r}, this one writes {FORMAT}): an append would not match "
            "it; generate the folder again"
        )
    stored = Settings.from_json(manifest["settings"])
    if stored != settings:
        ours, theirs = _flat(settings.to_json()), _flat(stored.to_json())
        diffs = [
            f"{key}: {theirs[key]!r} in the manifest, {ours[key]!r} now"
            for key in ours
            if ours[key] != theirs[key]
        ]
        raise GenerateError(
            f"{out} was generated with other parameters ({manifest_path}): " + "; ".join(diffs)
        )
    expected = date.fromisoformat(manifest["last_batch"]) + timedelta(days=1)
    if start != expected:
        raise GenerateError(
            f"{out} holds batches up to {manifest['last_batch']}: an append must start on "
            f"{expected}, not {start}"
        )
    if not out.is_dir():
        raise GenerateError(f"{manifest_path} exists but the landing folder {out} does not")
    return manifest


def generate(
    out: Path,
    settings: Settings,
    *,
    start: date,
    days: int,
    truth: Path | None = None,
    quiet: bool = True,
    today: date | None = None,
    workers: int | None = None,
) -> Summary:
    """Write ``days`` daily batches from ``start`` into ``out`` and the truth beside it.

    A new landing folder starts at ``settings.start`` (its first batch carries the CRM
    backlog); an existing one (with a manifest in ``truth``) is appended to, and then the
    settings must equal the manifest's and ``start`` must be the day after its last batch.
    ``workers`` processes (default: two when the machine has two cores or more) write the
    channels' files side by side; the bytes do not depend on it. Raises
    :class:`GenerateError` for requests that do not fit.
    """
    began = time.perf_counter()
    out, truth = Path(out), Path(truth) if truth is not None else default_truth_dir(Path(out))
    groups = _channel_groups(_workers(workers))
    manifest = _check_request(out, truth, settings, start, days, today or date.today())
    population = build_population(
        settings.seed,
        settings.customers,
        day_number(settings.start),
        placeholder_rate=settings.rates.placeholder,
        prospect_share=settings.prospect_share,
        erasure_rate=settings.rates.erasure,
        shared_persons=settings.shared_identifier_persons,
    )
    ctx = Context(settings, population)
    truth.mkdir(parents=True, exist_ok=True)
    if manifest is None:
        for ch in CHANNELS:
            (out / ch.folder).mkdir(parents=True, exist_ok=True)
        _write_stores(out)
        state = State.new(settings.customers)
    else:
        state = State.load(truth / "state", settings.customers)

    summary = Summary()
    first_day = day_number(start)
    bar = tqdm(
        total=days * len(CHANNELS),
        desc="generate",
        unit="file",
        file=sys.stderr,
        disable=quiet or not sys.stderr.isatty(),
    )
    day_range = range(first_day, first_day + days)
    with bar, _batches(ctx, groups, day_range, out, state) as batches:
        if manifest is None:  # while the workers (if any) write the first batches
            _write_identifiers(ctx, truth)
            (truth / LEDGER).write_text(LEDGER_HEADER, encoding="utf-8")
        for day in day_range:
            _finish_day(ctx, day, next(batches), out, truth, state, summary)
            bar.update(len(CHANNELS))
            state.save(truth / "state")
            _write_manifest(truth, settings, day)
            summary.batches += 1
    _write_persons(ctx, truth, first_day + days - 1)
    _write_expected(truth)
    summary.seconds = time.perf_counter() - began
    log.info(
        "wrote %d batch(es), %d files, %s records (%s) in %.1f s (%s records/s) to %s; truth in %s",
        summary.batches,
        summary.files,
        f"{summary.records:,}",
        ", ".join(f"{c} {n:,}" for c, n in sorted(summary.records_by_channel.items())),
        summary.seconds,
        f"{summary.records / max(summary.seconds, 1e-9):,.0f}",
        out,
        truth,
    )
    return summary


# --- one batch -------------------------------------------------------------------------------


@dataclass
class ChannelDay:
    """What writing one channel's file of a batch leaves for the batch's truth files."""

    channel: int  # index into CHANNELS
    events: str  # its lines of events_<date>.csv
    ledger: list[tuple[str, str, str, str, str, int]]
    files: int
    records: int


@dataclass
class GroupDay:
    """One batch of a group of channels, and the state those channels leave."""

    files: list[ChannelDay]
    carry: dict[str, list[tuple[str, int]]]
    contacts: np.ndarray | None  # when the group writes CRM contacts
    tickets: dict[int, int] | None  # when the group writes support tickets


# Channels per worker process: about the same work on each side (measured at 100k
# customers x 30 days); shared plans (orders, engagement) are computed on both sides.
GROUP_OF = {"web": 0, "email": 0, "pos": 0, "social": 0}
CHANNEL_GROUPS = 2  # at most this many worker processes


def _workers(workers: int | None) -> int:
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    if workers < 1:
        raise GenerateError("--workers must be at least 1")
    return min(workers, CHANNEL_GROUPS)


def _channel_groups(workers: int) -> list[list[int]]:
    if workers == 1:
        return [list(range(len(CHANNELS)))]
    groups: list[list[int]] = [[], []]
    for i, ch in enumerate(CHANNELS):
        groups[GROUP_OF.get(ch.folder, 1)].append(i)
    return groups


def _group_days(
    ctx: Context, channels: list[int], days: range, out: Path, state: State
) -> Iterator[GroupDay]:
    """Write the files of ``channels`` batch by batch, carrying their state over."""
    for day in days:
        files: list[ChannelDay] = []
        carry_next: dict[str, list[tuple[str, int]]] = {}
        for i in channels:
            events = io.StringIO()
            ledger: list[tuple[str, str, str, str, str, int]] = []
            summary = Summary()
            _write_file(ctx, CHANNELS[i], day, out, events, state, ledger, carry_next, summary)
            files.append(ChannelDay(i, events.getvalue(), ledger, summary.files, summary.records))
        state.carry = carry_next
        horizon = day - MAX_TICKET_SPAN - 2
        state.tickets = {t: d for t, d in state.tickets.items() if d >= horizon}
        prefixes = {CHANNELS[i].prefix for i in channels}
        yield GroupDay(
            files,
            carry_next,
            state.contacts if "contacts" in prefixes else None,
            state.tickets if "tickets" in prefixes else None,
        )


def _worker(connection: Connection, *args: object) -> None:
    """A worker process: send each batch of its group, or the error that stopped it."""
    try:
        for group_day in _group_days(*args):  # type: ignore[arg-type]
            connection.send(("ok", group_day))
    except BaseException:  # reported to the parent, which raises
        connection.send(("error", traceback.format_exc()))
    finally:
        connection.close()


@contextmanager
def _batches(
    ctx: Context, groups: list[list[int]], days: range, out: Path, state: State
) -> Iterator[Iterator[list[GroupDay]]]:
    """Each batch's groups, written in this process (one group) or by forked workers."""
    if len(groups) == 1:
        yield ([g] for g in _group_days(ctx, groups[0], days, out, state))
        return
    fork = multiprocessing.get_context("fork")
    pipes, processes = [], []
    for group in groups:
        receive, send = fork.Pipe(duplex=False)
        process = fork.Process(
            target=_worker, args=(send, ctx, group, days, out, state), daemon=True
        )
        process.start()
        send.close()
        pipes.append(receive)
        processes.append(process)

    def receive_all() -> Iterator[list[GroupDay]]:
        for _ in days:
            batch = []
            for pipe, process in zip(pipes, processes, strict=True):
                try:
                    status, value = pipe.recv()
                except EOFError:
                    raise RuntimeError(
                        f"a generator worker stopped (exit code {process.exitcode})"
                    ) from None
                if status != "ok":
                    raise RuntimeError(f"a generator worker failed:\n{value}")
                batch.append(value)
            yield batch

    try:
        yield receive_all()
    finally:
        for pipe in pipes:
            pipe.close()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()


def _finish_day(
    ctx: Context,
    day: int,
    groups: list[GroupDay],
    out: Path,
    truth: Path,
    state: State,
    summary: Summary,
) -> None:
    """The truth files of a written batch: its events and ledger rows, re-deliveries, state."""
    ledger: list[tuple[str, str, str, str, str, int]] = []
    files = sorted((f for g in groups for f in g.files), key=lambda f: f.channel)
    with open(truth / f"events_{day_date(day).isoformat()}.csv", "w", encoding="utf-8") as events:
        events.write(EVENTS_HEADER)
        for f in files:
            events.write(f.events)
            ledger.extend(f.ledger)
            summary.files += f.files
            summary.records += f.records
            summary.records_by_channel[CHANNELS[f.channel].folder] += f.records
        _redeliver(ctx, day, out, truth, events, ledger, summary)
    state.carry = {key: rows for g in groups for key, rows in g.carry.items()}
    for g in groups:
        if g.contacts is not None:
            state.contacts = g.contacts
        if g.tickets is not None:
            state.tickets = g.tickets
    with open(truth / LEDGER, "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(ledger)


def _write_file(
    ctx: Context,
    ch: Channel,
    day: int,
    out: Path,
    events: IO[str],
    state: State,
    ledger: list[tuple[str, str, str, str, str, int]],
    carry_next: dict[str, list[tuple[str, int]]],
    summary: Summary,
) -> None:
    header = ch.header(ctx, day)
    u_bom, u_crlf = ctx.stream(T_FILE, day, ch.tag).random(2)
    bom = u_bom < ctx.rates.bom
    crlf = ch.always_crlf or u_crlf < ctx.rates.crlf
    carry_ok = ch.carries and ch.header(ctx, day + 1) == header
    path = out / ch.folder / ch.file_name(day)
    source = ch.source_file(day)
    batch_date = day_date(day).isoformat()
    line = 0 if ch.jsonl else 1
    quarantined: Counter = Counter()
    duplicates = 0
    superseded: Counter = Counter()
    handle = None
    try:
        for chunk in ch.chunks(ctx):
            key = f"{ch.folder}/{ch.prefix}:{chunk}"
            piece = make_piece(ctx, ch, day, chunk, header, state.carry.get(key, []), carry_ok)
            if piece.carry_out:
                carry_next[key] = piece.carry_out
            if not piece.records:
                continue
            if handle is None:
                handle = _open_file(path, ch, header, bom, crlf)
            text = "\n".join(piece.records) + "\n"
            handle.write((text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))
            n = len(piece.records)
            if text.count("\n") == n:  # no record spans lines
                lines = np.ones(n, np.int64)
            else:
                lines = np.fromiter((r.count("\n") + 1 for r in piece.records), np.int64, n)
            start_line = line + np.cumsum(lines) - lines + 1
            line += int(lines.sum())
            bad = piece.status > DUPLICATE
            for code, count in zip(*np.unique(piece.status[bad], return_counts=True), strict=True):
                quarantined[reason_of(int(code))] += int(count)
            if ch.versioned:
                assert piece.entity is not None
                _supersede(ch, day, piece.entity[piece.status == VALID], state, superseded)
            else:
                duplicates += int((piece.status == DUPLICATE).sum())
            good = ~bad
            person = piece.person[good]
            rows = cat(
                f"{ch.folder},{source},",
                to_str(start_line[good]),
                ",",
                where(person >= 0, people.person_ids(np.maximum(person, 0)), ""),
            )
            events.write("\n".join(rows.to_pylist()) + "\n" if len(rows) else "")
            summary.records += len(piece.records)
            summary.records_by_channel[ch.folder] += len(piece.records)
        if handle is None and ch.write_empty:
            handle = _open_file(path, ch, header, bom, crlf)
    finally:
        if handle is not None:
            handle.close()
            summary.files += 1
    for reason, count in sorted(quarantined.items()):
        ledger.append((source, batch_date, ch.folder, "quarantine", reason, count))
    if duplicates:
        ledger.append((source, batch_date, ch.folder, "duplicate", "", duplicates))
    for older, count in sorted(superseded.items()):
        ledger.append(
            (ch.source_file(older), day_date(older).isoformat(), ch.folder, "duplicate", "", count)
        )


def _open_file(
    path: Path, ch: Channel, header: tuple[str, ...], bom: bool, crlf: bool
) -> IO[bytes]:
    handle = open(path, "wb")  # noqa: SIM115 - closed by the caller
    if bom:
        handle.write(BOM)
    if not ch.jsonl:
        handle.write((ch.delimiter.join(header) + ("\r\n" if crlf else "\n")).encode("utf-8"))
    return handle


def _supersede(
    ch: Channel, day: int, entity: np.ndarray, state: State, superseded: Counter
) -> None:
    """Count the versions of contacts / tickets that this file's valid rows replace.

    Versions of an entity are written on different days, each later than the last, so a
    valid row replaces the entity's previous valid version (a copy in the same file: the
    earlier copy). Counted against the file that holds the replaced row.
    """
    if not len(entity):
        return
    unique = np.unique(entity)
    if len(entity) > len(unique):
        superseded[day] += len(entity) - len(unique)
    if ch.prefix == "contacts":
        previous = state.contacts[unique]
        for older, count in zip(
            *np.unique(previous[previous >= 0], return_counts=True), strict=True
        ):
            superseded[int(older)] += int(count)
        state.contacts[unique] = day
    else:
        for ticket in unique.tolist():
            older = state.tickets.get(ticket)
            if older is not None:
                superseded[older] += 1
            state.tickets[ticket] = day


def _redeliver(
    ctx: Context,
    day: int,
    out: Path,
    truth: Path,
    events: IO[str],
    ledger: list[tuple[str, str, str, str, str, int]],
    summary: Summary,
) -> None:
    """Deliver an earlier file again under a new name, on a steady schedule.

    ``redelivery`` is a rate per channel and batch; over the re-deliverable channels that is
    one re-delivery every 1 / (rate x channels) batches, the first in the second batch (the
    first with an earlier file), so that even a short run has one (a ceiling schedule, as
    for erasure requests).
    """
    channels = [ch for ch in CHANNELS if ch.carries]
    per_batch = ctx.rates.redelivery * len(channels)
    i = ctx.batch_index(day)
    if i < 1 or per_batch <= 0:
        return
    due = int(np.ceil(i * per_batch - 1e-9) - np.ceil((i - 1) * per_batch - 1e-9))
    rng = ctx.stream(T_REDELIVERY, day)
    for _ in range(due):
        candidates = [
            (ch, d)
            for ch in channels
            for d in range(max(ctx.start_day, day - REDELIVERY_WINDOW), day)
            if not (out / ch.folder / _redelivered_name(ch, d)).exists()
            and (out / ch.folder / ch.file_name(d)).exists()
        ]
        if not candidates:
            return
        ch, original = candidates[int(rng.integers(0, len(candidates)))]
        _copy_delivery(ch, original, out, truth, events, ledger)
        summary.files += 1


def _redelivered_name(ch: Channel, day: int) -> str:
    return f"{ch.prefix}_{day_date(day).isoformat()}_redelivered.{ch.ext}"


def _copy_delivery(
    ch: Channel,
    original: int,
    out: Path,
    truth: Path,
    events: IO[str],
    ledger: list[tuple[str, str, str, str, str, int]],
) -> None:
    name = _redelivered_name(ch, original)
    shutil.copyfile(out / ch.folder / ch.file_name(original), out / ch.folder / name)
    source, copy = ch.source_file(original), f"{ch.folder}/{name}"
    rows = 0
    with open(truth / f"events_{day_date(original).isoformat()}.csv", encoding="utf-8") as f:
        for channel, source_file, source_line, person_id in csv.reader(f):
            if source_file == source:
                events.write(f"{channel},{copy},{source_line},{person_id}\n")
                rows += 1
    with open(truth / LEDGER, encoding="utf-8") as f:
        # the original's rows only (a file name holds no comma): parsing the whole ledger
        # at every re-delivery made long runs quadratic in their days
        ours = [line for line in f if line.startswith(f"{source},")]
        for row in csv.DictReader(ours, fieldnames=LEDGER_HEADER.strip().split(",")):
            if row["source_file"] == source and row["kind"] == "quarantine":
                ledger.append(
                    (
                        copy,
                        row["batch_date"],
                        row["channel"],
                        "quarantine",
                        row["reason"],
                        int(row["rows"]),
                    )
                )
    if rows:  # every staged row of the original is now a repeat
        ledger.append((copy, day_date(original).isoformat(), ch.folder, "duplicate", "", rows))


# --- truth files -----------------------------------------------------------------------------


def _write_manifest(truth: Path, settings: Settings, last_day: int) -> None:
    manifest = {
        "generator": "omniscore generate",
        "format": FORMAT,
        "settings": settings.to_json(),
        "last_batch": day_date(last_day).isoformat(),
    }
    (truth / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _write_stores(out: Path) -> None:
    lines = ["store_id;store_name;city;country;timezone"]
    for store_id, name, city, zone in k.STORES:
        country = k.COUNTRIES[k.CITY_COUNTRY[city]]
        lines.append(f"{store_id};{name};{k.CITY_NAMES[city]};{country};{zone}")
    (out / "pos" / "stores.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def _write_identifiers(ctx: Context, truth: Path) -> None:
    """identifiers.csv (normalised values; placeholders left out) and shared_identifiers.csv."""
    pop = ctx.pop
    with open(truth / "identifiers.csv", "w", encoding="utf-8") as f:
        f.write("identifier_type,identifier_value,person_id\n")
        for chunk in range(ctx.n_chunks):
            lo, hi = ctx.chunk_range(chunk)
            g = np.arange(lo, hi, dtype=np.int64)
            parts: list[tuple[str, np.ndarray, pa.Array]] = [
                ("contact_id", g, people.contact_ids(g))
            ]
            sel = g[~pop.email_placeholder[g]]
            parts.append(("email", sel, people.emails(pop, sel)))
            sel = g[pop.has_phone[g] & ~pop.phone_placeholder[g]]
            parts.append(("phone", sel, people.phone_e164(pop, sel)))
            sel = g[pop.has_card[g]]
            parts.append(("loyalty_card", sel, people.loyalty_cards(sel)))
            for slot in range(MAX_COOKIES):
                sel = g[pop.n_cookies[g] > slot]
                slots = np.full(len(sel), slot)
                parts.append(("cookie", sel, people.cookie_ids(pop, sel, slots)))
            for slot in range(MAX_DEVICES):
                sel = g[pop.n_devices[g] > slot]
                slots = np.full(len(sel), slot)
                platform = pop.device_platform[sel, slot]
                parts.append(("device", sel, people.device_ids(ctx.seed, sel, slots, platform)))
            sel = g[pop.has_handle[g]]
            parts.append(("social_handle", sel, pc.utf8_lower(people.handles(pop, sel))))
            for kind, who, values in parts:
                if len(who):
                    rows = cat(f"{kind},", values, ",", people.person_ids(who))
                    f.write("\n".join(rows.to_pylist()) + "\n")
    shared = int(pop.shared_phone.sum())
    with open(truth / "shared_identifiers.csv", "w", encoding="utf-8") as f:
        f.write("identifier_type,identifier_value,persons\n")
        if shared >= 2:
            f.write(f"phone,{k.SHARED_PHONE_E164},{shared}\n")


PERSONS_HEADER = (
    "person_id,is_prospect,country_code,is_erased,created_date,purchase_rate,"
    "dropout_probability,engagement_level,"
    + ",".join(f"pref_{name}" for name in PREFERENCES)
    + ",first_purchase_date,dropout_date,erasure_date\n"
)


def _write_persons(ctx: Context, truth: Path, last_day: int) -> None:
    """persons.csv: latent parameters and latent state at the last batch (timeline.py)."""
    pop, timeline = ctx.pop, ctx.timeline
    timeline.extend(last_day, keep_from=last_day)  # a no-op after generating last_day

    def date_or_empty(day: np.ndarray) -> pa.Array:
        text = strftime_utc(np.minimum(day, last_day).astype(np.int64) * DAY_US, "%Y-%m-%d")
        return where(day <= last_day, text, "")

    def number(values: np.ndarray, shown: np.ndarray | None = None) -> pa.Array:
        text = to_str(values)
        return text if shown is None else where(shown, text, "")

    with open(truth / "persons.csv", "w", encoding="utf-8") as f:
        f.write(PERSONS_HEADER)
        for chunk in range(ctx.n_chunks):
            lo, hi = ctx.chunk_range(chunk)
            g = np.arange(lo, hi, dtype=np.int64)
            buyer = ~pop.is_prospect[g]
            parts: list[pa.Array | str] = [
                people.person_ids(g),
                where(pop.is_prospect[g], "true", "false"),
                pa.array([k.COUNTRIES[c] for c in pop.country[g]], pa.string()),
                where(pop.erasure_day[g] <= last_day, "true", "false"),
                strftime_utc(pop.created_day[g].astype(np.int64) * DAY_US, "%Y-%m-%d"),
                number(pop.purchase_rate[g], buyer),
                number(pop.dropout_probability[g], buyer),
                number(np.round(pop.engagement[g], 4)),
                *(number(np.round(pop.channel_pref[g, i].astype(np.float64), 4)) for i in range(5)),
                date_or_empty(timeline.first_purchase_day[g]),
                date_or_empty(timeline.dropout_day[g]),
                date_or_empty(pop.erasure_day[g]),
            ]
            rows = pc.binary_join_element_wise(*parts, ",")
            f.write("\n".join(rows.to_pylist()) + "\n")


def _write_expected(truth: Path) -> None:
    """expected_quarantine.csv and expected_duplicates.csv: the ledger's sums."""
    quarantine: defaultdict[tuple[str, str, str], int] = defaultdict(int)
    duplicates: defaultdict[tuple[str, str], int] = defaultdict(int)
    with open(truth / LEDGER, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "quarantine":
                quarantine[(row["batch_date"], row["channel"], row["reason"])] += int(row["rows"])
            else:
                duplicates[(row["batch_date"], row["channel"])] += int(row["rows"])
    with open(truth / "expected_quarantine.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["batch_date", "channel", "reason", "rows"])
        writer.writerows([*key, n] for key, n in sorted(quarantine.items()))
    with open(truth / "expected_duplicates.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["batch_date", "channel", "rows"])
        writer.writerows([*key, n] for key, n in sorted(duplicates.items()))
