"""What bad input gets (raw-exports.md, last row of the last table): for every channel, the
files a real delivery can bring that cannot be read as they should, landed after a good
build of the hand-written fixture folder, and built once more.

A file that cannot be read as a whole (a required column missing, a wrong delimiter, not
UTF-8) is set aside with its reason and its lines counted; a stray quote costs its own
record; a truncated JSON line is quarantined; empty, header-only and re-delivered files
stage nothing. Every other file and channel still builds, every file reconciles in lines,
rows staged by the first build stay, the build fails loudly naming each set-aside file and
column, and `omniscore validate` names each problem with its file and exits non-zero.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import landing
import pytest

from omniscore.validate import csv_records, run_validation
from omniscore.warehouse import DbtResult, connect, run_dbt

pytestmark = pytest.mark.dbt

FIXTURE_RAW = Path(__file__).parent / "fixtures" / "raw"
# Staging, the reconciliation and its checks, and the layers that keep history (identity,
# the incremental interactions fact); unit tests run in test_staging_quirks.
BUILD = [
    "build",
    "--select",
    "staging",
    "file_reconciliation",
    "int_quarantined_rows_unioned",
    "+fct_interactions",
    "--exclude-resource-type",
    "unit_test",
    "--indirect-selection",
    "cautious",
]

CONTACTS = "select contact_id, email, updated_at from staging.stg_crm__contacts"
STORES = "select store_id, timezone from staging.stg_pos__stores"
STAGED = "select interaction_id from intermediate.int_interactions_unioned"

# channel -> (the fixture file the bad files are made from, delimiter or None for JSONL)
CHANNELS = {
    "web": ("web/events_2026-01-01.csv", ","),
    "app": ("app/events_2026-01-01.jsonl", None),
    "email": ("email/activity_2026-01-01.csv", ","),
    "pos": ("pos/transactions_2026-01-01.csv", ";"),
    "crm": ("crm/contacts_2026-01-01.csv", ","),
    "support": ("support/tickets_2026-01-01.csv", ","),
    "social": ("social/interactions_2026-01-01.csv", ","),
}
CASES = (
    "missing_column",
    "wrong_delimiter",
    "truncated_json",
    "latin1",
    "unbalanced_quote",
    "empty",
    "header_only",
    "repeated",
)


@dataclass(frozen=True)
class BadFile:
    channel: str
    case: str
    source_file: str  # path in the landing folder
    detail: str = ""  # what the set-aside detail or validate must name (a column, a line)


def _name(template: str, day: int) -> str:
    """The fixture file's path with a March date of its own."""
    return template.replace("2026-01-01", f"2026-03-{day:02d}")


def _lines(text: str) -> list[str]:
    return [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]


def _clean_records(lines: list[str], delimiter: str | None, count: int) -> list[str]:
    """The first ``count`` records of one line each: CSV data lines without quotes, or
    JSON lines that are objects."""
    if delimiter is None:
        objects = []
        for line in lines:
            try:
                if isinstance(json.loads(line), dict):
                    objects.append(line)
            except ValueError:
                continue
        return objects[:count]
    return [line for line in lines[1:] if line and '"' not in line][:count]


