"""``omniscore generate``: realistic channel exports with ground truth.

Writes ``--days`` daily batches of every channel into ``--out`` in the formats of
raw-exports.md, with its quirks at the rates given, and the ground truth of
docs/architecture.md into ``--truth`` (default: a ``truth`` folder beside ``--out``).
Run again with ``--start <next day> --days 1`` to append the next batch; the parameters
stored in the truth folder's manifest are reused and must not contradict the command line.
The work is done by :mod:`omniscore.generator`.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from omniscore.generator import GenerateError, Rates, Settings, default_truth_dir, generate
from omniscore.generator.run import MANIFEST
from omniscore.generator.settings import MAX_CUSTOMERS, RATE_HELP

log = logging.getLogger(__name__)

DEFAULT_START = date(2026, 1, 1)
DEFAULT_SEED = 42
DESCRIPTION = (
    "Write --days daily batches of every channel into --out in the formats of "
    "raw-exports.md, with their quirks at the rates given, and the ground truth beside it "
    "(--truth, default: a 'truth' folder next to --out). To append the next batch, run again "
    "with --start <day after the last batch> --days 1: the manifest in the truth folder "
    "supplies the parameters, and the command line must not contradict it."
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
    try:
        ZoneInfo(text)
    except (ValueError, OSError, LookupError):
        raise argparse.ArgumentTypeError(f"not an IANA time zone: {text!r}") from None
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
        required=True,
        metavar="N",
        help="persons in the population (CRM contacts, prospects included)",
    )
    parser.add_argument(
        "--days", type=_positive_int, required=True, metavar="D", help="daily batches to write"
    )
    parser.add_argument(
        "--seed",
        type=_non_negative_int,
        default=DEFAULT_SEED,
        metavar="S",
        help=f"random seed: same seed, same bytes (default {DEFAULT_SEED})",
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
        "quirk rates", "each between 0 and 1; an append reuses the rates of its manifest"
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
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def settings_from_args(args: argparse.Namespace, truth: Path) -> Settings:
    """The run's settings: the command line, else the manifest of an append, else defaults."""
    manifest = truth / MANIFEST
    stored: Settings | None = None
    if manifest.exists():
        try:
            stored = Settings.from_json(
                json.loads(manifest.read_text(encoding="utf-8"))["settings"]
            )
        except (ValueError, KeyError, TypeError) as error:
            raise GenerateError(f"{manifest} is not a generator manifest: {error}") from error
    base = stored or Settings(seed=args.seed, customers=args.customers, start=args.start)

    def pick(value: object, default: object) -> object:
        return default if value is None else value

    rates = Rates(
        **{
            name: pick(getattr(args, f"rate_{name}"), getattr(base.rates, name))
            for name in Rates.names()
        }
    )
    return Settings(
        seed=args.seed,
        customers=args.customers,
        start=base.start,
        email_timezone=str(pick(args.email_timezone, base.email_timezone)),
        shared_identifier_persons=int(
            pick(args.shared_identifier_persons, base.shared_identifier_persons)  # type: ignore[arg-type]
        ),
        prospect_share=float(pick(args.prospect_share, base.prospect_share)),  # type: ignore[arg-type]
        rates=rates,
    )


def run(args: argparse.Namespace) -> int:
    """The sub-command: 0 when written, 2 for a request that does not fit."""
    truth = args.truth if args.truth is not None else default_truth_dir(args.out)
    try:
        settings = settings_from_args(args, truth)
        generate(
            args.out, settings, start=args.start, days=args.days, truth=truth, quiet=args.quiet
        )
    except GenerateError as error:
        log.error("%s", error)
        return 2
    return 0
