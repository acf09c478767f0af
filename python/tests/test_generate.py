"""Tests of ``omniscore generate``: formats, quirks, ground truth, determinism and appends.

The ground truth is checked against an independent reading of the landing folder that
follows docs/architecture.md (records, quarantine reasons in order, duplicate rules) with
the standard library only, so the generator's own bookkeeping is not trusted.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from omniscore import generate as generate_command
from omniscore.generator import GenerateError, Rates, Settings, generate
from omniscore.generator import constants as k
from omniscore.generator import population as people
from omniscore.generator.settings import MAX_CUSTOMERS, MAX_SEED

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
START = date(2026, 1, 1)
TODAY = date(2026, 11, 22)
BUSINESS_STARTED = datetime(2015, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 22, tzinfo=UTC)  # runs are checked as if started today
CHANNEL_FILES = {
    "crm": ("contacts_", "erasure_requests_"),
    "web": ("events_",),
    "app": ("events_",),
    "email": ("activity_",),
    "pos": ("transactions_",),
    "support": ("tickets_",),
    "social": ("interactions_",),
}


def seed_rows(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


TAXONOMY = defaultdict(set)
for _row in seed_rows("interaction_taxonomy.csv"):
    TAXONOMY[_row["channel"]].add(_row["raw_event_name"])
CURRENCIES = {r["currency_code"] for r in seed_rows("exchange_rates.csv")}
BLOCKED = {
    (r["identifier_type"], r["identifier_value"]) for r in seed_rows("blocked_identifiers.csv")
}
CALLING = {r["country_code"]: r for r in seed_rows("country_calling_codes.csv")}


def blocked(kind: str, value: str) -> bool:
    return (kind, value) in BLOCKED or ("any", value) in BLOCKED


def run_generate(
    out: Path,
    days: int,
    customers: int = 300,
    seed: int = 7,
    start: date = START,
    **options: object,
) -> Path:
    """Generate (or append) and return the truth folder."""
    rates = options.pop("rates", Rates())
    workers = options.pop("workers", None)
    settings = Settings(
        seed=seed, customers=customers, start=options.pop("first", start), rates=rates, **options
    )  # type: ignore[arg-type]
    generate(out, settings, start=start, days=days, today=TODAY, workers=workers)  # type: ignore[arg-type]
    return out.parent / "truth"


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """2,500 customers x 7 days with the default rates: (landing folder, truth folder).

    Some checks need a rare quirk or value to occur at least once in the week (an invalid
    POS number, a ticket rated bad, an emoji subject): 2,500 customers give them room."""
    out = tmp_path_factory.mktemp("landing") / "raw"
    return out, run_generate(out, days=7, customers=2500, seed=42)


# --- an independent reading of the landing folder ---------------------------------------------


def physical_records(path: Path) -> list[tuple[int, str]]:
    """(first line, text) of every record: lines split on LF, CR and BOM stripped, CSV
    records continued while their quotes are unbalanced, blank lines skipped."""
    text = path.read_bytes().decode("utf-8")
    text = text.removeprefix("\ufeff")
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    records: list[tuple[int, str]] = []
    jsonl = path.suffix == ".jsonl"
    i = 0
    while i < len(lines):
        if lines[i] == "":
            i += 1
            continue
        start, record = i + 1, lines[i]
        while not jsonl and record.count('"') % 2 and i + 1 < len(lines):
            i += 1
            record += "\n" + lines[i]
        records.append((start, record))
        i += 1
    return records


def fields_of(record: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(record), delimiter=delimiter))


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def is_number(value: str, decimal_comma: bool = False) -> bool:
    return bool(NUMBER.fullmatch(value.replace(",", ".") if decimal_comma else value))


def parse_time(channel: str, value: str, row: dict[str, str], stores: dict[str, str]) -> datetime:
    """The checked timestamp as UTC; ValueError when it does not parse."""
    if channel == "web":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(value)
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(value))
    if channel == "app":
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
    if channel == "email":
        local = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        return local.replace(tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    if channel == "pos":
        local = datetime.strptime(value, "%d/%m/%Y %H:%M")
        return local.replace(tzinfo=ZoneInfo(stores[row["store_id"]])).astimezone(UTC)
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(value)
    return parsed.astimezone(UTC)


KEYS = {
    "contacts": ("contact_id",),
    "erasure_requests": ("request_id",),
    "web": ("event_id",),
    "app": ("insert_id",),
    "email": ("email",),
    "pos": ("receipt_id", "line_no"),
    "support": ("ticket_id",),
    "social": ("interaction_id",),
}
TIMESTAMP = {
    "contacts": "updated_at",
    "erasure_requests": "requested_at",
    "web": "event_timestamp",
    "app": "event_time",
    "email": "timestamp",
    "pos": "transaction_at",
    "support": "created_at",
    "social": "occurred_at",
}


def kind_of(source_file: str) -> str:
    channel, name = source_file.split("/")
    return name.split("_2")[0] if channel == "crm" else channel


def quarantine_reason(
    source_file: str, record: str, header: list[str], stores: dict[str, str]
) -> tuple[str | None, dict[str, str]]:
    """The architecture's first applicable reason (None: not quarantined) and the row."""
    channel = source_file.split("/")[0]
    kind = kind_of(source_file)
    if channel == "app":
        try:
            obj = json.loads(record)
        except ValueError:
            return "malformed_json", {}
        if not isinstance(obj, dict):
            return "malformed_json", {}
        props = obj.get("event_properties") or {}
        row = {
            key: "" if v is None else str(v) for key, v in obj.items() if key != "event_properties"
        }
        row["currency"] = str(props.get("currency") or "")
    else:
        values = fields_of(record, ";" if channel == "pos" else ",")
        if len(values) != len(header):
            return "wrong_column_count", {}
        row = dict(zip(header, values, strict=True))
    if any(not row.get(key, "").strip() for key in KEYS[kind]):
        return "missing_required_value", row
    try:
        moment = parse_time(channel, row[TIMESTAMP[kind]], row, stores)
    except (ValueError, KeyError):
        return "invalid_timestamp", row
    numbers = {
        "web": ["value"],
        "pos": ["quantity", "unit_price", "discount_amount"],
        "social": ["sentiment"],
    }.get(channel, [])
    if any(row[n] and not is_number(row[n], channel == "pos") for n in numbers):
        return "invalid_number", row
    if moment < BUSINESS_STARTED or moment > NOW + timedelta(hours=24):
        return "timestamp_out_of_range", row
    if row.get("currency") and row["currency"] not in CURRENCIES:
        return "unknown_currency", row
    if channel == "pos" and row["store_id"] not in stores:
        return "unknown_store", row
    name = {
        "web": "event_name",
        "app": "event_type",
        "email": "action",
        "social": "interaction_type",
    }.get(channel)
    if name and row[name] not in TAXONOMY[channel]:
        return "unmapped_event_type", row
    return None, row