def land_bad_files(raw: Path) -> list[BadFile]:
    """Write every applicable case for every channel into ``raw``; return what was landed."""
    landed: list[BadFile] = []
    for channel, (template, delimiter) in CHANNELS.items():
        text = (FIXTURE_RAW / template).read_text(encoding="utf-8-sig")
        lines = _lines(text)
        header = lines[0]
        clean = _clean_records(lines, delimiter, 3)
        for day, case in enumerate(CASES, 1):
            target = _name(template, day)
            path = raw / target
            detail = ""
            if case == "missing_column":
                if delimiter is None:
                    continue  # JSON has no header: a missing key is a per-line quarantine
                names = header.split(delimiter)
                detail = names[1]
                rows = [header, *clean]
                cut = [
                    delimiter.join(r.split(delimiter)[:1] + r.split(delimiter)[2:]) for r in rows
                ]
                path.write_text("\n".join(cut) + "\n", encoding="utf-8")
            elif case == "wrong_delimiter":
                if delimiter is None:
                    continue
                other = ";" if delimiter == "," else ","
                body = "\n".join([header, *clean]).replace(delimiter, other)
                path.write_text(body + "\n", encoding="utf-8")
                detail = "semicolon" if other == ";" else "comma"
            elif case == "truncated_json":
                if delimiter is not None:
                    continue
                good = clean[0]
                path.write_text(f"{good}\n{good[: len(good) // 2]}\n{clean[1]}\n", encoding="utf-8")
                detail = "line 2"
            elif case == "latin1":
                rows = ([header] if delimiter else []) + clean
                rows[-1] = rows[-1] + " Zoë"  # a value ending in a Latin-1 ë
                path.write_bytes(("\n".join(rows) + "\n").encode("latin-1", errors="replace"))
                detail = f"line {len(rows)}"
            elif case == "unbalanced_quote":
                if delimiter is None:
                    continue
                first = clean[0].split(delimiter)
                first[2] = first[2] + '"'  # a stray quote at the end of the third field
                names = header.split(delimiter)
                detail = f"line 2, column {names[2].strip().lower()}"
                body = "\n".join([header, delimiter.join(first), *clean[1:]])
                path.write_text(body + "\n", encoding="utf-8")
            elif case == "empty":
                path.write_bytes(b"")
            elif case == "header_only":
                if delimiter is None:
                    continue
                path.write_text(header + "\n", encoding="utf-8")
            elif case == "repeated":
                shutil.copy(FIXTURE_RAW / template, path)
                detail = Path(template).name
            landed.append(BadFile(channel, case, target, detail))
    return landed


def overwrite_stores_in_latin1(raw: Path) -> BadFile:
    """The store master is one file rewritten in place: a new version saved in Latin-1
    (an accented store name) replaces the readable one the first build staged."""
    path = raw / "pos" / "stores.csv"
    rows = _lines(path.read_text(encoding="utf-8-sig"))
    rows = [row for row in rows if row]
    rows.append("S9;Zoë's;Paris;FR;Europe/Paris")
    path.write_bytes(("\n".join(rows) + "\n").encode("latin-1"))
    return BadFile("pos", "latin1", "pos/stores.csv", f"line {len(rows)}")


HEADER_QUOTE_FILE = "web/events_2026-04-01.csv"


def land_header_with_a_stray_quote(raw: Path) -> None:
    """A web file whose header has a stray quote (its names still read) and whose third
    line has another: the header must not pair with it and swallow the lines between."""
    lines = _lines((FIXTURE_RAW / CHANNELS["web"][0]).read_text(encoding="utf-8-sig"))
    header, clean = lines[0], _clean_records(lines, ",", 2)
    stray = clean[1].split(",")
    stray[2] += '"'
    body = [header.replace("event_id", 'event_id"', 1), clean[0], ",".join(stray)]
    (raw / HEADER_QUOTE_FILE).write_text("\n".join(body) + "\n", encoding="utf-8")


