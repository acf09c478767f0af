"""Staging on the hand-written landing folder: one test per quirk of the export contract.

``fixtures/raw`` holds small, hand-written exports with at least one example of every
quirk that ``../shared/raw-exports.md`` lists (BOM, CRLF, repeats, re-delivered files,
broken rows, extra columns, decimal commas, local times, ...). It is built once into a
temporary warehouse (staging, the reconciliation and the unfiltered quarantine), and each
test states what happens to one quirk: the value it is staged as, or the file, line and
reason it is quarantined with. Two more builds on altered copies of the folder cover a
folder that is empty or missing and a re-delivered file; files that cannot be read (a
required column missing, a wrong delimiter, not UTF-8, a stray quote) are test_bad_files'.
One test lands a later file on a copy and checks that the incremental fact table
follows a ticket version that takes back an interaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from landing import build
from leaks import ERASURE_REQUEST_ROWS, find_values, text_columns

from omniscore.validate import RESULTS_DDL, RESULTS_TABLE, Outcome, ValidationRun, record_results
from omniscore.warehouse import DbtResult, connect, run_dbt

pytestmark = pytest.mark.dbt

FIXTURE_RAW = Path(__file__).parent / "fixtures" / "raw"
# What staging needs and what checks it: the staging layer with its tests (tests/staging
# included), the per-file reconciliation and the unfiltered quarantine. Tests are selected
# only when all their parents are, so later layers' tests do not run on missing tables.
BUILD = [
    "--select",
    "staging",
    "file_reconciliation",
    "int_quarantined_rows_unioned",
    "--indirect-selection",
    "cautious",
]
REDELIVERED = "web/events_2026-01-01_redelivered.csv"

# Every record of the fixture that must be quarantined: (file, line, reason), read off the
# files by hand. The redelivered web file repeats the original, broken rows included.
WEB_BROKEN = [
    (7, "invalid_timestamp"),
    (8, "invalid_number"),
    (9, "timestamp_out_of_range"),
    (10, "timestamp_out_of_range"),
    (11, "unknown_currency"),
    (12, "unmapped_event_type"),
    (13, "wrong_column_count"),
    (14, "missing_required_value"),
    (15, "invalid_timestamp"),
]
EXPECTED_QUARANTINE = {
    ("app/events_2026-01-01.jsonl", 5, "malformed_json"),
    ("app/events_2026-01-01.jsonl", 6, "malformed_json"),
    ("app/events_2026-01-01.jsonl", 7, "invalid_timestamp"),
    ("app/events_2026-01-01.jsonl", 8, "invalid_number"),
    ("app/events_2026-01-01.jsonl", 9, "unmapped_event_type"),
    ("app/events_2026-01-01.jsonl", 10, "missing_required_value"),
    ("app/events_2026-01-01.jsonl", 11, "timestamp_out_of_range"),
    ("app/events_2026-01-01.jsonl", 14, "unknown_currency"),
    ("crm/contacts_2026-01-01.csv", 5, "invalid_timestamp"),
    ("crm/contacts_2026-01-01.csv", 6, "missing_required_value"),
    ("crm/contacts_2026-01-01.csv", 7, "wrong_column_count"),
    ("crm/contacts_2026-01-01.csv", 8, "timestamp_out_of_range"),
    ("crm/contacts_2026-01-01.csv", 9, "timestamp_out_of_range"),
    ("crm/erasure_requests_2026-01-02.csv", 6, "missing_required_value"),
    ("crm/erasure_requests_2026-01-02.csv", 7, "wrong_column_count"),
    ("crm/erasure_requests_2026-01-02.csv", 8, "wrong_column_count"),
    ("crm/contacts_2026-01-02.csv", 6, "invalid_timestamp"),
    ("email/activity_2026-01-01.csv", 8, "unmapped_event_type"),
    ("email/activity_2026-01-01.csv", 9, "missing_required_value"),
    ("email/activity_2026-01-01.csv", 10, "invalid_timestamp"),
    ("pos/transactions_2026-01-01.csv", 7, "unknown_store"),
    ("pos/transactions_2026-01-01.csv", 8, "invalid_timestamp"),
    ("pos/transactions_2026-01-01.csv", 9, "invalid_number"),
    ("pos/transactions_2026-01-01.csv", 10, "unknown_currency"),
    ("pos/transactions_2026-01-01.csv", 11, "invalid_timestamp"),
    ("pos/transactions_2026-01-01.csv", 12, "missing_required_value"),
    ("pos/transactions_2026-01-01.csv", 13, "wrong_column_count"),
    ("pos/transactions_2026-01-01.csv", 14, "invalid_number"),
    ("pos/stores.csv", 5, "missing_required_value"),
    ("pos/transactions_2026-01-02.csv", 4, "missing_required_value"),
    ("pos/transactions_2026-01-02.csv", 5, "unknown_store"),
    ("pos/transactions_2026-01-02.csv", 7, "unknown_currency"),
    ("social/interactions_2026-01-01.csv", 5, "invalid_number"),
    ("social/interactions_2026-01-01.csv", 6, "invalid_number"),
    ("social/interactions_2026-01-01.csv", 7, "unmapped_event_type"),
    ("social/interactions_2026-01-01.csv", 8, "invalid_timestamp"),
    ("support/tickets_2026-01-01.csv", 7, "invalid_timestamp"),
    ("support/tickets_2026-01-01.csv", 8, "timestamp_out_of_range"),
    ("support/tickets_2026-01-01.csv", 9, "missing_required_value"),
    ("support/tickets_2026-01-02.csv", 4, "invalid_timestamp"),
    ("support/tickets_2026-01-02.csv", 5, "timestamp_out_of_range"),
    ("support/tickets_2026-01-02.csv", 6, "invalid_timestamp"),
    ("web/events_2026-01-02.csv", 5, "unknown_currency"),
    *(("web/events_2026-01-01.csv", line, reason) for line, reason in WEB_BROKEN),
    *((REDELIVERED, line, reason) for line, reason in WEB_BROKEN),
}


@pytest.fixture(scope="module")
def build_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtResult]:
    """The fixture folder built once; the build must succeed (warnings allowed)."""
    work = tmp_path_factory.mktemp("staging_quirks")
    result = build(FIXTURE_RAW, work / "warehouse.duckdb", *BUILD)
    return work / "warehouse.duckdb", result


@pytest.fixture(scope="module")
def con(build_result: tuple[Path, DbtResult]) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(build_result[0]) as connection:
        yield connection


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture folder without the re-delivered file and the social folder, with an
    empty email folder, a header-only POS file and an empty (0-byte) erasure file, built
    the same way."""
    work = tmp_path_factory.mktemp("staging_variant")
    raw = work / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    (raw / REDELIVERED).unlink()
    shutil.rmtree(raw / "social")
    for path in (raw / "email").iterdir():
        path.unlink()
    header = (raw / "pos" / "transactions_2026-01-02.csv").read_text().splitlines()[0]
    (raw / "pos" / "transactions_2026-01-03.csv").write_text(header + "\n")
    (raw / "crm" / "erasure_requests_2026-01-03.csv").write_text("")
    build(raw, work / "warehouse.duckdb", *BUILD)
    return work / "warehouse.duckdb"


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> tuple:
    found = rows(con, sql, *params)
    assert len(found) == 1, found
    return found[0]