def landed_files(raw: Path) -> list[Path]:
    return sorted(
        p
        for channel, prefixes in CHANNEL_FILES.items()
        for p in (raw / channel).glob("*")
        if p.name.startswith(prefixes)
    )


def batch_date_of(path: Path) -> str:
    match = re.search(r"\d{4}-\d{2}-\d{2}", path.name)
    assert match, path
    return match.group(0)


@dataclass
class Reading:
    quarantine: Counter  # (batch_date, channel, reason) -> rows
    duplicates: Counter  # (batch_date, channel) -> rows
    rows: dict[tuple[str, int], dict[str, str]]  # staged or repeated rows by (file, line)
    out_of_range: list[datetime]


def reference_accounting(raw: Path) -> Reading:
    """Read the landing folder as docs/architecture.md says the warehouse does."""
    with open(raw / "pos" / "stores.csv", encoding="utf-8-sig") as f:
        stores = {r["store_id"]: r["timezone"] for r in csv.DictReader(f, delimiter=";")}
    quarantine: Counter = Counter()
    out_of_range: list[datetime] = []
    kept_rows: dict[tuple[str, int], dict] = {}
    groups: defaultdict[tuple, list] = defaultdict(list)
    for path in landed_files(raw):
        source = f"{path.parent.name}/{path.name}"
        channel, kind = path.parent.name, kind_of(source)
        records = physical_records(path)
        header: list[str] = []
        if path.suffix == ".csv":
            header = fields_of(records[0][1], ";" if channel == "pos" else ",")
            records = records[1:]
        for line, record in records:
            reason, row = quarantine_reason(source, record, header, stores)
            if reason:
                quarantine[(batch_date_of(path), channel, reason)] += 1
                if reason == "timestamp_out_of_range":
                    out_of_range.append(parse_time(channel, row[TIMESTAMP[kind]], row, stores))
                continue
            kept_rows[(source, line)] = row
            if kind == "email":
                key = tuple(row[c] for c in ("email", "campaign_id", "action", "timestamp", "url"))
            else:
                key = tuple(row[c] for c in KEYS[kind])
            groups[(kind, key)].append((source, line, row))
    duplicates: Counter = Counter()
    for (kind, _), rows in groups.items():
        if kind in ("contacts", "support"):
            ts_column = "updated_at"
            kept = max(rows, key=lambda r: (datetime.fromisoformat(r[2][ts_column]), r[0], r[1]))
        else:
            kept = min(rows, key=lambda r: (r[0], r[1]))
        for source, line, _ in rows:
            if (source, line) != (kept[0], kept[1]):
                duplicates[(batch_date_of(Path(source)), source.split("/")[0])] += 1
    return Reading(quarantine, duplicates, kept_rows, out_of_range)


def read_counts(path: Path, key_columns: tuple[str, ...]) -> Counter:
    with open(path, encoding="utf-8") as f:
        return Counter(
            {tuple(r[c] for c in key_columns): int(r["rows"]) for r in csv.DictReader(f)}
        )


