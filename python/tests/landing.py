"""Landing folders and warehouses for the tests that build with dbt: the generator run as a
person runs it (a child process of the `omniscore` command) and `dbt seed` + `dbt build`
against a chosen landing folder and warehouse file."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from omniscore.warehouse import DbtResult, run_dbt

BOM = "\ufeff"


def nonblank_lines(data: bytes) -> tuple[int, bool]:
    """A file's (non-blank lines, is line 1 non-blank), as raw-exports.md and the record
    readers define a line: ended by a line feed, a CR before it and a byte-order mark at
    the start of a UTF-8 file ignored; blank = empty or only a carriage return; a last
    line without a line feed counts. A file that is not UTF-8 is read byte by byte."""
    try:
        text, is_utf8 = data.decode("utf-8"), True
    except UnicodeDecodeError:
        text, is_utf8 = data.decode("latin-1"), False
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if is_utf8:
        lines[0] = lines[0].lstrip(BOM)  # every leading BOM, as staging strips them
    return sum(1 for line in lines if line), lines[0] != ""


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
