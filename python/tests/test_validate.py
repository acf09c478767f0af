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
from landing import build, generate

from omniscore.cli import main
from omniscore.validate import (
    BUILD_VARS_TABLE,
    CHROMIUM,
    MAX_PROFILE_ROWS,
    RESULTS_TABLE,
    VALIDATED_FILES_TABLE,
    ValidationSetupError,
    chromium_command,
    load_suites,
    record_results,
    relation_metrics,
    resolve_parameters,
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
    generate(raw, truth, customers=CUSTOMERS, seed=SEED, start=START, days=DAYS)
    build(raw, db)
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
    assert {row["suite"] for row in new} == {s for s in SUITES if s.startswith("marts.")}


def validate_layer(
    db: Path, layer: str, report: Path, capsys, raw: Path | None = None, *options: str
) -> tuple[int, str]:
    """`omniscore validate --layer LAYER` (of ``raw`` for the raw layer): exit code, output."""
    command = ["validate", "--db", str(db), "--layer", layer, "--report-dir", str(report)]
    code = main(command + (["--raw-dir", str(raw)] if raw else []) + list(options))
    return code, capsys.readouterr().out


def raw_assets_of_latest_run(db: Path) -> set[str]:
    latest = f"run_id = (select max_by(run_id, run_started_at) from {RESULTS_TABLE})"
    return {
        str(row["data_asset"])
        for row in results(db, latest)
        if str(row["suite"]).startswith("raw.")
    }


def test_files_that_passed_are_skipped_until_they_or_their_suite_change(
    warehouse, clean_run, capsys, tmp_path
):
    db = copy_db(warehouse, "skip")
    raw = copy_raw(warehouse, "raw-skip")
    landed = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*.*"))
    report = warehouse["root"] / "report-skip"
    with connect(db) as con:
        recorded = con.execute(f"select count(*) from {VALIDATED_FILES_TABLE}").fetchone()[0]
    # The clean run validated the same files (same paths, sizes, contents): all are skipped,
    # and nothing about them is appended again.
    assert recorded == len(landed)
    before = len(results(db))
    code, output = validate_layer(db, "raw", report, capsys, raw)
    assert code == 0, output
    assert f"{len(landed)} landed file(s) skipped" in output
    assert len(results(db)) == before
    assert re.search(r"raw\.web_events\s+0\s+\d+\s+0\s", output), output

    # A changed file is validated again, alone; so is a file that failed, on every run.
    web_file = raw / "web" / "events_2026-01-02.csv"
    rewrite_csv(web_file, "event_timestamp", lambda i, old: "02/01/2026 10:00")
    # (an email export delivered again with one more row: its last one, repeated)
    changed = max((raw / "email").glob("activity_*.csv"), key=lambda p: p.stat().st_size)
    changed.write_bytes(changed.read_bytes() + changed.read_bytes().splitlines(True)[-1])
    for attempt in range(2):
        code, output = validate_layer(db, "raw", report, capsys, raw)
        assert code == 1 and "web/events_2026-01-02.csv" in output, output
        expected = {"web/events_2026-01-02.csv"}
        if attempt == 0:
            expected.add(changed.relative_to(raw).as_posix())
        assert raw_assets_of_latest_run(db) == expected
        assert f"{len(landed) - len(expected)} landed file(s) skipped" in output

    # A changed suite (here a note) validates every file of its type again.
    expectations = tmp_path / "expectations"
    shutil.copytree(Path(load_suites()[0].path).parents[1], expectations)
    suite_file = expectations / "raw" / "social_interactions.json"
    suite = json.loads(suite_file.read_text())
    suite["expectations"][0]["meta"]["note"] += " Reviewed."
    suite_file.write_text(json.dumps(suite, indent=2))
    run = run_validation(
        raw_dir=raw, db_path=db, report_dir=report, layers=["raw"], expectations_dir=expectations
    )
    record_results(db, run)
    social = {a for a in landed if a.startswith("social/")}
    assert social and raw_assets_of_latest_run(db) == social | {"web/events_2026-01-02.csv"}

    # --all-files validates every landed file.
    code, output = validate_layer(db, "raw", report, capsys, raw, "--all-files")
    assert code == 1 and "landed file(s) skipped" not in output
    assert raw_assets_of_latest_run(db) == set(landed)


def test_a_redelivery_of_a_file_validated_in_an_earlier_run_is_named(warehouse, clean_run, capsys):
    db = copy_db(warehouse, "redelivery")
    raw = copy_raw(warehouse, "raw-redelivery")
    original = "web/events_2026-01-02.csv"
    # The original passed in the clean run; the landing system sends it again, under a
    # name that sorts before it.
    copy = "web/events_2026-01-01_resent.csv"
    shutil.copyfile(raw / original, raw / copy)
    latest = f"run_id = (select max_by(run_id, run_started_at) from {RESULTS_TABLE})"
    named = f"{latest} and not success and observed_value like '%repeated delivery%'"
    report = warehouse["root"] / "report-redelivery"

    code, output = validate_layer(db, "raw", report, capsys, raw)
    assert code == 0, output  # a warning
    assert raw_assets_of_latest_run(db) == {copy}  # the original was skipped
    repeated = [(row["data_asset"], row["observed_value"]) for row in results(db, named)]
    assert repeated == [(copy, json.dumps(f"repeated delivery: every row repeats {original}"))]

    # Both validated again: the copy is still the re-delivery (the original came first).
    # (The generator's own re-delivered web file is named too.)
    code, output = validate_layer(db, "raw", report, capsys, raw, "--all-files")
    assert code == 0, output
    named_now = {str(row["data_asset"]) for row in results(db, named)}
    assert named_now & {copy, original} == {copy}, named_now


def test_a_repeated_delivery_is_a_file_with_the_same_set_of_data_lines(tmp_path):
    """One definition: the same records (in any order, repeated or not) as an earlier
    delivery; a file sharing only some of them, or adding one, is not named."""
    from omniscore.validate import read_problems

    spec = next(s for s in load_suites() if s.name == "raw.social_interactions").raw_spec
    header, *rows = ["interaction_id,handle,occurred_at", "1,a,x", "2,b,y", "3,c,z"]
    files = {
        "first.csv": [header, *rows],
        "reordered.csv": [header, rows[2], rows[0], rows[1], rows[0]],
        "subset.csv": [header, *rows[:2]],
        "superset.csv": [header, *rows, "4,d,w"],
    }
    earlier: dict[str, str] = {"0" * 64: "older.csv"}
    named = {}
    for name, lines in files.items():
        (tmp_path / name).write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        problems, digest = read_problems(tmp_path / name, spec, earlier, 20)
        named[name] = problems["repeated_delivery"]
        assert digest is not None
    assert named == {
        "first.csv": "",
        "reordered.csv": "repeated delivery: every row repeats first.csv",
        "subset.csv": "",
        "superset.csv": "",
    }
    # The first delivery of a set of lines, known from an earlier run, is not named itself.
    problems, _ = read_problems(tmp_path / "first.csv", spec, earlier, 20, "first.csv")
    assert problems["repeated_delivery"] == ""


def test_a_line_of_spaces_is_a_record_as_in_staging(tmp_path):
    """Blank is empty (or only a carriage return), as the record readers define it: a
    file whose one data line holds spaces is not "header only" (staging quarantines that
    line as a record), and such a JSON line is malformed."""
    from omniscore.validate import read_problems

    suites = {s.name: s.raw_spec for s in load_suites() if s.name.startswith("raw.")}
    (tmp_path / "social.csv").write_text("interaction_id,handle,occurred_at\r\n   \r\n\r\n")
    problems, _ = read_problems(tmp_path / "social.csv", suites["raw.social_interactions"], {}, 20)
    assert problems["no_data_rows"] == ""
    (tmp_path / "app.jsonl").write_text('{"event_id": "A1"}\n  \n\n')
    problems, _ = read_problems(tmp_path / "app.jsonl", suites["raw.app_events"], {}, 20)
    assert problems["malformed_json"] == "malformed JSON: line 2 is not a JSON object"


def test_unparseable_timestamps_and_unmapped_email_actions_fail_naming_file_and_column(
    warehouse, capsys
):
    raw = copy_raw(warehouse, "raw-broken")
    web_file = raw / "web" / "events_2026-01-02.csv"
    email_file = sorted((raw / "email").glob("activity_*.csv"))[0]
    assert rewrite_csv(web_file, "event_timestamp", lambda i, old: "02/01/2026 10:00") > 0
    assert rewrite_csv(email_file, "action", lambda i, old: "opened_v2") > 0

    absent = warehouse["root"] / "absent.duckdb"
    report = warehouse["root"] / "report-broken"
    code, output = validate_layer(absent, "raw", report, capsys, raw=raw)
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

    absent = warehouse["root"] / "absent.duckdb"
    report = warehouse["root"] / "report-warning"
    code, output = validate_layer(absent, "raw", report, capsys, raw=raw)
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
    validations = len({row["suite"] for row in results(warehouse["db"], f"run_id = '{run_id}'")})
    # "Showing 1 to 10 of N rows": one row per suite (a raw suite validates all its files in
    # one go, each file's outcome kept in dq_validation_results), all of this run.
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


def copy_db(warehouse: dict[str, Path], name: str, *statements: str) -> Path:
    """A copy of the fixture's warehouse with ``statements`` applied to it."""
    db = warehouse["root"] / f"{name}.duckdb"
    shutil.copyfile(warehouse["db"], db)
    with connect(db, read_only=False) as con:
        for statement in statements:
            con.execute(statement)
    return db


def test_the_scoring_marts_suites_fail_naming_column_and_value(warehouse, capsys):
    db = copy_db(
        warehouse,
        "scores-broken",
        # A band the seed does not have, a probability above 1, a customer flagged MQL.
        """update marts.customer_scores set engagement_band = 'lukewarm'
           where customer_id = (select min(customer_id) from marts.customer_scores
                                where engagement_band is not null)""",
        """update marts.customer_scores set score_propensity = 1.2
           where customer_id = (select max(customer_id) from marts.customer_scores)""",
    )
    with connect(db) as con:
        assert con.execute("select count(*) from marts.customer_scores").fetchone()[0] > 0
    code, output = validate_layer(db, "marts", warehouse["root"] / "report-scores", capsys)
    assert code == 1, output
    errors = failure_lines(output, "error")
    assert any(
        "marts.customer_scores" in line and " engagement_band " in line and "lukewarm" in line
        for line in errors
    ), errors
    assert any(
        "marts.customer_scores" in line and " score_propensity " in line for line in errors
    ), errors
    assert all("marts.customer_scores" in line for line in errors), errors


AUC_TEST_VERSION = "propensity-20260101-test"
# A live propensity model whose holdout AUC (0.55) is below the floor (0.7 by default).
AUC_BELOW_FLOOR = (
    "insert into marts.model_metrics values "
    + ", ".join(
        f"('propensity', '{AUC_TEST_VERSION}', '{split}', '{name}', {value}, date '2025-12-01', "
        f"date '2026-01-01', 500, timestamp '2026-01-04 00:00:00')"
        for split, name, value in [
            ("train", "auc", 0.62),
            ("holdout", "auc", 0.55),
            ("holdout", "brier_score", 0.2),
            ("holdout", "log_loss", 0.6),
            ("holdout", "base_rate", 0.1),
            ("holdout", "mean_predicted", 0.1),
            ("holdout", "top_decile_lift", 1.3),
        ]
    ),
    f"update marts.customer_scores set propensity_model_version = '{AUC_TEST_VERSION}'",
)


def test_a_live_model_below_the_auc_floor_is_an_error_naming_model_and_split(warehouse, capsys):
    db = copy_db(warehouse, "auc-floor", *AUC_BELOW_FLOOR)
    code, output = validate_layer(db, "marts", warehouse["root"] / "report-auc", capsys)
    assert code == 1, output
    errors = failure_lines(output, "error")
    assert len(errors) == 1, errors
    assert "marts.model_metrics" in errors[0] and " auc " in errors[0]
    assert "propensity / holdout" in errors[0] and "0.55" in errors[0]


def test_thresholds_follow_the_vars_each_relation_was_built_with(warehouse, clean_run, capsys):
    # The fixture's build gave no --vars: the clean run judged with the defaults.
    assert "the --vars of `dbt build`" in clean_run["output"]
    db = copy_db(warehouse, "build-vars", *AUC_BELOW_FLOOR)
    report = warehouse["root"] / "report-build-vars"
    code, output = validate_layer(db, "marts", report, capsys)
    assert code == 1 and "0.55" in output, output  # holdout AUC 0.55 < 0.7 (dbt_project.yml)

    # A partial run with another floor on its command line, building one other model: the
    # model metrics were not built with it, so their floor stays the full build's (0.7).
    target = warehouse["db"].parent / f"{warehouse['db'].stem}.dbt-target"

    def dbt_run(model: str, given: str) -> None:
        ran = run_dbt(
            ["run", "--select", model, "--vars", given],
            raw_dir=warehouse["raw"],
            db_path=db,
            extra_env={"DBT_TARGET_PATH": str(target)},
        )
        assert ran.ok, ran.output[-3000:]

    dbt_run("dim_channels", "{omniscore__min_holdout_auc: 0.5}")
    with connect(db) as con:
        recorded = con.execute(
            f"select invocation_id, command, cli_vars from {BUILD_VARS_TABLE} "
            "order by run_started_at"
        ).fetchall()
        # The fixture's build (no --vars), then this run, which built one relation.
        assert [row[1:] for row in recorded] == [
            ("build", "{}"),
            ("run", '{"omniscore__min_holdout_auc": 0.5}'),
        ]
        built = con.execute(
            "select relation_name from audit.built_relations where invocation_id = ?",
            [recorded[-1][0]],
        ).fetchall()
        assert built == [("marts.dim_channels",)]
    code, output = validate_layer(db, "marts", report, capsys)
    assert code == 1 and "0.55" in output, output
    assert "omniscore__min_holdout_auc" not in output, output

    # Rebuilt with that floor, the model metrics are judged with it (and only they).
    dbt_run("model_metrics", "{omniscore__min_holdout_auc: 0.5}")
    code, output = validate_layer(db, "marts", report, capsys)
    assert code == 0, output
    line = next(line for line in output.splitlines() if "omniscore__min_holdout_auc" in line)
    assert line.startswith("  the --vars of `dbt run`") and line.endswith(
        '{"omniscore__min_holdout_auc": 0.5}: marts.model_metrics'
    ), line

    # validate's own --vars, in dbt's syntax, go over the build's.
    command = ["validate", "--db", str(db), "--layer", "marts", "--report-dir", str(report)]
    assert main([*command, "--vars", "{omniscore__min_holdout_auc: 0.6}"]) == 1
    errors = failure_lines(capsys.readouterr().out, "error")
    assert len(errors) == 1 and "propensity / holdout" in errors[0], errors
    assert main([*command, "--vars", "[0.6]"]) == 2


def test_a_build_records_the_relation_of_every_suite(warehouse):
    """Every suite's relation (a raw suite's: the staging model reading its files, whose
    source_file values are landed files of the suite's pattern) is recorded as built by the
    fixture's full build, so no suite falls back to the defaults after one."""
    with connect(warehouse["db"]) as con:
        built = {
            row[0]
            for row in con.execute("select relation_name from audit.built_relations").fetchall()
        }
        for suite in load_suites():
            assert suite.relation in built, suite.name
            if suite.layer != "raw":
                continue
            pattern = suite.raw_spec["pattern"]
            # The landed files of the pattern with a record (CSV: a line past the header).
            header_lines = 0 if suite.raw_spec["format"] == "jsonl" else 1
            landed = {
                p.relative_to(warehouse["raw"]).as_posix()
                for p in warehouse["raw"].glob(pattern)
                if len(p.read_text(encoding="utf-8").strip().splitlines()) > header_lines
            }
            staged = {
                Path(str(row[0])).as_posix()
                for row in con.execute(
                    f"select distinct source_file from {suite.relation}"
                ).fetchall()
            }
            assert staged == landed, (suite.name, staged, landed)


def test_score_drift_warns_above_psi_warn_and_fails_above_psi_error(warehouse, capsys):
    rows = [
        # An earlier pair (kept for BI, not judged) with a large shift ...
        ("propensity", "2026-01-02", "2025-12-05", 0.9),
        # ... and the latest pair: engagement worth a look, propensity shifted.
        ("engagement", "2026-01-30", "2026-01-02", 0.15),
        ("fit_points", "2026-01-30", "2026-01-02", 0.01),
        ("propensity", "2026-01-30", "2026-01-02", 0.3),
        ("churn_risk", "2026-01-30", "2026-01-02", 0.05),
    ]
    values = ", ".join(
        f"('{name}', date '{to_date}', date '{from_date}', 10, 100, 100, {psi}, 0.1, 0.25, '')"
        for name, to_date, from_date, psi in rows
    )
    db = copy_db(
        warehouse,
        "score-drift",
        "delete from audit.score_stability",
        f"insert into audit.score_stability values {values}",
    )
    code, output = validate_layer(db, "audit", warehouse["root"] / "report-drift", capsys)
    assert code == 1, output
    errors, warnings = failure_lines(output, "error"), failure_lines(output, "warning")
    assert [" score_propensity " in line for line in errors] == [True], errors
    assert {line.split()[2] for line in warnings} == {"score_engagement", "score_propensity"}

    # Below both thresholds nothing fails.
    db = copy_db(
        warehouse, "score-stable", "update audit.score_stability set psi = least(psi, 0.05)"
    )
    code, output = validate_layer(db, "audit", warehouse["root"] / "report-stable", capsys)
    assert code == 0 and not failure_lines(output, "warning"), output


def test_value_sets_come_from_the_seeds_and_thresholds_from_the_vars(tmp_path):
    suite = next(s for s in load_suites() if s.name == "marts.customer_scores")
    values = resolve_parameters(suite)
    assert values["engagement_bands"] == ["cold", "warm", "hot"]
    assert "no purchase yet" in values["rfm_segments"] and "champions" in values["rfm_segments"]
    # A seed with another band changes the set; the suite repeats none of it.
    seeds = tmp_path / "seeds"
    shutil.copytree(Path(suite.path).parents[2] / "seeds", seeds)
    bands = seeds / "score_bands.csv"
    bands.write_text(bands.read_text().replace("engagement,hot,", "engagement,blazing,"))
    assert resolve_parameters(suite, seeds_dir=seeds)["engagement_bands"] == [
        "cold",
        "warm",
        "blazing",
    ]
    metrics = next(s for s in load_suites() if s.name == "marts.model_metrics")
    project = tmp_path / "dbt_project.yml"
    project.write_text("vars:\n  omniscore__min_holdout_auc: 0.8\n")
    assert resolve_parameters(metrics, project_file=project) == {"min_holdout_auc": 0.8}
    # The --vars a build ran with (or validate's own) are merged over the defaults.
    overridden = resolve_parameters(
        metrics, project_file=project, var_overrides={"omniscore__min_holdout_auc": 0.6}
    )
    assert overridden == {"min_holdout_auc": 0.6}
    with pytest.raises(ValidationSetupError, match="given with --vars is 'high'"):
        resolve_parameters(
            metrics, project_file=project, var_overrides={"omniscore__min_holdout_auc": "high"}
        )
    project.write_text("vars:\n  omniscore__min_holdout_auc: high\n")
    with pytest.raises(ValidationSetupError, match="not a number"):
        resolve_parameters(metrics, project_file=project)


def test_a_raw_suite_may_only_judge_each_file_on_its_own(tmp_path):
    (tmp_path / "raw").mkdir()
    suite = {
        "name": "raw.example",
        "meta": {
            "raw_files": {
                "pattern": "x/*.csv",
                "staged_by": "staging.base_x__rows",
                "format": "csv",
                "columns": ["a"],
            }
        },
        "expectations": [
            {
                "type": "expect_column_min_to_be_between",
                "kwargs": {"column": "row_count", "min_value": 1},
                "meta": {"severity": "error", "note": "not empty"},
            }
        ],
    }
    (tmp_path / "raw" / "example.json").write_text(json.dumps(suite))
    with pytest.raises(ValidationSetupError, match="per file"):
        load_suites(tmp_path)
    # It names the staging model whose build's vars it is judged with.
    del suite["meta"]["raw_files"]["staged_by"]
    suite["expectations"][0]["type"] = "expect_column_values_to_be_between"
    (tmp_path / "raw" / "example.json").write_text(json.dumps(suite))
    with pytest.raises(ValidationSetupError, match="staged_by"):
        load_suites(tmp_path)


def test_a_parameter_a_suite_does_not_declare_is_refused(tmp_path):
    (tmp_path / "marts").mkdir()
    suite = {
        "name": "marts.example",
        "meta": {},
        "expectations": [
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "x", "value_set": {"$PARAMETER": "bands"}},
                "meta": {"severity": "error", "note": "why"},
            }
        ],
    }
    (tmp_path / "marts" / "example.json").write_text(json.dumps(suite))
    (tmp_path / "marts" / "example.sql").write_text("select 1 as x")
    with pytest.raises(ValidationSetupError, match="does not declare"):
        load_suites(tmp_path)