# Stray quotes near other quotes (each must cost only its own record), as (line ending,
# data lines after the channel's header, line -> quarantine reason): in a support file
# (CRLF), a quote in the middle of an unquoted subject three lines before a genuine
# multi-line quoted subject; in a web file, two stray quotes four lines apart (one at the
# end of an unquoted field, one opening a field that never closes) with a properly quoted
# field between them. Before, quotes paired greedily by parity: lines 2-5 of the support
# file and lines 3-6 of the web file each became one quarantined record.
STRAY_NEAR_QUOTES = {
    "support/tickets_2026-04-02.csv": (
        "\r\n",
        [
            "S1,2026-01-03T08:00:00Z,2026-01-03T08:00:00Z,,s1@example.com,,email,"
            'Where is "my order?,open,normal,unoffered,',
            "S2,2026-01-03T09:00:00Z,2026-01-03T09:00:00Z,,s2@example.com,,web,Help,open,low,unoffered,",
            "S3,2026-01-03T10:00:00Z,2026-01-03T10:00:00Z,,s3@example.com,,web,Hi,open,low,unoffered,",
            'S4,2026-01-03T11:00:00Z,2026-01-03T11:00:00Z,,s4@example.com,,chat,"Refund, please!',
            'I said ""now""',
            "",
            'Thanks",open,high,offered,refund;late_delivery',
            "S5,2026-01-03T12:00:00Z,2026-01-03T12:00:00Z,,s5@example.com,,web,Bye,open,low,unoffered,",
        ],
        {2: "unbalanced_quote"},
    ),
    "web/events_2026-04-02.csv": (
        "\n",
        [
            "Q1,1767261600000000,page_view,ckq1,,https://shop.example.com/,,,,google,cpc,winter,"
            "desktop,US,1",
            'Q2,1767261660000000,page_view",ckq2,,https://shop.example.com/,,,,,,,desktop,US,1',
            "Q3,1767261720000000,purchase,ckq1,C001,https://shop.example.com/checkout,sku-1,"
            '"1,234.50",EUR,,,,desktop,US,1',
            "Q4,1767261780000000,page_view,ckq3,,https://shop.example.com/,,,,,,,mobile,US,0",
            "Q5,1767261840000000,page_view,ckq4,,https://shop.example.com/,,,,email,newsletter,"
            '"spring,desktop,US,1',
            "Q6,1767261900000000,page_view,ckq5,,https://shop.example.com/,,,,,,,mobile,US,0",
        ],
        {3: "unbalanced_quote", 6: "unbalanced_quote"},
    ),
}


def land_stray_quotes_near_quotes(raw: Path) -> None:
    for target, (newline, rows, _) in STRAY_NEAR_QUOTES.items():
        channel = target.split("/")[0]
        template = FIXTURE_RAW / CHANNELS[channel][0]
        header = _lines(template.read_text(encoding="utf-8-sig"))[0]
        (raw / target).write_bytes((newline.join([header, *rows]) + newline).encode())


def nonblank_lines(path: Path) -> int:
    return landing.nonblank_lines(path.read_bytes())[0]


@pytest.fixture(scope="module")
def scenario(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, list[BadFile], dict[str, set], DbtResult]:
    """The fixture built once (it must pass), then the bad files landed and built again."""
    work = tmp_path_factory.mktemp("bad_files")
    raw, db = work / "raw", work / "warehouse.duckdb"
    shutil.copytree(FIXTURE_RAW, raw)
    assert run_dbt(["seed", "--quiet"], raw_dir=raw, db_path=db).ok
    first = run_dbt(BUILD, raw_dir=raw, db_path=db)
    assert first.ok, first.output[-5000:]
    with connect(db) as con:
        before = {
            "staged": set(con.execute(STAGED).fetchall()),
            "interactions": set(
                con.execute("select interaction_id from marts.fct_interactions").fetchall()
            ),
            "contacts": set(con.execute(CONTACTS).fetchall()),
            "stores": set(con.execute(STORES).fetchall()),
            "customers": set(
                con.execute(
                    "select node_key, customer_id from intermediate.int_identifiers_clustered"
                ).fetchall()
            ),
        }
    landed = land_bad_files(raw)
    landed.append(overwrite_stores_in_latin1(raw))
    land_header_with_a_stray_quote(raw)
    land_stray_quotes_near_quotes(raw)
    second = run_dbt(BUILD, raw_dir=raw, db_path=db)
    return raw, db, landed, before, second


@pytest.fixture(scope="module")
def con(scenario) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(scenario[1]) as connection:
        yield connection


SET_ASIDE = {
    "missing_column": "missing_required_column",
    "wrong_delimiter": "wrong_delimiter",
    "latin1": "not_utf8",
}


def test_every_case_is_landed_for_every_channel(scenario):
    landed = scenario[2]
    per_channel = {
        channel: {bad.case for bad in landed if bad.channel == channel} for channel in CHANNELS
    }
    csv_cases = set(CASES) - {"truncated_json"}
    json_cases = {"truncated_json", "latin1", "empty", "repeated"}
    assert per_channel == {
        channel: json_cases if delimiter is None else csv_cases
        for channel, (_, delimiter) in CHANNELS.items()
    }


