"""Where a CSV record ends: the quote rules of staging (macros/staging/stitch_csv_records,
csv_quote_patterns) and of `omniscore validate` (validate.scan_quotes, csv_records), on the
same cases.

Doubled quotes are one quote; a quote opens a quoted field only at a field's start and
closes it only just before the delimiter or the end of the line; any other quote is stray
(literal text that changes nothing) and quarantines its record alone. An opening quote
that no line closes within the cap, before a line that opens a quoted field of its own or
starts one as a new record would (breaks), is a record of its own line.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from omniscore.validate import csv_records, scan_quotes
from omniscore.warehouse import run_dbt

HEADER = "id,name,text"
CAP = 5

# (data lines after HEADER, the records as (first line, last line, problem)); problem ''
# (read), 'stray' (a stray quote) or 'left_open' (a quote no line closes).
CASES = {
    "plain and quoted fields": (
        ["1,a,b", '2,"a, b",c', '3,"say ""hi""",d', '4,"",e'],
        [(2, 2, ""), (3, 3, ""), (4, 4, ""), (5, 5, "")],
    ),
    "multi-line field with doubled quotes and a blank line": (
        ['1,a,"first', 'said ""now""', "", 'last"', "2,b,c"],
        [(2, 5, ""), (6, 6, "")],
    ),
    "CSV-shaped close at the end of a line and a break right after the opening quote": (
        ['1,a,"', 'text"', '2,b,"text', '"'],
        [(2, 3, ""), (4, 5, "")],
    ),
    "stray quote mid-field before a multi-line field": (
        ['1,a"b,c', "2,b,c", '3,c,"open', "more", 'close",x', "4,d,e"],
        [(2, 2, "stray"), (3, 3, ""), (4, 6, ""), (7, 7, "")],
    ),
    "two stray quotes within the cap": (
        ['1,a",b', "2,b,c", '3,c,"open-never-closed', "4,d,e"],
        [(2, 2, "stray"), (3, 3, ""), (4, 4, "left_open"), (5, 5, "")],
    ),
    "an unclosed quote stops at a line that starts a new quoted field": (
        ['1,a,"never closed', "2,b,c", '3,c,"x', 'y",z'],
        [(2, 2, "left_open"), (3, 3, ""), (4, 5, "")],
    ),
    "an even run of quotes at a field start opens nothing: the quoted field goes on": (
        ['1,a,"never closed', '2,b,""x', 'y",z'],
        [(2, 4, "")],
    ),
    "a continuation line starting with a doubled quote": (
        ['1,a,"first', '""Now"" I said', 'last"', "2,b,c"],
        [(2, 4, ""), (5, 5, "")],
    ),
    "a continuation line with a doubled quote after a comma": (
        ['1,a,"first', 'see,""x"" here', 'last"', "2,b,c"],
        [(2, 4, ""), (5, 5, "")],
    ),
    "a doubled quote before text at a record's start is stray, an empty quoted field is not": (
        ['1,""x,c', '2,"",c', '3,a,""'],
        [(2, 2, "stray"), (3, 3, ""), (4, 4, "")],
    ),
    "the cap": (
        ['1,a,"far', "x", "x", "x", "x", 'close",y'],
        [(2, 2, "left_open"), (3, 3, ""), (4, 4, ""), (5, 5, ""), (6, 6, ""), (7, 7, "stray")],
    ),
    "within the cap": (
        ['1,a,"near', "x", "x", "x", 'close",y'],
        [(2, 6, "")],
    ),
    "a quote left open at the end of the file": (
        ["1,a,b", '2,"open'],
        [(2, 2, ""), (3, 3, "left_open")],
    ),
    "a quote followed by text does not close a quoted field": (
        ['1,"a"b,c', "2,b,c"],
        [(2, 2, "left_open"), (3, 3, "")],
    ),
}


def _lines(data: list[str]) -> list[str]:
    return [HEADER, *data]


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_reads_records_by_the_quote_rules(name):
    data, expected = CASES[name]
    found = [record[:3] for record in csv_records(_lines(data), ",", CAP)]
    assert found == expected


