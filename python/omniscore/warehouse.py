"""Locating the project and warehouse, running dbt, and opening the DuckDB file.

Everything that runs dbt (the CLI, the benchmark, the tests) goes through ``run_dbt`` so
that the landing folder and warehouse file are always passed the same way: through the
``OMNISCORE_RAW_DIR`` and ``OMNISCORE_DB`` environment variables that ``profiles.yml`` and
``dbt_project.yml`` read.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_RAW_DIR = Path("data/raw")
DEFAULT_DB = Path("data/omniscore.duckdb")
DB_HELP = "warehouse file (default: $OMNISCORE_DB or data/omniscore.duckdb)"


def raw_dir_from_env() -> Path:
    """The landing folder: ``OMNISCORE_RAW_DIR`` or ``data/raw`` under the project."""
    return Path(os.environ.get("OMNISCORE_RAW_DIR") or PROJECT_DIR / DEFAULT_RAW_DIR)


def db_path_from_env() -> Path:
    """The warehouse file: ``OMNISCORE_DB`` or ``data/omniscore.duckdb`` under the project."""
    return Path(os.environ.get("OMNISCORE_DB") or PROJECT_DIR / DEFAULT_DB)


@dataclass(frozen=True)
class DbtResult:
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def dbt_executable() -> str:
    """The dbt beside the running interpreter (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    if beside.exists():
        return str(beside)
    found = shutil.which("dbt")
    if found is None:
        raise FileNotFoundError("dbt is not installed: run `make venv`")
    return found


def dbt_env(raw_dir: Path | None = None, db_path: Path | None = None) -> dict[str, str]:
    """The environment a dbt process needs to build ``db_path`` from ``raw_dir`` (both
    default to the environment's settings); creates the warehouse's folder."""
    env = dict(os.environ)
    env["OMNISCORE_RAW_DIR"] = str(Path(raw_dir or raw_dir_from_env()).resolve())
    db = Path(db_path or db_path_from_env()).resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    env["OMNISCORE_DB"] = str(db)
    # Artefacts and logs beside the warehouse, so that builds of different warehouse
    # files (tests, benchmark runs) can run at once without sharing target/.
    env.setdefault("DBT_TARGET_PATH", str(db.parent / f"{db.stem}.dbt-target"))
    env.setdefault("DBT_LOG_PATH", str(db.parent / f"{db.stem}.dbt-logs"))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def run_dbt(
    args: Sequence[str],
    *,
    raw_dir: Path | None = None,
    db_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
    echo: bool = False,
) -> DbtResult:
    """Run one dbt command in the project directory against the given folder and file.

    Output is captured (and also streamed to stderr when ``echo``); the caller decides what
    a non-zero return code means.
    """
    env = dbt_env(raw_dir, db_path)
    env.update(extra_env or {})
    command = [dbt_executable(), *args, "--project-dir", str(PROJECT_DIR)]
    command += ["--profiles-dir", str(PROJECT_DIR)]
    log.debug("running %s", " ".join(command))
    process = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if echo:
            sys.stderr.write(line)
    return DbtResult(process.wait(), "".join(lines))


def connect(db_path: Path | None = None, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (read-only by default, so BI-style reads never block a build)."""
    path = Path(db_path or db_path_from_env())
    if not path.exists():
        raise FileNotFoundError(f"warehouse {path} does not exist: run `make build` first")
    return duckdb.connect(str(path), read_only=read_only)
