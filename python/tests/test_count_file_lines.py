"""omniscore.count_file_lines, the line count that audit.file_reconciliation holds the
record readers to, against a reference in Python: raw-exports.md's lines (ended by a line
feed; a CR before it and a byte-order mark at the start of a UTF-8 file ignored; blank =
empty or only a carriage return; a last line without a line feed counts), on hand-picked
edge cases and on random files of line feeds, carriage returns, BOMs, quotes, backslashes
and bytes that are not UTF-8."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest
from landing import BOM
from landing import nonblank_lines as reference

from omniscore.warehouse import run_dbt

pytestmark = pytest.mark.dbt

EDGE_CASES = {
    "empty": (b"", 0, False),
    "one line without a line feed": (b"a", 1, True),
    "only a line feed": (b"\n", 0, False),
    "only a carriage return": (b"\r", 0, False),
    "only a BOM": (BOM.encode(), 0, False),
    "BOM then CRLF": (BOM.encode() + b"\r\nx\r\n", 1, False),
    "two BOMs then a line feed": (2 * BOM.encode() + b"\nx", 1, False),
    "CRLF with a blank line": (b"h\r\n\r\na\r\nb", 3, True),
    "trailing blank lines": (b"h\na\n\n\n\n", 2, True),
    "a line of two carriage returns is not blank": (b"h\n\r\r\n", 2, True),
    "last line only a carriage return": (b"h\na\n\r", 2, True),
    "starts with blank lines": (b"\n\r\n\na", 1, False),
    "Latin-1 with CRLF": ("h\r\ncafé\r\n\r\n".encode("latin-1"), 2, True),
    "escaped line feed as text": (b"a\\x0A\xe9\nb", 2, True),
}


def random_files(count: int) -> dict[str, bytes]:
    pieces = [b"a", b"\n", b"\n", b"\r", BOM.encode(), b"\xe9", b'"', b"\\", b"x0A", b" "]
    generator = random.Random(7)
    files = {}
    for number in range(count):
        data = b"".join(generator.choice(pieces) for _ in range(generator.randint(0, 14)))
        files[f"random_{number}.txt"] = data
    return files


def count_with_the_macro(folder: Path, db: Path) -> dict[str, tuple[int, bool]]:
    relation = f"read_blob('{folder.as_posix()}/*/*.txt')"
    compiled = run_dbt(
        ["compile", "--quiet", "--inline", f'{{{{ omniscore.count_file_lines("{relation}") }}}}'],
        db_path=db,
    )
    assert compiled.ok, compiled.output[-3000:]
    with duckdb.connect() as con:
        found = con.execute(compiled.output).fetchall()
    return {source_file.split("/", 1)[1]: (lines, first) for source_file, lines, first in found}


def test_count_file_lines_matches_the_readers_definition_of_a_line(tmp_path):
    folder = tmp_path / "raw"
    (folder / "files").mkdir(parents=True)
    edge = {f"edge_{number}.txt": case for number, case in enumerate(EDGE_CASES.values())}
    files = {name: data for name, (data, _, _) in edge.items()} | random_files(400)
    for name, data in files.items():
        (folder / "files" / name).write_bytes(data)
    counted = count_with_the_macro(folder, tmp_path / "warehouse.duckdb")
    for (label, (data, lines, first)), name in zip(EDGE_CASES.items(), edge, strict=True):
        assert reference(data) == (lines, first), f"reference: {label}"
        assert counted[name] == (lines, first), label
    wrong = {name: (counted[name], reference(data)) for name, data in files.items()}
    assert {name: pair for name, pair in wrong.items() if pair[0] != pair[1]} == {}
