"""End-to-end: generated exports → dbt build → the properties the marts promise.

One small generated landing folder is built twice: once from scratch, once as a sequence
of incremental runs over the generator's daily batches. Both warehouses must hold the same
interactions and customers; identity must score against the truth; an erased person must
leave no trace in what the business can query; marts must hold no raw email or phone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from omniscore.evaluate import evaluate
from omniscore.warehouse import connect, run_dbt

pytestmark = pytest.mark.dbt

CUSTOMERS, DAYS, FIRST_BATCH_DAYS, SEED = 300, 6, 3, 11
START = date(2026, 1, 1)
BUSINESS_SCHEMAS = ("marts", "audit")


def generate(out: Path, truth: Path, start: date, days: int) -> None:
    command = [
        sys.executable,
        "-m",
        "omniscore.cli",
        "generate",
        "--customers",
        str(CUSTOMERS),
        "--seed",
        str(SEED),
        "--start",
        start.isoformat(),
        "--days",
        str(days),
        "--out",
        str(out),
        "--truth",
        str(truth),
        "--quiet",
    ]
    subprocess.run(command, check=True)


def build(raw: Path, db: Path, *args: str) -> None:
    for command in (["seed", "--quiet"], ["build", *args]):
        result = run_dbt(command, raw_dir=raw, db_path=db)
        assert result.ok, result.output[-5000:]


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("e2e")
    raw, truth = root / "raw", root / "truth"
    incremental_db, full_db = root / "incremental.duckdb", root / "full.duckdb"

    generate(raw, truth, START, FIRST_BATCH_DAYS)
    build(raw, incremental_db)
    first_batch = root / "first_batch.duckdb"
    shutil.copy(incremental_db, first_batch)
    for offset in range(FIRST_BATCH_DAYS, DAYS):
        generate(raw, truth, START + timedelta(days=offset), 1)
        build(raw, incremental_db)
    snapshot = root / "after_batches.duckdb"
    shutil.copy(incremental_db, snapshot)
    build(raw, incremental_db)  # the same files again
    build(raw, full_db, "--full-refresh")
    return {
        "raw": raw,
        "truth": truth,
        "incremental": incremental_db,
        "full": full_db,
        "first_batch": first_batch,
        "after_batches": snapshot,
        "root": root,
    }


def table_rows(db: Path, relation: str, order_by: str) -> list[tuple]:
    with connect(db) as con:
        return con.execute(f"select * from {relation} order by {order_by}").fetchall()


@pytest.mark.parametrize(
    ("relation", "key"),
    [("marts.fct_interactions", "interaction_id"), ("marts.dim_customers", "customer_id")],
)
def test_incremental_runs_equal_a_full_refresh(warehouses, relation, key):
    incremental = table_rows(warehouses["incremental"], relation, key)
    full = table_rows(warehouses["full"], relation, key)
    assert len(incremental) > 0
    assert incremental == full


def test_rebuilding_on_the_same_files_changes_nothing(warehouses):
    for relation, key in [
        ("marts.fct_interactions", "interaction_id"),
        ("marts.dim_customers", "customer_id"),
    ]:
        before = table_rows(warehouses["after_batches"], relation, key)
        after = table_rows(warehouses["incremental"], relation, key)
        assert before == after


def test_customer_ids_change_only_by_recorded_merges(warehouses):
    with connect(warehouses["first_batch"]) as con:
        before = {
            row[0] for row in con.execute("select customer_id from marts.dim_customers").fetchall()
        }
    with connect(warehouses["incremental"]) as con:
        after = {
            row[0] for row in con.execute("select customer_id from marts.dim_customers").fetchall()
        }
        merges = con.execute(
            "select previous_customer_id, customer_id, change_type, run_id "
            "from audit.identity_merges"
        ).fetchall()
        erased = {
            row[0]
            for row in con.execute(
                "select customer_id from intermediate.int_identifiers_clustered where is_erased"
            ).fetchall()
        }
    assert all(run_id for *_, run_id in merges)
    recorded = {previous for previous, *_ in merges}
    vanished = before - after - erased
    assert vanished <= recorded


FIXTURE_RAW = Path(__file__).parent / "fixtures" / "raw"
WEB_HEADER = (
    "event_id,event_timestamp,event_name,user_pseudo_id,user_id,page_location,item_id,value,"
    "currency,utm_source,utm_medium,utm_campaign,device_category,country,session_engaged\n"
)


def customer_of(db: Path, identifier_type: str, identifier_value: str) -> str:
    with connect(db) as con:
        (customer_id,) = con.execute(
            "select customer_id from intermediate.int_identifiers_resolved "
            "where identifier_type = ? and identifier_value = ?",
            [identifier_type, identifier_value],
        ).fetchone()
    return customer_id


def test_a_visitor_who_logs_in_on_a_later_run_is_merged_and_recorded(tmp_path):
    """Run 1 sees cookie ck_late browse anonymously (its own person); run 2 sees it log in
    as contact C001. The cookie's person merges into the contact's, whose id stays; the
    change is in audit.identity_merges with the run that made it."""
    raw, db = tmp_path / "raw", tmp_path / "warehouse.duckdb"
    shutil.copytree(FIXTURE_RAW, raw)
    (raw / "web" / "events_2026-01-03.csv").write_text(
        WEB_HEADER + "L1,1767434400000000,page_view,ck_late,,https://shop.example.com/,"
        ",,,,,,mobile,US,1\n"
    )
    build(raw, db, "--select", "+audit.identity_merges", "--indirect-selection", "cautious")
    visitor, contact = customer_of(db, "cookie", "ck_late"), customer_of(db, "contact_id", "C001")
    assert visitor != contact

    (raw / "web" / "events_2026-01-04.csv").write_text(
        WEB_HEADER + "L2,1767520800000000,login,ck_late,C001,https://shop.example.com/login,"
        ",,,,,,mobile,US,1\n"
    )
    build(raw, db, "--select", "+audit.identity_merges", "--indirect-selection", "cautious")
    assert customer_of(db, "cookie", "ck_late") == contact
    assert customer_of(db, "contact_id", "C001") == contact
    with connect(db) as con:
        merges = con.execute(
            "select previous_customer_id, customer_id, change_type, run_id "
            "from audit.identity_merges"
        ).fetchall()
    assert [(previous, new, kind) for previous, new, kind, _ in merges] == [
        (visitor, contact, "merge")
    ]
    assert merges[0][3]


def test_late_events_of_later_batches_are_counted(warehouses):
    """Batches carry events older than what earlier runs loaded; the incremental build
    (which equals the full refresh, above) holds them."""
    with connect(warehouses["incremental"]) as con:
        late = con.execute(
            """
            select count(*) from marts.fct_interactions
            where occurred_date < cast(
                regexp_extract(source_file, '(\\d{4}-\\d{2}-\\d{2})', 1) as date
            ) - interval 1 day
            """
        ).fetchone()[0]
    assert late > 0


def test_identity_matches_the_truth(warehouses):
    result = evaluate(warehouses["full"], warehouses["truth"])
    assert result.identifiers_evaluated > CUSTOMERS
    assert result.precision >= 0.995, result
    assert result.resolvable_recall >= 0.995, result
    # Recall against the truth is bounded by what staged records connect, never above it.
    assert result.recall <= result.recall_ceiling + 1e-9, result
    assert result.recall >= 0.98, result
    mismatches = [c for c in [*result.quarantine, *result.duplicates] if not c.ok]
    assert not mismatches


def business_text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute(
        f"""
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_schema in {BUSINESS_SCHEMAS} and data_type = 'VARCHAR'
        """
    ).fetchall()


def test_erased_persons_leave_no_trace(warehouses):
    with connect(warehouses["full"]) as con:
        erased = con.execute(
            """
            select distinct value from (
                select identifier_value as value from intermediate.int_identifiers_clustered
                where is_erased
                union all
                select node_key from intermediate.int_identifiers_clustered where is_erased
                union all
                select customer_id from intermediate.int_identifiers_clustered where is_erased
            )
            """
        ).fetchall()
        assert erased, "the generated data should contain erasure requests"
        con.execute(
            "create temp table erased as select * from (values "
            + ", ".join("(?)" for _ in erased)
            + ") as t(value)",
            [v for (v,) in erased],
        )
        leaks = []
        for schema, table, column in business_text_columns(con):
            found = con.execute(
                f"select count(*) from {schema}.{table} as t inner join erased "
                f'on position(lower(erased.value) in lower(t."{column}")) > 0'
            ).fetchone()[0]
            if found:
                leaks.append(f"{schema}.{table}.{column}: {found}")
    assert not leaks


def test_marts_carry_no_raw_email_or_phone(warehouses):
    with connect(warehouses["full"]) as con:
        leaks = []
        for schema, table, column in business_text_columns(con):
            if schema != "marts":
                continue
            found = con.execute(
                f"""
                select count(*) from {schema}.{table} as t
                where t."{column}" in (
                    select identifier_value from intermediate.int_identifiers_screened
                    where identifier_type in ('email', 'phone')
                ) or regexp_matches(t."{column}", '[^@\\s]+@[^@\\s]+\\.[a-z]+')
                """
            ).fetchone()[0]
            if found:
                leaks.append(f"{schema}.{table}.{column}: {found}")
    assert not leaks
