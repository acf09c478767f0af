"""Landing folders and warehouses for the tests that build with dbt: the generator run as a
person runs it (a child process of the `omniscore` command) and `dbt seed` + `dbt build`
against a chosen landing folder and warehouse file."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from omniscore.warehouse import run_dbt


def generate(
    out: Path,
    truth: Path,
    *,
    customers: int,
    seed: int,
    start: date,
    days: int,
    options: tuple[str, ...] = (),
) -> None:
    """Write ``days`` daily batches from ``start`` into ``out`` (an append when ``out``
    already holds the batches before ``start``), the truth into ``truth``."""
    command = [sys.executable, "-m", "omniscore.cli", "generate", "--quiet"]
    command += ["--customers", str(customers), "--seed", str(seed)]
    command += ["--start", start.isoformat(), "--days", str(days)]
    command += ["--out", str(out), "--truth", str(truth), *options]
    subprocess.run(command, check=True)


def build(raw: Path, db: Path, *args: str) -> None:
    """`dbt seed` then `dbt build *args` of ``db`` from ``raw``; fails the test with the end
    of dbt's output when either fails."""
    for command in (["seed", "--quiet"], ["build", *args]):
        result = run_dbt(command, raw_dir=raw, db_path=db)
        assert result.ok, result.output[-5000:]