def truth_events(truth: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(truth.glob("events_*.csv")):
        with open(path, encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
    return rows


def identifier_owners(truth: Path) -> defaultdict[tuple[str, str], set[str]]:
    owners: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    with open(truth / "identifiers.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            owners[(row["identifier_type"], row["identifier_value"])].add(row["person_id"])
    return owners


def e164(raw: str, country: str | None) -> str | None:
    """docs/architecture.md, "Phone to E.164"."""
    digits = re.sub(r"\D", "", raw)
    if raw.strip().startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    else:
        code = CALLING[country]["calling_code"] if country else "1"
        trunk = CALLING[country]["trunk_prefix"] if country else ""
        if trunk and digits.startswith(trunk):
            digits = digits[len(trunk) :]
        if code == "1" and len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        number = code + digits
    return "+" + number if 8 <= len(number) <= 15 else None


def identifiers_of(source_file: str, row: dict[str, str]) -> list[tuple[str, str]]:
    """The (type, normalised value) identifiers a staged row carries, placeholders left out."""
    kind = kind_of(source_file)
    found: list[tuple[str, str | None]] = []
    if kind == "contacts":
        found = [
            ("contact_id", row["contact_id"].strip()),
            ("email", row["email"].strip().lower()),
            ("phone", e164(row["phone"], row["country"]) if row["phone"].strip() else None),
            ("loyalty_card", row["loyalty_card_id"].strip()),
            ("social_handle", row["instagram_handle"].strip().lower().lstrip("@")),
        ]
    elif kind == "web":
        found = [("cookie", row["user_pseudo_id"]), ("contact_id", row["user_id"])]
    elif kind == "app":
        found = [("device", row["device_id"]), ("contact_id", row["user_id"])]
    elif kind == "email":
        found = [("email", row["email"].strip().lower())]
    elif kind == "pos":
        found = [("loyalty_card", row["loyalty_card_id"])]
    elif kind == "support":
        phone = row["requester_phone"]
        found = [
            ("email", row["requester_email"].strip().lower()),
            ("phone", e164(phone, None) if phone.strip() else None),
        ]
    elif kind == "social":
        found = [("social_handle", row["handle"].strip().lower().lstrip("@"))]
    elif kind == "erasure_requests":
        found = [("contact_id", row["contact_id"]), ("email", row["email"].strip().lower())]
    return [(t, v) for t, v in found if v and not blocked(t, v)]


def records_by_file(raw: Path) -> dict[str, list[tuple[int, str]]]:
    return {f"{p.parent.name}/{p.name}": physical_records(p) for p in landed_files(raw)}


# --- tests ------------------------------------------------------------------------------------


def test_reference_data_agrees_with_the_seeds() -> None:
    assert set(k.CURRENCIES) <= CURRENCIES
    assert set(k.WEB_EVENTS) <= TAXONOMY["web"]
    assert set(k.APP_EVENTS) <= TAXONOMY["app"]
    assert set(k.EMAIL_ACTIONS) <= TAXONOMY["email"]
    assert set(k.SOCIAL_TYPES) <= TAXONOMY["social"]
    assert not set(k.UNMAPPED_WEB) & TAXONOMY["web"]
    assert not set(k.UNMAPPED_APP) & TAXONOMY["app"]
    for value in k.PLACEHOLDER_EMAILS:
        assert blocked("email", value.strip().lower()), value
    for value in k.PLACEHOLDER_PHONES_NANP:
        assert blocked("phone", e164(value, "US") or ""), value
    for value in k.PLACEHOLDER_PHONES_SUPPORT:
        assert blocked("phone", e164(value, None) or ""), value
    for value in k.PLACEHOLDER_COOKIES:
        assert blocked("cookie", value)
    for value in k.PLACEHOLDER_DEVICES:
        assert blocked("device", value)
    assert dict(zip(k.COUNTRIES, k.CALLING_CODE, strict=True)) == {
        c: r["calling_code"] for c, r in CALLING.items()
    }


def test_truth_matches_an_independent_reading(landed: tuple[Path, Path]) -> None:
    assert_truth_matches_reading(*landed)


def assert_truth_matches_reading(raw: Path, truth: Path) -> None:
    reading = reference_accounting(raw)
    expected_quarantine = read_counts(
        truth / "expected_quarantine.csv", ("batch_date", "channel", "reason")
    )
    expected_duplicates = read_counts(truth / "expected_duplicates.csv", ("batch_date", "channel"))
    assert reading.quarantine == expected_quarantine
    assert reading.duplicates == expected_duplicates
    # events_<date>.csv lists exactly the records that are not quarantined, once each
    listed = [(r["source_file"], int(r["source_line"])) for r in truth_events(truth)]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(reading.rows)


def test_quarantine_counts_match_simple_counts(landed: tuple[Path, Path]) -> None:
    raw, truth = landed
    expected = read_counts(truth / "expected_quarantine.csv", ("batch_date", "channel", "reason"))
    broken_json = Counter()
    for path in sorted((raw / "app").glob("events_*.jsonl")):
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            try:
                json.loads(line)
            except ValueError:
                broken_json[batch_date_of(path)] += 1
    assert sum(broken_json.values()) > 0
    assert broken_json == Counter(
        {b: n for (b, c, r), n in expected.items() if r == "malformed_json" and c == "app"}
    )
    bad_width = Counter()
    for path in sorted((raw / "web").glob("events_*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        bad_width[batch_date_of(path)] += sum(len(r) != len(rows[0]) for r in rows[1:])
    assert +bad_width == Counter(
        {b: n for (b, c, r), n in expected.items() if r == "wrong_column_count" and c == "web"}
    )


def test_truth_persons_own_the_identifiers_of_their_rows(landed: tuple[Path, Path]) -> None:
    raw, truth = landed
    reading = reference_accounting(raw)
    owners = identifier_owners(truth)
    checked = anonymous = 0
    for event in truth_events(truth):
        row = reading.rows[(event["source_file"], int(event["source_line"]))]
        ids = identifiers_of(event["source_file"], row)
        if event["person_id"]:
            for identifier in ids:
                assert event["person_id"] in owners[identifier], (event, identifier)
                checked += 1
        else:  # not a modelled person: none of its identifiers belongs to anyone
            assert not [i for i in ids if i in owners], (event, ids)
            anonymous += 1
    assert checked > 1000
    assert anonymous > 0


def test_truth_lines_point_at_record_starts(landed: tuple[Path, Path]) -> None:
    raw, truth = landed
    records = records_by_file(raw)
    starts = {f: {line: text for line, text in recs} for f, recs in records.items()}
    for event in truth_events(truth):
        text = starts[event["source_file"]][int(event["source_line"])]
        assert text and not text.startswith(("event_id,", "ticket_id,", "contact_id,"))
    # a multi-line subject shifts the lines of later records of its file
    support = [recs for f, recs in records.items() if f.startswith("support/")]
    assert any(text.count("\n") for recs in support for _, text in recs)
    assert any(line != i + 1 for recs in support for i, (line, _) in enumerate(recs)), (
        "no support record starts after a multi-line one"
    )


def test_every_quirk_occurs_at_the_default_rates(landed: tuple[Path, Path]) -> None:
    raw, _ = landed
    reading = reference_accounting(raw)
    reasons = {r for (_, _, r) in reading.quarantine}
    assert reasons == {
        "wrong_column_count",
        "malformed_json",
        "missing_required_value",
        "invalid_timestamp",
        "invalid_number",
        "timestamp_out_of_range",
        "unmapped_event_type",
    }
    assert {c for (_, c, r) in reading.quarantine if r == "unmapped_event_type"} == {"web", "app"}
    assert {c for (_, c, r) in reading.quarantine if r == "invalid_number"} >= {"web", "pos"}
    assert any(m.year >= 2035 for m in reading.out_of_range)
    assert any(m.year < 2015 for m in reading.out_of_range)

    records = records_by_file(raw)
    originals = {f: [t for _, t in r] for f, r in records.items() if "redelivered" not in f}
    # the same row twice in one file, and in two files
    assert any(len(texts) != len(set(texts)) for texts in originals.values())
    seen: dict[str, str] = {}
    across = 0
    for f, texts in originals.items():
        for text in set(texts) - {texts[0]}:
            if text in seen and seen[text] != f and kind_of(f) not in ("contacts", "support"):
                across += 1
            seen.setdefault(text, f)
    assert across > 0
    # an earlier file delivered again under a new name
    redelivered = sorted(raw.glob("*/*_redelivered.*"))
    assert redelivered
    for copy in redelivered:
        original = copy.with_name(copy.name.replace("_redelivered", ""))
        assert copy.read_bytes() == original.read_bytes()
    # a new column in the middle of the header of later web files
    headers = {p.name: fields_of(physical_records(p)[0][1], ",") for p in (raw / "web").glob("*")}
    assert "session_id" not in headers["events_2026-01-01.csv"]
    later = headers["events_2026-01-07.csv"]
    assert 0 < later.index("session_id") < len(later) - 1
    # byte-order marks and line endings
    files = landed_files(raw)
    assert any(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in files)
    assert any(not p.read_bytes().startswith(b"\xef\xbb\xbf") for p in files)
    assert any(b"\r\n" in p.read_bytes() for p in files if p.parent.name != "pos")
    assert all(b"\r\n" in p.read_bytes() for p in (raw / "pos").glob("transactions_*"))
    # late events: valid rows days older than their batch
    late = 0
    for (source, _), row in reading.rows.items():
        kind = kind_of(source)
        if kind in ("web", "app", "pos", "social") and "redelivered" not in source:
            with open(raw / "pos" / "stores.csv", encoding="utf-8") as f:
                stores = {r["store_id"]: r["timezone"] for r in csv.DictReader(f, delimiter=";")}
            moment = parse_time(kind, row[TIMESTAMP[kind]], row, stores)
            batch = datetime.fromisoformat(batch_date_of(Path(source))).replace(tzinfo=UTC)
            late += moment < batch - timedelta(hours=23)
    assert late > 0


def test_people_and_identifiers_behave_like_the_contract(landed: tuple[Path, Path]) -> None:
    raw, truth = landed
    reading = reference_accounting(raw)
    rows_of = defaultdict(list)
    for (source, line), row in sorted(reading.rows.items()):
        rows_of[kind_of(source)].append((source, line, row))

    contacts = [r for _, _, r in rows_of["contacts"]]
    # placeholders on CRM contacts, web cookies, app devices and support tickets
    assert any(blocked("email", r["email"].strip().lower()) for r in contacts)
    assert any(
        r["phone"] and blocked("phone", e164(r["phone"], r["country"]) or "") for r in contacts
    )
    assert any(blocked("cookie", r["user_pseudo_id"]) for _, _, r in rows_of["web"])
    assert any(blocked("device", r["device_id"]) for _, _, r in rows_of["app"])
    tickets = [r for _, _, r in rows_of["support"]]
    # one phone number on the contacts of 12 persons
    shared = {
        r["contact_id"] for r in contacts if e164(r["phone"], r["country"]) == k.SHARED_PHONE_E164
    }
    assert len(shared) == 12
    with open(truth / "shared_identifiers.csv", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == [
            {"identifier_type": "phone", "identifier_value": k.SHARED_PHONE_E164, "persons": "12"}
        ]
    assert len(identifier_owners(truth)[("phone", k.SHARED_PHONE_E164)]) == 12
    # contacts and tickets updated in later files
    for kind, key in (("contacts", "contact_id"), ("support", "ticket_id")):
        files_of = defaultdict(set)
        for source, _, row in rows_of[kind]:
            files_of[row[key]].add(source)
        assert any(len(files) > 1 for files in files_of.values()), kind
    # emails in odd case or with spaces; phones typed in many ways
    assert any(r["email"] != r["email"].strip().lower() for r in contacts)
    phones = [r["phone"] for r in contacts if r["phone"]]
    assert any(p.startswith("+") for p in phones) and any(p.startswith("00") for p in phones)
    assert any("(" in p for p in phones) and any("." in p for p in phones)
    assert any(r["country"] == "GB" and r["phone"].startswith("020 ") for r in contacts)
    for r in tickets:  # no country on tickets: international formats, except US numbers
        phone = r["requester_phone"]
        if phone and not phone.startswith(("+", "00")):
            assert (e164(phone, None) or "").startswith("+1"), phone
    subjects = [r["subject"] for r in tickets]
    for needle in (",", '"', "\n"):
        assert any(needle in s for s in subjects), needle
    assert any(any(ord(ch) > 0xFFFF for ch in s) for s in subjects)  # emoji
    assert {r["satisfaction_rating"] for r in tickets} >= {"good", "bad"}
    # erasure requests
    assert list(raw.glob("crm/erasure_requests_*.csv"))
    # handles as typed
    handles = [r["handle"] for _, _, r in rows_of["social"]]
    assert any(h.startswith("@") for h in handles) and any(not h.startswith("@") for h in handles)
    assert any(h != h.lower() for h in handles)
    # store purchases with and without a loyalty card, and returns
    pos = [r for _, _, r in rows_of["pos"]]
    assert any(r["loyalty_card_id"] for r in pos) and any(not r["loyalty_card_id"] for r in pos)
    assert any(r["quantity"].startswith("-") for r in pos)
    assert {r["currency"] for r in pos} == {"USD", "CAD", "GBP", "EUR"}
    # anonymous browsing on a cookie that later logs in; cart abandonment
    by_cookie = defaultdict(list)
    for _, _, r in rows_of["web"]:
        by_cookie[r["user_pseudo_id"]].append((int(r["event_timestamp"]), r["user_id"]))
    assert any(
        any(not u for _, u in sorted(ev)[:1]) and any(u for _, u in ev) for ev in by_cookie.values()
    )
    names = Counter(r["event_name"] for _, _, r in rows_of["web"])
    assert names["add_to_cart"] > names["purchase"] > 0
    assert {r["action"] for _, _, r in rows_of["email"]} >= {"sent", "open", "click", "bounce"}


def test_purchase_rates_drive_purchases_and_prospects_never_buy(
    landed: tuple[Path, Path],
) -> None:
    raw, truth = landed
    reading = reference_accounting(raw)
    with open(truth / "persons.csv", encoding="utf-8") as f:
        persons = {r["person_id"]: r for r in csv.DictReader(f)}
    assert len(persons) == 2500
    assert {r["is_prospect"] for r in persons.values()} == {"true", "false"}
    assert {r["country_code"] for r in persons.values()} == set(k.COUNTRIES)
    buyers = set()
    for event in truth_events(truth):
        row = reading.rows[(event["source_file"], int(event["source_line"]))]
        kind = kind_of(event["source_file"])
        purchase = (
            (kind == "web" and row["event_name"] == "purchase")
            or (kind == "app" and row["event_type"] == "purchase")
            or (kind == "pos" and not row["quantity"].startswith("-"))
        )
        if purchase and event["person_id"]:
            buyers.add(event["person_id"])
    assert buyers
    assert all(persons[p]["is_prospect"] == "false" for p in buyers)
    # among customers alive at the start (born, not lost), the faster buyers bought
    start = START.isoformat()
    alive = {
        p: float(r["purchase_rate"])
        for p, r in persons.items()
        if r["is_prospect"] == "false"
        and r["first_purchase_date"] < start
        and (r["dropout_date"] == "" or r["dropout_date"] >= start)
    }
    bought = [rate for p, rate in alive.items() if p in buyers]
    assert len(bought) > 50
    assert sum(bought) / len(bought) > 1.5 * sum(alive.values()) / len(alive)


def test_formats_parse_as_specified(landed: tuple[Path, Path]) -> None:
    raw, _ = landed
    reading = reference_accounting(raw)
    patterns = {
        ("web", "event_timestamp"): r"\d{16}",
        ("app", "event_time"): r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}",
        ("email", "timestamp"): r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
        ("pos", "transaction_at"): r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}",
        ("pos", "unit_price"): r"\d+,\d{2}",
        ("pos", "discount_amount"): r"\d+,\d{2}",
        ("support", "created_at"): r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}",
        ("social", "occurred_at"): r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z",
        ("contacts", "updated_at"): r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z",
        ("contacts", "created_at"): r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z",
    }
    seen = Counter()
    for (source, _), row in reading.rows.items():
        for (kind, column), pattern in patterns.items():
            if kind_of(source) == kind:
                assert re.fullmatch(pattern, row[column]), (source, column, row[column])
                seen[kind] += 1
    assert set(seen) == {kind for kind, _ in patterns}
    # valid timestamps lie between the CRM backlog and the end of the last batch
    for (source, _), row in reading.rows.items():
        kind = kind_of(source)
        if kind in ("web", "app", "social", "support", "contacts"):
            moment = parse_time(kind.replace("contacts", "crm"), row[TIMESTAMP[kind]], row, {})
            assert datetime(2015, 1, 1, tzinfo=UTC) <= moment < datetime(2026, 1, 8, tzinfo=UTC)
    # app lines are JSON objects with the SDK's keys; web values have a decimal point
    line = (raw / "app" / "events_2026-01-01.jsonl").read_text(encoding="utf-8-sig").splitlines()[0]
    assert set(json.loads(line)) == {
        "insert_id",
        "event_type",
        "event_time",
        "device_id",
        "user_id",
        "platform",
        "app_version",
        "event_properties",
    }
    values = [
        r["value"] for (s, _), r in reading.rows.items() if kind_of(s) == "web" and r["value"]
    ]
    assert values and all(re.fullmatch(r"\d+\.\d{2}", v) for v in values)
    # POS files are semicolon-separated; stores once, in several IANA zones
    assert (
        (raw / "pos" / "transactions_2026-01-01.csv")
        .read_text("utf-8-sig")
        .startswith("receipt_id;line_no;store_id;")
    )
    with open(raw / "pos" / "stores.csv", encoding="utf-8") as f:
        zones = {r["timezone"] for r in csv.DictReader(f, delimiter=";")}
    assert len(zones) >= 5 and all(ZoneInfo(z) for z in zones)
    names = {p.name for p in landed_files(raw) if "redelivered" not in p.name}
    assert all(re.fullmatch(r"[a-z_]+_\d{4}-\d{2}-\d{2}\.(csv|jsonl)", n) for n in names)


@pytest.mark.parametrize(("zone", "local_hour"), [("America/New_York", 9), ("Europe/Berlin", 15)])
def test_email_timestamps_are_in_the_accounts_time_zone(
    tmp_path: Path, zone: str, local_hour: int
) -> None:
    raw = tmp_path / "raw"
    truth = run_generate(raw, days=1, customers=200, email_timezone=zone)
    # the rows the warehouse stages (a quirk may have moved a timestamp out of range)
    staged = {int(e["source_line"]) for e in truth_events(truth) if e["channel"] == "email"}
    path = raw / "email" / "activity_2026-01-01.csv"
    header, *_ = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))), [])
    sent = []
    for line, text in physical_records(path):
        row = next(csv.reader(io.StringIO(text)))
        if line in staged and row[3] == "sent":
            sent.append(row[4])
    # campaigns go out at 14:00-14:30 UTC
    assert header == "email" and len(sent) > 10
    assert all(s.startswith(f"2026-01-01 {local_hour:02d}:") for s in sent)