def quarantine_reason(con: duckdb.DuckDBPyConnection, source_file: str, line: int) -> str:
    return one(
        con,
        "select reason from intermediate.int_quarantined_rows_unioned "
        "where source_file = ? and source_line = ?",
        source_file,
        line,
    )[0]


def rate(con: duckdb.DuckDBPyConnection, currency: str) -> Decimal:
    """Reporting-currency value of one unit of ``currency`` (USD is the reporting currency)."""
    return Decimal(
        str(
            one(
                con,
                "select local.rate_to_usd / usd.rate_to_usd from config.exchange_rates as local "
                "cross join config.exchange_rates as usd "
                "where local.currency_code = ? and usd.currency_code = 'USD'",
                currency,
            )[0]
        )
    )


def data_records(path: Path) -> int:
    """Data records of a landed file counted independently of staging: CSV records (a
    quoted field may span lines) or JSON lines after the header, blank ones excluded."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".jsonl":
        return sum(1 for line in text.splitlines() if line.strip())
    delimiter = ";" if path.parent.name == "pos" else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return sum(1 for record in records[1:] if record)


# --- landing folder --------------------------------------------------------------------------


def test_every_raw_row_is_staged_dropped_or_quarantined_per_file(con):
    landed = {
        path.relative_to(FIXTURE_RAW).as_posix(): data_records(path)
        for path in FIXTURE_RAW.rglob("*")
        if path.is_file()
    }
    found = rows(
        con,
        "select source_file, raw_rows, staged_rows, duplicate_rows, quarantined_rows, "
        "is_reconciled from audit.file_reconciliation",
    )
    assert {row[0]: row[1] for row in found} == landed
    for source_file, raw, staged, duplicates, quarantined, is_reconciled in found:
        assert raw == staged + duplicates + quarantined, source_file
        assert is_reconciled, source_file


def test_reconciliation_singular_test_passes_on_the_fixture(build_result):
    _, result = build_result
    assert "PASS assert_every_file_reconciles" in result.output


def test_bom_and_crlf_are_stripped(con):
    # These files start with a BOM and end their lines in CRLF; their first and last
    # columns would otherwise carry the BOM and a carriage return.
    assert one(con, "select timezone from staging.stg_pos__stores where store_id = 'S1'") == (
        "America/Los_Angeles",
    )
    assert (
        one(
            con,
            "select count(*) from staging.stg_web__events where source_file = ?",
            "web/events_2026-01-01.csv",
        )[0]
        == 4
    )
    for model in (
        "base_web__events",
        "base_crm__contacts",
        "base_pos__stores",
        "base_support__tickets",
        "base_app__events",
    ):
        assert one(
            con,
            f"select count(*) from staging.{model} "
            "where contains(raw_record, chr(13)) or contains(raw_record, chr(65279))",
        ) == (0,), model


def test_blank_lines_are_not_records_but_keep_line_numbers(con):
    # web line 6 and app line 12 are blank: the records after them keep their line numbers.
    assert one(
        con,
        "select event_id from staging.base_web__events where source_file = ? and source_line = 7",
        "web/events_2026-01-01.csv",
    ) == ("W4",)
    assert one(con, "select event_id from staging.stg_app__events where source_line = 13") == (
        "A10",
    )
    assert rows(con, "select * from staging.base_app__events where source_line = 12") == []


def test_extra_columns_are_ignored(con):
    # web: session_engaged, crm file 2: favourite_colour, app: an unknown JSON key.
    assert one(con, "select count(*) from staging.stg_web__events where event_id = 'W14'") == (1,)
    assert one(con, "select email from staging.stg_crm__contacts where contact_id = 'C008'") == (
        "mo@example.com",
    )
    assert one(con, "select event_name from staging.stg_app__events where event_id = 'A10'") == (
        "push_opened",
    )
    columns = {row[0] for row in rows(con, "describe staging.stg_web__events")}
    assert "session_engaged" not in columns


def test_columns_are_found_by_name_in_any_order(con):
    # crm/contacts_2026-01-02.csv starts with updated_at.
    assert one(
        con,
        "select contact_id, email, updated_at, source_file from staging.stg_crm__contacts "
        "where contact_id = 'C001'",
    ) == ("C001", "jane@newmail.com", datetime(2026, 1, 2, 8), "crm/contacts_2026-01-02.csv")


def test_same_event_twice_is_counted_once(con):
    repeats = {
        ("staging.base_web__events", "event_id", "W1"): 4,  # twice in the file, twice redelivered
        ("staging.base_app__events", "event_id", "A1"): 2,
        ("staging.base_social__interactions", "interaction_id", "SO1"): 2,
        ("staging.base_pos__transactions", "transaction_line_id", "R1-1"): 2,  # across files
    }
    for (model, key, value), copies in repeats.items():
        ranks = rows(con, f"select duplicate_rank from {model} where {key} = ? order by 1", value)
        assert ranks == [(rank,) for rank in range(1, copies + 1)], value
    assert one(con, "select count(*) from staging.stg_web__events where event_id = 'W1'") == (1,)
    assert one(con, "select count(*) from staging.stg_app__events where event_id = 'A1'") == (1,)


def test_email_repeat_without_event_id_is_dropped_by_natural_key(con):
    # Lines 4 and 5 are the same click: same email, campaign, action, timestamp and url.
    found = rows(
        con,
        "select source_line, duplicate_rank from staging.base_email__activities "
        "where action = 'click' order by source_line",
    )
    assert found == [(4, 1), (5, 2)]


def test_redelivered_file_stages_nothing(con):
    row = one(
        con,
        "select raw_rows, staged_rows, duplicate_rows, quarantined_rows "
        "from audit.file_reconciliation where source_file = ?",
        REDELIVERED,
    )
    assert row == (14, 0, 14 - len(WEB_BROKEN), len(WEB_BROKEN))


def test_redelivered_file_changes_nothing(con, variant):
    """The web events staged with the re-delivered file equal those staged without it."""
    query = "select * from staging.stg_web__events order by event_id"
    with connect(variant) as without:
        assert rows(con, query) == rows(without, query)


def test_empty_folder_and_missing_channel_build_fine(variant):
    with connect(variant) as without:
        assert one(without, "select count(*) from staging.stg_email__activities") == (0,)
        assert one(without, "select count(*) from staging.stg_social__interactions") == (0,)
        channels = {
            row[0] for row in rows(without, "select channel from audit.file_reconciliation")
        }
        assert "email" not in channels
        assert "social" not in channels


def test_header_only_and_empty_files_are_listed_with_no_rows(variant):
    with connect(variant) as without:
        found = rows(
            without,
            "select source_file, raw_rows, staged_rows, is_reconciled "
            "from audit.file_reconciliation where source_file in (?, ?) order by 1",
            "crm/erasure_requests_2026-01-03.csv",
            "pos/transactions_2026-01-03.csv",
        )
    assert found == [
        ("crm/erasure_requests_2026-01-03.csv", 0, 0, True),
        ("pos/transactions_2026-01-03.csv", 0, 0, True),
    ]


# --- broken rows -----------------------------------------------------------------------------


def test_every_broken_row_is_quarantined_with_file_line_and_reason(con):
    found = set(
        rows(
            con,
            "select source_file, source_line, reason "
            "from intermediate.int_quarantined_rows_unioned",
        )
    )
    assert found == EXPECTED_QUARANTINE


def test_first_reason_in_contract_order_wins(con):
    # W13: unparseable timestamp, unknown currency and an unmapped name at once.
    assert quarantine_reason(con, "web/events_2026-01-01.csv", 15) == "invalid_timestamp"


def test_broken_row_delivered_twice_is_quarantined_twice(con):
    for source_file in ("web/events_2026-01-01.csv", REDELIVERED):
        assert quarantine_reason(con, source_file, 12) == "unmapped_event_type"


def test_timestamps_in_the_future_or_before_the_business_are_quarantined(con):
    assert quarantine_reason(con, "web/events_2026-01-01.csv", 9) == "timestamp_out_of_range"
    assert quarantine_reason(con, "web/events_2026-01-01.csv", 10) == "timestamp_out_of_range"
    assert quarantine_reason(con, "crm/contacts_2026-01-01.csv", 9) == "timestamp_out_of_range"


def test_unmapped_event_types_are_named_in_a_warning(build_result, con):
    _, result = build_result
    assert "WARN 4 warn_unmapped_event_types" in result.output
    found = set(rows(con, 'select * from "dbt_test__audit"."warn_unmapped_event_types"'))
    assert found == {
        ("app", "shake_detected", 1),
        ("email", "forward", 1),
        ("social", "repost", 1),
        ("web", "video_start", 2),
    }


def test_late_event_in_a_later_file_is_staged(con):
    # W11 in the second web file happened before every event of the first.
    assert one(
        con, "select occurred_at, source_file from staging.stg_web__events where event_id = 'W11'"
    ) == (datetime(2025, 12, 30, 10), "web/events_2026-01-02.csv")


# --- identifiers -----------------------------------------------------------------------------


def test_email_is_lower_case_and_trimmed(con):
    # "  Jane.Doe@Example.COM " (quoted, with spaces) and "Mo@Example.com".
    assert one(
        con,
        "select email from staging.base_crm__contacts where contact_id = 'C001' "
        "and source_file = 'crm/contacts_2026-01-01.csv'",
    ) == ("jane.doe@example.com",)
    assert one(con, "select email from staging.stg_crm__contacts where contact_id = 'C008'") == (
        "mo@example.com",
    )
    assert one(con, "select email from staging.stg_support__tickets where ticket_id = 'T1'") == (
        "jane.doe@example.com",
    )


def test_phones_become_e164(con):
    expected = {
        ("crm/contacts_2026-01-02.csv", "C001"): "+14155550101",  # +1 (415) 555-0101
        ("crm/contacts_2026-01-01.csv", "C002"): "+442079460958",  # GB, trunk prefix 0
        ("crm/contacts_2026-01-01.csv", "C004"): "+49301234567",  # 0049 international prefix
        ("crm/contacts_2026-01-02.csv", "C008"): "+14155550199",  # no country: default code
    }
    for (source_file, contact_id), phone in expected.items():
        assert one(
            con,
            "select phone from staging.base_crm__contacts where source_file = ? and contact_id = ?",
            source_file,
            contact_id,
        ) == (phone,), contact_id
    # Support tickets carry no country: national numbers take the default calling code.
    assert one(con, "select phone from staging.stg_support__tickets where ticket_id = 'T1'") == (
        "+14155550101",
    )


def test_placeholder_identifiers_are_staged_but_blocked_or_null(con):
    blocked = {
        row[0] for row in rows(con, "select identifier_value from config.blocked_identifiers")
    }
    # Typed all zeros is no phone number at all: null, so it can never link two people.
    assert one(con, "select phone from staging.stg_crm__contacts where contact_id = 'C003'") == (
        None,
    )
    assert one(con, "select phone from staging.stg_support__tickets where ticket_id = 'T5'") == (
        None,
    )
    # Other placeholders stay in staging; the identity layer skips the blocked values.
    staged = [
        one(con, "select email from staging.stg_crm__contacts where contact_id = 'C003'")[0],
        one(con, "select cookie_id from staging.stg_web__events where event_id = 'W14'")[0],
        one(con, "select device_id from staging.stg_app__events where event_id = 'A10'")[0],
    ]
    assert staged == ["test@test.com", "anonymous", "00000000-0000-0000-0000-000000000000"]
    assert set(staged) <= blocked


def test_social_handle_matches_without_at_and_case(con):
    handles = dict(rows(con, "select interaction_id, handle from staging.stg_social__interactions"))
    assert handles == {"SO1": "jane_doe", "SO2": "jane_doe", "SO7": "mo_lee"}
    assert one(
        con, "select instagram_handle from staging.stg_crm__contacts where contact_id = 'C001'"
    ) == ("jane_doe",)


# --- CRM and support versions ----------------------------------------------------------------


def test_crm_latest_updated_at_wins(con):
    # C001's later file is newer; C002's later file carries an older version.
    staged = dict(
        rows(
            con,
            "select contact_id, email from staging.stg_crm__contacts "
            "where contact_id in ('C001', 'C002')",
        )
    )
    assert staged == {"C001": "jane@newmail.com", "C002": "john@example.com"}
    superseded = rows(
        con,
        "select contact_id, source_file from staging.base_crm__contacts "
        "where duplicate_rank = 2 order by contact_id",
    )
    assert superseded == [
        ("C001", "crm/contacts_2026-01-01.csv"),
        ("C002", "crm/contacts_2026-01-02.csv"),
    ]


def test_crm_consent_flags_in_every_spelling(con):
    consents = {
        row[0]: row[1:]
        for row in rows(
            con,
            "select contact_id, is_marketing_consented, is_profiling_consented "
            "from staging.stg_crm__contacts",
        )
    }
    assert consents == {
        "C001": (True, False),  # 1 / N
        "C002": (False, False),  # 0 / false
        "C003": (None, None),  # empty: unknown
        "C008": (True, None),  # TRUE / maybe
        "C009": (None, None),  # empty: unknown
    }


def test_erasure_request_with_either_identifier(con):
    assert rows(
        con,
        "select request_id, contact_id, email from staging.stg_crm__erasure_requests "
        "where source_line <= 3 order by source_line",
    ) == [("E1", "C003", None), ("E2", None, "someone@example.com")]


def test_support_latest_updated_at_wins(con):
    staged = {
        row[0]: row[1:]
        for row in rows(
            con,
            "select ticket_id, status, source_file from staging.stg_support__tickets "
            "where ticket_id in ('T1', 'T2')",
        )
    }
    assert staged == {
        "T1": ("solved", "support/tickets_2026-01-02.csv"),
        "T2": ("open", "support/tickets_2026-01-01.csv"),
    }


def test_support_subject_with_commas_quotes_line_breaks_and_emoji(con):
    assert one(
        con, "select subject, tags from staging.stg_support__tickets where ticket_id = 'T2'"
    ) == ('Refund, please!\nI said "now" \U0001f600\n\nThanks', "refund;late_delivery")
    # The record after the four-line subject starts at line 7.
    assert quarantine_reason(con, "support/tickets_2026-01-01.csv", 7) == "invalid_timestamp"


# --- time zones ------------------------------------------------------------------------------


def test_support_iso_offsets_become_utc(con):
    found = dict(
        rows(
            con,
            "select ticket_id, created_at from staging.stg_support__tickets "
            "where ticket_id in ('T1', 'T2')",
        )
    )
    assert found == {
        "T1": datetime(2026, 1, 1, 11, 34, 56),  # +01:00
        "T2": datetime(2026, 1, 1, 13, 0),  # -05:00
    }


def test_web_epoch_microseconds_become_utc(con):
    assert one(con, "select occurred_at from staging.stg_web__events where event_id = 'W1'") == (
        datetime(2026, 1, 1, 10, 0),
    )


def test_app_event_time_with_and_without_fraction(con):
    found = dict(
        rows(
            con,
            "select event_id, occurred_at from staging.stg_app__events "
            "where event_id in ('A2', 'A10')",
        )
    )
    assert found == {
        "A2": datetime(2026, 1, 1, 10, 1, 0, 250000),
        "A10": datetime(2026, 1, 1, 13, 0),
    }


def test_email_account_time_zone_with_daylight_saving(con):
    # America/New_York: 09:00 is 14:00 UTC in January (EST) and 13:00 UTC in July (EDT).
    found = dict(
        rows(
            con,
            "select source_line, occurred_at from staging.stg_email__activities "
            "where source_line in (2, 6)",
        )
    )
    assert found == {2: datetime(2026, 1, 1, 14, 0), 6: datetime(2026, 7, 1, 13, 0)}


def test_store_local_time_becomes_utc_with_daylight_saving(con):
    found = dict(
        rows(
            con,
            "select transaction_line_id, occurred_at from staging.stg_pos__transactions "
            "where transaction_line_id in ('R1-1', 'R3-1', 'R2-1', 'R4-1')",
        )
    )
    assert found == {
        "R1-1": datetime(2026, 1, 1, 18, 30),  # Los Angeles, PST (-8)
        "R3-1": datetime(2026, 7, 1, 17, 0),  # Los Angeles, PDT (-7)
        "R2-1": datetime(2026, 7, 15, 11, 0),  # London, BST (+1)
        "R4-1": datetime(2026, 1, 2, 9, 0),  # London, GMT
    }


def test_store_time_in_the_spring_forward_gap_is_staged(con):
    # 29/03/2026 01:30 does not exist in London (clocks jump 01:00 -> 02:00): it is staged
    # at the UTC instant of one of the offsets around the gap, not dropped.
    occurred_at = one(
        con, "select occurred_at from staging.stg_pos__transactions where receipt_id = 'R12'"
    )[0]
    assert occurred_at in {datetime(2026, 3, 29, 0, 30), datetime(2026, 3, 29, 1, 30)}


def test_store_with_unknown_time_zone_quarantines_its_transactions(con):
    assert one(con, "select timezone from staging.stg_pos__stores where store_id = 'S3'") == (
        "Mars/Olympus_Mons",
    )
    assert quarantine_reason(con, "pos/transactions_2026-01-01.csv", 11) == "invalid_timestamp"


# --- numbers and money -----------------------------------------------------------------------


def test_pos_decimal_comma_and_thousands_separator(con):
    # 1.234,50 unit price, 34,50 discount: 1 x 1234.50 - 34.50.
    assert one(
        con,
        "select unit_price_local, discount_amount_local, amount_local, amount "
        "from staging.stg_pos__transactions where transaction_line_id = 'R1-2'",
    ) == (Decimal("1234.5"), Decimal("34.5"), Decimal("1200"), Decimal("1200"))
    # 12.50 in a decimal-comma file is not read as 1250: the row is quarantined.
    assert quarantine_reason(con, "pos/transactions_2026-01-01.csv", 14) == "invalid_number"


def test_web_thousands_separator_and_currency_conversion(con):
    local, currency, revenue = one(
        con,
        "select revenue_local, currency_code, revenue from staging.stg_web__events "
        "where event_id = 'W3'",
    )
    assert (local, currency) == (Decimal("1234.5"), "EUR")
    assert revenue == (local * rate(con, "EUR")).quantize(Decimal("0.0001"))


def test_pos_return_anonymous_shopper_and_other_currency(con):
    returned = one(
        con,
        "select is_return, quantity, amount_local, currency_code, amount "
        "from staging.stg_pos__transactions where transaction_line_id = 'R4-1'",
    )
    assert returned[:4] == (True, -1, Decimal("-12.5"), "EUR")
    assert returned[4] == (Decimal("-12.5") * rate(con, "EUR")).quantize(Decimal("0.0001"))
    anonymous = one(
        con,
        "select loyalty_card_id, currency_code, amount from staging.stg_pos__transactions "
        "where transaction_line_id = 'R2-1'",
    )
    assert anonymous[:2] == (None, "GBP")
    assert anonymous[2] == (Decimal("10") * rate(con, "GBP")).quantize(Decimal("0.0001"))


def test_social_sentiment_is_a_number_in_range(con):
    found = dict(
        rows(con, "select interaction_id, sentiment from staging.stg_social__interactions")
    )
    assert found == {"SO1": None, "SO2": 0.8, "SO7": -0.25}
    assert quarantine_reason(con, "social/interactions_2026-01-01.csv", 5) == "invalid_number"
    assert quarantine_reason(con, "social/interactions_2026-01-01.csv", 6) == "invalid_number"


# --- values staging checks: quarantined or warned, never a stopped build ---------------------


def test_store_without_time_zone_is_quarantined_and_its_transactions_too(con):
    # stores.csv line 5 (S4) has an empty time zone: quarantined, so the store is not staged
    # and its transaction R14 is an unknown store; before, the store was staged with a null
    # zone and stg_pos__stores' not_null test stopped the build.
    assert quarantine_reason(con, "pos/stores.csv", 5) == "missing_required_value"
    assert one(con, "select count(*) from staging.stg_pos__stores where store_id = 'S4'") == (0,)
    assert quarantine_reason(con, "pos/transactions_2026-01-02.csv", 5) == "unknown_store"


def test_empty_pos_quantity_is_quarantined_not_staged_as_null(con):
    assert quarantine_reason(con, "pos/transactions_2026-01-02.csv", 4) == "missing_required_value"
    assert one(
        con,
        "select count(*) from staging.stg_pos__transactions "
        "where quantity is null or unit_price_local is null or amount is null",
    ) == (0,)


def test_pos_return_refunds_the_price_less_the_discount(con):
    # R15 returns 2 units of 10,00 that carried a 3,00 discount: the refund is -(20 - 3).
    assert one(
        con,
        "select quantity, amount_local, amount, is_return from staging.stg_pos__transactions "
        "where transaction_line_id = 'R15-1'",
    ) == (-2, Decimal("-17"), Decimal("-17"), True)


def test_amount_without_currency_is_quarantined(con):
    for source_file, line in (
        ("pos/transactions_2026-01-02.csv", 7),
        ("web/events_2026-01-02.csv", 5),
        ("app/events_2026-01-01.jsonl", 14),
    ):
        assert quarantine_reason(con, source_file, line) == "unknown_currency", source_file


def test_support_updated_at_and_solved_at_are_checked(con):
    # T5's newer version has an unreadable updated_at: quarantined, not ranked last as a
    # silently superseded copy; T6's solved_at is ten years ahead; T7's does not parse.
    assert quarantine_reason(con, "support/tickets_2026-01-02.csv", 4) == "invalid_timestamp"
    assert quarantine_reason(con, "support/tickets_2026-01-02.csv", 5) == "timestamp_out_of_range"
    assert quarantine_reason(con, "support/tickets_2026-01-02.csv", 6) == "invalid_timestamp"
    assert rows(
        con,
        "select source_file, duplicate_rank from staging.base_support__tickets "
        "where ticket_id = 'T5' order by source_file",
    ) == [("support/tickets_2026-01-01.csv", 1), ("support/tickets_2026-01-02.csv", None)]
    staged = rows(
        con, "select ticket_id from staging.stg_support__tickets where ticket_id in ('T6', 'T7')"
    )
    assert staged == []


def test_crm_created_at_that_does_not_parse_is_quarantined(con):
    assert quarantine_reason(con, "crm/contacts_2026-01-02.csv", 6) == "invalid_timestamp"
    # an empty created_at is unknown, not wrong: C008 has one and is staged
    assert one(con, "select count(*) from staging.stg_crm__contacts where contact_id = 'C008'") == (
        1,
    )


def test_unexpected_enumeration_values_are_staged_and_named_in_warnings(build_result, con):
    _, result = build_result
    assert one(
        con, "select lifecycle_stage from staging.stg_crm__contacts where contact_id = 'C009'"
    ) == ("vip",)
    assert one(
        con,
        "select via_channel, satisfaction_rating from staging.stg_support__tickets "
        "where ticket_id = 'T8'",
    ) == ("api", "meh")
    for test in (
        "accepted_values_stg_crm__contacts_lifecycle_stage",
        "accepted_values_stg_support__tickets_via_channel",
        "accepted_values_stg_support__tickets_satisfaction_rating",
    ):
        assert f"WARN 1 {test}" in result.output, test


def test_bad_values_do_not_stop_the_full_build(tmp_path):
    """The whole project (identity, marts, audit) builds on the fixture with its bad store,
    quantities, timestamps and unexpected values: they are quarantined or warned about."""
    result = build(FIXTURE_RAW, tmp_path / "warehouse.duckdb")
    assert "WARN 1 accepted_values_dim_customers_lifecycle_stage" in result.output
    with connect(tmp_path / "warehouse.duckdb") as built:
        pos_facts = one(
            built, "select count(*) from marts.fct_interactions where source_file like 'pos/%'"
        )[0]
        assert pos_facts > 0
        assert one(built, "select count(*) from marts.dim_customers")[0] > 0


# --- incremental merge -----------------------------------------------------------------------

SUPPORT_HEADER = (
    "ticket_id,created_at,updated_at,solved_at,requester_email,requester_phone,via_channel,"
    "subject,status,priority,satisfaction_rating,tags\n"
)
FACT_BUILD = ["--select", "+fct_interactions", "--indirect-selection", "cautious"]


def facts(db: Path) -> list[tuple]:
    with connect(db) as connection:
        return rows(connection, "select * from marts.fct_interactions order by interaction_id")


def support_facts(db: Path) -> set[tuple]:
    with connect(db) as connection:
        return set(
            rows(
                connection,
                "select raw_event_name, source_file from marts.fct_interactions "
                "where interaction_id in (md5('support:T1:created'), md5('support:T1:solved'))",
            )
        )


def test_reopened_ticket_loses_its_solved_interaction_incrementally(tmp_path):
    """T1 is solved in the fixture's second file: the first build holds its `ticket_solved`
    interaction. A later file reopens it (later updated_at, no solved_at), so the ticket
    yields only `ticket_created` now. The incremental run (a merge, which only inserts and
    updates) must delete the solved interaction and equal a full refresh on the same files;
    the build's tests (assert_fct_interactions_complete among them) must pass."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    incremental.mkdir()
    full.mkdir()
    build(raw, incremental / "warehouse.duckdb", *FACT_BUILD)
    assert support_facts(incremental / "warehouse.duckdb") == {
        ("ticket_created", "support/tickets_2026-01-02.csv"),
        ("ticket_solved", "support/tickets_2026-01-02.csv"),
    }

    (raw / "support" / "tickets_2026-01-03.csv").write_text(
        SUPPORT_HEADER + "T1,2026-01-01T12:34:56+01:00,2026-01-03T09:00:00+01:00,,"
        "jane.doe@example.com,(415) 555-0101,email,Where is my order?,open,normal,offered,"
        "late_delivery\n"
    )
    build(raw, incremental / "warehouse.duckdb", *FACT_BUILD)
    assert support_facts(incremental / "warehouse.duckdb") == {
        ("ticket_created", "support/tickets_2026-01-03.csv"),
    }

    build(raw, full / "warehouse.duckdb", *FACT_BUILD, "--full-refresh")
    assert facts(incremental / "warehouse.duckdb") == facts(full / "warehouse.duckdb")