def test_scan_names_the_field_of_a_stray_quote_and_a_break():
    assert scan_quotes('a,b"c,d', ",", inside=False).stray_field == 1
    assert scan_quotes('a,"b,c', ",", inside=False).ends_inside
    assert not scan_quotes('a,"b,c",d', ",", inside=False).ends_inside
    assert scan_quotes('x,"y', ",", inside=True).breaks
    assert scan_quotes('"""y', ",", inside=True).breaks
    assert not scan_quotes('x ""y', ",", inside=True).breaks
    assert not scan_quotes('x",y', ",", inside=True).ends_inside
    assert not scan_quotes('x",y', ",", inside=True).breaks
    assert scan_quotes('a;"b,c', ";", inside=False).ends_inside


def _random_files(count: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    alphabet = 'aab,,"" '
    files = {}
    for number in range(count):
        data = [
            ""
            if rng.random() < 0.15
            else "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10)))
            for _ in range(rng.randint(1, 25))
        ]
        files[f"random_{number}.csv"] = _lines(data)
    return files


@pytest.fixture(scope="module")
def stitcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """stitch_csv_records compiled over a table `test_lines`, with the cap at CAP."""
    result = run_dbt(
        [
            "compile",
            "--quiet",
            "--inline",
            "{{ omniscore.stitch_csv_records('test_lines', [], ',') }}",
            "--vars",
            f"{{omniscore__max_quoted_field_lines: {CAP}}}",
        ],
        db_path=tmp_path_factory.mktemp("quote_rules") / "compile.duckdb",
    )
    assert result.ok, result.output[-3000:]
    yield result.output


@pytest.mark.dbt
def test_staging_and_validate_stitch_the_same_records(stitcher):
    """The cases above and 2,000 random files of letters, delimiters, quotes and blank
    lines: staging's records (first line, raw text, problem) are validate's."""
    files = {name: _lines(data) for name, (data, _) in CASES.items()}
    files.update(_random_files(2000, seed=8))
    con = duckdb.connect()
    con.execute("create table test_lines (source_file varchar, line_no bigint, line varchar)")
    con.executemany(
        "insert into test_lines values (?, ?, ?)",
        [
            (name, number, line)
            for name, lines in files.items()
            for number, line in enumerate(lines, 1)
        ],
    )
    staged: dict[str, list[tuple[int, str, str]]] = {name: [] for name in files}
    for name, first, raw, unbalanced, left_open in con.execute(
        "select source_file, source_line, raw_record, is_unbalanced_quote, is_quote_left_open "
        f"from ({stitcher}) as records where source_line > 1"
    ).fetchall():
        problem = "left_open" if left_open else "stray" if unbalanced else ""
        staged[name].append((first, raw, problem))
    multiline = 0
    for name, lines in files.items():
        expected = [
            (first, "\n".join(lines[first - 1 : last]), problem)
            for first, last, problem, _ in csv_records(lines, ",", CAP)
        ]
        multiline += sum(1 for first, last, *_ in csv_records(lines, ",", CAP) if last > first)
        assert sorted(staged[name]) == expected, (name, lines)
    assert multiline > 1000  # the random files exercise multi-line records


def test_a_files_metrics_are_about_the_records_staging_reads(tmp_path):
    """A stray quote that opens a field DuckDB's reader would follow to the end of the
    file: validate names it and computes the file's metrics on the other records, as
    staging reads them (not 1 row or none)."""
    from omniscore.validate import file_metrics, load_suites, load_taxonomy

    spec = next(s for s in load_suites() if s.name == "raw.web_events").raw_spec
    fixture = Path(__file__).parent / "fixtures" / "raw" / "web" / "events_2026-01-01.csv"
    header, first, second, *_ = fixture.read_text(encoding="utf-8-sig").splitlines()
    stray = first.replace("W1,", "W9,").replace(",ck1,", ',"ck1,')
    doubled = second.replace("W2,", "W8,").replace(",ck1,", ',""ck1,')  # a stray quote
    rows = [
        first,
        stray,
        second,
        first.replace("W1,", "W4,"),
        doubled,
        second.replace("W2,", "W5,"),
    ]
    path = tmp_path / "events_2026-01-09.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    metrics, _ = file_metrics(duckdb.connect(), path, spec, load_taxonomy(), {}, 20)
    row = metrics.iloc[0]
    assert row["unbalanced_quote"] == (
        "unbalanced quote: line 3, column user_pseudo_id (quote not closed)"
    )
    assert row["row_count"] == 4
    assert row["event_name__mapped_rate"] == 1.0
