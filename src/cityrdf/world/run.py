"""`cityrdf world import`: read the sources, resolve their cities, reconcile their pacts and write
`world/{source}.nq` (one named graph each), `world/resolution.sssom.tsv`, `world/merges.sssom.tsv`
and `world/review.csv`, all or nothing."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.fs import atomic, csvsafe
from cityrdf.links.mapping_set import COLUMNS, mapping_set_tsv
from cityrdf.project import current_project
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import CRID, SEMAPV, SKOS, WD
from cityrdf.sparql.wikidata import WikidataClient
from cityrdf.world import crawl_items, metadata
from cityrdf.world import merge as merging
from cityrdf.world.names import Index, add_geonames, read_natural_earth
from cityrdf.world.reconcile import Pair, Writer
from cityrdf.world.records import Review
from cityrdf.world.resolve import Resolver
from cityrdf.world.sources import Source, read_wikidata_pairs, read_wikipedia

# Natural Earth's populated places, where ../shared keeps them beside the project (read, never
# copied); relative to the project's parent folder.
DEFAULT_PLACES = Path("shared/reference-data/natural-earth-places/populated-places.csv")


@dataclass
class SourceReport:
    source: str
    statements: int
    pairs: int  # agreements
    cities: int
    cities_with_qid: int  # a QID or a city of the paper
    cities_with_position: int
    triples: int
    skipped: int = 0  # statements whose two places resolved to one city


@dataclass
class Report:
    sources: list[SourceReport] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    review: int = 0
    merges: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the import did without, said to the user


def _collector_paused(function):
    """Building the gazetteer index makes millions of small lists; the cyclic collector would scan
    them again and again (2-3x the time) and there are no cycles to find: paused meanwhile."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@_collector_paused
def run(
    wikidata_pairs: Path | None = None,
    wikidata_labels: Path | None = None,
    wikipedia: Path | None = None,
    endpoint: str | None = None,
    places: Path | None = None,
    out_dir: Path | None = None,
    sources: list[Path] | None = None,
    cache_dir: Path | None = None,
    client: WikidataClient | None = None,
    now: dt.datetime | None = None,
    merge: bool = True,
) -> Report:
    started = time.perf_counter()
    if wikidata_labels and not wikidata_pairs:
        raise BadInput("--wikidata-labels needs --wikidata-pairs")
    if not (wikidata_pairs or wikipedia or endpoint or client):
        raise BadInput("give at least one of --wikidata-pairs, --wikipedia, --endpoint")
    now = now or dt.datetime.now(dt.UTC)
    read: list[Source] = []
    if wikidata_pairs:
        read.append(
            read_wikidata_pairs(Path(wikidata_pairs), wikidata_labels and Path(wikidata_labels))
        )
    if wikipedia:
        read.append(read_wikipedia(Path(wikipedia)))
    if client is None and endpoint:
        client = WikidataClient(endpoint=endpoint, cache_dir=cache_dir)
    if client is not None:
        from cityrdf.world.live import read_live

        read.append(read_live(client))

    store = graph.load_store(sources)
    index = Index()
    default = current_project().root.parent / DEFAULT_PLACES
    places = Path(places) if places else (default if default.is_file() else None)
    notes = []
    if places:
        read_natural_earth(places, index)
    else:
        notes.append(
            f"no Natural Earth populated places at {default} (give --places): names are matched "
            "through GeoNames only, without Natural Earth's QIDs and names in six languages"
        )
    add_geonames(index)
    resolver = Resolver(index, store)
    # sources that give QIDs first: their cities, once given a country, help resolve names
    resolved = {s.name: _resolve(s, resolver) for s in read if s.name != "wikipedia"}
    crawl_items.country_from_labels(resolver)
    resolver.index_labelled_cities()
    resolved |= {s.name: _resolve(s, resolver) for s in read if s.name == "wikipedia"}
    twins = _twins(pairs for name, (pairs, _) in resolved.items() if name != "wikipedia")
    if "wikipedia" in resolved and twins:
        resolved["wikipedia"] = _by_partners(resolved["wikipedia"], resolver, twins)
    merges = _merged(resolved, resolver) if merge else []
    parties = {c.iri: c for pairs, _ in resolved.values() for p in pairs for c in (p.a, p.b)}
    crawl_items.review_country_names(resolver, parties.values())
    for source in read:
        resolver.review += [
            Review(source.name, text, "", f"line {line} not stated: {reason}", "")
            for line, reason, text in source.incomplete
        ]

    writer = Writer(resolver, store)
    report = Report(notes=notes)
    files: dict[Path, bytes] = {}
    out_dir = Path(out_dir or current_project().world_dir)
    for source in read:
        pairs, skipped = resolved[source.name]
        live_countries = {
            ref.iso2: ref.country_qid
            for s in source.statements
            for ref in (s.a, s.b)
            if ref.iso2 and ref.country_qid
        }
        quads, agreements, cities = writer.quads(
            source.name, pairs, _origin(source.origin), now, live_countries
        )
        files[out_dir / f"{source.name}.nq"] = graph.rdf_bytes(quads, ox.RdfFormat.N_QUADS)
        with_qid = sum(1 for c in cities.values() if c.qid or c.paper)
        with_position = sum(1 for c in cities.values() if c.lat is not None)
        report.sources.append(
            SourceReport(
                source.name,
                len(source.statements),
                len(agreements),
                len(cities),
                with_qid,
                with_position,
                len(set(quads)),
                skipped,
            )
        )
    files[out_dir / "resolution.sssom.tsv"] = resolution_tsv(resolver).encode("utf-8")
    files[out_dir / "review.csv"] = _review(resolver).encode("utf-8")
    files[out_dir / "merges.sssom.tsv"] = merging.merges_tsv(merges).encode("utf-8")
    atomic.write_files(files)
    report.files, report.review, report.merges = list(files), len(resolver.review), len(merges)
    report.seconds = time.perf_counter() - started
    return report