def test_only_the_set_aside_check_fails_and_it_names_each_file_and_column(scenario):
    """Every model builds; the one failure is assert_no_file_set_aside, whose message
    names each set-aside file with its reason, line count and column or line."""
    raw, _, landed, _, result = scenario
    assert not result.ok
    assert "ERROR=1 SKIP=0" in result.output, result.output[-3000:]
    assert "assert_no_file_set_aside" in result.output
    for bad in landed:
        if bad.case in SET_ASIDE:
            lines = nonblank_lines(raw / bad.source_file)
            expected = f"{bad.source_file} ({SET_ASIDE[bad.case]}, {lines} lines): "
            assert expected in result.output, expected
            assert bad.detail in result.output.split(expected, 1)[1].split("; ")[0], bad


def test_set_aside_files_show_reason_detail_and_lines(scenario, con):
    raw, _, landed, _, _ = scenario
    for bad in landed:
        row = con.execute(
            "select set_aside_reason, set_aside_detail, set_aside_lines, raw_rows, staged_rows "
            "from audit.file_reconciliation where source_file = ?",
            [bad.source_file],
        ).fetchone()
        assert row is not None, bad
        reason, detail, lines, raw_rows, staged = row
        if bad.case in SET_ASIDE:
            assert (reason, lines, raw_rows, staged) == (
                SET_ASIDE[bad.case],
                nonblank_lines(raw / bad.source_file),
                0,
                0,
            ), bad
            assert bad.detail in detail, (bad, detail)
        else:
            assert reason is None and lines == 0, (bad, row)


def test_every_file_reconciles_in_records_and_lines(scenario, con):
    """raw lines = staged + duplicates + quarantined + erased + set aside, and raw_lines
    and file_lines (counted without the readers) are the file's non-blank lines (header
    excluded unless the file is set aside)."""
    raw = scenario[0]
    found = con.execute(
        "select source_file, raw_lines, staged_lines, duplicate_lines, quarantined_lines, "
        "erased_lines, set_aside_lines, set_aside_reason, is_reconciled, file_lines "
        "from audit.file_reconciliation"
    ).fetchall()
    assert {row[0] for row in found} == {
        path.relative_to(raw).as_posix() for path in raw.rglob("*") if path.is_file()
    }
    for row in found:
        source_file, raw_lines, staged, duplicates, quarantined, erased, aside, reason, ok = row[:9]
        assert ok, source_file
        assert raw_lines == staged + duplicates + quarantined + erased + aside, source_file
        path = raw / source_file
        header = 0 if reason or path.suffix == ".jsonl" or not path.stat().st_size else 1
        assert raw_lines == row[9] == nonblank_lines(path) - header, source_file


def test_a_stray_quote_costs_only_its_own_record(scenario, con):
    for bad in scenario[2]:
        if bad.case != "unbalanced_quote":
            continue
        records = con.execute(
            "select source_line, line_count, reason from ("
            + " union all ".join(
                f"select source_file, source_line, line_count, quarantine_reason as reason "
                f"from staging.{model}"
                for model in (
                    "base_web__events",
                    "base_email__activities",
                    "base_pos__transactions",
                    "base_crm__contacts",
                    "base_support__tickets",
                    "base_social__interactions",
                )
            )
            + ") where source_file = ? order by source_line",
            [bad.source_file],
        ).fetchall()
        assert [row[:2] for row in records] == [(2, 1), (3, 1), (4, 1)], bad
        assert records[0][2] == "unbalanced_quote", bad
        assert all(row[2] != "unbalanced_quote" for row in records[1:]), bad


def test_a_stray_quote_in_the_header_joins_no_data_line_to_it(scenario, con):
    rows = con.execute(
        "select source_line, quarantine_reason from staging.base_web__events "
        "where source_file = ? order by source_line",
        [HEADER_QUOTE_FILE],
    ).fetchall()
    assert rows == [(2, None), (3, "unbalanced_quote")]


STAGED_MODELS = {"support": "base_support__tickets", "web": "base_web__events"}