# --- erasure requests ------------------------------------------------------------------------

ERASURE_FILE = "crm/erasure_requests_2026-01-02.csv"
# John (C002) and Mo (C008) are one person in the fixture (they share a phone through ticket
# T2). Line 4 names C002 with an unparseable requested_at, line 5 names Mo's email without a
# request_id; neither request is well-formed, and each alone must erase the person.
JOHN_AND_MO = (
    "C002",
    "C008",
    "john@example.com",
    "old.john@example.com",
    "mo@example.com",
    "+442079460958",
    "+14155550199",
    "dev-1",
    "john_s",
    "mo_lee",
    "L-1008",
)


@pytest.fixture(scope="module")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture folder built through marts and audit (models only: the staging tests
    above check the data tests)."""
    work = tmp_path_factory.mktemp("erasure_full")
    build(FIXTURE_RAW, work / "warehouse.duckdb", command="run")
    return work / "warehouse.duckdb"


def business_leaks(con: duckdb.DuckDBPyConnection, values: list[str]) -> list[str]:
    """Text columns of marts and audit that contain any of ``values`` (any case); the
    suppression list holds the erased persons' hashes by design."""
    columns = rows(
        con,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('marts', 'audit') and data_type = 'VARCHAR' "
        "and table_name != 'erasure_suppression_list'",
    )
    leaks = []
    for schema, table, column in columns:
        for value in values:
            (found,) = one(
                con,
                f"select count(*) from {schema}.{table} "
                f'where position(lower(?) in lower("{column}")) > 0',
                value,
            )
            if found:
                leaks.append(f"{schema}.{table}.{column}: {value}")
    return leaks


