"""`omniscore validate`: run the Great Expectations suites of `expectations/`.

Every suite is reviewed JSON in ``expectations/<layer>/<name>.json`` and is loaded into an
ephemeral GX context at run time. A suite never sees a whole big table: it validates a
small frame that DuckDB computes first, so memory stays flat whatever the data size.

* **raw** suites (one per file type): DuckDB reads each landed file, one at a time, with
  every column as text and reduces it to one row of metrics (``row_count``,
  ``<column>__present``, ``__null_rate``, ``__parse_rate``, ``__mapped_rate``,
  ``__in_set_rate``, ``__min``/``__max``); the suite's ``meta.raw_files`` says which
  columns get which metric. GX then validates the file type's rows in one validation
  (its cost is per validation and expectation, not per row) with per-row expectations
  only, and every file keeps its own outcome per expectation (GX names the unexpected
  rows), so a failure still names the file and column.
* **staging**, **marts** and **audit** suites validate the result of the aggregate query
  beside them (``<name>.sql``), run on the warehouse opened read-only; a query may return
  at most ``MAX_PROFILE_ROWS`` rows. A failure names the rows by the frame's first column.

Each expectation carries ``meta.severity`` (``error`` or ``warning``) and ``meta.note``
(why it exists). A suite's ``meta.parameters`` reads value sets from the seeds and
thresholds from the dbt vars (GX's ``$PARAMETER``), so no setting is repeated in a suite:
``dbt_project.yml``'s defaults with the ``--vars`` of the ``dbt run`` / ``dbt build`` that
last built the suite's relation successfully merged over them (``audit.build_vars`` and
``audit.built_relations``, written by dbt hooks; a raw suite's relation is the staging
model that reads its files), so each relation is judged with the settings it was built
with. A landed file that passed before with the same path, size, content and suite is
skipped (``audit.dq_validated_files``, which also keeps a digest of each file's data
lines, so a new file repeating one validated in an earlier run is named). Results go to a GX Data
Docs site (the report) and are appended, in one short transaction at the end, to
``audit.dq_validation_results``. The command exits 1 when an error-level expectation
fails; warnings are reported and do not block.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import math
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from omniscore.erasure import ErasureScrubError, scrub_erased_records
from omniscore.warehouse import (
    DB_HELP,
    PROJECT_DIR,
    connect,
    db_path_from_env,
    raw_dir_from_env,
)

log = logging.getLogger(__name__)

EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
SEEDS_DIR = PROJECT_DIR / "seeds"
TAXONOMY_SEED = SEEDS_DIR / "interaction_taxonomy.csv"
DBT_PROJECT_FILE = PROJECT_DIR / "dbt_project.yml"
DEFAULT_REPORT_DIR = PROJECT_DIR / "data" / "validation"
LAYERS = ("raw", "staging", "marts", "audit")
SEVERITIES = ("error", "warning")
RESULTS_TABLE = "audit.dq_validation_results"
# One row per landed file a run validated (its fingerprint and whether it passed): a later
# run skips a file that passed with the same content and suite.
VALIDATED_FILES_TABLE = "audit.dq_validated_files"
# Written by the dbt hook macros/config/record_build_vars.sql: each run / build's --vars.
BUILD_VARS_TABLE = "audit.build_vars"
# Written by the dbt hook macros/config/record_built_relations.sql: the relations each run /
# build built successfully; a suite is judged with the vars of its relation's latest build.
BUILT_RELATIONS_TABLE = "audit.built_relations"
# A relation suite's query is an aggregate: more rows than this means it is not one.
MAX_PROFILE_ROWS = 10_000
# Marker of a report folder this command wrote, so that a rebuild only clears its own.
REPORT_MARKER = ".omniscore-validation"
# Front-end packages the report's pages load (`make report-assets` puts them here, from the
# npm registry); the pages are rewritten to use these copies so the report works offline.
REPORT_ASSETS_DIR = Path(
    os.environ.get("OMNISCORE_REPORT_ASSETS") or PROJECT_DIR / ".venv" / "report-assets"
)
# CDN address in GX's page templates -> file in the npm package of the same version.
REPORT_ASSET_FILES = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap/dist/js/bootstrap.min.js"
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap/dist/css/bootstrap.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js/dist/umd/popper.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table/dist/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table/dist/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    # The status icons (the stylesheet loads its fonts from ../webfonts/, copied too).
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "@fortawesome/fontawesome-free/css/all.min.css"
    ),
}
REPORT_ASSET_FOLDERS = ("@fortawesome/fontawesome-free/webfonts",)
CHROMIUM = Path("/usr/bin/chromium")
# Switches for a headless Chromium that talks to nothing on the network.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

RESULTS_DDL = f"""
    create table if not exists {RESULTS_TABLE} (
        run_id varchar not null,
        run_started_at timestamp with time zone not null,
        suite varchar not null,
        data_asset varchar not null,
        expectation_type varchar not null,
        column_name varchar,
        severity varchar not null,
        success boolean not null,
        observed_value varchar,
        note varchar
    )
"""


VALIDATED_FILES_DDL = f"""
    create table if not exists {VALIDATED_FILES_TABLE} (
        run_id varchar not null,
        run_started_at timestamp with time zone not null,
        suite varchar not null,
        suite_checksum varchar not null,
        data_asset varchar not null,
        size_bytes bigint not null,
        content_sha256 varchar not null,
        passed boolean not null,
        data_lines_sha256 varchar
    )
