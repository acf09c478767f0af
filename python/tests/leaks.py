"""Finding identifier values anywhere in a warehouse file: the scanner the erasure tests
share (the end-to-end warehouse and the hand-written fixture)."""

from __future__ import annotations

import re

import duckdb

# A run of digits as a phone number is written in any format: `+1 (604) 823-4627`,
# `0044 20 7663 6437`, `512.308.1457`. Phone needles are the last eight digits of an E.164
# number, compared with the last eight digits of each such run.
PHONE_RUN = r"\+?[0-9][0-9 ().-]{6,}[0-9]"
PHONE_TAIL = 8

# What may hold an erased person's identifiers: the erasure requests themselves (their
# own fields, their quarantined records, the graph keys they name) and the hashed
# suppression list. (schema, table) -> the rows that are a request's, or None: all rows.
ERASURE_REQUEST_ROWS: dict[tuple[str, str], str | None] = {
    ("staging", "base_crm__erasure_requests"): None,
    ("audit", "erasure_suppression_list"): None,
    ("intermediate", "int_quarantined_rows_unioned"): "source_file like 'crm/erasure_requests_%'",
    ("intermediate", "int_erasure_identifiers"): "is_named_by_request",
}


def digits(value: str) -> str:
    return re.sub(r"[^0-9]", "", value)


def text_columns(
    con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] | None = None
) -> list[tuple[str, str, str]]:
    """(schema, table, column) of every VARCHAR column of a table (views hold no rows) in
    ``schemas``, or in every schema of the file when None."""
    where = "" if schemas is None else f"and c.table_schema in {schemas!r}"
    return con.execute(
        f"""
        select c.table_schema, c.table_name, c.column_name
        from information_schema.columns as c
        inner join information_schema.tables as t
            on c.table_schema = t.table_schema and c.table_name = t.table_name
        where t.table_type = 'BASE TABLE' and c.data_type = 'VARCHAR'
            and c.table_catalog = current_database() {where}
        order by 1, 2, 3
        """
    ).fetchall()


def find_values(
    con: duckdb.DuckDBPyConnection,
    columns: list[tuple[str, str, str]],
    texts: set[str],
    phones: set[str],
    excepted: dict[tuple[str, str], str | None] | None = None,
) -> list[str]:
    """Columns holding any of ``texts`` (case-insensitive substring) or any phone number
    of ``phones`` (E.164) in any format; one line per column with its count of rows.
    ``excepted`` maps (schema, table) to the rows not scanned (None: the whole table)."""
    excepted = excepted or {}
    con.execute("create or replace temp table needle_texts (value varchar)")
    con.executemany("insert into needle_texts values (?)", [[t.lower()] for t in sorted(texts)])
    con.execute("create or replace temp table needle_phones (tail varchar)")
    tails = sorted({digits(p)[-PHONE_TAIL:] for p in phones if len(digits(p)) >= PHONE_TAIL})
    if tails:
        con.executemany("insert into needle_phones values (?)", [[t] for t in tails])
    found = []
    for schema, table, column in columns:
        if (schema, table) in excepted and excepted[(schema, table)] is None:
            continue
        skip = excepted.get((schema, table))
        rows = (
            f"(select * from {schema}.{table} where not coalesce({skip}, false))"
            if skip
            else (f"{schema}.{table}")
        )
        value = f't."{column}"'
        (count,) = con.execute(
            f"""
            with runs as (
                select {value} as value, unnest(regexp_extract_all({value}, ?)) as run
                from {rows} as t
            )
            select count(*) from {rows} as t
            where exists (
                select 1 from needle_texts where position(needle_texts.value in lower({value})) > 0
            ) or {value} in (
                select runs.value from runs inner join needle_phones
                on right(regexp_replace(runs.run, '[^0-9]', '', 'g'), {PHONE_TAIL})
                    = needle_phones.tail
            )
            """,
            [PHONE_RUN],
        ).fetchone()
        if count:
            found.append(f"{schema}.{table}.{column}: {count}")
    return found
