"""`cityrdf coverage PAPER.txt`: is every unit of the paper's text anchored in the graph?

The text is split into units (headings, paragraphs, list items, table rows, references, other) by
its own layout; every anchor quote of the graph (a `cr:textAnchor` → `oa:TextQuoteSelector`,
docs/decisions/0005-text-anchors.md) is looked up in the text after normalisation, and each unit is
reported as covered (resources are anchored in it), no-facts (a `cr:NoFactsUnit` says why) or
uncovered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from cityrdf.errors import BadInput, NotConforming
from cityrdf.fs import csvsafe
from cityrdf.fs.textfile import read_text
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import sparql_prologue
from cityrdf.sparql.results import select
from cityrdf.text import quote_key

KINDS = ("heading", "paragraph", "list-item", "table-row", "reference", "other")

# --- normalisation -------------------------------------------------------------------------------

# The plain text lost its ZWNJs and mixes spellings; quotes are written in standard orthography.
# Matching therefore compares both in cityrdf.text's quote_key form.
# The tables of the plain text keep some of their HTML paragraph tags.
_TAGS = re.compile(r"</?p>")


def normalise(text: str) -> str:
    """The form in which quotes and the paper's text are compared."""
    return quote_key(_TAGS.sub(" ", text))


class NormalisedText:
    """The paper's text in normalised form, with the 1-based line of each normalised character."""

    def __init__(self, lines: list[str]):
        chars: list[str] = []
        line_of: list[int] = []
        for number, line in enumerate(lines, start=1):
            for ch in _TAGS.sub(" ", line):
                folded = normalise(ch)
                chars.append(folded)
                line_of.extend([number] * len(folded))
        self.text = "".join(chars)
        self.line_of = line_of

    def find_all(self, needle: str) -> list[int]:
        """Start offsets of every (possibly overlapping) occurrence of an already normalised needle."""
        found, start = [], self.text.find(needle)
        while needle and start != -1:
            found.append(start)
            start = self.text.find(needle, start + 1)
        return found


# --- units ---------------------------------------------------------------------------------------

# A line ends a sentence (or a list item that is complete) with one of these.
_TERMINAL = tuple(".؟?!:؛»)]>")
_LIST_MARK = re.compile(r"^\s*(-\s*)?([0-9۰-۹]+\s*[.\-])?\s*")
_NUMBERED = re.compile(r"^\s*-?\s*[0-9۰-۹]+\s*[.\-]\s")
_FOOTNOTE = re.compile(r"^\s*(\^[0-9۰-۹]+|[¹²³⁴⁵⁶⁷⁸⁹])")
_REFERENCE_HEADINGS = {normalise(h) for h in ("منابع", "منابع فارسی", "فهرست منابع", "References")}
_SHORT = 10  # words: a heading is at most this long


@dataclass
class Unit:
    line: int  # 1-based line where the unit starts
    kind: str
    text: str
    lines: list[int] = field(default_factory=list)  # every line the unit runs over
    resources: set[str] = field(default_factory=set)
    no_facts: set[str] = field(default_factory=set)

    @property
    def status(self) -> str:
        if self.resources:
            return "covered"
        return "no-facts" if self.no_facts else "uncovered"


def _is_list_start(line: str) -> bool:
    return line.lstrip().startswith("-") or bool(_NUMBERED.match(line))


def _looks_like_heading(line: str, next_line: str | None) -> bool:
    """Short, unpunctuated, and (if numbered) followed by prose rather than by the next item."""
    stripped = line.strip()
    if "\t" in line or stripped.startswith(("-", "<")) or _FOOTNOTE.match(stripped):
        return False
    if any(ch in stripped for ch in '.،؛:؟?!()«»"') or len(stripped.split()) > _SHORT:
        return False
    if _NUMBERED.match(stripped):
        return next_line is not None and not _is_list_start(next_line) and "\t" not in next_line
    return True