"""
# Tables written before the data-lines digest was kept get its column (null: such a file
# is not known as an earlier delivery until it is validated again).
VALIDATED_FILES_MIGRATION = (
    f"alter table {VALIDATED_FILES_TABLE} add column if not exists data_lines_sha256 varchar"
)


class ValidationSetupError(Exception):
    """Something that keeps the suites from running (a bad suite file, a missing input)."""


# --------------------------------------------------------------------------- suites


@dataclass(frozen=True)
class SuiteFile:
    """One suite as read from ``expectations/``."""

    name: str
    layer: str
    path: Path
    definition: dict[str, Any]
    query: str | None = None

    @property
    def raw_spec(self) -> dict[str, Any]:
        return self.definition["meta"]["raw_files"]

    @property
    def parameter_spec(self) -> dict[str, dict[str, Any]]:
        return (self.definition.get("meta") or {}).get("parameters") or {}

    @property
    def relation(self) -> str:
        """The relation (``<schema>.<name>``) whose build's vars the suite is judged with:
        the one it checks, named by the suite; for a raw suite, the staging model that
        reads its files (``meta.raw_files.staged_by``)."""
        if self.layer == "raw":
            return str(self.raw_spec["staged_by"])
        return self.name


def _parameters_used(value: Any) -> set[str]:
    """Names of the ``{"$PARAMETER": name}`` placeholders in an expectation's kwargs."""
    if isinstance(value, dict):
        if set(value) == {"$PARAMETER"}:
            return {str(value["$PARAMETER"])}
        return set().union(*(_parameters_used(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_parameters_used(v) for v in value))
    return set()


def parse_vars(text: str) -> dict[str, Any]:
    """Vars written as dbt's ``--vars`` takes them: a YAML (or JSON) mapping."""
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationSetupError(f"--vars {text!r} is not YAML: {error}") from error
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationSetupError(f"--vars {text!r} is not a mapping like '{{name: value}}'")
    return {str(name): var for name, var in value.items()}


def project_vars(project_file: Path = DBT_PROJECT_FILE) -> dict[str, Any]:
    """The vars' defaults, as ``dbt_project.yml`` documents them."""
    import yaml

    project = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    return dict((project or {}).get("vars") or {})


def resolve_parameters(
    suite: SuiteFile,
    seeds_dir: Path = SEEDS_DIR,
    project_file: Path = DBT_PROJECT_FILE,
    var_overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The values of a suite's ``meta.parameters``, so that a suite repeats no setting.

    ``{"seed": "<file stem>", "column": c, "where": {col: value}, "also": [...]}`` is the
    list of distinct values of column ``c`` of ``seeds/<file stem>.csv`` (rows filtered by
    ``where``) plus ``also``; ``{"var": "omniscore__x"}`` is the number a dbt var has: its
    default in ``dbt_project.yml`` (the file where every setting is documented) unless
    ``var_overrides`` (the ``--vars`` the build ran with, then validate's own) sets it.
    """
    values: dict[str, Any] = {}
    overrides = var_overrides or {}
    merged_vars: dict[str, Any] | None = None
    for name, source in suite.parameter_spec.items():
        if "seed" in source:
            seed = seeds_dir / f"{source['seed']}.csv"
            with seed.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            where = {key: str(value) for key, value in (source.get("where") or {}).items()}
            found = [
                row[source["column"]]
                for row in rows
                if all(row.get(key) == value for key, value in where.items())
            ]
            listed = list(dict.fromkeys([*found, *(source.get("also") or [])]))
            if not found:
                raise ValidationSetupError(
                    f"{suite.path}: parameter {name!r}: no value of column "
                    f"{source['column']!r} in {seed} where {where}"
                )
            values[name] = listed
        elif "var" in source:
            if merged_vars is None:
                merged_vars = {**project_vars(project_file), **overrides}
            value = merged_vars.get(source["var"])
            if isinstance(value, bool) or not isinstance(value, int | float):
                where_set = (
                    "given with --vars" if source["var"] in overrides else f"in {project_file}"
                )
                raise ValidationSetupError(
                    f"{suite.path}: parameter {name!r}: var {source['var']} {where_set} is "
                    f"{value!r}, not a number"
                )
            values[name] = value
        else:
            raise ValidationSetupError(
                f"{suite.path}: parameter {name!r} needs a 'seed' or a 'var' to read"
            )
    return values


def load_suites(expectations_dir: Path = EXPECTATIONS_DIR) -> list[SuiteFile]:
    """Every suite under ``expectations_dir/<layer>/``, checked for what the runner needs."""
    suites = []
    for layer in LAYERS:
        for path in sorted((expectations_dir / layer).glob("*.json")):
            definition = json.loads(path.read_text(encoding="utf-8"))
            name = definition.get("name")
            if name != f"{layer}.{path.stem}":
                raise ValidationSetupError(f"{path}: name must be {layer}.{path.stem!r}")
            for index, expectation in enumerate(definition.get("expectations") or []):
                meta = expectation.get("meta") or {}
                if meta.get("severity") not in SEVERITIES:
                    raise ValidationSetupError(
                        f"{path}: expectation {index} ({expectation.get('type')}) needs "
                        f"meta.severity 'error' or 'warning'"
                    )
                if not str(meta.get("note") or "").strip():
                    raise ValidationSetupError(
                        f"{path}: expectation {index} ({expectation.get('type')}) needs "
                        "meta.note saying why it exists"
                    )
            query = None
            if layer == "raw":
                if "raw_files" not in (definition.get("meta") or {}):
                    raise ValidationSetupError(f"{path}: a raw suite needs meta.raw_files")
                staged_by = definition["meta"]["raw_files"].get("staged_by")
                if not isinstance(staged_by, str) or staged_by.count(".") != 1:
                    raise ValidationSetupError(
                        f"{path}: meta.raw_files.staged_by must name the staging model that "
                        "reads the files, as '<schema>.<model>'"
                    )
                for index, expectation in enumerate(definition.get("expectations") or []):
                    # A raw suite runs on a frame of one row per file: an aggregate over
                    # the rows (a column's min) would judge all files at once.
                    if not str(expectation.get("type")).startswith("expect_column_values_"):
                        raise ValidationSetupError(
                            f"{path}: expectation {index} ({expectation.get('type')}) is not "
                            "judged per file; a raw suite uses expect_column_values_* only"
                        )
            else:
                sql_path = path.with_suffix(".sql")
                if not sql_path.exists():
                    raise ValidationSetupError(f"{path}: its query {sql_path.name} is missing")
                query = sql_path.read_text(encoding="utf-8")
            declared = set((definition.get("meta") or {}).get("parameters") or {})
            for index, expectation in enumerate(definition.get("expectations") or []):
                undeclared = _parameters_used(expectation.get("kwargs")) - declared
                if undeclared:
                    raise ValidationSetupError(
                        f"{path}: expectation {index} uses parameter(s) {sorted(undeclared)} "
                        "that meta.parameters does not declare"
                    )
            suites.append(SuiteFile(name, layer, path, definition, query))
    if not suites:
        raise ValidationSetupError(f"no suites found under {expectations_dir}")
    return suites


# ---------------------------------------------------------------- raw file metrics


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_taxonomy(path: Path = TAXONOMY_SEED) -> dict[str, set[str]]:
    """Raw event names per channel, from the taxonomy seed."""
    names: dict[str, set[str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names.setdefault(row["channel"], set()).add(row["raw_event_name"])
    return names


def _csv_source(path: Path, delimiter: str, columns: list[str] | None = None) -> str:
    # Every column as text; rows that cannot be read (wrong field count) are skipped
    # (dbt quarantines them with a reason; here only the file's overall shape matters).
    # With ``columns`` (the header's names) the dialect is not sniffed: DuckDB's sniffer
    # gives up on a file with a quote that never closes.
    dialect = "all_varchar = true"
    if columns is not None:
        names = ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in columns)
        dialect = f"auto_detect = false, columns = {{{names}}}"
    return (
        f"read_csv({_literal(str(path))}, {dialect}, header = true, "
        f"delim = {_literal(delimiter)}, quote = '\"', escape = '\"', strict_mode = false, "
        "ignore_errors = true)"
    )


def _csv_header_columns(path: Path, delimiter: str) -> list[str]:
    """The column names of a CSV file's header line, as written."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline().rstrip("\r\n")
    return next(csv.reader([first], delimiter=delimiter))


def _jsonl_lines(path: Path) -> str:
    """A JSONL file's non-blank lines (BOM and CR stripped) and whether each is an object."""
    return f"""
        with split_lines as (
            select unnest(string_split(content, chr(10))) as line
            from read_text({_literal(str(path))})
        ),
        lines as (
            select trim(replace(line, chr(65279), ''), chr(13) || ' ') as line
            from split_lines
        )
        select line, coalesce(json_valid(line) and left(line, 1) = '{{', false) as is_valid_json
        from lines
        where line <> ''
    """


def _jsonl_source(path: Path, fields: dict[str, str]) -> tuple[str, str]:
    """A JSONL file as one text column per field (JSON path) plus ``is_valid_json``, and a
    query counting the valid lines that carry each field."""
    extracted = ", ".join(
        f"json_extract_string(case when is_valid_json then line end, {_literal(json_path)}) "
        f"as {_identifier(name)}"
        for name, json_path in fields.items()
    )
    present = ", ".join(
        "count(*) filter (where case when is_valid_json then "
        f"json_exists(line, {_literal(json_path)}) end) as {_identifier(name)}"
        for name, json_path in fields.items()
    )
    lines = _jsonl_lines(path)
    source = f"(select is_valid_json, {extracted} from ({lines}))"
    return source, f"select {present} from ({lines})"


def _timestamp_parses(column: str, formats: Sequence[str]) -> str:
    value = f"trim({column})"
    if list(formats) == ["epoch_micros"]:
        return f"try_cast({value} as bigint) is not null"
    # As the staging macros do: a trailing Z is the +00:00 offset.
    normalised = f"regexp_replace({value}, '[Zz]$', '+00:00')"
    format_list = ", ".join(_literal(fmt) for fmt in formats)
    return f"try_strptime({normalised}, [{format_list}]) is not null"


def _number(column: str, decimal_separator: str) -> str:
    value = f"trim({column})"
    if decimal_separator == ",":
        return f"try_cast(replace(regexp_replace({value}, '[. ]', '', 'g'), ',', '.') as double)"
    return f"try_cast(replace({value}, ',', '') as double)"


# A file's parse rate among written values tells a changed format from stray bad rows only
# when enough values are written: web `value` appears on purchase events alone, and a day's
# file may hold three of them, one a quirk. Below this many values the parse rate is 1.0 (no
# verdict); the unparsed-rate warning, over all rows, still counts every bad value.
MIN_VALUES_FOR_PARSE_RATE = 10


def _rate(condition: str, among: str = "true") -> str:
    """Share of rows meeting ``condition`` among rows meeting ``among`` (1.0 when none do:
    nothing failed)."""
    return (
        f"coalesce(count(*) filter (where ({among}) and ({condition}))::double"
        f" / nullif(count(*) filter (where {among}), 0), 1.0)"
    )


def raw_file_metrics(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    spec: dict[str, Any],
    taxonomy: dict[str, set[str]],
) -> pd.DataFrame:
    """One row of metrics about one raw file, computed by DuckDB in one pass.

    A metric about a column the file lacks is null (the ``__present`` metric says why).
    """
    required: list[str] = spec["columns"]
    if spec["format"] == "jsonl":
        fields: dict[str, str] = spec["fields"]
        source, present_query = _jsonl_source(path, fields)
        counts = con.execute(present_query).fetchone()
        assert counts is not None
        # A key is present when some valid line carries it; every field can be read (a
        # field no line carries reads as empty, e.g. revenue on a day without purchases).
        present = {name for name, count in zip(fields, counts, strict=True) if count}
        available = set(fields)
        malformed = "malformed_rate"
        # Field metrics are about the lines that are JSON objects (the rest are malformed).
        readable = "is_valid_json"
    else:
        delimiter = spec.get("delimiter", ",")
        source = _csv_source(path, delimiter)
        try:
            header = con.execute(f"select * from {source} limit 0").description
        except duckdb.InvalidInputException:
            source = _csv_source(path, delimiter, _csv_header_columns(path, delimiter))
            header = con.execute(f"select * from {source} limit 0").description
        present = {column[0].strip().lower() for column in header}
        available = present
        # Column names as the file spells them, so metrics can refer to them.
        spelled = {column[0].strip().lower(): column[0] for column in header}
        malformed = None
        readable = "true"

    def ref(column: str) -> str:
        if spec["format"] == "jsonl":
            return _identifier(column)
        return _identifier(spelled[column])

    def non_empty(column: str) -> str:
        return f"nullif(trim({ref(column)}), '') is not null"

    selects = ["count(*) as row_count"]
    if malformed:
        selects.append(f"1 - {_rate('is_valid_json')} as {malformed}")
    for column in required:
        selects.append(f"{int(column in present)} as {_identifier(column + '__present')}")

    def metric(column: str, name: str, expression: str) -> None:
        alias = _identifier(f"{column}__{name}")
        selects.append(f"{expression if column in available else 'null::double'} as {alias}")

    for column in spec.get("identifiers", []):
        metric(
            column,
            "null_rate",
            f"1 - {_rate(non_empty(column), readable)}" if column in available else "",
        )

    def parse_metrics(column: str, parses: str | None) -> None:
        # parse_rate: among written values (a changed format drives it to 0);
        # unparsed_rate: among all rows (what staging would quarantine for this column).
        if parses is None:
            metric(column, "parse_rate", "")
            metric(column, "unparsed_rate", "")
            return
        written = f"{readable} and {non_empty(column)}"
        metric(
            column,
            "parse_rate",
            f"case when count(*) filter (where {written}) < {MIN_VALUES_FOR_PARSE_RATE} then 1.0"
            f" else {_rate(parses, written)} end",
        )
        parsed_or_empty = _rate(f"not {non_empty(column)} or {parses}", readable)
        metric(column, "unparsed_rate", f"1 - {parsed_or_empty}")

    for column, formats in spec.get("timestamps", {}).items():
        available_here = column in available
        parse_metrics(column, _timestamp_parses(ref(column), formats) if available_here else None)
    for column, number in spec.get("numbers", {}).items():
        if column in available:
            parsed = _number(ref(column), number["decimal_separator"])
            parse_metrics(column, f"{parsed} is not null")
            if number.get("range"):
                metric(column, "min", f"min({parsed})")
                metric(column, "max", f"max({parsed})")
        else:
            parse_metrics(column, None)
            if number.get("range"):
                metric(column, "min", "")
                metric(column, "max", "")
    if "taxonomy" in spec:
        column, channel = spec["taxonomy"]["column"], spec["taxonomy"]["channel"]
        names = ", ".join(_literal(name) for name in sorted(taxonomy.get(channel, set())))
        expression = (
            _rate(f"trim({ref(column)}) in ({names or 'null'})", readable)
            if column in available
            else ""
        )
        metric(column, "mapped_rate", expression)
    for column, values in spec.get("value_sets", {}).items():
        value_list = ", ".join(_literal(value) for value in values)
        expression = (
            _rate(f"lower(trim({ref(column)})) in ({value_list})", non_empty(column))
            if column in available
            else ""
        )
        metric(column, "in_set_rate", expression)

    cursor = con.execute(f"select {', '.join(selects)} from {source}")
    columns = [description[0] for description in cursor.description]
    row = cursor.fetchone()
    frame = pd.DataFrame([row], columns=columns)
    # Rates and bounds as floats (a column the file lacks is NaN, which fails its check),
    # rounded so that 1 - 0.95 compares equal to 0.05.
    for column in columns:
        if column != "row_count" and not column.endswith("__present"):
            frame[column] = frame[column].astype("float64").round(9)
    return frame


# ----------------------------------------------------------- files that cannot be read

# The problems that make staging set a file aside or quarantine a record by its text alone
# (read_csv_header, decode_raw_files, stitch_csv_records), found here without dbt: each is a
# text metric of the file, empty when the file does not have the problem, else where it is
# (line, column, delimiter). The raw suites expect them empty.
READ_PROBLEMS = (
    "not_utf8",
    "wrong_delimiter",
    "unbalanced_quote",
    "malformed_json",
    "no_data_rows",
    "repeated_delivery",
)
DELIMITER_NAMES = {",": "comma (,)", ";": "semicolon (;)", "\t": "tab", "|": "pipe (|)"}
# The dbt var that caps a quoted field's span in staging (macros/staging/stitch_csv_records);
# validate reads records by the same quote rules (csv_records) with the same cap, the
# value the build ran with.
MAX_QUOTED_FIELD_LINES_VAR = "omniscore__max_quoted_field_lines"


def _header_names(line: str, delimiter: str) -> list[str]:
    return [name.replace('"', "").strip().lower() for name in line.split(delimiter)]


@dataclass(frozen=True)
class QuoteScan:
    """One physical line read by staging's quote rules (macros/staging/csv_quote_patterns)
    from a record's start or from inside a quoted field: ``ends_inside`` (a quoted field
    is open at its end), ``breaks`` (read from inside: before any close, an odd run of
    quotes at the line's start or just after a delimiter is followed by text, i.e. a new
    record opening a quoted field), ``stray_field`` (the 0-based field of its first stray
    quote, None for none) and ``last_field`` (the field it ends in)."""

    ends_inside: bool
    breaks: bool
    stray_field: int | None
    last_field: int


def scan_quotes(line: str, delimiter: str, inside: bool, field: int = 0) -> QuoteScan:
    """Read ``line`` by the quote rules of staging: doubled quotes are one quote; a quote
    opens a quoted field only at a field's start, as an odd run of quotes (an even run
    there is an empty quoted field before a delimiter or the end of the line, else a stray
    quote), and closes it only just before the delimiter or the end of the line; any other
    quote is stray, literal text that changes nothing. ``field`` is the field the line
    starts in."""
    quoted, field_start, in_first_field = inside, not inside, inside
    breaks, stray = False, None
    index, length = 0, len(line)
    while index < length:
        char = line[index]
        if char != '"':
            if char == delimiter and not quoted:
                field += 1
                field_start = True
            else:
                field_start = False
            index += 1
            continue
        run_end = index
        while run_end < length and line[run_end] == '"':
            run_end += 1
        run = run_end - index
        after = line[run_end] if run_end < length else None
        at_segment_start = index == 0 or line[index - 1] == delimiter
        if not quoted and field_start:
            if run % 2 == 0:  # an empty quoted field, or a stray quote before text
                if after is not None and after != delimiter:
                    stray = field if stray is None else stray
                field_start = False
                index = run_end
                continue
            quoted, run = True, run - 1  # the first quote opens; the rest are read inside
        if not quoted:
            stray = field if stray is None else stray  # mid-field in an unquoted field
        elif run % 2 == 1:  # pairs are quotes; the last, lone one closes or is stray
            if after is None or after == delimiter:
                quoted = in_first_field = False
            else:
                stray = field if stray is None else stray
                if in_first_field and at_segment_start:
                    breaks = True
        field_start = False
        index = run_end
    return QuoteScan(quoted, breaks, stray, field)


def _clean_record_pattern(delimiter: str) -> re.Pattern[str]:
    """A line that is a whole record without a stray quote (csv_quote_patterns' `record`):
    most quoted lines are, and this spares them the scan."""
    other = f'[^"{re.escape(delimiter)}]*'
    field = f'(?:"(?:[^"]|"")*"|{other})'
    return re.compile(f"{field}(?:{re.escape(delimiter)}{field})*")


def csv_records(
    lines: list[str], delimiter: str, max_quoted_field_lines: int
) -> list[tuple[int, int, str, int]]:
    """The data records of a CSV file's ``lines`` (line 1 is the header) as staging
    stitches them (stitch_csv_records): (first line, last line, problem, field) with
    problem '' (none), 'left_open' (a quote opens a field that no line closes within
    ``max_quoted_field_lines`` lines before a line that opens or breaks) or 'stray' (a
    stray quote in the record), and field the 0-based field of the problem. Blank lines
    outside quoted fields are not records."""
    records: list[tuple[int, int, str, int]] = []
    clean = _clean_record_pattern(delimiter)
    count, number = len(lines), 2
    while number <= count:
        line = lines[number - 1]
        start = None
        if '"' in line and not clean.fullmatch(line):
            start = scan_quotes(line, delimiter, inside=False)
        if start is None or not start.ends_inside:
            if line != "":
                stray = start is not None and start.stray_field is not None
                field = start.stray_field if stray else 0
                records.append((number, number, "stray" if stray else "", field))
            number += 1
            continue
        scans, closing = [start], None
        for later in range(number + 1, min(count, number + max_quoted_field_lines - 1) + 1):
            text = lines[later - 1]
            if '"' not in text:
                continue
            inside = scan_quotes(text, delimiter, inside=True)
            if not inside.breaks and not inside.ends_inside:
                closing = later
                break
            if inside.breaks or scan_quotes(text, delimiter, inside=False).ends_inside:
                break
        if closing is None:
            records.append((number, number, "left_open", start.last_field))
            number += 1
            continue
        field = start.last_field
        for text in lines[number:closing]:
            scan = scan_quotes(text, delimiter, inside=True, field=field)
            scans.append(scan)
            field = scan.last_field
        strays = [scan.stray_field for scan in scans if scan.stray_field is not None]
        records.append((number, closing, "stray" if strays else "", strays[0] if strays else 0))
        number = closing + 1
    return records


def _unbalanced_quote(
    lines: list[str], header: list[str], delimiter: str, max_quoted_field_lines: int
) -> str:
    """Where the first record with a stray quote or a quote left open is, as staging
    finds it (csv_records)."""
    for first, _, problem, index in csv_records(lines, delimiter, max_quoted_field_lines):
        if problem:
            column = header[index] if index < len(header) else f"field {index + 1}"
            how = "stray quote" if problem == "stray" else "quote not closed"
            return f"unbalanced quote: line {first}, column {column} ({how})"
    return ""


def data_lines_digest(data_lines: Iterable[str]) -> str:
    """SHA-256 of a file's set of data lines (distinct, sorted): two files with the same
    digest hold the same records, whatever their order or repeats. The one definition of
    a repeated delivery, kept per validated file in ``audit.dq_validated_files``."""
    return hashlib.sha256("\n".join(sorted(set(data_lines))).encode()).hexdigest()


def read_problems(
    path: Path,
    spec: dict[str, Any],
    earlier: dict[str, str],
    max_quoted_field_lines: int,
    data_asset: str | None = None,
) -> tuple[dict[str, str], str | None]:
    """The file's READ_PROBLEMS (empty string: none) and the digest of its set of data lines
    (None when it has none or cannot be read as a whole).

    ``earlier`` maps the digest of each delivery known to this suite to the file (its
    ``data_asset``, by default its name) that first had it: files validated in earlier
    runs (``audit.dq_validated_files``) and those read before this one in this run. It is
    updated: a file whose set of data lines is that of an earlier delivery of another file
    (a re-delivery: every record repeats it) says which. A file sharing only some lines
    is not named (staging counts those rows as duplicates). A quoted field spans at most
    ``max_quoted_field_lines`` lines, as in staging."""
    problems = dict.fromkeys(READ_PROBLEMS, "")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems["not_utf8"] = f"not UTF-8 from line {line} (byte 0x{data[error.start]:02X})"
        return problems, None
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    jsonl = spec["format"] == "jsonl"
    # A blank line is an empty one, as in staging (a line of spaces is a record there).
    data_lines = [line for line in (lines if jsonl else lines[1:]) if line]
    if not any(line.strip() for line in lines):
        problems["no_data_rows"] = "no data rows: empty file"
        return problems, None
    if not data_lines:
        problems["no_data_rows"] = "no data rows: header only"
    if jsonl:
        for number, line in enumerate(lines, 1):
            if line:
                try:
                    ok = isinstance(json.loads(line), dict)
                except ValueError:
                    ok = False
                if not ok:
                    problems["malformed_json"] = (
                        f"malformed JSON: line {number} is not a JSON object"
                    )
                    break
    else:
        delimiter = spec.get("delimiter", ",")
        required = set(spec["columns"])
        header = _header_names(lines[0], delimiter)
        if not required <= set(header):
            for other, name in DELIMITER_NAMES.items():
                if other != delimiter and required <= set(_header_names(lines[0], other)):
                    expected = DELIMITER_NAMES[delimiter]
                    problems["wrong_delimiter"] = (
                        f"wrong delimiter: the header splits by {name}, not by {expected}"
                    )
                    return problems, None
        problems["unbalanced_quote"] = _unbalanced_quote(
            lines, header, delimiter, max_quoted_field_lines
        )
    if not data_lines:
        return problems, None
    digest = data_lines_digest(data_lines)
    first = earlier.setdefault(digest, data_asset or path.name)
    if first != (data_asset or path.name):
        problems["repeated_delivery"] = f"repeated delivery: every row repeats {first}"
    return problems, digest


def file_metrics(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    spec: dict[str, Any],
    taxonomy: dict[str, set[str]],
    earlier: dict[str, str],
    max_quoted_field_lines: int,
    data_asset: str | None = None,
) -> tuple[pd.DataFrame, str | None]:
    """raw_file_metrics and the file's read problems, and the digest of its data lines
    (read_problems). A file that cannot be read as a whole (not UTF-8, a wrong delimiter,
    empty) has only its problems and a row count of 0: its other metrics are null (not
    judged), so it is reported for the cause, not for every column it seems to lack."""
    problems, digest = read_problems(path, spec, earlier, max_quoted_field_lines, data_asset)
    unreadable = (
        problems["not_utf8"]
        or problems["wrong_delimiter"]
        or problems["no_data_rows"].endswith("empty file")
    )
    if unreadable:
        metrics = pd.DataFrame([{"row_count": 0}])
    elif problems["unbalanced_quote"]:
        # DuckDB's reader follows a quote by its own rules (a stray one can swallow the
        # rest of the file): it is given the records staging reads without a quote problem.
        delimiter = spec.get("delimiter", ",")
        with tempfile.TemporaryDirectory(prefix="omniscore-validate-") as folder:
            readable = Path(folder) / path.name
            readable.write_text(
                _records_without_quote_problems(path, delimiter, max_quoted_field_lines),
                encoding="utf-8",
            )
            metrics = raw_file_metrics(con, readable, spec, taxonomy)
    else:
        metrics = raw_file_metrics(con, path, spec, taxonomy)
    return metrics.assign(**problems), digest


def _records_without_quote_problems(path: Path, delimiter: str, max_quoted_field_lines: int) -> str:
    """A CSV file's header and those of its records (csv_records) without a stray quote or
    a quote left open, as text: the rows the metrics of a file with a quote problem are
    about, the records staging reads (the problem ones are quarantined)."""
    text = path.read_text(encoding="utf-8-sig")
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    kept = lines[:1]
    for first, last, problem, _ in csv_records(lines, delimiter, max_quoted_field_lines):
        if not problem:
            kept.extend(lines[first - 1 : last])
    return "\n".join(kept) + "\n"


def raw_files(raw_dir: Path, spec: dict[str, Any]) -> list[Path]:
    return sorted(path for path in raw_dir.glob(spec["pattern"]) if path.is_file())


# --------------------------------------------------------------- relation metrics


def relation_metrics(con: duckdb.DuckDBPyConnection, query: str, suite: str) -> pd.DataFrame:
    """The suite's aggregate query on the warehouse, refused when it is not small."""
    cursor = con.execute(query)
    columns = [description[0] for description in cursor.description]
    rows = cursor.fetchmany(MAX_PROFILE_ROWS + 1)
    if len(rows) > MAX_PROFILE_ROWS:
        raise ValidationSetupError(
            f"{suite}: its query returned more than {MAX_PROFILE_ROWS:,} rows; a suite's "
            "query must aggregate"
        )
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if frame[column].dtype == object and frame[column].map(_is_decimal).any():
            frame[column] = frame[column].astype("float64")
    return frame


def _is_decimal(value: object) -> bool:
    return type(value).__name__ == "Decimal"


# ------------------------------------------------------- what the warehouse remembers


@dataclass(frozen=True)
class FileFingerprint:
    """A landed file as a run saw it: its path in the landing folder, size and content, and
    once read, the digest of its set of data lines (data_lines_digest)."""

    data_asset: str
    size_bytes: int
    content_sha256: str
    data_lines_sha256: str | None = None


def file_fingerprint(raw_dir: Path, path: Path) -> FileFingerprint:
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return FileFingerprint(path.relative_to(raw_dir).as_posix(), path.stat().st_size, digest)


def suite_checksum(
    suite: SuiteFile,
    parameters: dict[str, Any],
    taxonomy: dict[str, set[str]],
    max_quoted_field_lines: int,
) -> str:
    """A checksum of everything a raw suite's verdict on a file depends on besides the file:
    the suite's definition, the values of its parameters, when it maps event names the
    taxonomy's names for its channel, and the quoted-field cap the read problems use. A
    change to any of them revalidates every file."""
    mapped = suite.raw_spec.get("taxonomy")
    judged = {
        "definition": suite.definition,
        "parameters": parameters,
        "taxonomy": sorted(taxonomy.get(mapped["channel"], set())) if mapped else None,
        "max_quoted_field_lines": max_quoted_field_lines,
    }
    text = json.dumps(judged, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Build:
    """A recorded `dbt run` / `dbt build` (audit.build_vars) and the --vars it ran with."""

    invocation_id: str
    command: str
    started_at: datetime
    cli_vars: dict[str, Any]

    def __str__(self) -> str:
        started = f"{self.started_at:%Y-%m-%d %H:%M} UTC"
        return f"`dbt {self.command}` of {started} ({self.invocation_id})"


@dataclass
class WarehouseState:
    """What earlier commands left in the warehouse that this run judges with."""

    # Per relation (`<schema>.<name>`), the latest `dbt run` / `dbt build` that built it
    # successfully (audit.built_relations) with the --vars it ran with (audit.build_vars).
    builds: dict[str, Build] = field(default_factory=dict)
    # (suite, suite checksum, data asset, size, sha256) of every file that passed.
    passed_files: set[tuple[str, str, str, int, str]] = field(default_factory=set)
    # Per suite, the digest of each set of data lines validated before and the file that
    # had it first (first run, then path): the earlier delivery a re-delivery repeats.
    first_deliveries: dict[str, dict[str, str]] = field(default_factory=dict)


def _table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, table = qualified.split(".")
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


def _column_exists(con: duckdb.DuckDBPyConnection, qualified: str, column: str) -> bool:
    schema, table = qualified.split(".")
    found = con.execute(
        "select count(*) from information_schema.columns "
        "where table_schema = ? and table_name = ? and column_name = ?",
        [schema, table, column],
    ).fetchone()
    return bool(found and found[0])


def read_warehouse_state(db_path: Path | None) -> WarehouseState:
    """The builds of each relation and the files validated before; empty for a missing
    warehouse."""
    state = WarehouseState()
    if db_path is None or not db_path.exists():
        return state
    con = connect(db_path, read_only=True)
    try:
        if _table_exists(con, BUILD_VARS_TABLE) and _table_exists(con, BUILT_RELATIONS_TABLE):
            latest = con.execute(
                "select built.relation_name, run.invocation_id, run.command, "
                "run.run_started_at, run.cli_vars "
                f"from {BUILT_RELATIONS_TABLE} as built "
                f"inner join {BUILD_VARS_TABLE} as run on built.invocation_id = run.invocation_id "
                "qualify row_number() over ("
                "partition by built.relation_name order by run.run_started_at desc) = 1"
            ).fetchall()
            for relation, invocation_id, command, started_at, cli_vars in latest:
                build = Build(invocation_id, command, started_at, json.loads(cli_vars))
                state.builds[relation] = build
        if _table_exists(con, VALIDATED_FILES_TABLE):
            state.passed_files = set(
                con.execute(
                    "select distinct suite, suite_checksum, data_asset, size_bytes, "
                    f"content_sha256 from {VALIDATED_FILES_TABLE} where passed"
                ).fetchall()
            )
            if _column_exists(con, VALIDATED_FILES_TABLE, "data_lines_sha256"):
                first = con.execute(
                    "select suite, data_lines_sha256, data_asset "
                    f"from {VALIDATED_FILES_TABLE} where data_lines_sha256 is not null "
                    "qualify row_number() over (partition by suite, data_lines_sha256 "
                    "order by run_started_at, data_asset) = 1"
                ).fetchall()
                for suite, digest, data_asset in first:
                    state.first_deliveries.setdefault(suite, {})[digest] = data_asset
    finally:
        con.close()
    return state


# ------------------------------------------------------------------- GX running


@dataclass(frozen=True)
class Outcome:
    """One expectation evaluated on one data asset."""

    suite: str
    data_asset: str
    expectation_type: str
    column: str | None
    severity: str
    success: bool
    observed_value: str | None
    note: str


@dataclass
class ValidationRun:
    run_id: str
    started_at: datetime
    report_index: Path | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    validated_assets: Counter[str] = field(default_factory=Counter)
    # Landed files not validated again: they passed before with the same content and suite.
    skipped_assets: Counter[str] = field(default_factory=Counter)
    # (suite, suite checksum, fingerprint, passed) of each landed file this run validated.
    validated_files: list[tuple[str, str, FileFingerprint, bool]] = field(default_factory=list)
    # Where the vars' values came from, for the summary.
    settings: str = ""

    @property
    def error_failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "error"]

    @property
    def warning_failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.error_failures


def _gx_context(report_dir: Path) -> Any:
    # No usage statistics leave this machine, whatever the environment says.
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={
            "omniscore": {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(report_dir),
                },
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "show_how_to_buttons": False,
                },
            }
        },
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _gx_suite(suite: SuiteFile) -> Any:
    from great_expectations import ExpectationSuite

    expectations = []
    for expectation in suite.definition["expectations"]:
        configured = dict(expectation)
        # GX's own severity field follows meta.severity: error is GX's "critical".
        configured["severity"] = (
            "critical" if expectation["meta"]["severity"] == "error" else "warning"
        )
        # The report shows an expectation's notes: its severity and why it exists.
        meta = expectation["meta"]
        configured["notes"] = f"**{meta['severity']}**: {meta['note']}"
        expectations.append(configured)
    return ExpectationSuite(
        name=suite.name, expectations=expectations, meta=suite.definition.get("meta", {})
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _observed(result: Any, key: str | None = None) -> str | None:
    """What the expectation saw, as short JSON text (with the keys of unexpected rows)."""
    if result.exception_info and result.exception_info.get("raised_exception"):
        return json.dumps({"exception": result.exception_info.get("exception_message")})
    details = result.result or {}
    if "observed_value" in details:
        return json.dumps(_json_safe(details["observed_value"]))
    if "unexpected_count" in details:
        summary = {
            "unexpected_count": details.get("unexpected_count"),
            "unexpected_values": details.get("partial_unexpected_list", [])[:10],
        }
        if key and details.get("unexpected_index_list"):
            summary["rows"] = [row.get(key) for row in details["unexpected_index_list"][:10]]
        return json.dumps(_json_safe(summary))
    return None


# Raw-file metrics about the whole file rather than one of its columns.
FILE_METRICS = frozenset({"row_count", "malformed_rate", *READ_PROBLEMS})


def _column_of(kwargs: dict[str, Any]) -> str | None:
    """The data column an expectation is about: a metric ``<column>__<metric>`` names it."""
    column = kwargs.get("column")
    if not column or column in FILE_METRICS:
        return None
    return str(column).split("__", 1)[0] if "__" in str(column) else str(column)


def _asset_name(data_asset: str) -> str:
    # GX keys its report pages by asset name and refuses '/' in them.
    return data_asset.replace("/", ":")


class SuiteRunner:
    """An ephemeral GX context holding every suite; validates frames one at a time."""

    def __init__(
        self,
        report_dir: Path,
        suites: Sequence[SuiteFile],
        suite_vars: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        """``suite_vars``: per suite name, the vars merged over dbt_project.yml's defaults."""
        self.context = _gx_context(report_dir)
        self.data_source = self.context.data_sources.add_pandas("omniscore")
        self.suites = {suite.name: self.context.suites.add(_gx_suite(suite)) for suite in suites}
        self.parameters = {
            suite.name: resolve_parameters(suite, var_overrides=(suite_vars or {}).get(suite.name))
            for suite in suites
        }

    def _run(
        self,
        suite: str,
        data_asset: str,
        frame: pd.DataFrame,
        run: ValidationRun,
        result_format: str | dict[str, Any],
    ) -> Any:
        import great_expectations as gx
        from great_expectations.core.run_identifier import RunIdentifier

        asset = self.data_source.add_dataframe_asset(name=_asset_name(data_asset))
        batch = asset.add_batch_definition_whole_dataframe("whole")
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(
                name=f"{suite} on {data_asset}", data=batch, suite=self.suites[suite]
            )
        )
        return definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=self.parameters[suite] or None,
            result_format=result_format,
            # The report lists results under the run id that dq_validation_results carries.
            run_id=RunIdentifier(run_name=run.run_id, run_time=run.started_at),
        )

    def validate_files(
        self, suite: str, data_asset: str, frame: pd.DataFrame, run: ValidationRun
    ) -> list[Outcome]:
        """One GX validation of a frame with one row per file (column ``data_asset``), kept
        as one outcome per file and expectation: GX names the rows it found unexpected.

        GX judges each file's row on its own (``expect_column_values_*``); a null metric
        (about a column the file lacks, whose ``__present`` check fails) is not judged.
        """
        result = self._run(
            suite,
            data_asset,
            frame,
            run,
            {
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ["data_asset"],
                "return_unexpected_index_query": False,
            },
        )
        files = frame["data_asset"].tolist()
        outcomes = []
        for expectation_result in result.results:
            config = expectation_result.expectation_config
            meta = config.meta or {}
            column = config.kwargs.get("column")
            raised = expectation_result.exception_info or {}
            if raised.get("raised_exception"):
                failed = set(files)
                observed: list[str | None] = [
                    json.dumps({"exception": raised.get("exception_message")})
                ] * len(files)
            else:
                details = expectation_result.result or {}
                failed = {row["data_asset"] for row in details.get("unexpected_index_list") or []}
                values = frame[column].tolist() if column in frame else [None] * len(files)
                observed = [json.dumps(_json_safe(value)) for value in values]
            for file, observed_value in zip(files, observed, strict=True):
                outcomes.append(
                    Outcome(
                        suite=suite,
                        data_asset=file,
                        expectation_type=config.type,
                        column=_column_of(config.kwargs),
                        severity=meta.get("severity", "error"),
                        success=file not in failed,
                        observed_value=observed_value,
                        note=meta.get("note", ""),
                    )
                )
        return outcomes

    def validate(
        self, suite: str, data_asset: str, frame: pd.DataFrame, run: ValidationRun
    ) -> list[Outcome]:
        # The rows an expectation found unexpected are named by the frame's first column
        # (a channel, a stage, a model and split), so the summary says which one failed.
        key = str(frame.columns[0]) if len(frame.columns) else None
        result_format: dict[str, Any] = {"result_format": "SUMMARY"}
        if key:
            result_format = {
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [key],
                "return_unexpected_index_query": False,
            }
        result = self._run(suite, data_asset, frame, run, result_format)
        outcomes = []
        for expectation_result in result.results:
            config = expectation_result.expectation_config
            meta = config.meta or {}
            outcomes.append(
                Outcome(
                    suite=suite,
                    data_asset=data_asset,
                    expectation_type=config.type,
                    column=_column_of(config.kwargs),
                    severity=meta.get("severity", "error"),
                    success=bool(expectation_result.success),
                    observed_value=_observed(expectation_result, key),
                    note=meta.get("note", ""),
                )
            )
        return outcomes

    def build_report(self) -> None:
        self.context.build_data_docs()


def _prepare_report_dir(report_dir: Path) -> None:
    """An empty folder for the report; a folder this command did not write is refused
    unless empty, so a wrong ``--report-dir`` never deletes someone's files."""
    if report_dir.exists() and any(report_dir.iterdir()):
        if not (report_dir / REPORT_MARKER).exists():
            raise ValidationSetupError(
                f"{report_dir} is not empty and holds no earlier validation report: "
                "choose an empty or new folder"
            )
        shutil.rmtree(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / REPORT_MARKER).write_text(
        "Written by `omniscore validate`; the folder is rebuilt on every run.\n", encoding="utf-8"
    )


def localise_report_assets(report_dir: Path, assets_dir: Path = REPORT_ASSETS_DIR) -> bool:
    """Point the report's pages at local copies of the scripts and styles they load.

    GX's pages load jQuery, Bootstrap and bootstrap-table from public CDNs and draw the
    index's tables with them: offline (or behind a proxy) the index shows no results. The
    files are copied into ``static/vendor/`` and every page is rewritten to use them, so the
    folder is self-contained. Icons, charts and the dark theme still come from CDNs (the
    results read the same without them). Returns False, leaving the CDN addresses, when the
    packages are not installed.
    """
    missing = [rel for rel in REPORT_ASSET_FILES.values() if not (assets_dir / rel).is_file()]
    if missing:
        log.warning(
            "report assets missing from %s (%s): the report loads its scripts from public "
            "CDNs; `make report-assets` installs them",
            assets_dir,
            missing[0],
        )
        return False
    vendor = report_dir / "static" / "vendor"
    for rel in REPORT_ASSET_FILES.values():
        target = vendor / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets_dir / rel, target)
    for folder in REPORT_ASSET_FOLDERS:
        shutil.copytree(assets_dir / folder, vendor / folder, dirs_exist_ok=True)
    for page in report_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for url, rel in REPORT_ASSET_FILES.items():
            if url in text:
                local = Path(os.path.relpath(vendor / rel, page.parent)).as_posix()
                text = text.replace(url, local)
        page.write_text(text, encoding="utf-8")
    return True


