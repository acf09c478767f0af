"""``omniscore generate``: realistic channel exports with ground truth.

Writes ``--days`` daily batches of every channel into ``--out`` in the formats of
raw-exports.md, with its quirks at the rates given, and the ground truth of
docs/architecture.md into ``--truth`` (default: a ``truth`` folder beside ``--out``).
Run again with ``--start <next day> --days 1`` to append the next batch; parameters not
given are taken from the truth folder's manifest, and those given must match it.
The work is done by :mod:`omniscore.generator`.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from datetime import date
from pathlib import Path
from typing import TypeVar

from omniscore.generator import GenerateError, Rates, Settings, default_truth_dir, generate
from omniscore.generator.run import MANIFEST
from omniscore.generator.settings import MAX_CUSTOMERS, MAX_SEED, RATE_HELP, is_timezone

T = TypeVar("T")

log = logging.getLogger(__name__)

DEFAULT_START = date(2026, 1, 1)
DEFAULT_SEED = 42
DESCRIPTION = (
    "Write --days daily batches of every channel into --out in the formats of "
    "raw-exports.md, with their quirks at the rates given, and the ground truth beside it "
    "(--truth, default: a 'truth' folder next to --out). To append the next batch, run again "
    "with --start <day after the last batch> --days 1 (and the same --out / --truth): "
    "parameters not given (--customers, --seed, rates, ...) are taken from the manifest in "
    "the truth folder, and those given must match it."
)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _customers(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_CUSTOMERS:
        raise argparse.ArgumentTypeError(f"at most {MAX_CUSTOMERS:,} customers, not {value:,}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value}")
    return value


def _seed(text: str) -> int:
    value = _non_negative_int(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"at most {MAX_SEED:,} (2**32 - 1), not {value:,}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {value}")
    return value


def _date(text: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a valid date: {text!r}") from None


def _timezone(text: str) -> str:
    if not is_timezone(text):
        raise argparse.ArgumentTypeError(f"not an IANA time zone: {text!r}")
    return text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``generate`` sub-command."""
    parser = subparsers.add_parser(
        "generate",
        help="write channel exports with every quirk, and their ground truth",
        description=DESCRIPTION,
    )
    parser.add_argument(
        "--customers",
        type=_customers,
        default=None,
        metavar="N",
        help="persons in the population (CRM contacts, prospects included); required for a "
        "new landing folder, an append takes it from the manifest",
    )
    parser.add_argument(
        "--days", type=_positive_int, required=True, metavar="D", help="daily batches to write"
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=None,
        metavar="S",
        help=f"random seed, 0 to 2**32 - 1: same seed, same bytes (default {DEFAULT_SEED}; "
        "an append takes it from the manifest)",
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="landing folder (e.g. data/raw)"
    )
    parser.add_argument(
        "--start",
        type=_date,
        default=DEFAULT_START,
        metavar="DATE",
        help=f"first batch written, YYYY-MM-DD (default {DEFAULT_START}); "
        "for an append: the day after the last batch",
    )
    parser.add_argument(
        "--truth",
        type=Path,
        default=None,
        metavar="DIR",
        help="ground-truth folder (default: 'truth' beside --out)",
    )
    parser.add_argument(
        "--email-timezone",
        type=_timezone,
        default=None,
        metavar="ZONE",
        help="time zone of the email provider's timestamps (default America/New_York)",
    )
    parser.add_argument(
        "--shared-identifier-persons",
        type=_non_negative_int,
        default=None,
        metavar="K",
        help="persons whose CRM contacts share one phone number (default 12; 0 or 1: none)",
    )
    parser.add_argument(
        "--prospect-share",
        type=_rate,
        default=None,
        metavar="X",
        help="share of persons who never buy (default 0.25)",
    )
    rates = parser.add_argument_group(
        "quirks", "rates between 0 and 1; an append takes what is not given from its manifest"
    )
    rates.add_argument(
        "--extra-column",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="web files from the second batch on carry a column the contract does not list "
        "(session_id, in the middle of the header) (default: on)",
    )
    defaults = Rates()
    for name in Rates.names():
        rates.add_argument(
            f"--{name.replace('_', '-')}-rate",
            dest=f"rate_{name}",
            type=_rate,
            default=None,
            metavar="X",
            help=f"{RATE_HELP[name]} (default {getattr(defaults, name)})",
        )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help="processes writing the channels' files side by side (1 or 2; default: 2 when the "
        "machine has two cores); the bytes written do not depend on it",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def _pick(value: T | None, default: T) -> T:
    return default if value is None else value


def settings_from_args(args: argparse.Namespace, truth: Path) -> Settings:
    """The run's settings: the command line, else the manifest of an append, else defaults."""
    manifest = truth / MANIFEST
    if manifest.exists():
        try:
            base = Settings.from_json(json.loads(manifest.read_text(encoding="utf-8"))["settings"])
        except (ValueError, KeyError, TypeError) as error:
            raise GenerateError(f"{manifest} is not a generator manifest: {error}") from error
    elif args.customers is None:
        raise GenerateError(
            f"--customers is required for a new landing folder (there is no {manifest})"
        )
    else:
        base = Settings(seed=DEFAULT_SEED, customers=args.customers, start=args.start)
    rates = Rates(
        **{
            name: _pick(getattr(args, f"rate_{name}"), getattr(base.rates, name))
            for name in Rates.names()
        }
    )
    return Settings(
        seed=_pick(args.seed, base.seed),
        customers=_pick(args.customers, base.customers),
        start=base.start,
        email_timezone=_pick(args.email_timezone, base.email_timezone),
        shared_identifier_persons=_pick(
            args.shared_identifier_persons, base.shared_identifier_persons
        ),
        prospect_share=_pick(args.prospect_share, base.prospect_share),
        extra_column=_pick(args.extra_column, base.extra_column),
        rates=rates,
    )


def run(args: argparse.Namespace) -> int:
    """The sub-command: 0 when written, 2 for a request that does not fit."""
    truth = args.truth if args.truth is not None else default_truth_dir(args.out)
    try:
        settings = settings_from_args(args, truth)
        generate(
            args.out,
            settings,
            start=args.start,
            days=args.days,
            truth=truth,
            quiet=args.quiet,
            workers=args.workers,
        )
    except GenerateError as error:
        log.error("%s", error)
        return 2
    return 0