@pytest.mark.parametrize("target", sorted(STRAY_NEAR_QUOTES))
def test_a_stray_quote_near_other_quotes_costs_only_its_own_record(scenario, con, target):
    """Only the stray quotes' records are quarantined (unbalanced_quote), each of its own
    line; the multi-line subject and the quoted amount are read; the file reconciles in
    records and lines."""
    rows, quarantined = STRAY_NEAR_QUOTES[target][1:]
    model = STAGED_MODELS[target.split("/")[0]]
    found = con.execute(
        f"select source_line, line_count, quarantine_reason from staging.{model} "
        "where source_file = ? order by source_line",
        [target],
    ).fetchall()
    # Every non-blank data line starts a record of its own, except the subject's lines.
    starts = [number for number, row in enumerate(rows, 2) if row]
    if target.startswith("support"):
        starts = [number for number in starts if number not in (6, 8)]
    assert [row[0] for row in found] == starts
    assert {row[0]: row[2] for row in found if row[2]} == quarantined
    assert all(row[1] == 1 for row in found if row[0] in quarantined)
    if target.startswith("support"):
        subject = con.execute(
            "select subject from staging.stg_support__tickets where ticket_id = 'S4'"
        ).fetchone()[0]
        assert subject == 'Refund, please!\nI said "now"\n\nThanks'
        assert (5, 3, None) in found  # lines 5, 6 and 8 (7 is blank)
    else:
        revenue = con.execute(
            "select revenue_local from staging.base_web__events where event_id = 'Q3'"
        ).fetchone()[0]
        assert revenue == Decimal("1234.50")
    raw_lines, staged_lines, quarantined_lines, raw_rows, staged_rows, quarantined_rows, ok = (
        con.execute(
            "select raw_lines, staged_lines, quarantined_lines, raw_rows, staged_rows, "
            "quarantined_rows, is_reconciled from audit.file_reconciliation where source_file = ?",
            [target],
        ).fetchone()
    )
    assert ok
    assert raw_lines == nonblank_lines(scenario[0] / target) - 1 == len([r for r in rows if r])
    assert (quarantined_rows, quarantined_lines) == (len(quarantined), len(quarantined))
    assert (raw_rows, staged_rows) == (len(found), len(found) - len(quarantined))
    assert staged_lines == raw_lines - len(quarantined)


def test_staging_and_validate_read_the_same_records(scenario, con):
    """validate's reader (csv_records) finds the records staging finds, with the same
    stray or unclosed quotes, in every readable CSV file landed here."""
    raw = scenario[0]
    models = {
        "web": "base_web__events",
        "email": "base_email__activities",
        "pos": "base_pos__transactions",
        "crm": "base_crm__contacts",
        "support": "base_support__tickets",
        "social": "base_social__interactions",
    }
    compared = 0
    for channel, model in models.items():
        delimiter = CHANNELS[channel][1]
        staged = {}
        for source_file, line, count, reason in con.execute(
            f"select source_file, source_line, line_count, quarantine_reason from staging.{model}"
            " where source_line > 1"  # a file set aside whole is one row at line 1
        ).fetchall():
            staged.setdefault(source_file, []).append((line, count, reason == "unbalanced_quote"))
        for source_file, records in staged.items():
            lines = _lines((raw / source_file).read_text(encoding="utf-8-sig"))
            expected = [
                (first, sum(1 for line in lines[first - 1 : last] if line), bool(problem))
                for first, last, problem, _ in csv_records(lines, delimiter, 20)
            ]
            assert sorted(records) == expected, source_file
            compared += 1
    assert compared >= 20


def test_validate_names_a_stray_quote_near_other_quotes(scenario, tmp_path):
    raw, db = scenario[:2]
    run = run_validation(raw_dir=raw, db_path=db, report_dir=tmp_path / "report", layers=("raw",))
    for target, (_, _, quarantined) in STRAY_NEAR_QUOTES.items():
        observed = [
            o.observed_value
            for o in run.outcomes
            if o.data_asset == target and "unbalanced quote" in (o.observed_value or "")
        ]
        first = min(quarantined)
        column = "subject" if target.startswith("support") else "event_name"
        assert observed and f"line {first}, column {column} (stray quote)" in observed[0], observed


