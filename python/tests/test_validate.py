"""`omniscore validate`: the Great Expectations suites on generated exports and their build.

One small generated landing folder is built once. A clean run must pass (no error-level
failure, exit 0); copies of the folder with a deliberately broken file must fail the right
expectation naming the file and column (exit 1), and a warning-only problem must not block
(exit 0). Results are appended to audit.dq_validation_results, and the report's index,
opened in headless Chromium as a person would, lists every suite with the latest run.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from omniscore.cli import main
from omniscore.validate import (
    CHROMIUM,
    MAX_PROFILE_ROWS,
    RESULTS_TABLE,
    ValidationSetupError,
    chromium_command,
    load_suites,
    relation_metrics,
    run_validation,
)
from omniscore.warehouse import connect, run_dbt

pytestmark = pytest.mark.dbt

CUSTOMERS, DAYS, SEED = 300, 3, 11
START = date(2026, 1, 1)
SUITES = {suite.name for suite in load_suites()}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("validate")
    raw, truth, db = root / "raw", root / "truth", root / "warehouse.duckdb"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "omniscore.cli",
            "generate",
            "--customers",
            str(CUSTOMERS),
            "--seed",
            str(SEED),
            "--start",
            START.isoformat(),
            "--days",
            str(DAYS),
            "--out",
            str(raw),
            "--truth",
            str(truth),
            "--quiet",
        ],
        check=True,
    )
    for command in (["seed", "--quiet"], ["build"]):
        result = run_dbt(command, raw_dir=raw, db_path=db)
        assert result.ok, result.output[-5000:]
    return {"root": root, "raw": raw, "db": db}


@pytest.fixture(scope="module")
def clean_run(warehouse) -> dict[str, object]:
    """The command as a person runs it, on the clean folder and its warehouse."""
    report = warehouse["root"] / "report-clean"
    command = [sys.executable, "-m", "omniscore.cli", "validate", "--raw-dir"]
    command += [str(warehouse["raw"]), "--db", str(warehouse["db"]), "--report-dir", str(report)]
    process = subprocess.run(command, capture_output=True, text=True, timeout=600)
    return {"code": process.returncode, "output": process.stdout + process.stderr, "report": report}


def results(db: Path, where: str = "true") -> list[dict[str, object]]:
    with connect(db) as con:
        cursor = con.execute(f"select * from {RESULTS_TABLE} where {where}")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def copy_raw(warehouse: dict[str, Path], name: str) -> Path:
    copy = warehouse["root"] / name
    shutil.copytree(warehouse["raw"], copy)
    return copy


def rewrite_csv(path: Path, column: str, value_for_row) -> int:
    """Replace ``column`` in every data row with ``value_for_row(index, old)``."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0].keys()) if rows else []
    for index, row in enumerate(rows):
        row[column] = value_for_row(index, row[column])
    with path.open("w", newline="", encoding="utf-8") as handle:
        # A row with too many fields (a quirk of the generator) keeps its header's fields.
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def failure_lines(output: str, severity: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(rf"\s*{severity}\s", line)]


def test_a_clean_folder_passes_every_error_level_expectation(warehouse, clean_run):
    assert clean_run["code"] == 0, clean_run["output"]
    assert "0 error(s)" in clean_run["output"]
    rows = results(warehouse["db"])
    assert {row["suite"] for row in rows} == SUITES
    assert not [row for row in rows if row["severity"] == "error" and not row["success"]]
    # Every expectation could be evaluated: none refers to a metric its frame lacks.
    assert not [row for row in rows if "exception" in str(row["observed_value"])]
    landed = {p.relative_to(warehouse["raw"]).as_posix() for p in warehouse["raw"].rglob("*.*")}
    raw_assets = {row["data_asset"] for row in rows if str(row["suite"]).startswith("raw.")}
    assert raw_assets == landed
    assert all(row["note"] for row in rows)


def test_results_are_appended_across_runs(warehouse, clean_run):
    before = results(warehouse["db"])
    code = main(
        [
            "validate",
            "--db",
            str(warehouse["db"]),
            "--layer",
            "marts",
            "--report-dir",
            str(warehouse["root"] / "report-marts"),
        ]
    )
    assert code == 0
    after = results(warehouse["db"])
    new = [row for row in after if row not in before]
    assert len(after) == len(before) + len(new) and new
    assert len({row["run_id"] for row in after}) == 2
    assert {row["suite"] for row in new} == {"marts.fct_interactions", "marts.dim_customers"}


def test_unparseable_timestamps_and_unmapped_email_actions_fail_naming_file_and_column(
    warehouse, capsys
):
    raw = copy_raw(warehouse, "raw-broken")
    web_file = raw / "web" / "events_2026-01-02.csv"
    email_file = sorted((raw / "email").glob("activity_*.csv"))[0]
    assert rewrite_csv(web_file, "event_timestamp", lambda i, old: "02/01/2026 10:00") > 0
    assert rewrite_csv(email_file, "action", lambda i, old: "opened_v2") > 0

    code = main(
        [
            "validate",
            "--raw-dir",
            str(raw),
            "--db",
            str(warehouse["root"] / "absent.duckdb"),
            "--layer",
            "raw",
            "--report-dir",
            str(warehouse["root"] / "report-broken"),
        ]
    )
    output = capsys.readouterr().out
    assert code == 1, output
    errors = failure_lines(output, "error")
    web_asset = "web/events_2026-01-02.csv"
    email_asset = email_file.relative_to(raw).as_posix()
    assert any(web_asset in line and " event_timestamp " in line for line in errors)
    assert any(email_asset in line and " action " in line for line in errors)
    # Only the two broken files fail at error level.
    assert all(web_asset in line or email_asset in line for line in errors), errors


