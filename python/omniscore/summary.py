"""`omniscore summary`: what the last build made, in a few lines."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import duckdb

from omniscore.warehouse import DB_HELP, connect, db_path_from_env

log = logging.getLogger(__name__)

SECTIONS = {
    "Interactions per channel": """
        select channel, count(*) as interactions, count(customer_id) as attributed,
               count(distinct customer_id) as customers
        from marts.fct_interactions group by channel order by channel
    """,
    "Customers": """
        select lifecycle_stage, count(*) as persons,
               count(*) filter (where is_identified) as identified,
               sum(orders_to_date) as orders, round(sum(revenue_to_date), 2) as revenue
        from marts.dim_customers group by lifecycle_stage order by persons desc
    """,
    "Quarantined rows by reason": """
        select channel, reason, count(*) as rows_quarantined
        from audit.quarantined_rows group by channel, reason order by channel, reason
    """,
    "Files": """
        select count(*) as files, sum(raw_rows) as raw_rows, sum(staged_rows) as staged,
               sum(duplicate_rows) as duplicates, sum(quarantined_rows) as quarantined,
               count(*) filter (where not is_reconciled) as not_reconciled
        from audit.file_reconciliation
    """,
    "Identity": """
        select (select count(*) from audit.identifiers_over_linked) as over_linked_identifiers,
               (select count(*) from audit.identity_merges) as recorded_id_changes
    """,
    "Scores (as of)": """
        select as_of_date, count(*) as persons, count(*) filter (where is_scoreable) as scoreable,
               count(*) filter (where not_scoreable_reason = 'profiling_refused') as refused,
               round(avg(score_engagement), 1) as avg_engagement,
               count(*) filter (where engagement_band = 'hot') as hot,
               count(*) filter (where is_mql) as mqls,
               round(avg(score_propensity), 4) as avg_propensity,
               round(avg(score_churn_risk), 4) as avg_churn_risk
        from marts.customer_scores group by as_of_date
    """,
    "RFM segments": """
        select rfm_segment, count(*) as persons
        from marts.customer_scores where rfm_segment != 'no purchase yet'
        group by rfm_segment order by persons desc
    """,
    "Models (holdout by time)": """
        select model_version, max(row_count) as holdout_rows,
               round(max(metric_value) filter (where metric_name = 'auc'), 4) as auc,
               round(max(metric_value) filter (where metric_name = 'log_loss'), 4) as log_loss,
               round(max(metric_value) filter (where metric_name = 'top_decile_lift'), 2)
                   as lift_top_10pct
        from marts.model_metrics where split = 'holdout'
        group by model_version order by model_version
    """,
    "Score history": """
        select as_of_date, count(*) as persons from marts.score_history
        group by as_of_date order by as_of_date
    """,
}


def render_table(columns: list[str], rows: list[tuple]) -> str:
    def fmt(value: object) -> str:
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, float):
            return f"{value:,.2f}"
        return "" if value is None else str(value)

    cells = [[fmt(value) for value in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    for row in cells:
        lines.append("  " + "  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def summarise(db_path: Path) -> str:
    con = connect(db_path)
    try:
        parts = [f"Warehouse {db_path}"]
        for title, sql in SECTIONS.items():
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description]
            parts.append(f"\n{title}\n{render_table(columns, cursor.fetchall())}")
    finally:
        con.close()
    return "\n".join(parts)


def run(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else db_path_from_env()
    try:
        print(summarise(db_path))
    except (FileNotFoundError, duckdb.Error) as error:
        log.error("%s", error)
        return 2
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("summary", help="print what the last build made")
    parser.add_argument("--db", help=DB_HELP)
    parser.set_defaults(func=run)
