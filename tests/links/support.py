"""Shared by the link tests: the identifiers the small project's cities must get, and a client
for the local Wikidata endpoint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cityrdf.links import LinkReport
from cityrdf.sparql.wikidata import WikidataClient

CRID = "https://w3id.org/cityrdf/id/"
WD = "http://www.wikidata.org/entity/"
GN = "https://sws.geonames.org/"
TODAY = dt.date(2026, 1, 2)


def accepted(report: LinkReport, kb: str) -> dict[str, str]:
    """City slug -> the IRI it was linked to in one knowledge base."""
    return {
        d.place.iri.removeprefix(CRID + "city/"): d.accepted.target
        for d in report.decisions
        if d.kb == kb and d.accepted and d.place.kind == "city"
    }


def live_client(endpoint, cache: Path, **kw) -> WikidataClient:
    return WikidataClient(
        endpoint=endpoint.url,
        cache_dir=cache,
        timeout=kw.pop("timeout", 5),
        attempts=kw.pop("attempts", 3),
        backoff=0.01,
        **kw,
    )
