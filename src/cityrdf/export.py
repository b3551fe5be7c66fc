"""`cityrdf export quickstatements`: QuickStatements V1 commands for the paper's pacts Wikidata lacks.

Each pact becomes two P190 statements (one per direction), with P580 at the precision the paper
prints, and a reference to the project's record of the pact (docs/decisions/0002-linking.md says why).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from cityrdf.compare import Row, comparison
from cityrdf.errors import BadInput
from cityrdf.fs import atomic
from cityrdf.sparql.wikidata import WikidataClient

# Wikibase time precision: 9 = year, 11 = day (https://www.wikidata.org/wiki/Help:Dates).
YEAR, DAY = 9, 11


def quickstatements_time(paper_date: str) -> str:
    """`+2000-08-17T00:00:00Z/11` for a day, `+1963-00-00T00:00:00Z/9` for a year."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", paper_date):
        return f"+{paper_date}T00:00:00Z/{DAY}"
    if re.fullmatch(r"\d{4}", paper_date):
        return f"+{paper_date}-00-00T00:00:00Z/{YEAR}"
    raise BadInput(f"signing date {paper_date!r} is neither YYYY nor YYYY-MM-DD")


def reference(row: Row, paper_qid: str | None, retrieved: dt.date) -> list[str]:
    """S248 "stated in" the paper's item when it has one, else S854 the pact's record; S813 retrieved."""
    source = ["S248", paper_qid] if paper_qid else ["S854", f'"{row.agreement}"']
    day = f"+{retrieved.isoformat()}T00:00:00Z/{DAY}"
    return [*source, "S813", day]


def commands(
    rows: list[Row],
    paper_qid: str | None = None,
    include_unofficial: bool = False,
    retrieved: dt.date | None = None,
) -> list[str]:
    retrieved = retrieved or dt.date.today()
    lines = []
    for row in (r for r in rows if r.verdict == "paper only"):
        unofficial = row.status == "unofficial"
        if unofficial and not include_unofficial:
            continue
        qualifier = ["P580", quickstatements_time(row.paper_date)] if row.paper_date else []
        # QuickStatements reads a trailing /* … */ as the edit summary, which editors see.
        note = (
            f"/* {row.labels[0]} – {row.labels[1]}: the paper marks this pair unofficial */"
            if unofficial
            else ""
        )
        for a, b in (row.qids, row.qids[::-1]):
            fields = [a, "P190", b, *qualifier, *reference(row, paper_qid, retrieved)]
            lines.append("\t".join(fields) + (f" {note}" if note else ""))
    return lines


def run(
    out: Path,
    pairs: Path | None = None,
    endpoint: str | None = None,
    paper_qid: str | None = None,
    include_unofficial: bool = False,
    sources: list[Path] | None = None,
    client: WikidataClient | None = None,
    retrieved: dt.date | None = None,
) -> list[str]:
    """Write the QuickStatements file for the pacts the comparison finds only in the paper."""
    if paper_qid and not re.fullmatch(r"Q\d+", paper_qid):
        raise BadInput(f"--paper-qid must look like Q123, got {paper_qid!r}")
    if out is None:
        raise BadInput("--out FILE is required")
    rows, _, _ = comparison(pairs, endpoint, sources, client)
    lines = commands(rows, paper_qid, include_unofficial, retrieved)
    atomic.write_files({Path(out): "".join(line + "\n" for line in lines)})
    return lines
