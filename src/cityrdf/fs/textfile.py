"""Reading a user's text file (a pairs list, the paper): one BadInput line for a missing file, a
folder, bytes that are not UTF-8 (FILE:LINE) or a NUL byte; a leading byte-order mark is dropped
and CRLF line ends read as LF, as Windows editors write them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cityrdf.errors import BadInput


def read_text(path: Path, what: str = "file") -> str:
    """The whole text of `path` (UTF-8, BOM dropped, CRLF as LF)."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a {what}")
    if not path.is_file():
        raise BadInput(f"{path}: no such {what}")
    text = decoded(path.read_bytes(), path, "text")
    return text.replace("\r\n", "\n")


def decoded(data: bytes, path: Path, kind: str) -> str:
    """`data` read from `path` as UTF-8 (a BOM dropped); BadInput at FILE:LINE if it is not UTF-8 or
    holds a NUL byte, naming the `kind` of file it should be ("text", "CSV text")."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise BadInput(
            f"{path}:{line}: not UTF-8 {kind} (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "save it as UTF-8"
        ) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise BadInput(f"{path}:{line}: NUL byte; this is not a {kind} file")
    return text


def numbered_lines(path: Path, what: str = "file") -> list[tuple[int, str]]:
    """(line number from 1, line without its end) of `path`, as `read_text` reads it."""
    return list(enumerate(read_text(path, what).split("\n"), start=1))


@contextmanager
def reading_csv(path: Path, what: str = "file") -> Iterator[csv.DictReader]:
    """A `csv.DictReader` of `path` as `read_text` reads it; a row that is not valid CSV, read
    within the block, is one BadInput line at FILE:LINE."""
    reader = csv.DictReader(io.StringIO(read_text(path, what), newline=""))
    try:
        yield reader
    except csv.Error as err:  # the inner reader's count: the DictReader's lags behind on an error
        raise BadInput(f"{path}:{reader.reader.line_num}: not valid CSV: {err}") from None