def test_erasure_request_without_request_id_or_with_bad_requested_at_is_staged(con):
    assert rows(
        con,
        "select source_line, request_id, contact_id, email, requested_at "
        "from staging.stg_crm__erasure_requests where source_line > 3 order by source_line",
    ) == [
        (4, "E3", "C002", None, None),
        (5, None, None, "mo@example.com", datetime(2026, 1, 2, 13)),
        (9, "E8", "C404", None, datetime(2099, 1, 1)),
    ]


def test_erasure_request_naming_nobody_or_broken_is_quarantined(con):
    assert quarantine_reason(con, ERASURE_FILE, 6) == "missing_required_value"
    assert quarantine_reason(con, ERASURE_FILE, 7) == "wrong_column_count"
    assert quarantine_reason(con, ERASURE_FILE, 8) == "wrong_column_count"


def test_erasure_request_copy_is_counted_once(con):
    assert one(
        con,
        "select raw_rows, staged_rows, duplicate_rows, quarantined_rows "
        "from audit.file_reconciliation where source_file = ?",
        ERASURE_FILE,
    ) == (9, 5, 1, 3)
    assert one(
        con,
        "select source_line, duplicate_rank from staging.base_crm__erasure_requests "
        "where source_line = 10",
    ) == (10, 2)