def _resolve(source: Source, resolver: Resolver) -> tuple[list[Pair], int]:
    pairs, skipped = [], 0
    for statement in source.statements:
        a, b = (
            resolver.by_qid(ref, source.labels.get(ref.qid, {}), source.coordinates.get(ref.qid))
            if ref.qid
            else resolver.by_name(source.name, ref)
            for ref in (statement.a, statement.b)
        )
        if a.iri == b.iri:
            skipped += 1  # e.g. two districts of one city, or a namesake resolved twice
            continue
        pairs.append(Pair(statement, a, b))
    return pairs, skipped


def _twins(pair_lists) -> dict[str, set[str]]:
    """City IRI -> its partners' IRIs, in the sources that give QIDs."""
    twins: dict[str, set[str]] = {}
    for pairs in pair_lists:
        for pair in pairs:
            twins.setdefault(pair.a.iri, set()).add(pair.b.iri)
            twins.setdefault(pair.b.iri, set()).add(pair.a.iri)
    return twins


def _by_partners(resolved, resolver: Resolver, twins) -> tuple[list[Pair], int]:
    """Each side of each row again, told by its partner (Resolver.by_partner); twice, since a
    side found so can tell its own partner in turn. Then one name of one country is one place
    in a list: rows that their partner could not tell follow the rows it told, when those agree
    on one city and the name alone was not ambiguous ("Greenwich, England" is the borough)."""
    pairs, skipped = resolved
    told: dict[tuple[str, str], set[str]] = {}
    ambiguous = {(r.name, r.country) for r in resolver.review if r.reason.startswith("ambiguous")}
    for _ in range(2):
        for pair in pairs:
            s = pair.statement
            for ref, side in ((s.a, "a"), (s.b, "b")):
                found, other = getattr(pair, side), pair.b if side == "a" else pair.a
                city = resolver.by_partner(s.source, ref, found, other, twins)
                if city is not found:
                    setattr(pair, side, city)
                    told.setdefault((ref.name, ref.country), set()).add(city.iri)
        for pair in pairs:
            s = pair.statement
            for ref, side in ((s.a, "a"), (s.b, "b")):
                cities = told.get((ref.name, ref.country), set())
                alone = (ref.name, ref.country) not in ambiguous
                if len(cities) == 1 and alone and getattr(pair, side).qid is None:
                    setattr(pair, side, resolver.cities[next(iter(cities))])
    # a name to review no longer when every row of it found its item
    left = {
        (pair.statement.source, ref.name, ref.country)
        for pair in pairs
        for ref, city in ((pair.statement.a, pair.a), (pair.statement.b, pair.b))
        if city.qid is None
    }
    resolver.review = [
        r
        for r in resolver.review
        if r.source != "wikipedia" or not r.country or (r.source, r.name, r.country) in left
    ]
    kept = [p for p in pairs if p.a.iri != p.b.iri]
    return kept, skipped + len(pairs) - len(kept)


