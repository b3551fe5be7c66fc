"""Identifiers a person checked (data/links/curated-*.csv): they always win; each row names its
evidence, and a QID the sources do not confirm is a candidate for review, never a link."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from cityrdf.errors import BadInput
from cityrdf.fs.textfile import reading_csv
from cityrdf.importer.table import text_problem
from cityrdf.links.model import Candidate
from cityrdf.rdf.namespaces import GN, PREFIXES, WD
from cityrdf.terminal import shown

CURATED_IDS = "curated-ids.csv"
# One table per kind of place; the cities' table names the folder of the others.
CURATED_TABLES = (CURATED_IDS, "curated-country-ids.csv", "curated-network-ids.csv")
# semapv: how a curated identifier was established (the evidence column of the table says more).
CURATED_JUSTIFICATIONS = {"semapv:ManualMappingCuration", "semapv:CompositeMatching"}
# Identifiers as Wikidata and GeoNames mint them (no Q0, no leading zero)
IDENTIFIER = {"wikidata": re.compile(r"Q[1-9]\d*"), "geonames": re.compile(r"[1-9]\d*")}


def _tables(path: Path) -> list[Path]:
    """The curated tables that exist, `path` being the cities' table."""
    tables = (path if name == CURATED_IDS else path.with_name(name) for name in CURATED_TABLES)
    return [table for table in tables if table.is_file()]


def _confidence(text: str | None, where: str) -> float:
    try:
        value = float(text) if text and text.strip() else 1.0
    except ValueError:
        raise BadInput(f"{where}: confidence {text!r} is not a number") from None
    if not 0 < value <= 1:
        raise BadInput(f"{where}: confidence {value} is not in (0, 1]")
    return value


def curated_candidates(path: Path) -> dict[str, list[Candidate]]:
    """Identifiers a person checked (the evidence column says how); they always win.

    `path` is the cities' table; the countries' and networks' tables beside it are read too.
    """
    result: dict[str, list[Candidate]] = defaultdict(list)
    for table in _tables(path):
        _read_curated_table(table, result)
    return result


def _read_curated_table(path: Path, result: dict[str, list[Candidate]]) -> None:
    # the one text reader: a BOM dropped, bytes that are not UTF-8 named at FILE:LINE
    with reading_csv(path) as reader:
        for row in reader:
            line = reader.line_num
            iri = row.get("iri", "").strip()
            if not iri.startswith(PREFIXES["crid"]):
                raise BadInput(f"{path}:{line}: iri must be a crid: IRI, got {iri!r}")
            for column in ("label", "evidence"):  # they reach review.csv and the SSSOM table
                problem = text_problem(row.get(column) or "")
                if problem:
                    raise BadInput(f"{path}:{line}: {column}: {shown(problem)}")
            for value in (row.get("candidates") or "").split():
                if not IDENTIFIER["wikidata"].fullmatch(value):
                    raise BadInput(f"{path}:{line}: candidate {value!r} is not a Wikidata QID")
                result[iri].append(
                    Candidate(
                        iri,
                        "wikidata",
                        f"{WD}{value}",
                        "",
                        0.0,
                        "semapv:ManualMappingCuration",
                        f"curated table data/links/{path.name}",
                        [row.get("evidence", "").strip()],
                        unconfirmed=True,
                    )
                )
            for kb, base, column in (
                ("wikidata", str(WD), "wikidata"),
                ("geonames", str(GN), "geonames"),
            ):
                value = (row.get(column) or "").strip()
                if not value:
                    continue
                if not IDENTIFIER[kb].fullmatch(value):
                    raise BadInput(f"{path}:{line}: {column} {value!r} is not a {kb} identifier")
                if not (row.get("evidence") or "").strip():
                    raise BadInput(
                        f"{path}:{line}: a link needs its evidence (which sources agree on "
                        f"{value}): fill the evidence column"
                    )
                target = f"{base}{value}" + ("/" if kb == "geonames" else "")
                justification = (
                    row.get("justification") or ""
                ).strip() or "semapv:ManualMappingCuration"
                if justification not in CURATED_JUSTIFICATIONS:
                    raise BadInput(
                        f"{path}:{line}: justification {justification!r} is not one of "
                        + ", ".join(sorted(CURATED_JUSTIFICATIONS))
                    )
                confidence = _confidence(row.get("confidence"), f"{path}:{line}")
                result[iri].append(
                    Candidate(
                        iri,
                        kb,
                        target,
                        row.get("label", ""),
                        confidence,
                        justification,
                        f"curated table data/links/{path.name}",
                        [row.get("evidence", "").strip()],
                        curated=True,
                    )
                )


def curated_notes(path: Path) -> dict[str, str]:
    """Why a row of the curated tables has no Wikidata identifier nor candidate (its evidence)."""
    notes = {}
    for table in _tables(path):
        with reading_csv(table) as reader:
            for row in reader:
                if not any((row.get(c) or "").strip() for c in ("wikidata", "candidates")):
                    notes[(row.get("iri") or "").strip()] = (row.get("evidence") or "").strip()
    return notes