def split_units(lines: list[str]) -> list[Unit]:
    """The units of the text, in order. A paragraph or list item cut by a page break (its line ends
    without terminal punctuation and the next line does not start a new unit) is one unit; a
    footnote between the two halves is a unit of its own."""
    content = [(n, line.rstrip("\n")) for n, line in enumerate(lines, start=1) if line.strip()]
    units: list[Unit] = []
    open_unit: Unit | None = None  # a paragraph/list item/reference that may continue
    in_references = False
    for index, (number, line) in enumerate(content):
        stripped = line.strip()
        next_line = content[index + 1][1] if index + 1 < len(content) else None
        if _FOOTNOTE.match(stripped):
            units.append(Unit(number, "other", stripped, [number]))
            continue
        if open_unit is not None and _continues(open_unit, stripped, next_line, in_references):
            open_unit.text += " " + stripped
            open_unit.lines.append(number)
            continue
        open_unit = None
        if "\t" in line or stripped.startswith("<p>"):
            kind = "table-row"
        elif re.search(r"(\^[0-9۰-۹]+|[¹²³])$", stripped) or stripped.startswith("منبع:"):
            kind = "other"  # the authors' byline, a table's source note
        elif in_references:
            kind = "reference"
        elif _looks_like_heading(stripped, next_line):
            kind = "heading"
            in_references = normalise(stripped) in _REFERENCE_HEADINGS
        elif _is_list_start(stripped):
            kind = "list-item"
        else:
            kind = "paragraph"
        unit = Unit(number, kind, stripped, [number])
        units.append(unit)
        if kind in ("paragraph", "list-item", "reference"):
            open_unit = unit
    return units


def _continues(unit: Unit, line: str, next_line: str | None, in_references: bool) -> bool:
    if "\t" in line or line.startswith("<p>"):
        return False
    if in_references:
        # An entry runs on over lines that start with a URL, "Retrieved" or a lower-case word.
        return bool(re.match(r"(<|www\.|Retrieved|[a-z])", line)) or unit.text.endswith(
            ("from", "from:")
        )
    if unit.text.endswith(_TERMINAL) or unit.text.endswith("..."):
        return False
    return not _is_list_start(line) and not _looks_like_heading(line, next_line)


# --- anchors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    resource: str
    source: str
    exact: str
    prefix: str
    suffix: str
    no_facts: bool
    reason: bool = True  # a no-facts unit says why (skos:editorialNote @en)


ANCHORS_QUERY = """
SELECT ?resource ?source ?exact ?prefix ?suffix ?noFacts ?reason WHERE {
  ?resource cr:textAnchor ?anchor .
  ?anchor oa:hasSource ?source ; oa:hasSelector ?selector .
  ?selector oa:exact ?exact .
  OPTIONAL { ?selector oa:prefix ?prefix }
  OPTIONAL { ?selector oa:suffix ?suffix }
  BIND(EXISTS { ?resource a cr:NoFactsUnit } AS ?noFacts)
  BIND(EXISTS { ?resource skos:editorialNote ?why . FILTER(langMatches(lang(?why), "en")) } AS ?reason)
}
"""


def anchors(store: ox.Store) -> list[Anchor]:
    rows = select(store, sparql_prologue() + ANCHORS_QUERY)
    found = []
    for row in rows:
        found.append(
            Anchor(
                resource=row["resource"].value,
                source=row["source"].value,
                exact=row["exact"].value,
                prefix=row["prefix"].value if row["prefix"] is not None else "",
                suffix=row["suffix"].value if row["suffix"] is not None else "",
                no_facts=row["noFacts"].value == "true",
                reason=row["reason"].value == "true",
            )
        )
    return sorted(found, key=lambda a: (a.resource, a.exact, a.prefix, a.suffix))


# --- the report ----------------------------------------------------------------------------------