def erased_by(con: duckdb.DuckDBPyConnection, request_id: str, key_kind: str) -> set[str]:
    """Keys the suppression list holds for the person that request erased."""
    return {
        key
        for (key,) in rows(
            con,
            "select suppressed_key from audit.erasure_suppression_list where request_id = ? "
            "and key_kind = ? and reached_by = 'erased_person'",
            request_id,
            key_kind,
        )
    }


def test_malformed_erasure_requests_still_erase_their_person(full_build):
    """E3 (line 4, unparseable requested_at) erased John and Mo, every identifier of theirs;
    the suppression list records it and nothing the business reads names them."""
    with connect(full_build) as con:
        keys = erased_by(con, "E3", "identifier")
        expected = {
            md5(f"{kind}:{value}")
            for kind, values in ERASED_PERSON.items()
            if kind != "cookie"
            for value in values
        }
        assert keys == expected
        (customer_id,) = erased_by(con, "E3", "customer")
        values = sorted({*JOHN_AND_MO, *keys, customer_id})
        assert business_leaks(con, values) == []


def test_quarantined_erasure_requests_show_no_raw_text(full_build):
    """Line 6 (no identifier) and line 8 (an extra field, naming nobody known) are listed
    without their text; line 7 (too few fields) names the erased C008 and is not listed."""
    with connect(full_build) as con:
        assert rows(
            con,
            "select source_line, reason, raw_record from audit.quarantined_rows "
            "where source_file = ? order by source_line",
            ERASURE_FILE,
        ) == [(6, "missing_required_value", None), (8, "wrong_column_count", None)]
        assert business_leaks(con, ["ghost@nowhere.example", "C777"]) == []


