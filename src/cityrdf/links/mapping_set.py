"""SSSOM/TSV mapping sets written by sssom-py (https://mapping-commons.github.io/sssom/): the accepted
links of `cityrdf link`, and any other mapping set of the project (the world layer's merges).

sssom-py writes through pandas, not through `cityrdf.fs.csvsafe`, so every text cell is neutralised
with `csvsafe.cell` before the table is handed over (docs/decisions/0016-sssom-with-sssom-py.md).
sssom-py and pandas take seconds to import: they are imported here, when a table is written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping

import yaml

from cityrdf.fs import csvsafe
from cityrdf.links.model import TOOL, Decision, accepted_links
from cityrdf.project import DATA_LICENSE
from cityrdf.rdf.namespaces import BASE, GN, PREFIXES, SEMAPV, WD
from cityrdf.sparql.wikidata import qid

MAPPING_SET_ID = "https://w3id.org/cityrdf/id/mappings/cityrdf"
LICENSE = DATA_LICENSE  # the dataset's: its links in data/links/ carry the same mappings
# Who made the set: the project, as its DCAT record names its publisher (describe.py)
CREATOR_ID = "cityrdf:catalog.ttl#publisher"
CREATOR_LABEL = "cityrdf project"
COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "comment",
]


def mapping_set_tsv(
    rows: Iterable[Mapping[str, object]],
    columns: list[str],
    metadata: Mapping[str, object],
    prefixes: Mapping[str, str],
) -> str:
    """An SSSOM/TSV mapping set: `metadata` and the curie map of `prefixes` as the YAML header, then
    `rows` under `columns` (the header row is written even when there is no row). Slots that every
    row shares (mapping_tool, mapping_date...) go to the header, as sssom-py condenses them."""
    import curies
    import pandas as pd
    from sssom.util import MappingSetDataFrame
    from sssom.writers import write_table

    safe = [{name: _safe(row.get(name)) for name in columns} for row in rows]
    msdf = MappingSetDataFrame.with_converter(
        curies.Converter.from_prefix_map(dict(prefixes)),
        pd.DataFrame(safe, columns=columns),
        dict(metadata),
    )
    out = io.StringIO()
    # sssom-py condenses a column by its first value, which an empty set has not (IndexError)
    write_table(msdf, out, condense=bool(safe))
    return out.getvalue()


def _safe(value: object) -> object:
    """Numbers as they are; text as a cell a spreadsheet shows and does not run."""
    return value if isinstance(value, int | float) else csvsafe.cell(value)


def sssom_table(decisions: Iterable[Decision], today: dt.date) -> str:
    """The accepted links as an SSSOM/TSV mapping set."""
    prefixes = {
        "cityrdf": BASE,
        "crid": PREFIXES["crid"],
        "wikidata": str(WD),
        "geonames": str(GN),
        "semapv": str(SEMAPV),
        "skos": PREFIXES["skos"],
    }
    rows = []
    for d, c in accepted_links(decisions):
        object_id = (
            f"wikidata:{qid(c.target)}" if c.kb == "wikidata" else "geonames:" + c.target[len(GN) :]
        )
        rows.append(
            {
                "subject_id": "crid:" + d.place.iri[len(PREFIXES["crid"]) :],
                "subject_label": d.place.label_en,
                "predicate_id": "skos:exactMatch",
                "object_id": object_id,
                "object_label": c.label,
                "mapping_justification": c.justification,
                "confidence": round(c.score, 2),
                "comment": "; ".join(c.evidence),
            }
        )
    rows.sort(key=lambda r: (r["subject_id"], r["object_id"]))
    metadata = {
        "mapping_set_id": MAPPING_SET_ID,
        "license": LICENSE,
        "mapping_date": today.isoformat(),
        "mapping_tool": TOOL,
        "creator_id": [CREATOR_ID],
        "creator_label": [CREATOR_LABEL],
    }
    return mapping_set_tsv(rows, COLUMNS, metadata, prefixes)


def mapping_date(table: str) -> dt.date | None:
    """The set's mapping_date in the YAML header of an SSSOM/TSV table, if it has a readable one."""
    header = "\n".join(
        line.removeprefix("#").removeprefix(" ") for line in table.splitlines() if line[:1] == "#"
    )
    try:
        value = (yaml.safe_load(header) or {}).get("mapping_date")
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except (yaml.YAMLError, AttributeError, ValueError):
        return None
