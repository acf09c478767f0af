"""Landing folders and warehouses for the tests that build with dbt: the generator run as a
person runs it (a child process of the `omniscore` command) and `dbt seed` + `dbt build`
against a chosen landing folder and warehouse file."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from omniscore.warehouse import DbtResult, run_dbt


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


def build(raw: Path, db: Path, *args: str, command: str = "build") -> DbtResult:
    """`dbt seed` then `dbt <command> *args` (`build` by default, or `run`) of ``db`` from
    ``raw``; fails the test with the end of dbt's output when either fails. Returns the
    second command's result (its output holds the warnings)."""
    for dbt_command in (["seed", "--quiet"], [command, *args]):
        result = run_dbt(dbt_command, raw_dir=raw, db_path=db)
        assert result.ok, result.output[-5000:]
    return result
