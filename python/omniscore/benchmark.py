"""`omniscore benchmark`: generation, the floor and build times, and peak memory, at chosen sizes.

For each size, in one invocation: generate a fresh landing folder of ``--days`` daily
batches; measure the floor (DuckDB's own readers scanning every landed file, all columns
as text, and aggregating per identifier: what reading the data costs at least); build the
warehouse from scratch (`dbt seed` + `dbt build`); land one more day (an append of the
generator) and build again (the daily increment); build once more with no new files. Each
step runs as a child process; its wall time and peak resident memory (from ``wait4``'s
rusage) are recorded, and each build's slowest models are read from dbt's
``run_results.json``. Results are appended to ``benchmarks/results.csv`` (and the slowest
models to ``benchmarks/slowest_models.csv``) as soon as a size finishes, so a later size
that fails loses nothing; all are printed as a Markdown table with each build's ratio to
the floor. ``--chart PATH`` draws seconds against raw lines from the results file. This is
a measurement, not a test.

Sizes are counted in raw lines: physical lines of the landed files, headers excluded. That
is more than the generator's records: a quoted field spanning lines counts each line, a
re-delivered file counts again, and pos/stores.csv counts too.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from omniscore.generate import DEFAULT_START
from omniscore.warehouse import PROJECT_DIR, dbt_env, dbt_executable

log = logging.getLogger(__name__)

RESULTS = PROJECT_DIR / "benchmarks" / "results.csv"
SLOWEST_MODELS = PROJECT_DIR / "benchmarks" / "slowest_models.csv"
SEED_STEP = "dbt seed"  # loads the seeds only: its time does not scale with the raw rows
FLOOR_STEP = "floor (DuckDB readers)"
FULL_BUILD_STEP = "dbt build (from scratch)"
APPEND_STEP = "generate (one more day)"
INCREMENT_STEP = "dbt build (one more day)"
REPEAT_STEP = "dbt build (no new files)"
BUILD_STEPS = (FULL_BUILD_STEP, INCREMENT_STEP, REPEAT_STEP)
SLOWEST_SHOWN = 5

# The floor's scan: per landed file pattern, its delimiter (None: JSON lines) and the
# identifier it is aggregated by (raw-exports.md).
FLOOR_SCANS = (
    ("crm/contacts_*.csv", ",", "contact_id"),
    ("crm/erasure_requests_*.csv", ",", "request_id"),
    ("web/events_*.csv", ",", "user_pseudo_id"),
    ("app/events_*.jsonl", None, "device_id"),
    ("email/activity_*.csv", ",", "email"),
    ("pos/stores.csv", ";", "store_id"),
    ("pos/transactions_*.csv", ";", "loyalty_card_id"),
    ("support/tickets_*.csv", ",", "requester_email"),
    ("social/interactions_*.csv", ",", "handle"),
)


@dataclass(frozen=True)
class StepResult:
    measured_at: str
    machine: str
    customers: int
    days: int
    step: str
    seconds: float
    peak_rss_mib: float
    rows: int | None  # raw lines of the landing folder (count_raw_rows), not records


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``command``; return (wall seconds, peak RSS in MiB). Raises on failure."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    if code != 0:
        raise subprocess.CalledProcessError(code, command)
    return elapsed, usage.ru_maxrss / 1024


def machine_description() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()} {os.cpu_count()} cores {memory_gib:.0f} GiB"


def count_raw_rows(raw_dir: Path) -> int:
    """Physical data lines in the landing folder (headers excluded): raw lines, not records
    (multi-line fields, re-delivered copies and stores.csv all count)."""
    total = 0
    for path in raw_dir.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                lines = sum(1 for _ in handle)
            total += lines - (0 if path.suffix == ".jsonl" else 1)
    return total


def scan_floor(raw_dir: Path) -> int:
    """The floor: every landed file read by DuckDB's own CSV / JSON readers (all columns as
    text, unreadable lines skipped) and aggregated per identifier. Returns the rows read."""
    con = duckdb.connect()
    total = 0
    for pattern, delimiter, key in FLOOR_SCANS:
        if not any(raw_dir.glob(pattern)):
            continue
        files = str(raw_dir / pattern).replace("'", "''")
        if delimiter is None:
            source = (
                f"(select json_extract_string(json, '$.{key}') as {key}"
                f" from read_ndjson_objects('{files}', ignore_errors = true))"
            )
        else:
            source = (
                f"read_csv('{files}', delim = '{delimiter}', header = true, all_varchar = true,"
                " union_by_name = true, ignore_errors = true, null_padding = true)"
            )
        per_identifier = f"select {key}, count(*) as n from {source} group by 1"
        (rows,) = con.execute(f"select coalesce(sum(n), 0) from ({per_identifier})").fetchone()
        total += int(rows)
    return total


def slowest_models(target_dir: Path, count: int = SLOWEST_SHOWN) -> list[tuple[str, float]]:
    """The ``count`` slowest models (name, seconds) of the last dbt run in ``target_dir``."""
    path = target_dir / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text())["results"]
    models = [
        (r["unique_id"].split(".")[-1], float(r["execution_time"]))
        for r in results
        if r["unique_id"].startswith("model.")
    ]
    return sorted(models, key=lambda model: -model[1])[:count]


def benchmark_size(
    customers: int, days: int, seed: int, work_dir: Path, start: date = DEFAULT_START
) -> tuple[list[StepResult], list[dict[str, object]]]:
    """Every step at one size: (step results, slowest models of each build)."""
    raw_dir, truth_dir, db = work_dir / "raw", work_dir / "truth", work_dir / "omniscore.duckdb"
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    env = dbt_env(raw_dir, db)
    target_dir = Path(env["DBT_TARGET_PATH"])
    omniscore = [sys.executable, "-m", "omniscore.cli"]
    generate = [*omniscore, "generate", "--out", str(raw_dir), "--truth", str(truth_dir), "--quiet"]
    dbt = [dbt_executable()]
    steps = [
        (
            "generate",
            [
                *generate,
                *("--customers", str(customers), "--seed", str(seed)),
                *("--days", str(days), "--start", start.isoformat()),
            ],
        ),
        (FLOOR_STEP, [sys.executable, "-m", "omniscore.benchmark", "floor", str(raw_dir)]),
        (SEED_STEP, [*dbt, "seed", "--full-refresh", "--quiet"]),
        (FULL_BUILD_STEP, [*dbt, "build", "--quiet"]),
        (
            APPEND_STEP,
            [*generate, "--days", "1", "--start", (start + timedelta(days=days)).isoformat()],
        ),
        (INCREMENT_STEP, [*dbt, "build", "--quiet"]),
        (REPEAT_STEP, [*dbt, "build", "--quiet"]),
    ]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    results, slowest = [], []
    rows: int | None = None
    for name, command in steps:
        log.info("%s customers: %s", f"{customers:,}", name)
        seconds, peak = measure(command, env)
        if name in ("generate", APPEND_STEP):
            rows = count_raw_rows(raw_dir)
        results.append(
            StepResult(
                now,
                machine_description(),
                customers,
                days,
                name,
                round(seconds, 1),
                round(peak),
                rows,
            )
        )
        log.info("  %.1f s, peak %.0f MiB", seconds, peak)
        if name in BUILD_STEPS:
            for model, model_seconds in slowest_models(target_dir):
                slowest.append(
                    {
                        "measured_at": now,
                        "customers": customers,
                        "days": days,
                        "step": name,
                        "model": model,
                        "seconds": round(model_seconds, 1),
                    }
                )
    return results, slowest


def append_results(results: list[StepResult], path: Path = RESULTS) -> None:
    append_rows([asdict(result) for result in results], path)


def append_rows(rows: list[dict[str, object]], path: Path) -> None:
    """Append ``rows`` to the CSV at ``path`` (header written when the file is new)."""
    if not rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    new_file = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        if new_file:
            writer.writeheader()
        writer.writerows(rows)


def markdown_table(results: list[StepResult]) -> str:
    """The results as a Markdown table: lines/s for steps that read the raw lines, and each
    build's time as a multiple of the floor measured at the same size."""
    floors = {(r.measured_at, r.customers): r.seconds for r in results if r.step == FLOOR_STEP}
    lines = [
        "| customers | days | raw lines | step | seconds | lines/s | x floor | peak RSS (MiB) |",
        "|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        per_row = r.rows and r.seconds and r.step != SEED_STEP
        rate = f"{r.rows / r.seconds:,.0f}" if per_row else ""
        floor = floors.get((r.measured_at, r.customers))
        ratio = f"{r.seconds / floor:,.1f}" if floor and r.step in BUILD_STEPS else ""
        lines.append(
            f"| {r.customers:,} | {r.days} | {r.rows or 0:,} | {r.step} | {r.seconds:,.1f} "
            f"| {rate} | {ratio} | {r.peak_rss_mib:,.0f} |"
        )
    return "\n".join(lines)


def slowest_table(slowest: list[dict[str, object]]) -> str:
    lines = ["| customers | step | model | seconds |", "|---:|---|---|---:|"]
    lines += [
        f"| {row['customers']:,} | {row['step']} | {row['model']} | {row['seconds']:,.1f} |"
        for row in slowest
    ]
    return "\n".join(lines)


def read_results(path: Path = RESULTS) -> list[StepResult]:
    with path.open(newline="") as handle:
        return [
            StepResult(
                row["measured_at"],
                row["machine"],
                int(row["customers"]),
                int(row["days"]),
                row["step"],
                float(row["seconds"]),
                float(row["peak_rss_mib"]),
                int(row["rows"]) if row["rows"] else None,
            )
            for row in csv.DictReader(handle)
        ]


def draw_chart(results: list[StepResult], path: Path) -> Path:
    """Seconds against raw lines, log-log, one line per step, from each size's latest run
    (a size's earlier runs, perhaps with other steps, are left out)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    latest_run = {}
    for r in results:
        latest_run[r.customers] = max(latest_run.get(r.customers, r.measured_at), r.measured_at)
    shown = [
        r
        for r in results
        if r.measured_at == latest_run[r.customers] and r.rows and r.step != SEED_STEP
    ]
    figure, axes = pyplot.subplots(figsize=(7, 4.5))
    for step in dict.fromkeys(r.step for r in shown):  # in the order the steps ran
        points = sorted((r.rows, r.seconds) for r in shown if r.step == step)
        axes.plot(*zip(*points, strict=True), marker="o", label=step)
    axes.set(xscale="log", yscale="log", xlabel="raw lines landed", ylabel="seconds")
    runs = ", ".join(f"{c:,}: {latest_run[c][:10]}" for c in sorted(latest_run))
    machines = "; ".join(sorted({r.machine for r in shown}))
    axes.set_title(f"omniscore benchmark, {machines}\n(customers: run date) {runs}", fontsize=9)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
    return path


def run(
    args: argparse.Namespace, results_path: Path = RESULTS, slowest_path: Path = SLOWEST_MODELS
) -> int:
    if args.chart:
        print(f"Chart: {draw_chart(read_results(results_path), Path(args.chart))}")
        return 0
    all_results: list[StepResult] = []
    all_slowest: list[dict[str, object]] = []
    code = 0
    for customers in args.sizes:
        work_dir = Path(args.work_dir) / f"{customers}"
        try:
            results, slowest = benchmark_size(customers, args.days, args.seed, work_dir, args.start)
        except subprocess.CalledProcessError as error:
            log.error("%s failed with exit code %s", " ".join(error.cmd), error.returncode)
            code = 1
            break
        finally:
            if not args.keep:
                shutil.rmtree(work_dir, ignore_errors=True)
        append_results(results, results_path)  # kept even if a later size fails
        append_rows(slowest, slowest_path)
        all_results += results
        all_slowest += slowest
    if all_results:
        print(f"Machine: {machine_description()}\n")
        print(markdown_table(all_results))
    if all_slowest:
        print(f"\nSlowest models of each build ({SLOWEST_SHOWN} per build):\n")
        print(slowest_table(all_slowest))
    return code


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="time generation and builds at chosen sizes (not a test)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000],
        help="numbers of customers (default: 10000 100000)",
    )
    parser.add_argument("--days", type=int, default=30, help="daily batches before the increment")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--start",
        type=date.fromisoformat,
        default=DEFAULT_START,
        help=f"first batch (default {DEFAULT_START}); the increment is the day after the last",
    )
    parser.add_argument(
        "--chart",
        metavar="PNG",
        help="draw seconds against raw lines from benchmarks/results.csv into PNG, and stop",
    )
    parser.add_argument("--work-dir", default=str(PROJECT_DIR / "benchmarks" / "runs"))
    parser.add_argument("--keep", action="store_true", help="keep the generated data and warehouse")
    parser.set_defaults(func=run)


if __name__ == "__main__":
    # `python -m omniscore.benchmark floor RAW_DIR`: the floor step, run as a child process
    # so that its time and memory are measured like every other step's.
    if sys.argv[1:2] != ["floor"] or len(sys.argv) != 3:
        sys.exit("usage: python -m omniscore.benchmark floor RAW_DIR")
    print(f"{scan_floor(Path(sys.argv[2])):,} rows read")