def test_erasure_requests_matching_nobody_are_reported_masked(full_build):
    with connect(full_build) as con:
        assert rows(
            con,
            "select request_id, contact_id_masked, email_masked, requested_at, "
            "is_blocked_identifier, source_file, source_line "
            "from audit.erasure_requests_unmatched order by source_line",
        ) == [
            ("E2", None, "so" + "*" * 15 + "om", datetime(2026, 1, 2, 12), False, ERASURE_FILE, 3),
            ("E8", "****", None, datetime(2099, 1, 1), False, ERASURE_FILE, 9),
        ]
        assert business_leaks(con, ["someone@example.com", "C404"]) == []


def test_identity_merges_of_an_erased_person_go_with_their_whole_chain(full_build, tmp_path):
    """B became A in one run and A became the erased person's current id in the next; a
    cycle and an unrelated change are there too. The post-hook deletes every row of the
    chain and keeps the unrelated one."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(full_build, db)
    with connect(db, read_only=False) as con:
        (erased,) = erased_by(con, "E3", "customer")
        con.execute(
            "insert into audit.identity_merges (run_id, run_started_at, previous_customer_id, "
            "customer_id, identifier_count, change_type) values "
            "('r1', '2026-01-01', 'old_b', 'old_a', 1, 'reassign'), "
            "('r2', '2026-01-02', 'old_a', ?, 2, 'merge'), "
            "('r2', '2026-01-02', 'old_c', ?, 1, 'merge'), "
            "('r0', '2025-12-31', 'old_a', 'old_b', 1, 'reassign'), "
            "('r2', '2026-01-02', 'other_x', 'other_y', 1, 'reassign')",
            [erased, erased],
        )
    env = {"DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs")}
    result = run_dbt(
        ["run", "--select", "identity_merges"], raw_dir=FIXTURE_RAW, db_path=db, extra_env=env
    )
    assert result.ok, result.output[-5000:]
    with connect(db) as con:
        assert rows(con, "select previous_customer_id, customer_id from audit.identity_merges") == [
            ("other_x", "other_y")
        ]


RESTORED_WEB = "web/events_restored.csv"
RESTORED_EMAIL = "email/activity_restored.csv"


def test_the_scrub_removes_what_an_older_state_left_in_a_run_that_adds_no_key(full_build, tmp_path):
    """A build that failed after adding suppression keys, or a table restored from an older
    state, leaves an erased person's rows behind: here a staged web event of C002 and a
    quarantined email record of Mo. A later run that erases nobody new (it adds no key)
    still scrubs them, and a second run finds nothing left (the scrub is idempotent)."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(full_build, db)
    with connect(db, read_only=False) as con:
        listed = rows(con, "select * from audit.erasure_suppression_list order by all")
        con.execute(
            "insert into staging.base_web__events (source_file, source_line, event_id, "
            "contact_id, is_erased) values "
            "(?, 2, 'W90', 'C002', false), (?, 3, 'W91', 'C500', false)",
            [RESTORED_WEB, RESTORED_WEB],
        )
        con.execute(
            "insert into audit.quarantined_rows (quarantine_id, channel, source_file, "
            "source_line, raw_record, reason) values "
            "('q90', 'email', ?, 2, 'MO@example.com,CMP1,Spring,open,not-a-time,,', "
            "'invalid_timestamp')",
            [RESTORED_EMAIL],
        )
    select = ["run", "--select", "dim_channels"]
    result = run_dbt(select, raw_dir=FIXTURE_RAW, db_path=db)
    assert result.ok, result.output[-5000:]
    assert "base_web__events: 1 rows, quarantined_rows: 1 rows" in result.output
    with connect(db) as con:
        assert rows(
            con,
            "select source_line, event_id, contact_id, is_erased, erased_from "
            "from staging.base_web__events where source_file = ? order by 1",
            RESTORED_WEB,
        ) == [(2, None, None, True, "staged"), (3, "W91", "C500", False, None)]
        assert rows(
            con, "select count(*) from audit.quarantined_rows where source_file = ?", RESTORED_EMAIL
        ) == [(0,)]
        assert rows(con, "select * from audit.erasure_suppression_list order by all") == listed
    result = run_dbt(select, raw_dir=FIXTURE_RAW, db_path=db)
    assert result.ok, result.output[-5000:]
    assert "nothing left to remove" in result.output


