"""Live Wikidata as a world-layer source: every P190 statement with its P580 qualifier, then the
labels (en, fa), country (P17 with its ISO code P297) and coordinates (P625) of the places named.

Both questions are paged (ORDER BY, LIMIT/OFFSET) through `WikidataClient`, which sends a
descriptive User-Agent, backs off on 429/5xx and caches every page on disk, so a rerun resumes.
What one run reads, and so adds to the cache, is bounded (`Bounds`): pages of statements, bytes of
all answers together, and a page repeated for the next OFFSET ends the run with BadInput.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cityrdf.errors import BadInput
from cityrdf.importer.table import text_problem
from cityrdf.links.geometry import wkt_point
from cityrdf.sparql.wikidata import WD_PROLOGUE, WikidataClient, item_qid
from cityrdf.world.sources import PlaceRef, Source, Statement

PAGE_SIZE = 10_000
# Far more than Wikidata's P190 statements take (a few pages), yet an end for an endpoint that
# never stops sending full pages.
MAX_PAGES = 50
MAX_BYTES = 64 * 2**20
ISO2 = re.compile(r"[A-Z]{2}")  # P297, ISO 3166-1 alpha-2

STATEMENTS_QUERY = """SELECT ?statement ?city ?twin ?start WHERE {
  ?city p:P190 ?statement . ?statement ps:P190 ?twin .
  OPTIONAL { ?statement pq:P580 ?start }
}
ORDER BY ?statement
LIMIT %(limit)d OFFSET %(offset)d"""

PLACES_QUERY = """SELECT ?item ?labelEn ?labelFa ?country ?iso ?coord WHERE {
  VALUES ?item { %(values)s }
  OPTIONAL { ?item rdfs:label ?labelEn FILTER(lang(?labelEn) = "en") }
  OPTIONAL { ?item rdfs:label ?labelFa FILTER(lang(?labelFa) = "fa") }
  OPTIONAL { ?item wdt:P17 ?country . OPTIONAL { ?country wdt:P297 ?iso } }
  OPTIONAL { ?item wdt:P625 ?coord }
}"""


def _pages(client: WikidataClient, template: str, page_size: int, bounds: Bounds):
    offset, previous = 0, None
    for page in range(1, bounds.max_pages + 2):
        if page > bounds.max_pages:
            raise BadInput(
                f"{client.endpoint}: still a full page of {page_size:,} statements after "
                f"{bounds.max_pages} pages; stopped (an endpoint that ignores OFFSET never ends; "
                f"Wikidata's P190 fits in far fewer)"
            )
        rows = client.select(WD_PROLOGUE + template % {"limit": page_size, "offset": offset})
        bounds.check(client)
        if rows and rows == previous:
            raise BadInput(
                f"{client.endpoint}: answered the same page for OFFSET {offset - page_size:,} "
                f"and {offset:,}; it ignores OFFSET, so paging would never end: stopped"
            )
        yield from rows
        if len(rows) < page_size:
            return
        offset, previous = offset + page_size, rows


@dataclass(frozen=True)
class Bounds:
    """How much one `world import --endpoint` reads (and so caches): pages of statements, and the
    bytes of every answer together."""

    max_pages: int = MAX_PAGES
    max_bytes: int = MAX_BYTES

    def check(self, client: WikidataClient) -> None:
        if client.bytes_read > self.max_bytes:
            raise BadInput(
                f"{client.endpoint}: the answers passed {self.max_bytes // 2**20} MiB together; "
                "stopped (what was read stays in the cache)"
            )


def read_live(
    client: WikidataClient, page_size: int = PAGE_SIZE, bounds: Bounds | None = None
) -> Source:
    """The P190 network as the endpoint answers now; values that are not items are skipped.
    BadInput when the endpoint's answers pass `bounds` (default MAX_PAGES, MAX_BYTES)."""
    bounds = bounds or Bounds()
    statements: list[Statement] = []
    for number, row in enumerate(_pages(client, STATEMENTS_QUERY, page_size, bounds), start=1):
        a, b = item_qid(_value(row, "city")), item_qid(_value(row, "twin"))
        if not (a and b) or a == b:
            continue  # "unknown value", an IRI outside Wikidata or a self-link: no pair to state
        start = _value(row, "start")
        statements.append(
            Statement("wikidata-live", number, PlaceRef(a), PlaceRef(b), _date(start))
        )
    source = Source("wikidata-live", statements, origin=client.endpoint)
    items = sorted({r.qid for s in statements for r in (s.a, s.b) if r.qid})  # all have one
    countries: dict[str, tuple[str, str | None]] = {}
    for first in range(0, len(items), client.batch_size * 5):
        batch = items[first : first + client.batch_size * 5]
        values = " ".join(f"wd:{q}" for q in batch)
        rows = client.select(WD_PROLOGUE + PLACES_QUERY % {"values": values})
        bounds.check(client)
        for row in rows:
            item = item_qid(_value(row, "item"))
            if not item:
                continue
            labels = source.labels.setdefault(item, {})
            for lang, key in (("en", "labelEn"), ("fa", "labelFa")):
                if key in row and not text_problem(_value(row, key)):  # the rules of any name
                    labels.setdefault(lang, _value(row, key))
            country = item_qid(_value(row, "country"))
            if country and item not in countries:
                iso = _value(row, "iso")
                countries[item] = (country, iso if ISO2.fullmatch(iso) else None)
            point = wkt_point(_value(row, "coord"))
            if point and item not in source.coordinates:
                source.coordinates[item] = point
    for statement in statements:
        for side in ("a", "b"):
            ref = getattr(statement, side)
            country_qid, country_iso = countries.get(ref.qid, (None, None))
            name = source.labels.get(ref.qid, {}).get("en", "")
            setattr(statement, side, PlaceRef(ref.qid, name, "", country_qid, country_iso))
    return source


def _value(row: dict, variable: str) -> str:
    """The lexical value of a bound variable, "" when unbound."""
    term = row.get(variable)
    return term.value if term is not None else ""


def _date(value: str) -> str:
    """A P580 value as xsd:dateTime text, cut to its day (Wikidata stores a year as YYYY-01-01)."""
    return value.lstrip("+")[:10] if value else ""