def _merged(resolved, resolver: Resolver) -> list[merging.Merge]:
    """Duplicate nodes merged (merge.find_merges) in every source's pairs and in the mappings."""
    every = [(p.a.iri, p.b.iri) for pairs, _ in resolved.values() for p in pairs]
    merges = merging.find_merges(resolver.cities, every)
    kept_of = {}
    for m in merges:
        merging.absorb(m.kept, m.merged)
        kept_of[m.merged.iri] = m.kept
    for iri, city in list(kept_of.items()):
        while city.iri in kept_of:  # a node merged into one merged later
            city = kept_of[city.iri]
        kept_of[iri] = city
    for name, (pairs, skipped) in resolved.items():
        for pair in pairs:
            pair.a, pair.b = kept_of.get(pair.a.iri, pair.a), kept_of.get(pair.b.iri, pair.b)
        kept = [p for p in pairs if p.a.iri != p.b.iri]
        resolved[name] = (kept, skipped + len(pairs) - len(kept))
    for mapping in resolver.mappings:
        if mapping.target in kept_of:
            city = kept_of[mapping.target]
            mapping.evidence += f"; merged into {city.iri.rsplit('/id/', 1)[-1]}"
            mapping.target, mapping.qid = city.iri, city.qid or ""
    return merges


def _origin(origin: str) -> str:
    """A file's name (never the local path) or an endpoint's URL."""
    return origin if "://" in origin else Path(origin).name


RESOLUTION_METADATA = {
    "license": "https://creativecommons.org/licenses/by-sa/4.0/",
    "mapping_set_id": "https://w3id.org/cityrdf/id/mappings/world-names",
    "mapping_tool": "cityrdf world import",
}
RESOLUTION_PREFIXES = {
    "crid": str(CRID),
    "semapv": str(SEMAPV),
    "skos": str(SKOS),
    "wikidata": str(WD),
}
# subject_source: the source whose name was resolved, as the dataset its graph describes
RESOLUTION_COLUMNS = [*COLUMNS, "subject_source"]


def resolution_tsv(resolver: Resolver) -> str:
    """The name resolutions that reached a QID, as an SSSOM/TSV mapping set."""
    rows = []
    seen = set()
    for m in sorted(resolver.mappings, key=lambda m: (m.source, m.target, m.name, m.evidence)):
        if not m.qid or (m.source, m.name, m.country, m.target) in seen:
            continue
        seen.add((m.source, m.name, m.country, m.target))
        rows.append(
            {
                "subject_id": _curie(m.target),
                "subject_label": f"{m.name} ({m.country})",
                "predicate_id": "skos:exactMatch",
                "object_id": f"wikidata:{m.qid}",
                "mapping_justification": m.justification,
                "confidence": m.confidence,
                "subject_source": _curie(metadata.dataset_iri(m.source).value),
                "comment": m.evidence,
            }
        )
    return mapping_set_tsv(rows, RESOLUTION_COLUMNS, RESOLUTION_METADATA, RESOLUTION_PREFIXES)


def _curie(iri: str) -> str:
    return "crid:" + iri.removeprefix(str(CRID))


def _review(resolver: Resolver) -> str:
    review = sorted(resolver.review, key=lambda r: (r.source, r.country, r.name))
    return csvsafe.table(
        ["source", "name", "country", "reason", "candidates"],
        ([r.source, r.name, r.country, r.reason, r.candidates] for r in review),
    )


def print_summary(report: Report) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"cityrdf world import ({report.seconds:.1f} s)")
    columns = ("source", "statements", "pacts", "cities", "with QID", "with position", "triples")
    for column in (*columns, "self-pairs"):
        table.add_column(column)
    for s in report.sources:
        table.add_row(
            s.source,
            *(
                f"{v:,}"
                for v in (
                    s.statements,
                    s.pairs,
                    s.cities,
                    s.cities_with_qid,
                    s.cities_with_position,
                    s.triples,
                    s.skipped,
                )
            ),
        )
    console = Console()
    console.print(table)
    console.print(
        f"names to review: {report.review}; duplicate nodes merged: {report.merges}; wrote "
        + ", ".join(map(str, report.files))
    )
    for note in report.notes:
        print(f"warning: {note}", file=sys.stderr)
