"""The `omniscore` command line: dispatch, error handling, and the evaluation's arithmetic.

The evaluation is checked on a tiny hand-made warehouse whose expected precision and
recall are worked out by hand below, so no dbt build is needed here.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import logging
import subprocess
from pathlib import Path

import duckdb
import pytest

from omniscore import benchmark
from omniscore.benchmark import SEED_STEP, StepResult, markdown_table
from omniscore.cli import COMMAND_MODULES, main
from omniscore.evaluate import evaluate


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for module in COMMAND_MODULES:
        # The commands each module registers (clv_report registers clv-plot and clv-benchmark).
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(subparsers)
        assert subparsers.choices, module
        for command in subparsers.choices:
            assert command in out, (module, command)


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["summary"], ["evaluate", "--truth", "."]])
def test_a_missing_warehouse_is_named(command, tmp_path, caplog):
    db = tmp_path / "nowhere.duckdb"
    with caplog.at_level(logging.ERROR):
        code = main([*command, "--db", str(db)])
    assert code == 2
    assert str(db) in caplog.text
    assert "make build" in caplog.text


def test_a_folder_that_is_not_a_truth_folder_is_named(tmp_path, caplog):
    db = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(db)).close()
    with caplog.at_level(logging.ERROR):
        code = main(["evaluate", "--truth", str(tmp_path), "--db", str(db)])
    assert code == 2
    assert "identifiers.csv" in caplog.text and str(tmp_path) in caplog.text


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def small_world(tmp_path: Path) -> tuple[Path, Path]:
    """Truth: P1 owns a, b, c; P2 owns d, e; P3 (erased) owns f; s is shared by P1 and P2;
    u is never staged. Staged records link a-b, d-e and c-s, nothing else.
    Warehouse: {a, b, d, e} is one customer X (a false merge), c is customer Y, f is Z."""
    truth = tmp_path / "truth"
    truth.mkdir()
    identifiers = [
        ("email", "a", "P1"),
        ("cookie", "b", "P1"),
        ("device", "c", "P1"),
        ("email", "d", "P2"),
        ("cookie", "e", "P2"),
        ("email", "f", "P3"),
        ("phone", "s", "P1"),
        ("phone", "s", "P2"),
        ("cookie", "u", "P1"),
    ]
    write_csv(
        truth / "identifiers.csv", ["identifier_type", "identifier_value", "person_id"], identifiers
    )
    write_csv(
        truth / "persons.csv",
        ["person_id", "is_erased"],
        [("P1", "false"), ("P2", "false"), ("P3", "true")],
    )
    write_csv(
        truth / "expected_quarantine.csv",
        ["batch_date", "channel", "reason", "rows"],
        [
            ("2026-01-01", "web", "invalid_timestamp", 2),
            ("2026-01-02", "web", "invalid_timestamp", 1),
        ],
    )
    write_csv(
        truth / "expected_duplicates.csv",
        ["batch_date", "channel", "rows"],
        [("2026-01-01", "web", 4)],
    )

    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema intermediate; create schema audit")
    staged = [(t, v, f"k_{v}") for t, v, _ in identifiers if v != "u"]
    con.execute(
        "create table intermediate.int_identifier_occurrences_unioned "
        "(identifier_type varchar, identifier_value varchar, node_key varchar)"
    )
    con.executemany(
        "insert into intermediate.int_identifier_occurrences_unioned values (?, ?, ?)", staged
    )
    con.execute(
        "create table intermediate.int_identifiers_resolved "
        "(identifier_type varchar, identifier_value varchar, customer_id varchar)"
    )
    con.executemany(
        "insert into intermediate.int_identifiers_resolved values (?, ?, ?)",
        [
            ("email", "a", "X"),
            ("cookie", "b", "X"),
            ("email", "d", "X"),
            ("cookie", "e", "X"),
            ("device", "c", "Y"),
            ("email", "f", "Z"),
        ],
    )
    con.execute(
        "create table intermediate.int_identifier_links_paired "
        "(node_key_a varchar, node_key_b varchar)"
    )
    con.executemany(
        "insert into intermediate.int_identifier_links_paired values (?, ?)",
        [("k_a", "k_b"), ("k_d", "k_e"), ("k_c", "k_s")],
    )
    con.execute(
        "create table intermediate.int_quarantined_rows_unioned as "
        "select * from (values ('web', 'invalid_timestamp'), ('web', 'invalid_timestamp'), "
        "('app', 'malformed_json')) as t(channel, reason)"
    )
    con.execute(
        "create table audit.file_reconciliation as "
        "select * from (values ('web', 3), ('web', 1)) as t(channel, duplicate_rows)"
    )
    con.close()
    return db, truth


def test_evaluation_counts_pairs_as_worked_out_by_hand(small_world):
    db, truth = small_world
    result = evaluate(db, truth)
    # Scored: a, b, c (P1) and d, e (P2); f is erased, s shared, u never staged.
    assert result.identifiers_evaluated == 5
    assert result.true_pairs == 3 + 1
    # X = {a, b, d, e} makes 6 pairs, of which a-b and d-e are true.
    assert result.predicted_pairs == 6
    assert result.true_positive_pairs == 2
    assert result.precision == pytest.approx(2 / 6)
    assert result.recall == pytest.approx(2 / 4)
    # Staged evidence connects a-b and d-e only (c's link goes through the shared s).
    assert result.resolvable_pairs == 2
    assert result.resolvable_recall == 1.0
    assert result.recall_ceiling == pytest.approx(2 / 4)


def test_evaluation_compares_quarantine_and_duplicate_counts(small_world):
    db, truth = small_world
    result = evaluate(db, truth)
    by_key = {(c.channel, c.reason): (c.expected, c.actual) for c in result.quarantine}
    assert by_key == {("web", "invalid_timestamp"): (3, 2), ("app", "malformed_json"): (0, 1)}
    assert [(c.channel, c.expected, c.actual, c.ok) for c in result.duplicates] == [
        ("web", 4, 4, True)
    ]
    assert not result.counts_match


def test_evaluate_command_fails_below_the_thresholds(small_world, capsys, caplog):
    db, truth = small_world
    with caplog.at_level(logging.ERROR):
        code = main(["evaluate", "--truth", str(truth), "--db", str(db)])
    assert code == 1
    assert "precision 0.3333" in caplog.text
    assert "counts differ" in caplog.text
    assert "MISMATCH" in capsys.readouterr().out


def bench_step(name: str, seconds: float, customers: int = 10, rows: int = 1000) -> StepResult:
    return StepResult("2026-01-01 00:00", "test", customers, 1, name, seconds, 100.0, rows)


def test_benchmark_table_gives_a_rate_only_for_steps_that_read_the_raw_rows():
    table = markdown_table([bench_step("generate", 2.0), bench_step(SEED_STEP, 4.0)]).splitlines()
    # The size is counted in physical lines of the landed files, not records.
    assert table[0].startswith("| customers | days | raw lines | step | seconds | lines/s |")
    assert table[2] == "| 10 | 1 | 1,000 | generate | 2.0 | 500 |  | 100 |"
    assert table[3] == f"| 10 | 1 | 1,000 | {SEED_STEP} | 4.0 |  |  | 100 |"


def test_benchmark_table_gives_each_build_as_a_multiple_of_its_sizes_floor():
    results = [
        bench_step(benchmark.FLOOR_STEP, 2.0),
        bench_step(benchmark.FULL_BUILD_STEP, 7.0),
        bench_step(benchmark.FLOOR_STEP, 10.0, customers=20),
        bench_step(benchmark.INCREMENT_STEP, 5.0, customers=20),
    ]
    table = markdown_table(results).splitlines()
    assert table[3] == f"| 10 | 1 | 1,000 | {benchmark.FULL_BUILD_STEP} | 7.0 | 143 | 3.5 | 100 |"
    assert table[5] == f"| 20 | 1 | 1,000 | {benchmark.INCREMENT_STEP} | 5.0 | 200 | 0.5 | 100 |"
    assert table[2].endswith("| 500 |  | 100 |")  # the floor itself has no ratio


def test_benchmark_floor_reads_every_landed_file_type(tmp_path):
    raw = tmp_path / "raw"
    files = {
        "web/events_1.csv": "event_id,user_pseudo_id\ne1,c1\ne2,c1\ne3,c2\n",
        "web/events_2.csv": "\ufeffuser_pseudo_id,event_id\r\nc3,e4\r\n",  # BOM, CRLF, order
        "pos/transactions_1.csv": "receipt_id;loyalty_card_id\nr1;L1\nr2;\n",
        "app/events_1.jsonl": '{"insert_id": "i1", "device_id": "d1"}\nnot json\n',
        "support/tickets_1.csv": 'ticket_id,requester_email\nt1,"a@x.com"\n',
    }
    for name, text in files.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text(text, encoding="utf-8")
    # 4 web + 2 pos + 2 app (DuckDB reads the broken line as a null object) + 1 support;
    # absent channels read nothing.
    assert benchmark.scan_floor(raw) == 9


def test_benchmark_reads_the_slowest_models_from_dbt_run_results(tmp_path):
    results = [
        {"unique_id": "model.omniscore.fast", "execution_time": 1.0},
        {"unique_id": "test.omniscore.not_null_x", "execution_time": 50.0},
        {"unique_id": "model.omniscore.slow", "execution_time": 9.5},
    ]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    assert benchmark.slowest_models(tmp_path, count=1) == [("slow", 9.5)]
    assert benchmark.slowest_models(tmp_path / "none") == []


def test_benchmark_chart_draws_the_results_file(tmp_path):
    results = tmp_path / "results.csv"
    benchmark.append_results(
        [
            bench_step("generate", 2.0),
            bench_step(benchmark.FULL_BUILD_STEP, 7.0),
            bench_step("generate", 9.0, customers=20, rows=10_000),
            bench_step(benchmark.FULL_BUILD_STEP, 30.0, customers=20, rows=10_000),
        ],
        results,
    )
    chart = benchmark.draw_chart(benchmark.read_results(results), tmp_path / "chart.png")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_benchmark_keeps_the_results_of_sizes_that_finished_before_one_failed(
    tmp_path, monkeypatch, capsys
):
    def fake_size(customers: int, days: int, seed: int, work_dir: Path, start):
        if customers == 20:
            raise subprocess.CalledProcessError(2, ["dbt", "build"])
        slowest = [{"customers": customers, "step": "dbt build", "model": "m", "seconds": 1.0}]
        return [bench_step("generate", 1.0, customers=customers, rows=99)], slowest

    monkeypatch.setattr(benchmark, "benchmark_size", fake_size)
    results, slowest = tmp_path / "results.csv", tmp_path / "slowest.csv"
    args = argparse.Namespace(
        sizes=[10, 20, 30],
        days=1,
        seed=7,
        start=None,
        chart=None,
        work_dir=str(tmp_path / "runs"),
        keep=False,
    )
    assert benchmark.run(args, results, slowest) == 1
    with results.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["customers"], r["step"], r["rows"]) for r in rows] == [("10", "generate", "99")]
    with slowest.open() as handle:
        assert [r["customers"] for r in csv.DictReader(handle)] == ["10"]
    assert "| 10 | 1 | 99 | generate |" in capsys.readouterr().out
