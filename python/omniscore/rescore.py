"""`omniscore rescore`: build the scores as of earlier dates, then as of today's data.

A build keeps its scores in ``score_history`` under its as-of date, so the history starts
with the first build. ``rescore --back N --every DAYS`` fills it in: it rebuilds the
scoring layer (``dbt build --select int_scoring_dates+``) as of ``latest - k * DAYS`` for
k = N .. 1, each from what happened before that date, then as of the latest data again, so
the marts end where a plain build leaves them and ``segment_migrations`` and
``score_changes`` have dates to compare. Re-running it replaces those dates' rows.
"""

from __future__ import annotations

import argparse
import logging
from datetime import date, timedelta
from pathlib import Path

from omniscore.warehouse import DB_HELP, connect, db_path_from_env, raw_dir_from_env, run_dbt

log = logging.getLogger(__name__)


def latest_as_of(db_path: Path) -> date:
    """The day after the latest interaction: the default as-of date of a build."""
    with connect(db_path) as con:
        (latest,) = con.execute("select max(occurred_date) from marts.fct_interactions").fetchone()
    if latest is None:
        raise ValueError(f"{db_path} holds no interactions: build it first")
    return latest + timedelta(days=1)


def rescore(db_path: Path, raw_dir: Path, back: int, every_days: int) -> list[date]:
    """Score as of ``back`` earlier dates ``every_days`` apart, then as of the latest data."""
    latest = latest_as_of(db_path)
    dates = [latest - timedelta(days=k * every_days) for k in range(back, 0, -1)]
    for as_of in [*dates, None]:
        args = ["build", "--select", "int_scoring_dates+"]
        if as_of is not None:
            args += ["--vars", f"{{omniscore__score_as_of: '{as_of.isoformat()}'}}"]
        log.info("scoring as of %s", as_of or f"{latest} (latest data)")
        result = run_dbt(args, raw_dir=raw_dir, db_path=db_path)
        if not result.ok:
            raise RuntimeError(
                f"dbt build as of {as_of or latest} failed:\n{result.output[-3000:]}"
            )
    return [*dates, latest]


def run(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else db_path_from_env()
    try:
        dates = rescore(db_path, raw_dir_from_env(), args.back, args.every)
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        log.error("%s", error)
        return 1
    print("scored as of " + ", ".join(d.isoformat() for d in dates))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rescore",
        help="build the scores as of earlier dates, then today's (fills score_history)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--back", type=int, default=2, help="earlier dates (default: %(default)s)")
    parser.add_argument(
        "--every", type=int, default=28, help="days between them (default: %(default)s)"
    )
    parser.add_argument("--db", help=DB_HELP)
    parser.set_defaults(func=run)
