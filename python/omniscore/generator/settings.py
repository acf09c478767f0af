"""Run parameters of the generator: what the manifest stores and an append reuses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

MAX_CUSTOMERS = 5_000_000
# Seeds are mixed into 64-bit hashes (e.g. ``seed * 1_000_003`` for event ids): below 2**32
# they all fit. Checked before anything is written.
MAX_SEED = 2**32 - 1


class GenerateError(ValueError):
    """A usage error: bad arguments, or a landing folder that does not fit the request."""


def is_timezone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows."""
    try:
        ZoneInfo(name)
    except (ValueError, OSError, LookupError):
        return False
    return True


@dataclass(frozen=True)
class Rates:
    """How often each quirk of raw-exports.md occurs.

    Row quirks are fractions of a file's rows (one quirk at most per row); ``redelivery`` is
    per channel and batch, ``bom`` and ``crlf`` per file; ``placeholder`` is also the share of
    persons whose CRM email (and, for US/CA numbers, phone) is a placeholder; ``erasure`` is
    the share of persons asking to be erased per 30 days.
    """

    duplicate: float = 0.02
    broken: float = 0.005
    bad_timestamp: float = 0.005
    out_of_range: float = 0.005
    bad_number: float = 0.005
    unmapped: float = 0.005
    missing_id: float = 0.002
    placeholder: float = 0.02
    late: float = 0.02
    redelivery: float = 0.05
    bom: float = 0.2
    crlf: float = 0.2
    erasure: float = 0.005

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


RATE_HELP = {
    "duplicate": "rows repeated byte for byte, in the same file or the next batch's file",
    "broken": "CSV rows with a wrong column count / JSONL lines cut short",
    "bad_timestamp": "rows whose event timestamp does not parse",
    "out_of_range": "rows timestamped ~10 years ahead or before 2015",
    "bad_number": "web value / POS price / social sentiment that does not parse",
    "unmapped": "web and app rows with an event name the taxonomy does not map",
    "missing_id": "rows whose key (event id, contact id, ...) is empty",
    "placeholder": "rows (and CRM persons) with a placeholder identifier",
    "late": "rows timestamped 1-5 days before the batch they arrive in",
    "redelivery": "per channel and batch, on a steady schedule from the second batch: an "
    "earlier file delivered again under a new name",
    "bom": "files starting with a UTF-8 byte-order mark",
    "crlf": "files with CRLF line endings (POS files always have them)",
    "erasure": "persons asking to be erased, per 30 days",
}


@dataclass(frozen=True)
class Settings:
    """Everything the generated data depends on, except the days generated."""

    seed: int
    customers: int
    start: date  # the first batch of the landing folder (carries the CRM backlog)
    email_timezone: str = "America/New_York"
    shared_identifier_persons: int = 12
    prospect_share: float = 0.25
    extra_column: bool = True  # web files from the second batch on carry a column more
    rates: Rates = field(default_factory=Rates)

    def validate(self) -> None:
        """Raise :class:`GenerateError` for values out of range."""
        if not 1 <= self.customers <= MAX_CUSTOMERS:
            raise GenerateError(f"customers must be between 1 and {MAX_CUSTOMERS:,}")
        if not 0 <= self.seed <= MAX_SEED:
            raise GenerateError(f"the seed must be between 0 and {MAX_SEED:,}, not {self.seed:,}")
        if self.shared_identifier_persons < 0:
            raise GenerateError("shared identifier persons must not be negative")
        shares = {"prospect_share": self.prospect_share}
        shares.update({f"rates.{r}": getattr(self.rates, r) for r in Rates.names()})
        for name, value in shares.items():
            if not 0.0 <= value <= 1.0:
                raise GenerateError(f"{name} must be between 0 and 1, not {value}")
        if not is_timezone(self.email_timezone):
            raise GenerateError(f"not an IANA time zone: {self.email_timezone!r}")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settings:
        values = dict(data)
        values["start"] = date.fromisoformat(values["start"])
        values["rates"] = Rates(**values["rates"])
        return cls(**values)
