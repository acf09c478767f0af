"""`omniscore evaluate`: score the warehouse against the generator's ground truth.

Identity resolution is scored pairwise: over the identifiers the truth attributes to one
person (shared identifiers, placeholders and erased persons left out), a pair of
identifiers is "same person" in the truth when both belong to one person and in the
warehouse when both map to one customer_id. Only identifiers that some staged record
carries are scored: one the data never shows cannot be resolved by anyone. Precision and
recall are computed from cluster-size counts, so no pair is ever materialised.

Recall against the truth also counts pairs that no staged record connects (a device that
never logged in, a contact whose only CRM row was quarantined). The evidence graph (the
truth's same-person pairs that staged records link, directly or through other identifiers
of that person) bounds what any resolver can find; recall of these resolvable pairs is the
resolver's own score, and the one held to --min-recall.

Quarantine and duplicate counts per channel (and reason) are compared with the counts the
generator expects; an erased person's records count as what they were when landed (the
base models keep a tombstone of each with ``erased_from``).

The regression scores are compared with the oracle (:mod:`omniscore.evaluate_scores`): the
AUC that the truth's own purchase probabilities reach on each model's holdout rows, and ours
as a share of it.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from omniscore.evaluate_scores import (
    evaluate_scores,
    evaluate_value,
    format_scores_report,
    format_value_report,
)
from omniscore.warehouse import DB_HELP, connect, db_path_from_env

log = logging.getLogger(__name__)

TRUTH_FILES = (
    "identifiers.csv",
    "persons.csv",
    "expected_quarantine.csv",
    "expected_duplicates.csv",
)


@dataclass(frozen=True)
class CountCheck:
    channel: str
    reason: str
    expected: int
    actual: int

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass
class Evaluation:
    identifiers_evaluated: int
    identifiers_unresolved: int
    true_pairs: int
    predicted_pairs: int
    true_positive_pairs: int
    resolvable_pairs: int
    resolvable_true_positive_pairs: int
    quarantine: list[CountCheck] = field(default_factory=list)
    duplicates: list[CountCheck] = field(default_factory=list)
    # Tombstones (erased records) the truth's per-record events file attributes to a person
    # it erased, and to one it did not (over-erasure, or two persons the identity graph
    # merged with an erased one); None when the truth has no per-record events.
    tombstones_of_erased: int | None = None
    tombstones_of_others: int | None = None

    @property
    def precision(self) -> float:
        return self.true_positive_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def resolvable_recall(self) -> float:
        if not self.resolvable_pairs:
            return 1.0
        return self.resolvable_true_positive_pairs / self.resolvable_pairs

    @property
    def recall_ceiling(self) -> float:
        return self.resolvable_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def counts_match(self) -> bool:
        return all(check.ok for check in [*self.quarantine, *self.duplicates])


def _read_truth(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> None:
    missing = [name for name in TRUTH_FILES if not (truth_dir / name).exists()]
    if missing:
        raise FileNotFoundError(f"{truth_dir} lacks {', '.join(missing)}: is it a truth folder?")
    for name in TRUTH_FILES:
        table = "truth_" + name.removesuffix(".csv")
        con.execute(
            f"create temp table {table} as select * from read_csv(?, header = true, "
            "all_varchar = true)",
            [str(truth_dir / name)],
        )


def evaluate(db_path: Path, truth_dir: Path) -> Evaluation:
    """Compare the warehouse at ``db_path`` with the generator's truth in ``truth_dir``."""
    con = connect(db_path)
    try:
        _read_truth(con, truth_dir)
        con.execute(
            """
            create temp table scored as
            with truth as (
                select identifier_type, identifier_value, min(person_id) as person_id
                from truth_identifiers
                group by identifier_type, identifier_value
                having count(distinct person_id) = 1
            )
            select truth.identifier_type, truth.identifier_value, truth.person_id,
                   staged.node_key, resolved.customer_id
            from truth
            inner join (
                select distinct identifier_type, identifier_value, node_key
                from intermediate.int_identifier_occurrences_unioned
            ) as staged
                on truth.identifier_type = staged.identifier_type
                and truth.identifier_value = staged.identifier_value
            inner join truth_persons as persons
                on truth.person_id = persons.person_id
                and lower(coalesce(persons.is_erased, 'false')) not in ('true', '1')
            left join intermediate.int_identifiers_resolved as resolved
                on truth.identifier_type = resolved.identifier_type
                and truth.identifier_value = resolved.identifier_value
            """
        )
        evaluated, unresolved = con.execute(
            "select count(*), count(*) - count(customer_id) from scored"
        ).fetchone()
        # An unresolved identifier stands alone: it makes no predicted pair.
        true_pairs, predicted_pairs, tp_pairs = con.execute(
            """
            with
            by_person as (select count(*) as n from scored group by person_id),
            by_customer as (
                select count(*) as n from scored where customer_id is not null
                group by customer_id
            ),
            by_both as (
                select count(*) as n from scored where customer_id is not null
                group by person_id, customer_id
            )
            select
                (select coalesce(sum(n * (n - 1) / 2), 0) from by_person),
                (select coalesce(sum(n * (n - 1) / 2), 0) from by_customer),
                (select coalesce(sum(n * (n - 1) / 2), 0) from by_both)
            """
        ).fetchone()
        resolvable_pairs, resolvable_tp_pairs = _resolvable_pairs(con)
        erased = _erased_records(con)
        tombstones = _tombstones_by_truth(con, erased, truth_dir)
        quarantine = _compare(
            con,
            expected="""select channel, reason, sum(cast("rows" as bigint)) as n
                        from truth_expected_quarantine group by all""",
            actual=f"""select channel, reason, sum(n) as n from (
                          select channel, reason, count(*) as n
                          from intermediate.int_quarantined_rows_unioned group by all
                          union all
                          select channel, erased_from, count(*) from ({erased})
                          where erased_from not in ('staged', 'duplicate') group by all
                      ) group by all""",
        )
        duplicates = _compare(
            con,
            expected="""select channel, 'duplicate' as reason, sum(cast("rows" as bigint)) as n
                        from truth_expected_duplicates group by all""",
            actual=f"""select channel, 'duplicate' as reason, sum(n) as n from (
                          select channel, sum(duplicate_rows) as n
                          from audit.file_reconciliation group by all
                          union all
                          select channel, count(*) from ({erased})
                          where erased_from = 'duplicate' group by all
                      ) group by all""",
        )
    finally:
        con.close()
    return Evaluation(
        identifiers_evaluated=int(evaluated),
        identifiers_unresolved=int(unresolved),
        true_pairs=int(true_pairs),
        predicted_pairs=int(predicted_pairs),
        true_positive_pairs=int(tp_pairs),
        resolvable_pairs=resolvable_pairs,
        resolvable_true_positive_pairs=resolvable_tp_pairs,
        quarantine=quarantine,
        tombstones_of_erased=tombstones[0] if tombstones else None,
        tombstones_of_others=tombstones[1] if tombstones else None,
        duplicates=duplicates,
    )