def run_validation(
    *,
    raw_dir: Path | None,
    db_path: Path | None,
    report_dir: Path,
    layers: Iterable[str] = LAYERS,
    expectations_dir: Path = EXPECTATIONS_DIR,
    taxonomy_path: Path = TAXONOMY_SEED,
    cli_vars: dict[str, Any] | None = None,
    all_files: bool = False,
) -> ValidationRun:
    """Validate every landed file (``raw_dir``) and every checked relation (``db_path``)
    with the suites of the chosen layers, and write the report to ``report_dir``.

    Thresholds taken from dbt vars are the ones each suite's relation was built with: the
    defaults of ``dbt_project.yml``, then the ``--vars`` of the latest ``dbt run`` /
    ``dbt build`` that built the relation successfully (``audit.built_relations``,
    ``audit.build_vars``; none recorded: the defaults), then ``cli_vars``. A landed file
    that passed before with the same path, size, content and suite is skipped unless
    ``all_files``. The warehouse is only read here; see ``record_results`` for writing.
    """
    wanted = set(layers)
    suites = [suite for suite in load_suites(expectations_dir) if suite.layer in wanted]
    run = ValidationRun(
        run_id=f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}",
        started_at=datetime.now(UTC),
    )
    state = read_warehouse_state(db_path)
    run.settings = _describe_settings(suites, state, cli_vars or {})
    _prepare_report_dir(report_dir)
    suite_vars = {
        suite.name: {
            **(build.cli_vars if (build := state.builds.get(suite.relation)) else {}),
            **(cli_vars or {}),
        }
        for suite in suites
    }
    runner = SuiteRunner(report_dir, suites, suite_vars)
    defaults = project_vars()

    raw_suites = [suite for suite in suites if suite.layer == "raw"]
    if raw_suites:
        if raw_dir is None or not raw_dir.is_dir():
            raise ValidationSetupError(f"landing folder {raw_dir} does not exist")
        taxonomy = load_taxonomy(taxonomy_path)
        with duckdb.connect() as con:
            for suite in raw_suites:
                # DuckDB reduces each file to a row of metrics, one file at a time; GX then
                # validates the suite's files in one go (its cost is per validation and
                # expectation, not per row), and each file keeps its own outcomes.
                quoted_cap = {**defaults, **suite_vars[suite.name]}[MAX_QUOTED_FIELD_LINES_VAR]
                try:
                    max_quoted_field_lines = int(quoted_cap)
                except (TypeError, ValueError) as error:
                    raise ValidationSetupError(
                        f"{suite.name}: {MAX_QUOTED_FIELD_LINES_VAR}={quoted_cap!r} (--vars or "
                        f"the vars {suite.relation} was built with) is not an integer"
                    ) from error
                checksum = suite_checksum(
                    suite, runner.parameters[suite.name], taxonomy, max_quoted_field_lines
                )
                rows = []
                fingerprints = []
                # The first delivery of each set of data lines: files validated in earlier
                # runs (skipped now or not), then those read in this run, in path order. A
                # file repeating another's is named, whether or not that one is read now.
                earlier = dict(state.first_deliveries.get(suite.name, {}))
                for path in raw_files(raw_dir, suite.raw_spec):
                    fingerprint = file_fingerprint(raw_dir, path)
                    known = (suite.name, checksum, fingerprint.data_asset)
                    known += (fingerprint.size_bytes, fingerprint.content_sha256)
                    if not all_files and known in state.passed_files:
                        run.skipped_assets[suite.name] += 1
                        continue
                    data_asset = fingerprint.data_asset
                    log.debug("measuring %s for %s", data_asset, suite.name)
                    metrics, digest = file_metrics(
                        con,
                        path,
                        suite.raw_spec,
                        taxonomy,
                        earlier,
                        max_quoted_field_lines,
                        data_asset,
                    )
                    rows.append(metrics.assign(data_asset=data_asset))
                    fingerprints.append(replace(fingerprint, data_lines_sha256=digest))
                if rows:
                    frame = pd.concat(rows, ignore_index=True)
                    frame = frame[["data_asset", *frame.columns.drop("data_asset")]]
                    outcomes = runner.validate_files(suite.name, suite.name, frame, run)
                    run.outcomes += outcomes
                    failed = {
                        o.data_asset for o in outcomes if not o.success and o.severity == "error"
                    }
                    run.validated_files += [
                        (suite.name, checksum, f, f.data_asset not in failed) for f in fingerprints
                    ]
                run.validated_assets[suite.name] += len(rows)
                log.info(
                    "%s: %d file(s), %d skipped",
                    suite.name,
                    len(rows),
                    run.skipped_assets[suite.name],
                )

    relation_suites = [suite for suite in suites if suite.layer != "raw"]
    if relation_suites:
        if db_path is None or not db_path.exists():
            raise ValidationSetupError(f"warehouse {db_path} does not exist: run `dbt build`")
        con = connect(db_path, read_only=True)
        try:
            for suite in relation_suites:
                assert suite.query is not None
                frame = relation_metrics(con, suite.query, suite.name)
                run.outcomes += runner.validate(suite.name, suite.name, frame, run)
                run.validated_assets[suite.name] += 1
                log.info("%s: %d profile row(s)", suite.name, len(frame))
        finally:
            con.close()

    runner.build_report()
    localise_report_assets(report_dir)
    run.report_index = report_dir / "index.html"
    return run


