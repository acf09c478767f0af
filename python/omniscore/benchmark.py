"""`omniscore benchmark`: generation and build times and peak memory at chosen sizes.

For each size it generates a fresh landing folder, builds the warehouse from scratch with
`dbt seed` + `dbt build`, and then runs one incremental `dbt build` on the same files.
Each step runs as a child process; its wall time and peak resident memory (from
``wait4``'s rusage) are recorded. Each size's results are appended to
``benchmarks/results.csv`` as soon as that size finishes (so a later size that fails loses
nothing), and all are printed as a Markdown table for the README. This is a measurement,
not a test.

Sizes are counted in raw lines: physical lines of the landed files, headers excluded. That
is more than the generator's records: a quoted field spanning lines counts each line, a
re-delivered file counts again, and pos/stores.csv counts too.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from omniscore.warehouse import PROJECT_DIR, dbt_env, dbt_executable

log = logging.getLogger(__name__)

RESULTS = PROJECT_DIR / "benchmarks" / "results.csv"
SEED_STEP = "dbt seed"  # loads the seeds only: its time does not scale with the raw rows


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


def benchmark_size(customers: int, days: int, seed: int, work_dir: Path) -> list[StepResult]:
    raw_dir, truth_dir, db = work_dir / "raw", work_dir / "truth", work_dir / "omniscore.duckdb"
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    env = dbt_env(raw_dir, db)
    omniscore = [sys.executable, "-m", "omniscore.cli"]
    dbt = [dbt_executable()]
    steps = [
        (
            "generate",
            [
                *omniscore,
                "generate",
                "--customers",
                str(customers),
                "--days",
                str(days),
                "--seed",
                str(seed),
                "--out",
                str(raw_dir),
                "--truth",
                str(truth_dir),
                "--quiet",
            ],
        ),
        (SEED_STEP, [*dbt, "seed", "--full-refresh", "--quiet"]),
        ("dbt build (from scratch)", [*dbt, "build", "--quiet"]),
        ("dbt build (incremental, no new files)", [*dbt, "build", "--quiet"]),
    ]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    results = []
    rows: int | None = None
    for name, command in steps:
        log.info("%s customers: %s", f"{customers:,}", name)
        seconds, peak = measure(command, env)
        if name == "generate":
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
    return results


def append_results(results: list[StepResult], path: Path = RESULTS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    new_file = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(asdict(results[0])))
        if new_file:
            writer.writeheader()
        writer.writerows(asdict(result) for result in results)


def markdown_table(results: list[StepResult]) -> str:
    lines = [
        "| customers | days | raw lines | step | seconds | lines/s | peak RSS (MiB) |",
        "|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in results:
        per_row = r.rows and r.seconds and r.step != SEED_STEP
        rate = f"{r.rows / r.seconds:,.0f}" if per_row else ""
        lines.append(
            f"| {r.customers:,} | {r.days} | {r.rows or 0:,} | {r.step} | {r.seconds:,.1f} "
            f"| {rate} | {r.peak_rss_mib:,.0f} |"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace, results_path: Path = RESULTS) -> int:
    all_results: list[StepResult] = []
    code = 0
    for customers in args.sizes:
        work_dir = Path(args.work_dir) / f"{customers}"
        try:
            results = benchmark_size(customers, args.days, args.seed, work_dir)
        except subprocess.CalledProcessError as error:
            log.error("%s failed with exit code %s", " ".join(error.cmd), error.returncode)
            code = 1
            break
        finally:
            if not args.keep:
                shutil.rmtree(work_dir, ignore_errors=True)
        append_results(results, results_path)  # kept even if a later size fails
        all_results += results
    if all_results:
        print(f"Machine: {machine_description()}\n")
        print(markdown_table(all_results))
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
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work-dir", default=str(PROJECT_DIR / "benchmarks" / "runs"))
    parser.add_argument("--keep", action="store_true", help="keep the generated data and warehouse")
    parser.set_defaults(func=run)