def _resolvable_pairs(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Pairs of the truth that staged records connect, and how many of those the warehouse
    put in one customer. Fragments of each person are found by union-find over the staged
    co-occurrence links between two of that person's scored identifiers, independently of
    the warehouse's own clustering."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        root = node
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    edges = con.execute(
        """
        select a.node_key, b.node_key
        from intermediate.int_identifier_links_paired as links
        inner join scored as a on links.node_key_a = a.node_key
        inner join scored as b on links.node_key_b = b.node_key
        where a.person_id = b.person_id
        """
    ).fetchall()
    for a, b in edges:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[root_a] = root_b
    fragments: Counter[str] = Counter()
    resolved: Counter[tuple[str, str]] = Counter()
    for node_key, customer_id in con.execute("select node_key, customer_id from scored").fetchall():
        fragment = find(node_key)
        fragments[fragment] += 1
        if customer_id is not None:
            resolved[fragment, customer_id] += 1
    pairs = sum(n * (n - 1) // 2 for n in fragments.values())
    found = sum(n * (n - 1) // 2 for n in resolved.values())
    return pairs, found


def _tombstones_by_truth(
    con: duckdb.DuckDBPyConnection, erased: str, truth_dir: Path
) -> tuple[int, int] | None:
    """Tombstones whose record the truth's ``events_*.csv`` (channel, source_file,
    source_line, person_id) attributes to an erased person, and to a person not erased."""
    if not any(truth_dir.glob("events_*.csv")):
        return None
    of_erased, of_others = con.execute(
        f"""
        with events as (
            select source_file, cast(source_line as bigint) as source_line, person_id
            from read_csv(?, header = true, all_varchar = true)
        )
        select
            count(*) filter (where coalesce(try_cast(persons.is_erased as boolean), false)),
            count(*) filter (where not coalesce(try_cast(persons.is_erased as boolean), false))
        from ({erased}) as tombstones
        inner join events
            on tombstones.source_file = events.source_file
            and tombstones.source_line = events.source_line
        inner join truth_persons as persons on events.person_id = persons.person_id
        """,
        [str(truth_dir / "events_*.csv")],
    ).fetchone()
    return int(of_erased), int(of_others)


def _erased_records(con: duckdb.DuckDBPyConnection) -> str:
    """A select of (channel, erased_from, source_file, source_line) for every tombstone of
    the base models (``staging.base_<channel>__<entity>`` with an ``erased_from`` column):
    the generator counts an erased person's records as what they were when landed,
    quarantined or repeated, so the comparison counts the tombstones as what they were too."""
    tables = [
        row[0]
        for row in con.execute(
            """select table_name from information_schema.columns
               where table_schema = 'staging' and table_name like 'base\\_%' escape '\\'
                 and column_name = 'erased_from' order by table_name"""
        ).fetchall()
    ]
    selects = [
        f"select '{table.removeprefix('base_').split('__')[0]}' as channel, erased_from, "
        f"source_file, source_line from staging.{table} where is_erased"
        for table in tables
    ]
    return " union all ".join(selects) or (
        "select cast(null as varchar) as channel, cast(null as varchar) as erased_from,"
        " cast(null as varchar) as source_file, cast(null as bigint) as source_line where false"
    )


def _compare(con: duckdb.DuckDBPyConnection, *, expected: str, actual: str) -> list[CountCheck]:
    rows = con.execute(
        f"""
        with expected as ({expected}), actual as ({actual})
        select coalesce(expected.channel, actual.channel), coalesce(expected.reason, actual.reason),
               coalesce(expected.n, 0), coalesce(actual.n, 0)
        from expected full outer join actual
            on expected.channel = actual.channel and expected.reason = actual.reason
        where coalesce(expected.n, 0) != 0 or coalesce(actual.n, 0) != 0
        order by 1, 2
        """
    ).fetchall()
    return [CountCheck(str(c), str(r), int(e), int(a)) for c, r, e, a in rows]


def format_report(result: Evaluation) -> str:
    lines = [
        "Identity resolution (pairwise, same person)",
        f"  identifiers evaluated  {result.identifiers_evaluated:>12,}"
        f"   (staged but in no customer: {result.identifiers_unresolved:,})",
        f"  true pairs             {result.true_pairs:>12,}",
        f"  predicted pairs        {result.predicted_pairs:>12,}",
        f"  precision              {result.precision:>12.4f}",
        f"  recall                 {result.recall:>12.4f}",
        f"  resolvable pairs       {result.resolvable_pairs:>12,}"
        f"   (recall ceiling of the staged evidence: {result.recall_ceiling:.4f})",
        f"  recall of resolvable   {result.resolvable_recall:>12.4f}",
        "",
        *(
            [
                "Erasure: tombstoned records the truth attributes to",
                f"  erased persons         {result.tombstones_of_erased:>12,}",
                f"  persons not erased     {result.tombstones_of_others:>12,}",
                "",
            ]
            if result.tombstones_of_erased is not None
            else []
        ),
        f"{'channel':<10} {'reason':<24} {'expected':>10} {'actual':>10}",
    ]
    for check in [*result.quarantine, *result.duplicates]:
        mark = "" if check.ok else "   MISMATCH"
        lines.append(
            f"{check.channel:<10} {check.reason:<24} "
            f"{check.expected:>10,} {check.actual:>10,}{mark}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else db_path_from_env()
    try:
        result = evaluate(db_path, Path(args.truth))
        with connect(db_path) as con:
            scores = evaluate_scores(con, Path(args.truth))
            values = evaluate_value(con, Path(args.truth))
    except (FileNotFoundError, ValueError, duckdb.Error) as error:
        log.error("%s", error)
        return 2
    print(format_report(result))
    print()
    print(format_scores_report(scores))
    print()
    print(format_value_report(values))
    failures = []
    if args.min_auc_ratio is not None:
        failures += [
            f"{score.model_version}: AUC ratio {score.auc_ratio:.3f} < {args.min_auc_ratio}"
            for score in scores
            if score.population == "persons" and score.auc_ratio < args.min_auc_ratio
        ]
    if result.precision < args.min_precision:
        failures.append(f"precision {result.precision:.4f} < {args.min_precision}")
    if result.resolvable_recall < args.min_recall:
        failures.append(
            f"recall of resolvable pairs {result.resolvable_recall:.4f} < {args.min_recall}"
        )
    if not result.counts_match:
        failures.append("quarantine or duplicate counts differ from the truth")
    for failure in failures:
        log.error("%s", failure)
    return 1 if failures else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="score identity resolution and quarantine counts against generator truth",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--truth", required=True, help="the generator's ground-truth folder")
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument(
        "--min-precision",
        type=float,
        default=0.995,
        help="least pairwise precision (default: %(default)s)",
    )
    parser.add_argument(
        "--min-recall",
        type=float,
        default=0.995,
        help="least recall of the pairs the staged evidence connects (default: %(default)s)",
    )
    parser.add_argument(
        "--min-auc-ratio",
        type=float,
        help="least AUC of each regression score as a share of the oracle's, over modelled "
        "persons (default: report only)",
    )
    parser.set_defaults(func=run)
