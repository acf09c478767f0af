"""End-to-end: generated exports → dbt build → the properties the marts promise.

One small generated landing folder is built twice: once from scratch, once as a sequence
of incremental runs over the generator's daily batches. Both warehouses must hold the same
interactions and customers; identity must score against the truth; an erased person must
leave no trace in what the business can query; marts must hold no raw email or phone.
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from landing import build
from landing import generate as generate_landing
from leaks import ERASURE_REQUEST_ROWS, find_values, text_columns

from omniscore.cli import main
from omniscore.evaluate import evaluate
from omniscore.summary import SECTIONS
from omniscore.warehouse import connect

pytestmark = pytest.mark.dbt

CUSTOMERS, DAYS, FIRST_BATCH_DAYS, SEED = 600, 6, 3, 11
START = date(2026, 1, 1)
BUSINESS_SCHEMAS = ("marts", "audit")


def generate(out: Path, truth: Path, start: date, days: int) -> None:
    generate_landing(out, truth, customers=CUSTOMERS, seed=SEED, start=start, days=days)


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
    [
        ("marts.fct_interactions", "interaction_id"),
        ("marts.dim_customers", "customer_id"),
        ("marts.customer_scores", "customer_id"),
    ],
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
                "select suppressed_key from audit.erasure_suppression_list "
                "where key_kind = 'customer'"
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


def test_a_run_that_skipped_fct_interactions_is_caught_up_by_the_next(tmp_path):
    """Contacts C901, C902 and C903 share cookie ck_shared: one person. A later run screens
    the cookie (at most 2 persons per identifier), which splits them while the old
    customer_id survives with one of them; that run rebuilds identity but skips
    fct_interactions, and the run after it rebuilds identity again (its diff against the
    previous run is now empty). The run that finally builds fct_interactions must still
    move every row to its current person: the table equals a full refresh of it."""
    raw, db = tmp_path / "raw", tmp_path / "warehouse.duckdb"
    shutil.copytree(FIXTURE_RAW, raw)
    (raw / "web" / "events_2026-01-03.csv").write_text(
        WEB_HEADER + "S1,1767434400000000,login,ck_shared,C901,https://shop.example.com/login,"
        ",,,,,,mobile,US,1\n"
        + "S2,1767438000000000,login,ck_shared,C902,https://shop.example.com/login,"
        ",,,,,,mobile,US,1\n"
        + "S3,1767441600000000,login,ck_shared,C903,https://shop.example.com/login,"
        ",,,,,,mobile,US,1\n"
    )
    build(
        raw,
        db,
        "--select",
        "+fct_interactions",
        "+audit.identity_merges",
        "--indirect-selection",
        "cautious",
    )
    assert customer_of(db, "contact_id", "C901") == customer_of(db, "contact_id", "C902")

    screened = ("--vars", "{omniscore__identifier_max_persons: 2}")
    identity = ("--select", "+audit.identity_merges", "--exclude", "fct_interactions")
    build(raw, db, *identity, "--indirect-selection", "cautious", *screened)
    assert customer_of(db, "contact_id", "C901") != customer_of(db, "contact_id", "C902")
    build(raw, db, "--select", "int_identifiers_resolved", *screened)
    build(raw, db, "--select", "fct_interactions", "--indirect-selection", "cautious", *screened)

    full = tmp_path / "full.duckdb"
    shutil.copy(db, full)
    build(
        raw,
        full,
        "--select",
        "fct_interactions",
        "--full-refresh",
        "--indirect-selection",
        "cautious",
        *screened,
    )
    incremental = table_rows(db, "marts.fct_interactions", "interaction_id")
    assert incremental == table_rows(full, "marts.fct_interactions", "interaction_id")
    with connect(db) as con:
        owners = con.execute(
            "select count(distinct customer_id) from marts.fct_interactions "
            "where source_file like '%events_2026-01-03.csv'"
        ).fetchone()
    assert owners == (3,)


def test_late_events_of_later_batches_are_counted(warehouses):
    """Files landed after the first build carry events older than the newest one that build
    loaded. Every such event that a full refresh holds, the incremental runs hold too."""
    with connect(warehouses["first_batch"]) as con:
        landed_before = [
            row[0]
            for row in con.execute("select source_file from audit.file_reconciliation").fetchall()
        ]
        (newest_loaded,) = con.execute(
            "select max(occurred_at) from marts.fct_interactions"
        ).fetchone()
    with connect(warehouses["full"]) as con:
        con.execute("create temp table landed_before (source_file varchar)")
        con.executemany("insert into landed_before values (?)", [[f] for f in landed_before])
        late = {
            row[0]
            for row in con.execute(
                """
                select interaction_id from marts.fct_interactions
                where occurred_at < ?
                    and source_file not in (select source_file from landed_before)
                """,
                [newest_loaded],
            ).fetchall()
        }
    assert len(late) > 0, "the later batches should carry late events"
    with connect(warehouses["incremental"]) as con:
        held = {
            row[0]
            for row in con.execute("select interaction_id from marts.fct_interactions").fetchall()
        }
    missing = sorted(late - held)
    assert not missing, f"{len(missing)} of {len(late)} late events missing: {missing[:5]}"


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
    # Erasure tombstones the erased persons' records and no one else's: the truth's
    # per-record events say whose each tombstoned record was.
    assert result.tombstones_of_erased, result
    assert result.tombstones_of_others == 0, result


def business_text_columns(
    con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] = BUSINESS_SCHEMAS
) -> list[tuple[str, str, str]]:
    return con.execute(
        f"""
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_schema in {schemas} and data_type = 'VARCHAR'
        """
    ).fetchall()


def read_truth(truth: Path, name: str) -> list[dict[str, str]]:
    with (truth / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_find_values_finds_emails_and_phones_in_any_form():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.t as select * from (values ('a', 'Mail: Jo.Doe@Example.COM'), "
        "('b', 'call (604) 823-4627 today'), ('c', 'order 2045400000017'), ('d', null)) "
        "as t(key, note)"
    )
    columns = [("marts", "t", "key"), ("marts", "t", "note")]
    assert find_values(con, columns, {"jo.doe@example.com"}, {"+16048234627"}) == [
        "marts.t.note: 2"
    ]
    assert find_values(con, columns, {"someone@example.com"}, {"+16048234628"}) == []


def test_erased_persons_leave_no_trace(warehouses):
    """The erased persons are the generator's: every identifier it gave them (but those
    another person shares) and every customer_id the warehouse could have given them must
    be gone from every table of the warehouse file, staging and intermediate included,
    after incremental runs and after a full refresh; only the erasure requests themselves
    and the hashed suppression list may hold them. A request the warehouse fails to match
    leaks."""
    truth = warehouses["truth"]
    erased_persons = {
        row["person_id"] for row in read_truth(truth, "persons.csv") if row["is_erased"] == "true"
    }
    assert erased_persons, "the generated data should contain erasure requests"
    owners: dict[tuple[str, str], set[str]] = {}
    for row in read_truth(truth, "identifiers.csv"):
        key = (row["identifier_type"], row["identifier_value"])
        owners.setdefault(key, set()).add(row["person_id"])
    shared = {
        (row["identifier_type"], row["identifier_value"])
        for row in read_truth(truth, "shared_identifiers.csv")
    }
    identifiers = {
        key for key, persons in owners.items() if persons <= erased_persons and key not in shared
    }
    assert {kind for kind, _ in identifiers} >= {"contact_id", "email"}
    for db in (warehouses["full"], warehouses["incremental"]):
        with connect(db) as con:
            con.execute("create temp table erased_identifiers (kind varchar, value varchar)")
            con.executemany("insert into erased_identifiers values (?, ?)", sorted(identifiers))
            # The graph keys the warehouse would give them, and every customer_id one of
            # them could anchor: the suppression list must hold the persons' contact ids.
            keys = con.execute(
                """
                select md5(kind || ':' || value) as node_key,
                       md5('customer:' || md5(kind || ':' || value)) as customer_id,
                       md5(kind || ':' || value) in (
                           select suppressed_key from audit.erasure_suppression_list
                           where key_kind = 'identifier'
                       ) as is_suppressed,
                       kind
                from erased_identifiers
                """
            ).fetchall()
            suppressed_contacts = [k for k in keys if k[3] == "contact_id" and k[2]]
            assert suppressed_contacts, "the warehouse should have erased the persons"
            texts = (
                {value for kind, value in identifiers if kind != "phone"}
                | {customer_id for _, customer_id, _, _ in keys}
                | {node_key for node_key, _, _, _ in keys}
            )
            phones = {value for kind, value in identifiers if kind == "phone"}
            leaks = find_values(con, text_columns(con), texts, phones, ERASURE_REQUEST_ROWS)
        assert not leaks, f"{db.name}: {leaks}"


EMAIL_COLUMNS = {
    "crm/contacts_": ("email",),
    "crm/erasure_requests_": ("email",),
    "email/activity_": ("email",),
    "support/tickets_": ("requester_email",),
}
PHONE_COLUMNS = {"crm/contacts_": ("phone",), "support/tickets_": ("requester_phone",)}


def raw_values(raw: Path, columns: dict[str, tuple[str, ...]], looks_right: str) -> set[str]:
    """The values of ``columns`` exactly as the landing files write them (trimmed), where
    they look like what they should be (a broken row can shift its fields)."""
    values = set()
    for prefix, names in columns.items():
        for path in raw.glob(f"{prefix}*.csv"):
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for record in csv.DictReader(handle):
                    for name in names:
                        value = (record.get(name) or "").strip()
                        if re.fullmatch(looks_right, value):
                            values.add(value)
    return values


def test_marts_carry_no_raw_email_or_phone(warehouses):
    """No email or phone number, in its normalised form (the truth's) or as a channel wrote
    it (any case, any phone format), is in a mart column."""
    truth_identifiers = read_truth(warehouses["truth"], "identifiers.csv")
    emails = {r["identifier_value"] for r in truth_identifiers if r["identifier_type"] == "email"}
    phones = {r["identifier_value"] for r in truth_identifiers if r["identifier_type"] == "phone"}
    raw_emails = raw_values(warehouses["raw"], EMAIL_COLUMNS, r"[^@\s]+@[^@\s]+")
    raw_phones = raw_values(warehouses["raw"], PHONE_COLUMNS, r"\+?[0-9][0-9 ().-]{6,}[0-9]")
    assert emails and phones and raw_emails and raw_phones
    assert {e for e in raw_emails if e != e.lower()}, "the exports should write emails in any case"
    with connect(warehouses["full"]) as con:
        columns = business_text_columns(con, ("marts",))
        # Phones in any format are found by the truth's numbers; raw forms are also text.
        # (Raw placeholders such as `+1 000 000 0000` are no one's number: their last eight
        # digits would match any order id with eight zeros.)
        texts = emails | raw_emails | phones | raw_phones
        leaks = find_values(con, columns, texts, phones)
        for schema, table, column in columns:
            (looks_like_email,) = con.execute(
                f"""select count(*) from {schema}.{table} as t
                where regexp_matches(t."{column}", '[^@\\s]+@[^@\\s]+\\.[a-z]+', 'i')"""
            ).fetchone()
            if looks_like_email:
                leaks.append(f"{schema}.{table}.{column}: {looks_like_email} email-like")
    assert not leaks


def test_summary_reports_the_built_warehouse(warehouses, capsys):
    """`omniscore summary` on the full warehouse: every section, interactions per channel as
    the fact counts them, and one file line per landed file."""
    full = warehouses["full"]
    assert main(["summary", "--db", str(full)]) == 0
    out = capsys.readouterr().out
    sections = {}
    for block in out.split("\n\n"):
        title, *lines = block.splitlines()
        sections[title] = [line.split() for line in lines[1:]]
    assert set(sections) == {f"Warehouse {full}", *SECTIONS}

    with connect(full) as con:
        per_channel = dict(
            con.execute(
                "select channel, count(*) from marts.fct_interactions group by channel"
            ).fetchall()
        )
        (customers,) = con.execute("select count(*) from marts.dim_customers").fetchone()
    assert len(per_channel) >= 6
    reported = {
        row[0]: int(row[1].replace(",", "")) for row in sections["Interactions per channel"]
    }
    assert reported == per_channel
    persons = sum(int(row[1].replace(",", "")) for row in sections["Customers"])
    assert persons == customers
    landed_files = sum(1 for path in warehouses["raw"].rglob("*") if path.is_file())
    (files_row,) = sections["Files"]
    assert int(files_row[0].replace(",", "")) == landed_files
    assert files_row[-1] == "0"  # not reconciled


def test_lifetime_value_without_enough_data_builds_with_reasons(warehouses, tmp_path):
    """300 customers over 6 days are too few to fit BG/NBD (omniscore__clv_min_customers):
    the build passes, no parameters version is written, and every person of dim_customers
    has a customer_value row without a value and with its reason; a refusal of profiling
    comes first. The holdout figure has nothing to draw (exit 1)."""
    full = warehouses["full"]
    with connect(full) as con:
        (versions,) = con.execute("select count(*) from marts.clv_model_parameters").fetchone()
        (customers,) = con.execute("select count(*) from marts.dim_customers").fetchone()
        rows = con.execute(
            "select value.not_scored_reason, value.value_tier, "
            "coalesce(customers.is_profiling_consented, true) as may_profile, "
            "count(*), count(value.clv), count(value.p_alive), count(value.model_version) "
            "from marts.customer_value as value "
            "inner join marts.dim_customers as customers "
            "on value.customer_id = customers.customer_id group by all"
        ).fetchall()
    assert versions == 0
    assert sum(row[3] for row in rows) == customers
    assert all(valued == alive == version == 0 for *_, valued, alive, version in rows)
    by_reason = {(reason, tier, may_profile) for reason, tier, may_profile, *_ in rows}
    assert ("model_not_fitted", "not_scored", True) in by_reason
    assert ("no_purchases", "no_purchases", True) in by_reason
    for reason, _, may_profile in by_reason:
        assert (reason == "profiling_refused") == (not may_profile)
    assert main(["clv-plot", "--db", str(full), "--out", str(tmp_path / "clv.png")]) == 1
    assert not (tmp_path / "clv.png").exists()
