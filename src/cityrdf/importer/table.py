"""Reading a table of pacts (CSV or XLSX) one row at a time, and the rules every cell of text obeys."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.fs.csvsafe import is_formula
from cityrdf.fs.textfile import decoded

REQUIRED_COLUMNS = ("city", "partner", "partner_country", "date", "calendar", "status", "source")
OPTIONAL_COLUMNS = ("city_fa", "partner_fa", "partner_country_fa")
NAME_COLUMNS = ("city", "partner", "partner_country", "city_fa", "partner_fa", "partner_country_fa")

# Characters no name or citation may hold: controls, invisible formatting (bidi overrides and
# isolates among them), line and paragraph separators, surrogates, private use, unassigned.
FORBIDDEN_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Cs": "a surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned character",
}
BIDI_CONTROLS = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "LRM", "RLM", "ALM"}
# A researcher's table of pacts is hundreds of rows, a merged register a few hundred thousand; these
# bound what a hostile file can cost while the project's lock is held: rows (blank ones too),
# columns read per row, the file's bytes and, for an XLSX (a zip), the bytes its parts inflate to.
# 200,000 rows import in about a minute and 1.5 GB (benchmarks/README.md).
MAX_TABLE_ROWS = 200_000
MAX_TABLE_COLUMNS = 64
MAX_TABLE_BYTES = 64 * 2**20
# ZWNJ and ZWJ shape Persian words (می‌شود, بین‌الملل): allowed between two Arabic-script letters.
JOINERS = {"\u200c": "ZWNJ", "\u200d": "ZWJ"}


def read_table(source: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV or XLSX file as (row number, column -> text), read as they are needed;
    BadInput (with FILE:ROW) for an unreadable file, raised before the first row for the header."""
    if source.is_dir():
        raise BadInput(f"{source}: is a folder, not a table")
    if not source.is_file():
        raise BadInput(f"{source}: no such file")
    suffix = source.suffix.lower()
    if suffix == ".csv":
        records = _csv_records(source)
    elif suffix == ".xlsx":
        records = _xlsx_records(source)
    else:
        raise BadInput(f"{source}: unknown table type {source.suffix!r} (expected .csv or .xlsx)")
    try:
        header = next(records)
    except StopIteration:
        raise BadInput(
            f"{source}:1: the file is empty (expected a header row: {', '.join(REQUIRED_COLUMNS)})"
        ) from None
    columns = _checked_columns(source, header)
    return _rows(source, columns, records)


def _checked_columns(source: Path, header: list[str]) -> list[str]:
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    extra = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    doubled = sorted({c for c in columns if columns.count(c) > 1})
    if missing or extra or doubled:
        problems = [f"missing column(s) {', '.join(missing)}"] if missing else []
        problems += [f"unknown column(s) {', '.join(map(repr, extra))}"] if extra else []
        problems += [f"repeated column(s) {', '.join(doubled)}"] if doubled else []
        raise BadInput(
            f"{source}:1: {'; '.join(problems)} (the columns are {', '.join(REQUIRED_COLUMNS)}, optionally {', '.join(OPTIONAL_COLUMNS)})"
        )
    return columns


def _rows(source: Path, columns: list[str], records) -> Iterator[tuple[int, dict[str, str]]]:
    for number, record in enumerate(records, start=2):
        if number > MAX_TABLE_ROWS + 1:
            raise BadInput(
                f"{source}:{number}: more than {MAX_TABLE_ROWS:,} rows (blank ones count); "
                "import a table of pacts in parts of fewer rows"
            )
        if not any(cell.strip() for cell in record):
            continue  # blank lines at the end of a spreadsheet export
        if len(record) != len(columns):
            raise BadInput(
                f"{source}:{number}: the row has {len(record)} fields, the header has {len(columns)}"
            )
        row = dict(zip(columns, (cell.strip() for cell in record)))
        for column in OPTIONAL_COLUMNS:
            row.setdefault(column, "")
        yield number, row


