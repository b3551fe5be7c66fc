"""Readers of the world layer's sources: each turns a file or an endpoint into `Statement`s.

A statement is one line (or one answer row) of a source saying that two places are twinned, with
what the source says about each place: a Wikidata QID, a name, a country name. Readers judge a file
by its parsed fields (QIDs by pattern, CSV by its header) and name the file and line they refuse.
Names obey the rules of `import pacts` (no formula, control or bidi character): a Wikipedia row
that breaks them goes to the review queue, shown escaped; a label file that does is refused.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from cityrdf.errors import BadInput
from cityrdf.fs.textfile import numbered_lines, read_text
from cityrdf.importer.table import text_problem
from cityrdf.terminal import shown

QID = re.compile(r"Q[1-9]\d*")
WIKIPEDIA_COLUMNS = ["city1", "country1", "city2", "country2"]


@dataclass(frozen=True)
class PlaceRef:
    """A place as one source names it."""

    qid: str | None = None
    name: str = ""
    country: str = ""  # the country's name as the source prints it
    country_qid: str | None = None
    iso2: str | None = None


@dataclass
class Statement:
    source: str  # wikidata-2016, wikipedia or wikidata-live
    line: int  # line of the file (or row of the answer) it comes from, for its record IRI
    a: PlaceRef
    b: PlaceRef
    start: str = ""  # P580 as the source gives it (YYYY, YYYY-MM-DD), if any


@dataclass
class Source:
    name: str
    statements: list[Statement]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # QID -> lang -> label
    coordinates: dict[str, tuple[float, float]] = field(default_factory=dict)  # QID -> (lat, long)
    origin: str = ""  # the file or endpoint read
    # rows read but not stated: (line, reason, the row's text), for the review queue
    incomplete: list[tuple[int, str, str]] = field(default_factory=list)


def read_wikidata_pairs(pairs: Path, labels: Path | None = None) -> Source:
    """`QID<TAB>QID[<TAB>start]` statements (the 2016 crawl) and `QID<TAB>label` names."""
    statements = []
    for number, line in numbered_lines(Path(pairs)):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) not in (2, 3) or not all(QID.fullmatch(f) for f in fields[:2]):
            raise BadInput(f"{pairs}:{number}: expected QID<TAB>QID[<TAB>start time]")
        if fields[0] == fields[1]:
            raise BadInput(f"{pairs}:{number}: {fields[0]} is twinned with itself")
        start = fields[2].strip() if len(fields) == 3 else ""
        statements.append(
            Statement("wikidata-2016", number, PlaceRef(fields[0]), PlaceRef(fields[1]), start)
        )
    if not statements:
        raise BadInput(f"{pairs}: no pairs (expected QID<TAB>QID[<TAB>start time] lines)")
    names: dict[str, dict[str, str]] = {}
    if labels is not None:
        for number, line in numbered_lines(Path(labels)):
            if not line.strip():
                continue
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) != 2 or not QID.fullmatch(fields[0]) or not fields[1].strip():
                raise BadInput(f"{labels}:{number}: expected QID<TAB>label")
            problem = _name_problem(["label"], [fields[1].strip()])
            if problem:
                raise BadInput(f"{labels}:{number}: {problem}")
            # The 2016 crawl's labels are mostly German (Teheran, Täbris): tagged "de" for that
            # reason, and never used as English labels.
            names[fields[0]] = {"de": fields[1].strip()}
        if not names:
            raise BadInput(f"{labels}: no labels (expected QID<TAB>label lines)")
    return Source("wikidata-2016", statements, names, origin=str(pairs))


def _name_problem(columns, names) -> str | None:
    """Why one of `names` cannot be a name (a formula, a control or bidi character: the rules of
    `import pacts`), as `column: reason`; None when all can."""
    for column, name in zip(columns, names):
        problem = text_problem(name)
        if problem:
            return f"{column}: {shown(problem)}"
    return None


def read_wikipedia(path: Path) -> Source:
    """A table `city1,country1,city2,country2` (English Wikipedia's lists of twin towns)."""
    path = Path(path)
    text = read_text(path)
    statements, incomplete = [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        if next(reader, None) != WIKIPEDIA_COLUMNS:
            raise BadInput(f"{path}:1: the header must be {','.join(WIKIPEDIA_COLUMNS)}")
        for fields in reader:
            if not fields:
                continue
            if len(fields) != 4:
                raise BadInput(f"{path}:{reader.line_num}: expected 4 fields, got {len(fields)}")
            if not all(f.strip() for f in fields):
                # the scraped lists have a few rows with a place but no country: kept for review
                incomplete.append((reader.line_num, "an empty field", shown(",".join(fields))))
                continue
            city1, country1, city2, country2 = (f.strip() for f in fields)
            problem = _name_problem(WIKIPEDIA_COLUMNS, (city1, country1, city2, country2))
            if problem:  # refused as `import pacts` refuses it; the review shows it escaped
                incomplete.append((reader.line_num, problem, shown(",".join(fields))))
                continue
            statements.append(
                Statement(
                    "wikipedia",
                    reader.line_num,
                    PlaceRef(name=city1, country=country1),
                    PlaceRef(name=city2, country=country2),
                )
            )
    except csv.Error as err:
        raise BadInput(f"{path}:{reader.line_num}: not valid CSV: {err}") from None
    return Source("wikipedia", statements, origin=str(path), incomplete=incomplete)
