"""The world layer on the published site, as a dataset of its own: each source's N-Quads dump
under that source's licence (Wikidata CC0, Wikipedia CC BY-SA 4.0, which the site must pass on),
a VoID description with one subset per source and the linksets that join it to the paper's
dataset (cr:attestedBy of the paper's agreements) and to Wikidata (owl:sameAs); and the
ontology's SSSOM alignment with Wikidata beside the ontology. Called by `cityrdf publish`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from cityrdf.describe import description_turtle, unique_triples
from cityrdf.project import current_project
from cityrdf.rdf.namespaces import CR, DCTERMS, OWL, RDF, VOID
from cityrdf.sparql.results import select
from cityrdf.world import metadata

ALIGNMENT = "cityrdf-wikidata.sssom.tsv"  # in ontology/, looked up when publishing
PAPER_AGREEMENTS = f"SELECT ?a WHERE {{ ?a a {CR.TwinningAgreement} }}"


def write_world(
    root: Path,
    base_url: str,
    paper_dataset: ox.NamedNode,
    project: ox.Store,
    world_dir: Path | None = None,
) -> list[Path]:
    """Write dumps/world/*.nq and world/void.ttl into the site `root`; returns the files written."""
    written = []
    alignment = current_project().ontology_dir / ALIGNMENT
    if alignment.is_file():
        written.append(_copy(alignment, root / "ontology" / ALIGNMENT))
    files = source_files(world_dir)
    if not files:
        return written
    paper = {r["a"] for r in select(project, PAPER_AGREEMENTS)}
    void: list[tuple] = []
    world = ox.NamedNode(base_url + "world/void.ttl#world")
    void.append((world, RDF.type, VOID.Dataset))
    title = "cityrdf world layer: other sources of sister-city pairs"
    void.append((world, DCTERMS["title"], ox.Literal(title, language="en")))
    for path in files:
        source = path.stem
        written.append(_copy(path, root / "dumps" / "world" / path.name))
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        paper_links = sum(1 for q in quads if q.predicate == CR.attestedBy and q.subject in paper)
        wikidata_links = sum(1 for q in quads if q.predicate == OWL.sameAs)
        title, licence, page = metadata.DESCRIPTIONS[source]
        subset = ox.NamedNode(base_url + f"world/void.ttl#{source}")
        void.append((world, VOID.subset, subset))
        void.append((subset, RDF.type, VOID.Dataset))
        void.append((subset, DCTERMS["title"], ox.Literal(title, language="en")))
        void.append((subset, DCTERMS.license, ox.NamedNode(licence)))
        void.append((subset, DCTERMS.source, ox.NamedNode(page)))
        void.append((subset, VOID.triples, ox.Literal(len(quads))))
        void.append((subset, VOID.dataDump, ox.NamedNode(base_url + f"dumps/world/{path.name}")))
        for name, subjects, objects, predicate, n in (
            ("paper", paper_dataset, subset, CR.attestedBy, paper_links),
            (
                "wikidata",
                subset,
                ox.NamedNode("http://www.wikidata.org/"),
                OWL.sameAs,
                wikidata_links,
            ),
        ):
            linkset = ox.NamedNode(base_url + f"world/void.ttl#{source}--{name}")
            void.append((linkset, RDF.type, VOID.Linkset))
            void.append((linkset, VOID.subjectsTarget, subjects))
            void.append((linkset, VOID.objectsTarget, objects))
            void.append((linkset, VOID.linkPredicate, predicate))
            void.append((linkset, VOID.triples, ox.Literal(n)))
            void.append((linkset, DCTERMS.license, ox.NamedNode(licence)))
            void.append((world, VOID.subset, linkset))
    written.append(root / "world" / "void.ttl")
    written[-1].parent.mkdir(parents=True, exist_ok=True)
    written[-1].write_bytes(description_turtle(unique_triples(void)))
    return written


def source_files(world_dir: Path | None = None) -> list[Path]:
    """world/{source}.nq of each source the world layer knows (not the suggestions)."""
    folder = Path(world_dir or current_project().world_dir)
    return [f for f in sorted(folder.glob("*.nq")) if f.stem in metadata.SOURCES]


def world_store(world_dir: Path | None = None) -> ox.Store | None:
    """The world layer's graphs in a store of their own, for the city pages' comparison of each
    pact's sources (kept out of the site's store: no world city gets a page); None without one."""
    files = source_files(world_dir)
    if not files:
        return None
    store = ox.Store()
    for path in files:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target