@dataclass
class CoverageReport:
    units: list[Unit]
    errors: list[str]

    def counts(self) -> dict[str, int]:
        statuses = [u.status for u in self.units]
        return {s: statuses.count(s) for s in ("covered", "no-facts", "uncovered")}

    def summary(self) -> str:
        c = self.counts()
        return (
            f"{c['covered']} of {len(self.units)} units covered, "
            f"{c['no-facts']} marked no-facts, {c['uncovered']} uncovered"
        )

    def to_csv(self) -> str:
        return csvsafe.table(
            ["line", "kind", "status", "resources"],
            ([u.line, u.kind, u.status, len(u.resources)] for u in self.units),
        )

    def to_text(self) -> str:
        rows = [
            f"{u.line:>4}  {u.kind:<10} {u.status:<10} {len(u.resources):>3}  {_excerpt(u.text)}"
            for u in self.units
        ]
        return "\n".join(rows + [self.summary()])


def _excerpt(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def read_paper(path: Path) -> list[str]:
    lines = read_text(Path(path), "paper").splitlines()
    if not any(line.strip() for line in lines):
        raise BadInput(f"{path}: the paper is empty")
    return lines


def cover(lines: list[str], found: Iterable[Anchor], quote_origin=None) -> CoverageReport:
    """Place every anchor in its unit; errors are `line: «quote»: reason` strings."""
    units = split_units(lines)
    unit_at: dict[int, Unit] = {}
    for unit in units:
        for number in unit.lines:
            unit_at[number] = unit
    text = NormalisedText(lines)
    errors = []
    for anchor in found:
        needle = normalise(anchor.prefix) + normalise(anchor.exact) + normalise(anchor.suffix)
        hits = text.find_all(needle) if normalise(anchor.exact) else []
        where = quote_origin(anchor) if quote_origin else anchor.resource
        if anchor.no_facts and not anchor.reason:
            errors.append(
                f"{where}: «{anchor.exact}»: a cr:NoFactsUnit without a skos:editorialNote @en"
                f" saying why ({anchor.resource})"
            )
            continue
        if not hits:
            errors.append(f"{where}: «{anchor.exact}»: not found in the paper ({anchor.resource})")
            continue
        starts = [h + len(normalise(anchor.prefix)) for h in hits]
        if len(starts) > 1:
            at = ", ".join(str(text.line_of[s]) for s in starts)
            errors.append(
                f"{where}: «{anchor.exact}»: ambiguous, found {len(starts)} times (paper lines {at});"
                f" add oa:prefix or oa:suffix ({anchor.resource})"
            )
            continue
        home = unit_at.get(text.line_of[starts[0]])
        if home is None:
            continue  # only whitespace-free text lives on content lines; kept for safety
        (home.no_facts if anchor.no_facts else home.resources).add(anchor.resource)
    return CoverageReport(units, errors)


def coverage(paper: Path, files: list[Path] | None = None) -> CoverageReport:
    """The coverage of `paper` by the project graph (or by `files`)."""
    lines = read_paper(paper)
    source = graph.source_files() if files is None else files
    store = graph.load_store(source, entail=False)
    return cover(lines, anchors(store), _QuoteOrigin(source))


class _QuoteOrigin:
    """`FILE:LINE` of the Turtle line holding a quote, for error messages only."""

    def __init__(self, files: Iterable[Path]):
        self.files = [Path(f) for f in files]
        self._lines: dict[Path, list[str]] = {}

    def __call__(self, anchor: Anchor) -> str:
        for path in self.files:
            if path not in self._lines:
                try:
                    self._lines[path] = path.read_text(encoding="utf-8").splitlines()
                except (OSError, UnicodeDecodeError):
                    self._lines[path] = []
            for number, line in enumerate(self._lines[path], start=1):
                if f'"{anchor.exact}"' in line:
                    return f"{path}:{number}"
        return "graph"


def check(report: CoverageReport) -> None:
    """Raise NotConforming when a quote is missing or ambiguous."""
    if report.errors:
        raise NotConforming(
            f"{len(report.errors)} anchor quote(s) do not locate one place in the paper"
        )