def test_truth_is_beside_the_landing_folder(landed: tuple[Path, Path], tmp_path: Path) -> None:
    raw, truth = landed
    assert truth == raw.parent / "truth"
    for name in (
        "persons.csv",
        "identifiers.csv",
        "expected_quarantine.csv",
        "expected_duplicates.csv",
        "shared_identifiers.csv",
        "events_2026-01-07.csv",
    ):
        assert (truth / name).exists(), name
    assert not [p for p in raw.rglob("*") if p.is_file() and p.parent.name not in CHANNEL_FILES]
    settings = Settings(seed=1, customers=10, start=START)
    with pytest.raises(GenerateError, match="beside"):
        generate(
            tmp_path / "raw",
            settings,
            start=START,
            days=1,
            truth=tmp_path / "raw" / "t",
            today=TODAY,
        )


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    run_generate(tmp_path / "a" / "raw", days=3, seed=5)
    run_generate(tmp_path / "b" / "raw", days=3, seed=5)
    run_generate(tmp_path / "c" / "raw", days=3, seed=6)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert tree(tmp_path / "a" / "raw") != tree(tmp_path / "c" / "raw")


def test_worker_processes_write_the_same_bytes_as_one(tmp_path: Path) -> None:
    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    run_generate(tmp_path / "one" / "raw", days=4, seed=5, workers=1)
    run_generate(tmp_path / "two" / "raw", days=4, seed=5, workers=2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert any("_redelivered" in name for name in tree(tmp_path / "two" / "raw"))


def test_a_failing_worker_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from omniscore.generator import run as generator_run
    from omniscore.generator.channels import Email

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Email, "generate", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_generate(tmp_path / "raw", days=2, workers=2)
    assert generator_run.GROUP_OF["email"] == 0  # the failure came from a worker process


@pytest.mark.parametrize("zone", [None, "America/New_York", "Europe/London", "Asia/Kolkata"])
@pytest.mark.parametrize(
    "fmt", ["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%Ez", "%d/%m/%Y %H:%M", "%Y-%m-%d %%z=%z"]
)
def test_timestamps_are_formatted_as_arrow_formats_them(fmt: str, zone: str | None) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from omniscore.generator.util import US, strftime_utc

    rng = np.random.default_rng(3)
    # 1938..2033 and the instants around a change to summer time in Europe
    us = np.concatenate(
        [rng.integers(-(10**15), 2 * 10**15, 5000), np.array([-1, 0, 1711846799, 1711846800]) * US]
    )
    if zone is None and "%z" in fmt:
        return
    for seconds in (True, False):
        arr = pa.array(us // US if seconds else us, pa.timestamp("s" if seconds else "us", tz=zone))
        expected = pc.strftime(arr, format=fmt)
        assert strftime_utc(us, fmt, tz=zone, seconds=seconds).equals(expected)


def test_one_run_of_d_days_equals_d_daily_appends(tmp_path: Path) -> None:
    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    run_generate(tmp_path / "once" / "raw", days=6, seed=11)
    for i in range(6):
        run_generate(
            tmp_path / "daily" / "raw",
            days=1,
            seed=11,
            start=START + timedelta(days=i),
            first=START,
        )
    assert tree(tmp_path / "once") == tree(tmp_path / "daily")


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="omniscore")
    generate_command.register(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_an_append_must_continue_the_same_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = str(tmp_path / "raw")
    base = ["generate", "--customers", "50", "--seed", "3", "--out", out, "-q"]
    assert run_cli([*base, "--days", "2"]) == 0
    assert run_cli([*base, "--days", "1", "--start", "2026-01-05"]) == 2
    assert "must start on 2026-01-03" in caplog.text
    other_seed = ["generate", "--customers", "50", "--seed", "4", "--out", out, "-q"]
    assert run_cli([*other_seed, "--days", "1", "--start", "2026-01-03"]) == 2
    assert "seed: 3 in the manifest, 4 now" in caplog.text
    assert run_cli([*base, "--days", "1", "--start", "2026-01-03", "--customers", "60"]) == 2
    assert "customers: 50 in the manifest, 60 now" in caplog.text
    assert run_cli([*base, "--days", "1", "--start", "2026-01-03", "--late-rate", "0.5"]) == 2
    assert "rates.late: 0.02 in the manifest, 0.5 now" in caplog.text
    # the manifest's rates are reused when none are given
    assert run_cli([*base, "--days", "1", "--start", "2026-01-03"]) == 0
    manifest = json.loads((tmp_path / "truth" / "manifest.json").read_text())
    assert manifest["last_batch"] == "2026-01-03"
    assert manifest["settings"]["seed"] == 3 and manifest["settings"]["customers"] == 50
    # a folder that holds files but has no manifest is not written into
    stray = tmp_path / "stray" / "raw"
    (stray / "web").mkdir(parents=True)
    (stray / "web" / "events_2026-01-01.csv").write_text("x\n")
    assert run_cli(["generate", "--customers", "5", "--days", "1", "--out", str(stray)]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["--customers", "0", "--days", "1"],
        ["--customers", "ten", "--days", "1"],
        ["--customers", "10", "--days", "0"],
        ["--customers", "10", "--days", "1", "--start", "2026-13-01"],
        ["--customers", "10", "--days", "1", "--start", "01/01/2026"],
        ["--customers", "10", "--days", "1", "--duplicate-rate", "1.5"],
        ["--customers", "10", "--days", "1", "--late-rate", "-0.1"],
        ["--customers", "10", "--days", "1", "--email-timezone", "Mars/Olympus"],
        ["--customers", "10", "--days", "1", "--seed", "-1"],
        ["--customers", "10", "--days", "1", "--workers", "0"],
        ["--customers", "10", "--days", "1", "--seed", str(MAX_SEED + 1)],
    ],
)
def test_bad_arguments_exit_with_2(argv: list[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli(["generate", "--out", str(tmp_path / "raw"), *argv])
    assert exit_info.value.code == 2


def test_batches_in_the_future_are_refused(tmp_path: Path) -> None:
    out = str(tmp_path / "raw")
    assert (
        run_cli(
            [
                "generate",
                "--customers",
                "5",
                "--days",
                "1",
                "--out",
                out,
                "--start",
                (date.today() + timedelta(days=1)).isoformat(),
            ]
        )
        == 2
    )
    assert not (tmp_path / "raw").exists()


def test_erasure_requests_name_a_contact_an_email_or_both(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    truth = run_generate(raw, days=2, customers=400, rates=Rates(erasure=1.0))
    with open(next(raw.glob("crm/erasure_requests_2026-01-01.csv")), encoding="utf-8-sig") as f:
        requests = list(csv.DictReader(f))
    assert any(r["contact_id"] and r["email"] for r in requests)
    assert any(not r["contact_id"] and r["email"] for r in requests)
    assert any(r["contact_id"] and not r["email"] for r in requests)
    with open(truth / "persons.csv", encoding="utf-8") as f:
        erased = sum(r["is_erased"] == "true" for r in csv.DictReader(f))
    assert erased >= len(requests)


def test_support_tickets_carry_placeholders(tmp_path: Path) -> None:
    """Tickets are few in a small run: a high rate shows their placeholders."""
    raw = tmp_path / "raw"
    run_generate(raw, days=7, customers=2000, rates=Rates(placeholder=0.5))
    reading = reference_accounting(raw)
    tickets = [r for (s, _), r in reading.rows.items() if kind_of(s) == "support"]
    assert any(blocked("email", r["requester_email"].strip().lower()) for r in tickets)
    phones = [e164(r["requester_phone"], None) for r in tickets if r["requester_phone"]]
    assert any(blocked("phone", p or "") for p in phones)


def test_many_chunks_of_persons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large populations are generated in chunks; the truth must not depend on that."""
    from omniscore.generator import context

    monkeypatch.setattr(context, "CHUNK", 128)
    raw = tmp_path / "once" / "raw"
    truth = run_generate(raw, days=5, customers=700, seed=9)
    assert len({p.name for p in (raw / "web").glob("*")}) >= 5
    assert_truth_matches_reading(raw, truth)
    owners = identifier_owners(truth)
    reading = reference_accounting(raw)
    for event in truth_events(truth):
        row = reading.rows[(event["source_file"], int(event["source_line"]))]
        for identifier in identifiers_of(event["source_file"], row):
            if event["person_id"]:
                assert event["person_id"] in owners[identifier], (event, identifier)
            else:
                assert identifier not in owners, (event, identifier)
    for day in range(5):
        run_generate(
            tmp_path / "daily" / "raw",
            days=1,
            customers=700,
            seed=9,
            start=START + timedelta(days=day),
            first=START,
        )
    for path in (tmp_path / "once").rglob("*"):
        if path.is_file():
            twin = tmp_path / "daily" / path.relative_to(tmp_path / "once")
            assert twin.read_bytes() == path.read_bytes(), path


def test_the_library_validates_its_settings(tmp_path: Path) -> None:
    for settings in (
        Settings(seed=1, customers=0, start=START),
        Settings(seed=1, customers=10, start=START, rates=Rates(late=2.0)),
        Settings(seed=1, customers=10, start=START, email_timezone="Nowhere/Else"),
    ):
        with pytest.raises(GenerateError):
            generate(tmp_path / "raw", settings, start=START, days=1, today=TODAY)
    assert not (tmp_path / "raw").exists()


# --- identifiers are unique per person ----------------------------------------------------------


def test_identifier_scrambles_are_bijections() -> None:
    """(a * i + b) mod M is one-to-one only when a and M are coprime."""
    for kind, (a, _, modulus) in people.SCRAMBLES.items():
        assert math.gcd(a, modulus) == 1, kind
        assert modulus >= MAX_CUSTOMERS, kind
    for kind in ("phone", "email", "social_handle"):  # the whole modulus is cheap
        modulus = people.SCRAMBLES[kind][2]
        values = people.scramble(kind, np.arange(modulus))
        assert values.min() >= 0 and values.max() < modulus, kind
        assert (np.bincount(values, minlength=modulus) == 1).all(), kind


def test_persons_of_one_city_have_different_phones() -> None:
    """Review finding: persons 5 and 1,600,005 of one city had the same number."""
    g = np.array([5, 1_600_005, 3_200_005, MAX_CUSTOMERS - 1])
    pop = SimpleNamespace(
        city=np.zeros(MAX_CUSTOMERS, dtype=np.int8),  # all in New York
        country=np.zeros(MAX_CUSTOMERS, dtype=np.int8),
        shared_phone=np.zeros(MAX_CUSTOMERS, dtype=bool),
    )
    phones = people.phone_e164(pop, g).to_pylist()  # type: ignore[arg-type]
    assert len(set(phones)) == len(phones), phones
    assert all(re.fullmatch(r"\+1212[2-9]\d{6}", p) for p in phones), phones


# --- quirks in short runs, and options that switch them --------------------------------------


WEB_CONTRACT_COLUMNS = [
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
]


def web_headers(raw: Path) -> dict[str, list[str]]:
    return {
        p.name: fields_of(physical_records(p)[0][1], ",")
        for p in sorted((raw / "web").glob("events_*.csv"))
    }


def test_a_three_day_run_has_every_file_quirk(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    truth = run_generate(raw, days=3, customers=300)
    headers = web_headers(raw)
    assert "session_id" not in headers["events_2026-01-01.csv"]
    for name in ("events_2026-01-02.csv", "events_2026-01-03.csv"):
        assert 0 < headers[name].index("session_id") < len(headers[name]) - 1
    assert sorted(raw.glob("*/*_2026-01-01_redelivered.*"))
    assert list(raw.glob("crm/erasure_requests_*.csv"))
    assert_truth_matches_reading(raw, truth)


def test_the_extra_column_can_be_switched_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = str(tmp_path / "raw")
    base = ["generate", "--customers", "50", "--out", out, "-q"]
    assert run_cli([*base, "--days", "2", "--no-extra-column"]) == 0
    # an append takes the option from the manifest
    assert run_cli(["generate", "--out", out, "-q", "--days", "1", "--start", "2026-01-03"]) == 0
    headers = web_headers(tmp_path / "raw")
    assert len(headers) == 3
    assert all(h == WEB_CONTRACT_COLUMNS for h in headers.values()), headers
    manifest = json.loads((tmp_path / "truth" / "manifest.json").read_text())
    assert manifest["settings"]["extra_column"] is False
    assert run_cli([*base, "--days", "1", "--start", "2026-01-04", "--extra-column"]) == 2
    assert "extra_column: False in the manifest, True now" in caplog.text


def count_lines(path: Path, key_columns: tuple[str, ...], **match: str) -> int:
    """Sum of ``rows`` (or number of lines) of a truth CSV whose columns match."""
    with open(path, encoding="utf-8") as f:
        return sum(
            int(r.get("rows", 1))
            for r in csv.DictReader(f)
            if all(r[c] == v for c, v in match.items()) and all(r[c] for c in key_columns)
        )


def originals(raw: Path) -> list[Path]:
    return [p for p in landed_files(raw) if "redelivered" not in p.name]


def first_records(raw: Path, kinds: tuple[str, ...]) -> list[tuple[str, int, str]]:
    """(source file, line, text) of the records of original files of ``kinds`` that repeat
    no record of an earlier (or the same) file."""
    seen: set[str] = set()
    found = []
    for path in sorted(originals(raw), key=batch_date_of):
        source = f"{path.parent.name}/{path.name}"
        if kind_of(source) not in kinds:
            continue
        records = physical_records(path)[0 if path.suffix == ".jsonl" else 1 :]
        for line, text in records:
            if text not in seen:
                found.append((source, line, text))
            seen.add(text)
    return found


def repeated_records(raw: Path) -> int:
    """Records of original files that repeat an earlier record (not CRM or ticket versions)."""
    kinds = ("web", "app", "email", "pos", "social")
    total = sum(
        len(physical_records(p)) - (0 if p.suffix == ".jsonl" else 1)
        for p in originals(raw)
        if kind_of(f"{p.parent.name}/{p.name}") in kinds
    )
    return total - len(first_records(raw, kinds))


def late_rows(raw: Path, reading: Reading) -> int:
    """Staged rows (not repeats) timestamped before the day of their batch."""
    with open(raw / "pos" / "stores.csv", encoding="utf-8") as f:
        stores = {r["store_id"]: r["timezone"] for r in csv.DictReader(f, delimiter=";")}
    late = 0
    for source, line, _ in first_records(raw, ("web", "app", "pos", "social")):
        row = reading.rows.get((source, line))
        if row is None:  # quarantined
            continue
        kind = kind_of(source)
        moment = parse_time(kind, row[TIMESTAMP[kind]], row, stores)
        late += moment < datetime.fromisoformat(batch_date_of(Path(source))).replace(tzinfo=UTC)
    return late


def placeholder_rows(reading: Reading) -> int:
    fields = {
        "contacts": (("email", "email"), ("phone", "phone")),
        "web": (("cookie", "user_pseudo_id"),),
        "app": (("device", "device_id"),),
        "support": (("email", "requester_email"), ("phone", "requester_phone")),
    }
    count = 0
    for (source, _), row in reading.rows.items():
        for kind, column in fields.get(kind_of(source), ()):
            value = row[column].strip().lower()
            if kind == "phone" and value:
                value = e164(value, row.get("country") or None) or value
            if value and blocked(kind, value):
                count += 1
                break
    return count


def quirk_counts(raw: Path, truth: Path) -> dict[str, dict[str, int]]:
    """Per quirk rate: how often the quirk occurs in the truth and in the files."""
    reading = reference_accounting(raw)
    expected = read_counts(truth / "expected_quarantine.csv", ("batch_date", "channel", "reason"))

    def in_truth(*reasons: str) -> int:
        return sum(n for (_, _, r), n in expected.items() if r in reasons)

    def in_files(*reasons: str) -> int:
        return sum(n for (_, _, r), n in reading.quarantine.items() if r in reasons)

    def by_reason(*reasons: str) -> dict[str, int]:
        return {"truth": in_truth(*reasons), "files": in_files(*reasons)}

    ledger = truth / "ledger.csv"
    with open(ledger, encoding="utf-8") as f:
        ledger_rows = list(csv.DictReader(f))
    with open(truth / "identifiers.csv", encoding="utf-8") as f:
        with_email = {r["person_id"] for r in csv.DictReader(f) if r["identifier_type"] == "email"}
    with open(truth / "persons.csv", encoding="utf-8") as f:
        persons = list(csv.DictReader(f))
    files = landed_files(raw)
    return {
        "duplicate": {
            "truth": sum(
                int(r["rows"])
                for r in ledger_rows
                if r["kind"] == "duplicate"
                and "redelivered" not in r["source_file"]
                and r["channel"] not in ("crm", "support")
            ),
            "files": repeated_records(raw),
        },
        "broken": by_reason("wrong_column_count", "malformed_json"),
        "bad_timestamp": by_reason("invalid_timestamp"),
        "out_of_range": by_reason("timestamp_out_of_range"),
        "bad_number": by_reason("invalid_number"),
        "unmapped": by_reason("unmapped_event_type"),
        "missing_id": by_reason("missing_required_value"),
        "placeholder": {
            "truth": sum(r["person_id"] not in with_email for r in persons),
            "files": placeholder_rows(reading),
        },
        "late": {"files": late_rows(raw, reading)},
        "redelivery": {
            "truth": len(
                {r["source_file"] for r in ledger_rows if "redelivered" in r["source_file"]}
            ),
            "files": len([p for p in files if "redelivered" in p.name]),
        },
        "bom": {"files": sum(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in files)},
        "crlf": {"files": sum(b"\r\n" in p.read_bytes() for p in files if p.parent.name != "pos")},
        "erasure": {
            "truth": sum(r["is_erased"] == "true" for r in persons),
            "files": sum(
                len(physical_records(p)) - 1 for p in raw.glob("crm/erasure_requests_*.csv")
            ),
        },
    }


HIGH_RATES = {"redelivery": 1.0, "bom": 1.0, "crlf": 1.0, "erasure": 0.5, "placeholder": 0.3}


def quirks_of_a_cli_run(out: Path, *options: str) -> dict[str, dict[str, int]]:
    argv = ["generate", "--customers", "300", "--days", "3", "--seed", "7", "--out", str(out)]
    assert run_cli([*argv, "-q", *options]) == 0
    return quirk_counts(out, out.parent / "truth")


@pytest.fixture(scope="module")
def default_quirks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, int]]:
    return quirks_of_a_cli_run(tmp_path_factory.mktemp("defaults") / "raw")


@pytest.mark.parametrize("name", Rates.names())
def test_each_rate_option_sets_how_often_its_quirk_occurs(
    name: str, default_quirks: dict[str, dict[str, int]], tmp_path: Path
) -> None:
    option = f"--{name.replace('_', '-')}-rate"
    off = quirks_of_a_cli_run(tmp_path / "off" / "raw", option, "0")
    high = quirks_of_a_cli_run(tmp_path / "high" / "raw", option, str(HIGH_RATES.get(name, 0.2)))
    assert off[name] == dict.fromkeys(off[name], 0), (name, off[name])
    for where_, n in high[name].items():
        assert n > 2 * default_quirks[name][where_] and n >= 5, (name, where_, high[name])


# --- seeds, appends and values --------------------------------------------------------------


@pytest.mark.parametrize("seed", [MAX_SEED + 1, 100_000_000_000_000])
def test_a_seed_too_large_is_refused_before_anything_is_written(seed: int, tmp_path: Path) -> None:
    """Review finding: --seed 100000000000000 overflowed after files were written."""
    out = tmp_path / "raw"
    with pytest.raises(SystemExit) as exit_info:
        run_cli(
            ["generate", "--customers", "20", "--days", "1", "--seed", str(seed), "--out", str(out)]
        )
    assert exit_info.value.code == 2
    with pytest.raises(GenerateError, match="seed must be between 0 and"):
        generate(out, Settings(seed=seed, customers=20, start=START), start=START, days=1)
    assert not out.exists() and not (tmp_path / "truth").exists()


def test_the_largest_seed_generates(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    argv = ["generate", "--customers", "20", "--days", "2", "--seed", str(MAX_SEED)]
    assert run_cli([*argv, "--out", str(out), "-q"]) == 0
    assert json.loads((tmp_path / "truth" / "manifest.json").read_text())["last_batch"] == (
        "2026-01-02"
    )


def test_an_append_takes_seed_and_customers_from_the_manifest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    once, appended = tmp_path / "once" / "raw", tmp_path / "appended" / "raw"
    options = ["--seed", "3", "--late-rate", "0.1", "--prospect-share", "0.5"]
    assert (
        run_cli(
            ["generate", "--customers", "60", "--days", "3", "--out", str(once), "-q", *options]
        )
        == 0
    )
    assert (
        run_cli(
            ["generate", "--customers", "60", "--days", "2", "--out", str(appended), "-q", *options]
        )
        == 0
    )
    # neither --customers nor --seed nor the rates: all from the manifest (seed 3, not 42)
    append = ["generate", "--days", "1", "--start", "2026-01-03", "--out", str(appended), "-q"]
    assert run_cli(append) == 0
    assert tree(once.parent) == tree(appended.parent)
    # a new landing folder needs --customers
    assert run_cli(["generate", "--days", "1", "--out", str(tmp_path / "new" / "raw")]) == 2
    assert "--customers is required for a new landing folder" in caplog.text
    assert not (tmp_path / "new").exists()


def test_an_append_refuses_a_folder_of_another_generator_version(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    truth = run_generate(raw, days=1, customers=50)
    manifest = json.loads((truth / "manifest.json").read_text())
    manifest["format"] = 1
    (truth / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(GenerateError, match="another version of the generator"):
        run_generate(raw, days=1, customers=50, start=START + timedelta(days=1), first=START)


def test_values_are_written_on_purchase_events_only(landed: tuple[Path, Path]) -> None:
    """raw-exports.md: web value/currency are the order value on purchase events."""
    raw, _ = landed
    reading = reference_accounting(raw)
    web = [r for (s, _), r in reading.rows.items() if kind_of(s) == "web"]
    for column in ("value", "currency"):
        assert {r["event_name"] for r in web if r[column]} == {"purchase"}, column
    assert all(r["value"] and r["currency"] for r in web if r["event_name"] == "purchase")
    revenue_types = Counter()
    purchases = 0
    for path in sorted((raw / "app").glob("events_*.jsonl")):
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a broken line
            purchases += event["event_type"] == "purchase"
            if "revenue" in event["event_properties"]:
                revenue_types[event["event_type"]] += 1
    assert set(revenue_types) == {"purchase"} and revenue_types["purchase"] == purchases