def _describe_settings(
    suites: Sequence[SuiteFile], state: WarehouseState, cli_vars: dict[str, Any]
) -> str:
    """Where the thresholds came from, for the summary: the build whose --vars each suite
    is judged with (that of its relation), with the suites it serves."""
    served: dict[str | None, tuple[Build | None, list[str]]] = {}
    for suite in suites:
        build = state.builds.get(suite.relation)
        key = build.invocation_id if build else None
        served.setdefault(key, (build, []))[1].append(suite.name)
    lines = [
        "dbt_project.yml's defaults with the --vars of the dbt run / build that last built "
        "each suite's relation:"
    ]
    ordered = sorted(
        served.values(), key=lambda item: (item[0] is not None, item[0] and item[0].started_at)
    )
    for build, names in ordered:
        listed = ", ".join(names) if len(names) <= 3 else f"{len(names)} suites"
        if build is None:
            where = f"{BUILT_RELATIONS_TABLE}, {BUILD_VARS_TABLE}"
            lines.append(f"  no build recorded ({where}), the defaults: {listed}")
        else:
            given = json.dumps(build.cli_vars, default=str) if build.cli_vars else "none"
            lines.append(f"  the --vars of {build}: {given}: {listed}")
    if cli_vars:
        lines.append(f"then validate's --vars: {json.dumps(cli_vars, default=str)}")
    return "\n".join(lines)


