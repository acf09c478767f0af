"""Erasure outside dbt builds: tables that Python writes (``audit.dq_validation_results``)
are scrubbed by the same dbt macro as the build's on-run-end hook
(``omniscore.scrub_erased_records``), so "erased" has one definition: the suppression list
and the columns each table declares in its YAML (``meta.erasure``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

from omniscore.warehouse import connect, run_dbt

log = logging.getLogger(__name__)

SUPPRESSION_LIST = ("audit", "erasure_suppression_list")


class ErasureScrubError(RuntimeError):
    """The scrub could not run: rows of erased persons may remain."""


def has_suppression_list(db_path: Path) -> bool:
    """Whether the warehouse's suppression list exists and holds any entry."""
    with connect(db_path) as con:
        (tables,) = con.execute(
            "select count(*) from information_schema.tables "
            "where table_catalog = current_database() and table_schema = ? and table_name = ?",
            list(SUPPRESSION_LIST),
        ).fetchone()
        if not tables:
            return False
        schema, table = SUPPRESSION_LIST
        return con.execute(f"select exists (select 1 from {schema}.{table})").fetchone()[0]


def scrub_erased_records(db_path: Path, nodes: Sequence[str]) -> bool:
    """Remove erased persons' rows from the named dbt nodes (models or sources declaring
    erasure columns) of ``db_path``. Does nothing (returns False) when the warehouse has no
    suppression entry; raises ErasureScrubError, with dbt's output, when the scrub fails."""
    if not has_suppression_list(db_path):
        return False
    args = json.dumps({"only": list(nodes)})
    result = run_dbt(["run-operation", "scrub_erased_records", "--args", args], db_path=db_path)
    if not result.ok:
        raise ErasureScrubError(
            f"erasure scrub of {', '.join(nodes)} in {db_path} failed:\n{result.output[-3000:]}"
        )
    log.info("scrubbed erased persons' rows from %s", ", ".join(nodes))
    return True
