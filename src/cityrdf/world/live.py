"""Live Wikidata as a world-layer source: every P190 statement with its P580 qualifier, then the
labels (en, fa), country (P17 with its ISO code P297) and coordinates (P625) of the places named.

Both questions are paged (ORDER BY, LIMIT/OFFSET) through `WikidataClient`, which sends a
descriptive User-Agent, backs off on 429/5xx and caches every page on disk, so a rerun resumes.
"""

from __future__ import annotations

from cityrdf.link import _wkt_point
from cityrdf.wikidata import WD_PROLOGUE, WikidataClient, qid
from cityrdf.world.sources import QID, PlaceRef, Source, Statement

PAGE_SIZE = 10_000

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


def _pages(client: WikidataClient, template: str, page_size: int):
    offset = 0
    while True:
        rows = client.select(WD_PROLOGUE + template % {"limit": page_size, "offset": offset})
        yield from rows
        if len(rows) < page_size:
            return
        offset += page_size


def read_live(client: WikidataClient, page_size: int = PAGE_SIZE) -> Source:
    """The P190 network as the endpoint answers now; values that are not items are skipped."""
    statements: list[Statement] = []
    for number, row in enumerate(_pages(client, STATEMENTS_QUERY, page_size), start=1):
        a, b = qid(row["city"]["value"]), qid(row["twin"]["value"])
        if not (QID.fullmatch(a) and QID.fullmatch(b)) or a == b:
            continue  # "unknown value" or a self-link: no pair to state
        start = row.get("start", {}).get("value", "")
        statements.append(
            Statement("wikidata-live", number, PlaceRef(a), PlaceRef(b), _date(start))
        )
    source = Source("wikidata-live", statements, origin=client.endpoint)
    items = sorted({r.qid for s in statements for r in (s.a, s.b)})
    countries: dict[str, tuple[str, str]] = {}
    for start in range(0, len(items), client.batch_size * 5):
        batch = items[start : start + client.batch_size * 5]
        values = " ".join(f"wd:{q}" for q in batch)
        for row in client.select(WD_PROLOGUE + PLACES_QUERY % {"values": values}):
            item = qid(row["item"]["value"])
            labels = source.labels.setdefault(item, {})
            for lang, key in (("en", "labelEn"), ("fa", "labelFa")):
                if key in row:
                    labels.setdefault(lang, row[key]["value"])
            if "country" in row and item not in countries:
                countries[item] = (qid(row["country"]["value"]), row.get("iso", {}).get("value"))
            point = _wkt_point(row.get("coord", {}).get("value", ""))
            if point and item not in source.coordinates:
                source.coordinates[item] = point
    for statement in statements:
        for side in ("a", "b"):
            ref = getattr(statement, side)
            country_qid, iso = countries.get(ref.qid, (None, None))
            name = source.labels.get(ref.qid, {}).get("en", "")
            setattr(statement, side, PlaceRef(ref.qid, name, "", country_qid, iso))
    return source


def _date(value: str) -> str:
    """A P580 value as xsd:dateTime text, cut to its day (Wikidata stores a year as YYYY-01-01)."""
    return value.lstrip("+")[:10] if value else ""