def test_validate_keeps_no_result_naming_an_erased_person(full_build, tmp_path):
    """`omniscore validate` appends its outcomes, then the erasure scrub of
    dq_validation_results removes those whose observed values name an erased person (Mo's
    email, in another case); the others stay."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(full_build, db)
    observed = ['{"unexpected_values": ["MO@Example.com", "x"]}', '{"unexpected_values": ["y"]}']
    run = ValidationRun(
        run_id="v1",
        started_at=datetime.now(UTC),
        outcomes=[
            Outcome("suite", "asset", "expect_x", "email", "error", False, value, "")
            for value in observed
        ],
    )
    assert record_results(db, run) == 2
    with connect(db) as con:
        assert rows(con, f"select observed_value from {RESULTS_TABLE}") == [(observed[1],)]


def test_erasure_reaches_identifiers_known_only_from_a_quarantined_crm_row(tmp_path):
    """C007's only CRM row is quarantined (dates before the business started), so nothing
    staged links C007 to past@example.com. An email to that address makes an email-only
    person; a request naming C007 must erase that person too, since the row says the
    address is C007's."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    (raw / "email" / "activity_2026-01-02.csv").write_text(
        "email,campaign_id,campaign_name,action,timestamp,url,bounce_type\n"
        "past@example.com,CMP3,Spring,open,2026-01-02 09:00:00,,\n"
    )
    (raw / "crm" / "erasure_requests_2026-01-03.csv").write_text(
        "request_id,contact_id,email,requested_at\nE9,C007,,2026-01-03T00:00:00Z\n"
    )
    build(raw, tmp_path / "warehouse.duckdb", command="run")
    with connect(tmp_path / "warehouse.duckdb") as con:
        # The quarantined row is C007's: a tombstone now, counted as what it was.
        assert one(
            con,
            "select erased_from from staging.base_crm__contacts "
            "where source_file = 'crm/contacts_2026-01-01.csv' and source_line = 9 and is_erased",
        ) == ("timestamp_out_of_range",)
        node_key = md5("email:past@example.com")
        assert node_key in erased_by(con, "E9", "identifier")
        (customer_id,) = erased_by(con, "E9", "customer")
        assert business_leaks(con, ["past@example.com", "C007", node_key, customer_id]) == []


# --- erasure everywhere ----------------------------------------------------------------------

# John and Mo (one person, erased by lines 4-5 of ERASURE_FILE) with a web cookie too: every
# identifier type, by type, and John's last name.
ERASED_PERSON = {
    "contact_id": ("C002", "C008"),
    "email": ("john@example.com", "old.john@example.com", "mo@example.com"),
    "phone": ("+442079460958", "+14155550199"),
    "cookie": ("ck-john",),
    "device": ("dev-1",),
    "loyalty_card": ("L-1008",),
    "social_handle": ("john_s", "mo_lee"),
}
ERASED_NAMES = ("Smith",)
WEB_HEADER = (
    "event_id,event_timestamp,event_name,user_pseudo_id,user_id,page_location,item_id,value,"
    "currency,utm_source,utm_medium,utm_campaign,device_category,country\n"
)


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def erased_person_leaks(db: Path) -> list[str]:
    """Every text column of every table of the warehouse file (staging, intermediate,
    marts, audit, scores) that holds one of the erased person's identifiers in any case or
    phone format, their name, a graph key of an identifier or a customer_id one of them
    could anchor; the erasure requests and the hashed suppression list excepted."""
    keys = {md5(f"{kind}:{value}") for kind, values in ERASED_PERSON.items() for value in values}
    texts = {v for kind, values in ERASED_PERSON.items() if kind != "phone" for v in values}
    texts |= set(ERASED_NAMES) | keys | {md5(f"customer:{key}") for key in keys}
    with connect(db) as con:
        columns = text_columns(con)
        assert {schema for schema, _, _ in columns} >= {"staging", "intermediate", "marts", "audit"}
        return find_values(con, columns, texts, set(ERASED_PERSON["phone"]), ERASURE_REQUEST_ROWS)


def reconciliation(db: Path, raw: Path) -> dict[str, tuple]:
    """file_reconciliation per file, each checked against the file's own record count."""
    with connect(db) as con:
        found = rows(
            con,
            "select source_file, raw_rows, staged_rows, duplicate_rows, quarantined_rows, "
            "erased_rows, is_reconciled from audit.file_reconciliation",
        )
    for source_file, raw_rows, staged, duplicates, quarantined, erased, is_reconciled in found:
        assert raw_rows == data_records(raw / source_file), source_file
        assert raw_rows == staged + duplicates + quarantined + erased and is_reconciled, source_file
    return {row[0]: row[1:6] for row in found}


def suppression_list(db: Path) -> list[tuple]:
    with connect(db) as con:
        return rows(con, "select * from audit.erasure_suppression_list order by all")


