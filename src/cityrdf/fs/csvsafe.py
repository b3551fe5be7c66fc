"""Cells a spreadsheet will not run: every CSV/TSV the project writes for people is written here
(the only module that makes a `csv.writer`), every cell through `cell`.

A cell whose text starts with `=`, `+`, `-` or `@` (after any leading spaces, tabs or line
breaks), or with a tab or carriage return, is a formula to Excel and LibreOffice (OWASP "CSV
Injection"); `'` in front makes it text. Plain numbers such as `-3` or `+98` stay numbers.
"""

from __future__ import annotations

import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet opening `text` as a cell would evaluate it."""
    if text[:1] in ("\t", "\r"):
        return True
    stripped = text.lstrip(" \t\r\n")
    return stripped[:1] in FORMULA_STARTS and not NUMBER.fullmatch(stripped)


def cell(value: object) -> str:
    """`value` as the text of a CSV cell that a spreadsheet shows and does not run."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula(text) else text


def row(values) -> list[str]:
    return [cell(v) for v in values]


class SafeWriter:
    """csv.writer whose every cell goes through `cell` first."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, values) -> None:
        self._writer.writerow(row(values))

    def writerows(self, rows) -> None:
        for values in rows:
            self.writerow(values)


def writer(stream, **options) -> SafeWriter:
    """A drop-in for `csv.writer(stream, **options)` that writes no formula."""
    return SafeWriter(stream, **options)


def table(header, rows, lineterminator: str = "\n", **options) -> str:
    """A whole table as text: the header, then each row, every cell through `cell`."""
    out = io.StringIO()
    safe = SafeWriter(out, lineterminator=lineterminator, **options)
    safe.writerow(header)
    safe.writerows(rows)
    return out.getvalue()


class SafeDictWriter:
    """csv.DictWriter whose every cell goes through `cell` first (the header too)."""

    def __init__(self, stream, fieldnames, **options):
        self.fieldnames = list(fieldnames)
        self._writer = SafeWriter(stream, **options)

    def writeheader(self) -> None:
        self._writer.writerow(self.fieldnames)

    def writerow(self, values: dict) -> None:
        unknown = set(values) - set(self.fieldnames)
        if unknown:
            raise ValueError(f"fields not in fieldnames: {', '.join(sorted(unknown))}")
        self._writer.writerow(values.get(name, "") for name in self.fieldnames)

    def writerows(self, rows) -> None:
        for values in rows:
            self.writerow(values)


def dict_writer(stream, fieldnames, **options) -> SafeDictWriter:
    """A drop-in for `csv.DictWriter(stream, fieldnames, **options)` that writes no formula."""
    return SafeDictWriter(stream, fieldnames, **options)
