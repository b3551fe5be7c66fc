"""The review table: every place and knowledge base without a link, with all its candidates and
their evidence, for a person to decide."""

from __future__ import annotations

from collections.abc import Iterable

from cityrdf.fs import csvsafe
from cityrdf.links.model import Candidate, Decision

REVIEW_COLUMNS = [
    "place",
    "place_label",
    "kb",
    "reason",
    "candidate",
    "candidate_label",
    "score",
    "justification",
    "evidence",
]


def review_table(decisions: Iterable[Decision]) -> str:
    rows = []
    for d in (d for d in decisions if not d.accepted):
        shown: list[Candidate | None] = list(d.candidates) or [None]
        for c in shown:
            rows.append(
                [
                    d.place.iri,
                    d.place.label_en,
                    d.kb,
                    d.reason,
                    c.target if c else "",
                    c.label if c else "",
                    c.score if c else "",
                    c.justification if c else "",
                    "; ".join(c.evidence) if c else "",
                ]
            )
    return csvsafe.table(REVIEW_COLUMNS, rows)