def record_results(db_path: Path, run: ValidationRun) -> int:
    """Append the run's outcomes to ``audit.dq_validation_results`` in one transaction,
    then remove those naming an erased person (observed values can list identifiers) with
    the build's erasure scrub, which reads the table's columns from its source YAML."""
    rows = pd.DataFrame(
        [
            {
                "run_id": run.run_id,
                "run_started_at": run.started_at,
                "suite": o.suite,
                "data_asset": o.data_asset,
                "expectation_type": o.expectation_type,
                "column_name": o.column,
                "severity": o.severity,
                "success": o.success,
                "observed_value": o.observed_value,
                "note": o.note,
            }
            for o in run.outcomes
        ],
        columns=[
            "run_id",
            "run_started_at",
            "suite",
            "data_asset",
            "expectation_type",
            "column_name",
            "severity",
            "success",
            "observed_value",
            "note",
        ],
    )
    files = pd.DataFrame(
        [
            {
                "run_id": run.run_id,
                "run_started_at": run.started_at,
                "suite": suite,
                "suite_checksum": checksum,
                "data_asset": fingerprint.data_asset,
                "size_bytes": fingerprint.size_bytes,
                "content_sha256": fingerprint.content_sha256,
                "passed": passed,
                "data_lines_sha256": fingerprint.data_lines_sha256,
            }
            for suite, checksum, fingerprint, passed in run.validated_files
        ],
        columns=[
            "run_id",
            "run_started_at",
            "suite",
            "suite_checksum",
            "data_asset",
            "size_bytes",
            "content_sha256",
            "passed",
            "data_lines_sha256",
        ],
    )
    con = connect(db_path, read_only=False)
    try:
        con.execute("begin transaction")
        con.execute("create schema if not exists audit")
        con.execute(RESULTS_DDL)
        con.register("validation_outcomes", rows)
        con.execute(f"insert into {RESULTS_TABLE} by name select * from validation_outcomes")
        # The files' fingerprints go with their results: a later run skips those that passed.
        con.execute(VALIDATED_FILES_DDL)
        con.execute(VALIDATED_FILES_MIGRATION)
        con.register("validated_files", files)
        con.execute(f"insert into {VALIDATED_FILES_TABLE} by name select * from validated_files")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.close()
    scrub_erased_records(db_path, [RESULTS_TABLE.split(".")[1]])
    return len(rows)