def _require_size(source: Path, size: int, what: str = "") -> None:
    if size > MAX_TABLE_BYTES:
        raise BadInput(
            f"{source}: {what or 'the file'} is larger than {MAX_TABLE_BYTES // 2**20} MiB; "
            "a table of pacts is far smaller (import it in parts)"
        )


def _csv_records(source: Path) -> Iterator[list[str]]:
    _require_size(source, source.stat().st_size)
    text = decoded(source.read_bytes(), source, "CSV text")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)

    def records() -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as err:
            raise BadInput(f"{source}:{reader.line_num}: not valid CSV: {err}") from None

    return records()


def _xlsx_records(source: Path) -> Iterator[list[str]]:
    import zipfile

    import openpyxl  # only needed for spreadsheets

    _require_size(source, source.stat().st_size)
    try:  # a zip member is read no further than the size it declares: the sum bounds inflation
        with zipfile.ZipFile(source) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise BadInput(f"{source}: not an XLSX workbook ({type(err).__name__}: {err})") from None
    _require_size(source, inflated, f"the workbook unpacks to {inflated:,} bytes, which")
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as err:  # noqa: BLE001 -- openpyxl raises zip, XML and key errors for non-workbooks
        raise BadInput(f"{source}: not an XLSX workbook ({type(err).__name__}: {err})") from None

    def records() -> Iterator[list[str]]:
        try:
            width = min(sheet.max_column or MAX_TABLE_COLUMNS, MAX_TABLE_COLUMNS)
            for row in sheet.iter_rows(max_col=width, values_only=True):
                yield [_cell_text(v) for v in row]
        except Exception as err:  # noqa: BLE001 -- as above, met while reading the rows
            raise BadInput(
                f"{source}: not an XLSX workbook ({type(err).__name__}: {err})"
            ) from None
        finally:
            workbook.close()

    return records()


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: a date cell as YYYY-MM-DD, 2015.0 as 2015."""
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------------------------
# Rules for text cells


def _arabic_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L") and "ARABIC" in unicodedata.name(ch, "")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be a name or a citation, or None: characters that hide or reorder what a
    reader sees, and text a spreadsheet would run as a formula."""
    if is_formula(text):
        return f"{text!r} would run as a formula in a spreadsheet (it starts with {text.lstrip()[:1]!r}); write the name without it"
    if text.isprintable():  # no C* or Z* character but the space: the common case, checked in C
        return None
    for i, ch in enumerate(text):
        where = f"U+{ord(ch):04X} at character {i + 1}"
        if ch in JOINERS:
            if (
                0 < i < len(text) - 1
                and _arabic_letter(text[i - 1])
                and _arabic_letter(text[i + 1])
            ):
                continue
            return f"{JOINERS[ch]} ({where}) is allowed only between two Persian letters"
        category = unicodedata.category(ch)
        if category in FORBIDDEN_CATEGORIES:
            kind = FORBIDDEN_CATEGORIES[category]
            if unicodedata.bidirectional(ch) in BIDI_CONTROLS or ch in "\u200e\u200f\u061c":
                kind = "a bidirectional control character"
            return f"contains {kind} ({where})"
    return None


def source_problem(text: str) -> tuple[str, bool] | None:
    """Why `text` is neither an http(s) IRI nor a citation, and whether the cell is malformed (as
    opposed to well-formed but not acceptable); None if it is one of them."""
    problem = text_problem(text)
    if problem:
        return problem, True
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if scheme and (" " not in text or "//" in text.split()[0]):
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https"):
            return f"a URL must be http:// or https://, not {parts.scheme}:", False
        if not parts.hostname or " " in text:
            return f"{text!r} is not a valid URL (host missing or spaces in it)", False
        try:
            ox.NamedNode(text)  # RFC 3987, as every RDF store will read it
        except ValueError as err:
            return f"{text!r} is not a valid IRI ({err})", True
        return None
    if len(text) < 8 or not any(ch.isalpha() for ch in text):
        return (
            f"{text!r} is neither a URL nor a citation (author, title, year or a publisher's page)",
            False,
        )
    return None


def is_iri(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))
