"""`cityrdf link`: read the project's places, decide their links, and write data/links/ all or
nothing; a rerun whose only change would be the date leaves the files as they are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cityrdf.errors import BadInput
from cityrdf.fs import atomic
from cityrdf.links.curated import CURATED_IDS
from cityrdf.links.decide import link_places
from cityrdf.links.mapping_set import mapping_date, sssom_table
from cityrdf.links.model import Decision
from cityrdf.links.places import read_places
from cityrdf.links.rdf import (
    ENRICHMENT_PREFIXES,
    LINK_PREFIXES,
    enrichment_triples,
    links_triples,
    turtle,
)
from cityrdf.links.review import review_table
from cityrdf.links.scores import DEFAULT_THRESHOLD
from cityrdf.project import current_project, writing_sources
from cityrdf.rdf import graph
from cityrdf.sparql.wikidata import WikidataClient

SSSOM_FILE = "cityrdf.sssom.tsv"


@dataclass
class LinkReport:
    decisions: list[Decision]
    files: list[Path]
    written: bool = True  # False: the files on disk already said all this (with an earlier date)

    def coverage(self, kind: str, kb: str) -> tuple[int, int]:
        mine = [d for d in self.decisions if d.place.kind == kind and d.kb == kb]
        return sum(1 for d in mine if d.accepted), len(mine)


def link_files(
    decisions: list[Decision], out_dir: Path, review: Path, day: dt.date
) -> dict[Path, str]:
    """The content of every file `cityrdf link` writes, mappings dated `day`."""
    return {
        out_dir / "wikidata.ttl": turtle(links_triples(decisions, "wikidata", day), LINK_PREFIXES),
        out_dir / "geonames.ttl": turtle(links_triples(decisions, "geonames", day), LINK_PREFIXES),
        out_dir / "geonames-enrichment.ttl": turtle(
            enrichment_triples(decisions, day), ENRICHMENT_PREFIXES
        ),
        out_dir / SSSOM_FILE: sssom_table(decisions, day),
        review: review_table(decisions),
    }


def _on_disk(files: dict[Path, str]) -> bool:
    return all(
        path.is_file() and path.read_bytes() == text.encode() for path, text in files.items()
    )


def run(
    offline: bool = False,
    endpoint: str | None = None,
    review: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    out_dir: Path | None = None,
    sources: list[Path] | None = None,
    cache_dir: Path | None = None,
    today: dt.date | None = None,
    client: WikidataClient | None = None,
) -> LinkReport:
    """Link the project's places and write data/links/; raises BadInput and writes nothing on failure.

    Without --endpoint the offline sources only are used; --offline forbids any endpoint. When the
    links decided today are those on disk, the files keep their mapping date and are not rewritten.
    """
    if offline and endpoint:
        raise BadInput("--offline and --endpoint contradict each other: choose one")
    if not 0 < threshold <= 1:
        raise BadInput(f"--threshold must be in (0, 1], got {threshold}")
    out_dir = Path(out_dir or current_project().links_dir)
    review = Path(review or out_dir / "review.csv")
    today = today or dt.date.today()
    store = graph.load_store(
        sources if sources is not None else graph.source_files(with_links=False)
    )
    places = read_places(store)
    if not places:
        raise BadInput("the project graph has no cr:City or cr:Country to link")
    if endpoint and client is None:
        client = WikidataClient(endpoint=endpoint, cache_dir=cache_dir)
    decisions = link_places(places, out_dir / CURATED_IDS, client, threshold)
    sssom_path = out_dir / SSSOM_FILE
    dated = mapping_date(sssom_path.read_text(encoding="utf-8")) if sssom_path.is_file() else None
    if dated is not None and dated != today:
        files = link_files(decisions, out_dir, review, dated)
        if _on_disk(files):
            return LinkReport(decisions, list(files), written=False)
    files = link_files(decisions, out_dir, review, today)
    made = [path for path in files if path != review] + [out_dir / "review.csv"]
    with writing_sources(*made):  # a --review path of the user's is not one of them
        atomic.write_files(files)
    return LinkReport(decisions, list(files))


def print_summary(report: LinkReport) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="cityrdf link")
    for column in ("places", "Wikidata", "GeoNames"):
        table.add_column(column)
    for kind in ("city", "country", "network"):
        w, n = report.coverage(kind, "wikidata")
        g, _ = report.coverage(kind, "geonames")
        table.add_row(f"{kind} ({n})", f"{w}/{n}", f"{g}/{n}" if kind != "network" else "—")
    console = Console()
    console.print(table)
    files = ", ".join(str(p) for p in report.files)
    console.print(("wrote " if report.written else "unchanged, not rewritten: ") + files)