def test_a_truncated_json_line_is_quarantined_and_the_others_read(scenario, con):
    bad = next(bad for bad in scenario[2] if bad.case == "truncated_json")
    found = con.execute(
        "select source_line, quarantine_reason from staging.base_app__events "
        "where source_file = ? order by source_line",
        [bad.source_file],
    ).fetchall()
    assert [row[0] for row in found] == [1, 2, 3]
    assert found[1][1] == "malformed_json"


def test_empty_header_only_and_repeated_files_stage_nothing(scenario, con):
    """Empty and header-only files have no records; a re-delivered file's records are all
    repeats (CRM contacts and support tickets keep the latest version, ties to the last
    file, so there the copy is staged in place of the original: the same rows)."""
    for bad in scenario[2]:
        if bad.case not in ("empty", "header_only", "repeated"):
            continue
        staged, duplicates, quarantined, raw_rows = con.execute(
            "select staged_rows, duplicate_rows, quarantined_rows, raw_rows "
            "from audit.file_reconciliation where source_file = ?",
            [bad.source_file],
        ).fetchone()
        if bad.case != "repeated":
            assert (raw_rows, staged) == (0, 0), bad
            continue
        original = CHANNELS[bad.channel][0]
        original_staged = con.execute(
            "select staged_rows from audit.file_reconciliation where source_file = ?", [original]
        ).fetchone()[0]
        assert raw_rows > 0 and staged + duplicates + quarantined == raw_rows, bad
        if bad.channel in ("crm", "support"):
            assert duplicates > 0 and original_staged + staged > 0, bad
        else:
            assert staged == 0 and duplicates > 0, bad


def test_nothing_staged_before_is_lost(scenario, con):
    """Rows of earlier files stay, POS transactions included although the store master
    they are read with was overwritten by an unreadable version (its previous stores are
    kept)."""
    before = scenario[3]
    staged = set(con.execute(STAGED).fetchall())
    interactions = set(con.execute("select interaction_id from marts.fct_interactions").fetchall())
    customers = set(
        con.execute(
            "select node_key, customer_id from intermediate.int_identifiers_clustered"
        ).fetchall()
    )
    assert before["staged"] <= staged
    assert before["contacts"] <= set(con.execute(CONTACTS).fetchall())
    assert before["stores"] == set(con.execute(STORES).fetchall())
    assert before["interactions"] <= interactions
    assert before["customers"] <= customers


def test_validate_names_each_problem_with_its_file_and_exits_non_zero(scenario, tmp_path):
    raw, db, landed, _, _ = scenario
    run = run_validation(raw_dir=raw, db_path=db, report_dir=tmp_path / "report", layers=("raw",))
    assert not run.ok
    failed = {}
    for outcome in run.outcomes:
        if not outcome.success:
            failed.setdefault(outcome.data_asset, []).append(outcome)
    expected = {
        "missing_column": ("error", None),
        "wrong_delimiter": ("error", "wrong delimiter"),
        "latin1": ("error", "not UTF-8"),
        "unbalanced_quote": ("warning", "unbalanced quote"),
        "truncated_json": ("warning", "malformed JSON: line 2"),
        "empty": ("warning", "no data rows: empty file"),
        "header_only": ("warning", "no data rows: header only"),
        "repeated": ("warning", "repeated delivery"),
    }
    for bad in landed:
        severity, text = expected[bad.case]
        outcomes = failed.get(bad.source_file, [])
        if bad.case == "missing_column":
            # The __present check names the column; nothing else about the file is judged
            # as an error (a missing column is reported as itself).
            named = [o for o in outcomes if o.severity == "error" and o.column == bad.detail]
            assert named, (bad, outcomes)
            continue
        hits = [o for o in outcomes if o.severity == severity and text in (o.observed_value or "")]
        assert hits, (bad, [(o.severity, o.column, o.observed_value) for o in outcomes])
        assert bad.detail in hits[0].observed_value, (bad, hits[0].observed_value)
        if bad.case in ("wrong_delimiter", "latin1"):
            # Reported for its cause alone, not for every column it seems to lack.
            assert all(o.column is None for o in outcomes if o.severity == "error"), bad