# ------------------------------------------------------------------ presenting


def summarise_run(run: ValidationRun) -> str:
    """Counts per suite and severity, then every failure with its file and column."""
    from omniscore.summary import render_table

    per_suite: dict[str, Counter[str]] = {}
    for outcome in run.outcomes:
        counts = per_suite.setdefault(outcome.suite, Counter())
        counts["checks"] += 1
        if not outcome.success:
            counts[f"failed_{outcome.severity}"] += 1
    # A suite whose files were all skipped has no outcomes and still gets its row.
    for suite in run.skipped_assets:
        per_suite.setdefault(suite, Counter())
    rows = [
        (
            suite,
            run.validated_assets[suite],
            run.skipped_assets[suite],
            counts["checks"],
            counts["failed_error"],
            counts["failed_warning"],
        )
        for suite, counts in sorted(per_suite.items())
    ]
    header = ["suite", "assets", "skipped", "checks", "failed errors", "failed warnings"]
    parts = [f"Validation run {run.run_id}", render_table(header, rows)]
    if run.settings:
        parts.append(f"Thresholds: {run.settings}")
    skipped = sum(run.skipped_assets.values())
    if skipped:
        parts.append(
            f"{skipped} landed file(s) skipped: they passed before with the same content and "
            "suite (--all-files validates them again)"
        )
    failures = sorted(
        run.error_failures + run.warning_failures,
        key=lambda o: (o.severity != "error", o.suite, o.data_asset, o.column or ""),
    )
    if failures:
        parts.append("\nFailures")
        parts.append(
            render_table(
                ["severity", "data asset", "column", "expectation", "observed"],
                [
                    (o.severity, o.data_asset, o.column or "", o.expectation_type, o.observed_value)
                    for o in failures
                ],
            )
        )
    verdict = (
        f"\n{len(run.error_failures)} error(s), {len(run.warning_failures)} warning(s) failed"
        + ("" if run.ok else ": error-level expectations failed")
    )
    parts.append(verdict)
    if run.report_index:
        parts.append(f"Report: {run.report_index}")
    return "\n".join(parts)


