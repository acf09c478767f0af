"""The `omniscore` command: parses arguments and dispatches to the command modules.

Each command module exposes ``register(subparsers)``, which adds its sub-command and sets
``func`` on it; ``func(args)`` returns the process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# Modules that provide a sub-command, in the order `omniscore --help` lists them.
COMMAND_MODULES = (
    "omniscore.generate",
    "omniscore.evaluate",
    "omniscore.rescore",
    "omniscore.validate",
    "omniscore.summary",
    "omniscore.benchmark",
    "omniscore.clv_report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omniscore",
        description="Omnichannel customer-scoring warehouse: data generator and tools.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