def test_a_warning_only_problem_is_reported_and_does_not_block(warehouse, capsys):
    raw = copy_raw(warehouse, "raw-warning")
    web_file = raw / "web" / "events_2026-01-02.csv"
    # One row in eight with an event name nobody mapped: above the 5% warning threshold,
    # far from the 80% error threshold (a renamed export).
    rewrite_csv(web_file, "event_name", lambda i, old: "video_play" if i % 8 == 0 else old)

    code = main(
        [
            "validate",
            "--raw-dir",
            str(raw),
            "--db",
            str(warehouse["root"] / "absent.duckdb"),
            "--layer",
            "raw",
            "--report-dir",
            str(warehouse["root"] / "report-warning"),
        ]
    )
    output = capsys.readouterr().out
    assert code == 0, output
    warnings = failure_lines(output, "warning")
    assert any("web/events_2026-01-02.csv" in line and " event_name " in line for line in warnings)
    assert not failure_lines(output, "error")


def test_a_missing_required_column_is_an_error_naming_it(warehouse):
    raw = copy_raw(warehouse, "raw-missing-column")
    social_file = sorted((raw / "social").glob("interactions_*.csv"))[0]
    lines = social_file.read_text(encoding="utf-8-sig").splitlines()
    lines[0] = lines[0].replace("occurred_at", "occured")
    social_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    run = run_validation(
        raw_dir=raw,
        db_path=None,
        report_dir=warehouse["root"] / "report-missing-column",
        layers=["raw"],
    )
    failed = {(o.data_asset, o.column) for o in run.error_failures}
    assert (social_file.relative_to(raw).as_posix(), "occurred_at") in failed
    assert not run.ok


def test_the_report_index_lists_every_suite(clean_run):
    index = Path(clean_run["report"]) / "index.html"
    text = index.read_text(encoding="utf-8")
    for suite in SUITES:
        assert suite in text
    # The page loads its scripts from the report folder, not from the network.
    assert "code.jquery.com" not in text
    assert (Path(clean_run["report"]) / "static" / "vendor" / "jquery").is_dir()


def test_the_report_shows_every_suite_and_the_latest_run_in_a_browser(
    warehouse, clean_run, tmp_path
):
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make chromium` installs it"
    index = Path(clean_run["report"]) / "index.html"
    command = chromium_command(index.as_uri(), "--dump-dom", user_data_dir=tmp_path / "profile")
    dom = subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout
    # The results table, its filters and its row count are drawn by the page's scripts:
    # they exist in the page only once those scripts ran (offline, from the report folder).
    suite_filter = re.search(
        r'<select class="[^"]*filter-control-expectation_suite_name[^"]*"[^>]*>(.*?)</select>',
        dom,
        flags=re.S,
    )
    assert suite_filter, "the results table was not drawn"
    listed = set(re.findall(r"<option[^>]*>([^<&]+)</option>", suite_filter.group(1)))
    assert listed == SUITES
    clean_results = results(warehouse["db"], "true order by run_started_at limit 1")
    run_id = clean_results[0]["run_id"]
    validations = len(
        {
            (row["suite"], row["data_asset"])
            for row in results(warehouse["db"], f"run_id = '{run_id}'")
        }
    )
    # "Showing 1 to 10 of N rows": one row per suite and file or relation, all of this run.
    assert f"of {validations} rows" in dom
    body = re.search(r"<tbody.*?</tbody>", dom, flags=re.S)
    assert body
    rows = [re.sub(r"<[^>]+>", " ", row) for row in re.findall(r"<tr[^>]*>.*?</tr>", body[0], re.S)]
    assert rows and all(run_id in row for row in rows)


def test_screenshot_of_the_report(clean_run, tmp_path):
    from omniscore.validate import screenshot

    png = screenshot(Path(clean_run["report"]) / "index.html", tmp_path / "report.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000


def test_a_suite_without_severity_or_note_is_refused(tmp_path):
    (tmp_path / "marts").mkdir()
    suite = {
        "name": "marts.example",
        "meta": {},
        "expectations": [
            {
                "type": "expect_column_max_to_be_between",
                "kwargs": {"column": "x", "max_value": 1},
                "meta": {"note": "why"},
            }
        ],
    }
    (tmp_path / "marts" / "example.json").write_text(json.dumps(suite))
    (tmp_path / "marts" / "example.sql").write_text("select 1 as x")
    with pytest.raises(ValidationSetupError, match="severity"):
        load_suites(tmp_path)
    suite["expectations"][0]["meta"] = {"severity": "warning", "note": " "}
    (tmp_path / "marts" / "example.json").write_text(json.dumps(suite))
    with pytest.raises(ValidationSetupError, match="note"):
        load_suites(tmp_path)


def test_a_relation_query_that_does_not_aggregate_is_refused():
    with duckdb.connect() as con:
        small = relation_metrics(con, "select 1 as x", "marts.example")
        assert len(small) == 1
        with pytest.raises(ValidationSetupError, match="must aggregate"):
            relation_metrics(con, f"select * from range({MAX_PROFILE_ROWS + 1})", "marts.big")


def test_suite_files_carry_no_generated_ids_or_absolute_paths():
    for suite in load_suites():
        text = suite.path.read_text(encoding="utf-8")
        assert '"id"' not in text, suite.path
        assert "/work/" not in text and "/tmp/" not in text, suite.path
        for expectation in suite.definition["expectations"]:
            assert expectation["meta"]["severity"] in {"error", "warning"}