def chromium_command(url: str, *extra: str, user_data_dir: Path) -> list[str]:
    return [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", *extra, url]


def screenshot(index: Path, png: Path, *, width: int = 1400, height: int = 900) -> Path:
    """A PNG of the report's index page, taken by headless Chromium."""
    if not CHROMIUM.exists():
        raise ValidationSetupError(f"{CHROMIUM} is missing: `make chromium` installs it")
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="omniscore-chromium-") as profile:
        command = chromium_command(
            index.resolve().as_uri(),
            f"--screenshot={png.resolve()}",
            f"--window-size={width},{height}",
            "--hide-scrollbars",
            user_data_dir=Path(profile),
        )
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    return png


def run(args: argparse.Namespace) -> int:
    # GX logs its own start-up at INFO; the summary below is what a person reads.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    db_path = Path(args.db) if args.db else db_path_from_env()
    raw_dir = Path(args.raw_dir) if args.raw_dir else raw_dir_from_env()
    report_dir = Path(args.report_dir)
    layers = args.layer or list(LAYERS)
    try:
        result = run_validation(
            raw_dir=raw_dir,
            db_path=db_path,
            report_dir=report_dir,
            layers=layers,
            cli_vars=parse_vars(args.vars) if args.vars else None,
            all_files=args.all_files,
        )
        if db_path.exists():
            written = record_results(db_path, result)
            log.info("appended %d result(s) to %s", written, RESULTS_TABLE)
        else:
            log.warning("warehouse %s does not exist: results not recorded", db_path)
        print(summarise_run(result))
        if args.screenshot:
            assert result.report_index is not None
            print(f"Screenshot: {screenshot(result.report_index, Path(args.screenshot))}")
    except (ValidationSetupError, FileNotFoundError, duckdb.Error, ErasureScrubError) as error:
        log.error("%s", error)
        return 2
    except subprocess.SubprocessError as error:
        log.error("screenshot failed: %s", error)
        return 2
    return 0 if result.ok else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="run the Great Expectations suites on the landed files and the warehouse",
        description=(
            "Validate every landed file not validated before (raw suites: one row of "
            "metrics per file, one GX validation per file type) and the staging, mart and "
            "audit relations (aggregate queries) with the suites of expectations/, each with "
            "the thresholds its relation was last built with (by a dbt run / build), write the "
            "Data Docs report, append the outcomes to audit.dq_validation_results and print "
            "a summary. Exit 1 when an error-level expectation fails (warnings do not "
            "block), 2 when the suites cannot run."
        ),
    )
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument(
        "--raw-dir", help="landing folder (default: $OMNISCORE_RAW_DIR or data/raw)"
    )
    parser.add_argument(
        "--report-dir",
        default=str(DEFAULT_REPORT_DIR),
        help="folder of the Data Docs report, rebuilt on every run (default: data/validation)",
    )
    parser.add_argument(
        "--layer",
        action="append",
        choices=LAYERS,
        help="validate only this layer (repeatable; default: all)",
    )
    parser.add_argument(
        "--vars",
        metavar="YAML",
        help=(
            "dbt vars as `dbt --vars` takes them, e.g. '{omniscore__min_holdout_auc: 0.6}', "
            "over the --vars of the dbt run / build that last built each suite's relation "
            "(audit.built_relations, audit.build_vars), which the thresholds follow by "
            "default, and dbt_project.yml's defaults"
        ),
    )
    parser.add_argument(
        "--all-files",
        action="store_true",
        help=(
            "validate every landed file; by default a file that passed before with the same "
            "path, size, content and suite (audit.dq_validated_files) is skipped"
        ),
    )
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        help="also save a screenshot of the report's index page (needs /usr/bin/chromium)",
    )
    parser.set_defaults(func=run)