def test_an_erased_person_is_in_no_table_and_a_full_refresh_does_not_bring_them_back(tmp_path):
    """The build that sees the request leaves no row and no identifier of the erased person
    in any table (base models keep a tombstone per record: file and line); their records
    count as erased in file_reconciliation. Then landing retention deletes the request file
    and a late file brings the erased cookie back without a login: a full refresh re-reads
    everything, and the hashed suppression list, which survives it, keeps them out."""
    raw, work = tmp_path / "raw", tmp_path / "work"
    shutil.copytree(FIXTURE_RAW, raw)
    work.mkdir()
    (raw / "web" / "events_2026-01-03.csv").write_text(
        WEB_HEADER + "W50,1767261720000000,page_view,ck-john,C002,https://shop.example.com/,"
        ",,,,,,mobile,GB\n"
        "W51,not-a-time,page_view,CK-John,,https://shop.example.com/,,,,,,,mobile,GB\n"
        "W52,1767261720000000,page_view,ck-other,,https://shop.example.com/,,,,,,,mobile,GB\n"
    )
    db = work / "warehouse.duckdb"
    # `omniscore validate` wrote results before the request: one lists the erased email
    # among a column's unexpected values.
    with duckdb.connect(str(db)) as con:
        con.execute("create schema audit")
        con.execute(RESULTS_DDL)
        con.execute(
            f"insert into {RESULTS_TABLE} (run_id, run_started_at, suite, data_asset, "
            "expectation_type, severity, success, observed_value) values "
            "('v1', now(), 's', 'a', 'e', 'error', false, ?), "
            "('v1', now(), 's', 'a', 'e', 'error', false, ?)",
            ['{"unexpected_values": ["Mo@Example.com", "x"]}', '{"unexpected_values": ["y"]}'],
        )
    build(raw, db)
    assert erased_person_leaks(db) == []
    with connect(db) as con:
        assert rows(con, f"select observed_value from {RESULTS_TABLE}") == [
            ('{"unexpected_values": ["y"]}',)
        ]
    counts = reconciliation(db, raw)
    # (raw, staged, duplicate, quarantined, erased): W50 staged and W51 quarantined are his.
    assert counts["web/events_2026-01-03.csv"] == (3, 1, 0, 0, 2)
    assert counts["social/interactions_2026-01-01.csv"] == (8, 2, 1, 0, 5)
    listed = suppression_list(db)
    assert {row[1] for row in listed} == {"identifier", "token", "customer"}
    assert md5("cookie:ck-john") in {row[0] for row in listed}
    with connect(db) as con:
        # what the tombstones were, so the generator's counts still compare
        assert rows(
            con,
            "select source_line, erased_from from staging.base_web__events "
            "where source_file = 'web/events_2026-01-03.csv' and is_erased order by 1",
        ) == [(2, "staged"), (3, "invalid_timestamp")]
        assert rows(
            con, "select count(*) from audit.erasure_requests_unmatched where request_id = 'E3'"
        ) == [(0,)]

    (raw / ERASURE_FILE).unlink()
    (raw / "web" / "events_2026-01-04.csv").write_text(
        WEB_HEADER + "W60,1767261720000000,page_view,ck-john,,https://shop.example.com/,"
        ",,,,,,mobile,GB\n"
    )
    build(raw, db, "--full-refresh")
    assert erased_person_leaks(db) == []
    assert suppression_list(db) == listed
    counts = reconciliation(db, raw)
    assert counts["web/events_2026-01-04.csv"] == (1, 0, 0, 0, 1)
    assert counts["web/events_2026-01-03.csv"] == (3, 1, 0, 0, 2)


def test_identifiers_first_seen_beside_an_erased_one_are_erased_too(tmp_path):
    """After John and Mo are erased, a later file has W70 (a new cookie ck-new that logs in
    with the erased C002), W71 (ck-new alone), W73 (C002 with ck-only, seen nowhere else)
    and W74 (C002 with the placeholder cookie `anonymous`). W70, W73 and W74 are
    tombstones; ck-new and ck-only join the suppression list under John's request (ck-new
    with the person W71 made of it, W71 a tombstone by the build's end), the placeholder
    does not; no table keeps their keys. A full refresh with one more ck-new record
    tombstones it on read. In the first build a request naming only the placeholder
    test@test.com hides no quarantined record carrying it (it is not in the list)."""
    raw, work = tmp_path / "raw", tmp_path / "work"
    shutil.copytree(FIXTURE_RAW, raw)
    work.mkdir()
    db = work / "warehouse.duckdb"
    (raw / "crm" / "erasure_requests_2026-01-03.csv").write_text(
        "request_id,contact_id,email,requested_at\nE20,,test@test.com,2026-01-03T00:00:00Z\n"
    )
    (raw / "email" / "activity_2026-01-03.csv").write_text(
        "email,campaign_id,campaign_name,action,timestamp,url,bounce_type\n"
        "test@test.com,CMP9,Spring,open,not-a-time,,\n"
    )
    build(raw, db, command="run")
    with connect(db) as con:
        assert rows(
            con,
            "select source_line, reason from audit.quarantined_rows where source_file = ?",
            "email/activity_2026-01-03.csv",
        ) == [(2, "invalid_timestamp")]
        listed = {
            key for (key,) in rows(con, "select suppressed_key from audit.erasure_suppression_list")
        }
        assert md5("email:test@test.com") not in listed

    (raw / "web" / "events_2026-01-05.csv").write_text(
        WEB_HEADER
        + "".join(
            f"{event_id},1767261720000000,page_view,{cookie},{contact},https://shop.example.com/,"
            ",,,,,,mobile,GB\n"
            for event_id, cookie, contact in (
                ("W70", "ck-new", "C002"),
                ("W71", "ck-new", ""),
                ("W72", "ck-keep", ""),
                ("W73", "ck-only", "C002"),
                ("W74", "anonymous", "C002"),
            )
        )
    )
    build(raw, db, command="run")
    new_keys = {md5("cookie:ck-new"), md5("cookie:ck-only")}
    with connect(db) as con:
        assert rows(
            con,
            "select source_line, is_erased from staging.base_web__events "
            "where source_file = 'web/events_2026-01-05.csv' order by 1",
        ) == [(2, True), (3, True), (4, False), (5, True), (6, True)]
        listed = rows(
            con,
            "select suppressed_key, reached_by, request_id from audit.erasure_suppression_list "
            "where key_kind = 'identifier' and identifier_type = 'cookie'",
        )
        found = {
            (key, reached_by, request) for key, reached_by, request in listed if key in new_keys
        }
        # John and Mo's two requests (E3 and one without request_id) erased the same person
        assert {(key, reached_by) for key, reached_by, _ in found} == {
            (md5("cookie:ck-new"), "erased_person"),
            (md5("cookie:ck-only"), "erased_record"),
        }
        assert {key for key, _, request in found if request == "E3"} == new_keys
        assert md5("cookie:anonymous") not in {key for key, _, _ in listed}
        assert md5("cookie:ck-keep") not in {key for key, _, _ in listed}
        assert rows(
            con,
            "select count(*) from marts.fct_interactions where source_file = ?",
            "web/events_2026-01-05.csv",
        ) == [(1,)]
        # what the list took is scrubbed, and a placeholder never got there
        assert rows(con, "select count(*) from intermediate.int_erased_record_identifiers") == [
            (0,)
        ]
        for table in ("base_web__events", "base_crm__contacts"):
            assert rows(
                con,
                f"select count(*) from staging.{table} where erased_identifier_keys is not null",
            ) == [(0,)]
    texts = {"ck-new", "ck-only", *new_keys, *(md5(f"customer:{key}") for key in new_keys)}
    with connect(db) as con:
        assert find_values(con, text_columns(con), texts, set(), ERASURE_REQUEST_ROWS) == []

    (raw / "web" / "events_2026-01-06.csv").write_text(
        WEB_HEADER + "W80,1767261720000000,page_view,ck-new,,https://shop.example.com/,"
        ",,,,,,mobile,GB\n"
    )
    build(raw, db, "--full-refresh", command="run")
    with connect(db) as con:
        assert rows(
            con,
            "select is_erased, erased_from from staging.base_web__events "
            "where source_file = 'web/events_2026-01-06.csv'",
        ) == [(True, "staged")]
        assert find_values(con, text_columns(con), texts, set(), ERASURE_REQUEST_ROWS) == []
