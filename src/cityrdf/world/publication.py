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
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from cityrdf.project import current_project
from cityrdf.rdf.namespaces import CR
from cityrdf.sparql.results import select
from cityrdf.world import metadata

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
ALIGNMENT = "cityrdf-wikidata.sssom.tsv"  # in ontology/, looked up when publishing
PAPER_AGREEMENTS = f"SELECT ?a WHERE {{ ?a a <{CR.TwinningAgreement}> }}"


def write_world(
    root: Path,
    base_url: str,
    paper_dataset: URIRef,
    project: ox.Store,
    world_dir: Path | None = None,
) -> list[Path]:
    """Write dumps/world/*.nq and world/void.ttl into the site `root`; returns the files written."""
    written = []
    alignment = current_project().ontology_dir / ALIGNMENT
    if alignment.is_file():
        written.append(_copy(alignment, root / "ontology" / ALIGNMENT))
    files = [
        f
        for f in sorted(Path(world_dir or current_project().world_dir).glob("*.nq"))
        if f.stem in metadata.SOURCES
    ]
    if not files:
        return written
    paper = {r["a"] for r in select(project, PAPER_AGREEMENTS)}
    void = rdflib.Graph()
    void.bind("void", VOID)
    world = URIRef(base_url + "world/void.ttl#world")
    void.add((world, RDF.type, VOID.Dataset))
    title = "cityrdf world layer: other sources of sister-city pairs"
    void.add((world, DCTERMS.title, Literal(title, lang="en")))
    for path in files:
        source = path.stem
        written.append(_copy(path, root / "dumps" / "world" / path.name))
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        paper_links = sum(
            1 for q in quads if q.predicate == ox.NamedNode(CR.attestedBy) and q.subject in paper
        )
        wikidata_links = sum(1 for q in quads if q.predicate == ox.NamedNode(OWL.sameAs))
        title, licence, page = metadata.DESCRIPTIONS[source]
        subset = URIRef(base_url + f"world/void.ttl#{source}")
        void.add((world, VOID.subset, subset))
        void.add((subset, RDF.type, VOID.Dataset))
        void.add((subset, DCTERMS.title, Literal(title, lang="en")))
        void.add((subset, DCTERMS.license, URIRef(licence)))
        void.add((subset, DCTERMS.source, URIRef(page)))
        void.add((subset, VOID.triples, Literal(len(quads))))
        void.add((subset, VOID.dataDump, URIRef(base_url + f"dumps/world/{path.name}")))
        for name, subjects, objects, predicate, n in (
            ("paper", paper_dataset, subset, CR.attestedBy, paper_links),
            ("wikidata", subset, URIRef("http://www.wikidata.org/"), OWL.sameAs, wikidata_links),
        ):
            linkset = URIRef(base_url + f"world/void.ttl#{source}--{name}")
            void.add((linkset, RDF.type, VOID.Linkset))
            void.add((linkset, VOID.subjectsTarget, subjects))
            void.add((linkset, VOID.objectsTarget, objects))
            void.add((linkset, VOID.linkPredicate, URIRef(predicate)))
            void.add((linkset, VOID.triples, Literal(n)))
            void.add((linkset, DCTERMS.license, URIRef(licence)))
            void.add((world, VOID.subset, linkset))
    written.append(root / "world" / "void.ttl")
    written[-1].parent.mkdir(parents=True, exist_ok=True)
    written[-1].write_text(void.serialize(format="turtle"), encoding="utf-8")
    return written


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target
