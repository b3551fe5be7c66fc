"""Consistency of the ontology with the data under HermiT (OWL 2 DL), run through owlready2.

HermiT accepts only the OWL 2 datatype map (OWL 2 Syntax §4), which lacks `xsd:date`, `xsd:gYear`
and `xsd:gYearMonth`, the datatypes our dates use (docs/model.md: dates at the precision the paper
prints). Left alone, HermiT aborts with `UnsupportedDatatypeException`; owlready2's
`ignore_unsupported_datatypes=True` makes it run but then drops every range check on those
datatypes. So the reasoner's copy of the graph (never the data) replaces each of them by a surrogate
datatype defined as `xsd:string` restricted to the XSD lexical pattern, and each such literal by its
lexical form as `xsd:string`. HermiT then still rejects a year where a full date is required or a
number where a year is. Other unsupported datatypes remain ignored; their lexical forms are
checked by SHACL (`sh:datatype`).

HermiT's answer depends only on the graph, so when the caller names the files the store was loaded
from, it is cached under `.cache/reasoner/`, keyed by the SHA-256 of those files' bytes: validating
unchanged sources again does not start the JVM (a JVM start alone costs seconds). Without the files
there is no cache: blank-node labels differ from one load to the next.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from cityrdf import graph, paths
from cityrdf.errors import CityrdfError
from cityrdf.namespaces import BASE

XSD = "http://www.w3.org/2001/XMLSchema#"
SURROGATE_NS = BASE + "reasoner#"
_ZONE = "(Z|[+-][0-9]{2}:[0-9]{2})?"
# XSD 1.1 Part 2 §3.3.9 (date), §3.3.10 (gYearMonth), §3.3.11 (gYear): lexical spaces.
SURROGATE_PATTERNS = {
    XSD + "date": "-?[0-9]{4,}-[0-9]{2}-[0-9]{2}" + _ZONE,
    XSD + "gYearMonth": "-?[0-9]{4,}-[0-9]{2}" + _ZONE,
    XSD + "gYear": "-?[0-9]{4,}" + _ZONE,
}
JAVA_MEMORY_MB = 1000  # the graph is small; owlready2's default 2 GB crowds a shared machine


@dataclass
class ReasonerReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    error: str | None = None  # HermiT could not run on the graph (e.g. not OWL 2 DL)

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable and self.error is None


def check_consistency(files: Iterable[Path]) -> ReasonerReport:
    """Load `files` (ontology and data) and ask HermiT whether they are consistent."""
    return check_store(graph.load_store(list(files), entail=False))


def check_store(store: ox.Store, sources: Iterable[Path] | None = None) -> ReasonerReport:
    """HermiT's verdict on `store`; cached when `sources`, the files it was loaded from, are given."""
    ntriples = ox.serialize(reasoner_triples(store), format=ox.RdfFormat.N_TRIPLES)
    if sources is None:
        return _run_hermit(ntriples)
    digest = hashlib.sha256(__file__.encode())  # a change to this module invalidates the cache
    for path in sorted(Path(p) for p in sources):
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    cached = paths.ROOT / ".cache" / "reasoner" / f"{digest.hexdigest()}.json"
    if cached.is_file():
        return ReasonerReport(**json.loads(cached.read_text(encoding="utf-8")))
    report = _run_hermit(ntriples)
    if report.error is None:  # a failure to run says nothing about the graph: not cached
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(report.__dict__), encoding="utf-8")
        os.replace(tmp, cached)
    return report


def _run_hermit(ntriples_bytes: bytes) -> ReasonerReport:
    import owlready2  # slow to import; only the reasoner needs it

    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if java is None:
        raise CityrdfError(
            "java not found: the reasoner needs a JRE (apt-get install default-jre-headless)"
        )
    owlready2.JAVA_EXE = java
    owlready2.reasoning.JAVA_MEMORY = JAVA_MEMORY_MB

    with tempfile.TemporaryDirectory(prefix="cityrdf-reasoner-") as tmp:
        ntriples = Path(tmp) / "graph.nt"
        ntriples.write_bytes(ntriples_bytes)
        world = owlready2.World()
        try:
            # owlready2 prints a warning for each punned property (e.g. qb:MeasureProperty and
            # owl:DatatypeProperty at once); legal OWL 2, so keep it out of the report.
            with contextlib.redirect_stderr(io.StringIO()):
                world.get_ontology(ntriples.as_uri()).load()
            owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
            nothing = "http://www.w3.org/2002/07/owl#Nothing"  # unsatisfiable by definition
            unsatisfiable = sorted({c.iri for c in world.inconsistent_classes()} - {nothing})
        except owlready2.OwlReadyInconsistentOntologyError:
            return ReasonerReport(consistent=False)
        except owlready2.OwlReadyJavaError as err:
            return ReasonerReport(consistent=False, error=_java_reason(str(err)))
        finally:
            world.close()
    return ReasonerReport(consistent=True, unsatisfiable=unsatisfiable)


def reasoner_triples(store: ox.Store) -> list[ox.Triple]:
    """The store's triples with XSD date datatypes swapped for pattern-restricted surrogates."""
    triples = [_surrogate_triple(q.triple) for q in store.quads_for_pattern(None, None, None, None)]
    return triples + [t for dt in SURROGATE_PATTERNS for t in _surrogate_definition(dt)]


def _surrogate_triple(triple: ox.Triple) -> ox.Triple:
    return ox.Triple(
        _surrogate_term(triple.subject), triple.predicate, _surrogate_term(triple.object)
    )


def _surrogate_term(term):
    if isinstance(term, ox.NamedNode) and term.value in SURROGATE_PATTERNS:
        return _surrogate_iri(term.value)
    if isinstance(term, ox.Literal) and term.datatype.value in SURROGATE_PATTERNS:
        return ox.Literal(term.value)  # plain xsd:string, checked against the surrogate's pattern
    return term


def _surrogate_iri(datatype: str) -> ox.NamedNode:
    return ox.NamedNode(SURROGATE_NS + datatype.removeprefix(XSD))


def _surrogate_definition(datatype: str) -> list[ox.Triple]:
    """`S ≡ xsd:string[pattern "…"]` in the RDF mapping of OWL 2 (DatatypeDefinition)."""
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    owl = "http://www.w3.org/2002/07/owl#"
    rdfs_datatype = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#Datatype")
    surrogate, restriction = _surrogate_iri(datatype), ox.BlankNode()
    facet, cell = ox.BlankNode(), ox.BlankNode()
    return [
        ox.Triple(surrogate, ox.NamedNode(rdf + "type"), rdfs_datatype),
        ox.Triple(surrogate, ox.NamedNode(owl + "equivalentClass"), restriction),
        ox.Triple(restriction, ox.NamedNode(rdf + "type"), rdfs_datatype),
        ox.Triple(restriction, ox.NamedNode(owl + "onDatatype"), ox.NamedNode(XSD + "string")),
        ox.Triple(restriction, ox.NamedNode(owl + "withRestrictions"), cell),
        ox.Triple(cell, ox.NamedNode(rdf + "first"), facet),
        ox.Triple(cell, ox.NamedNode(rdf + "rest"), ox.NamedNode(rdf + "nil")),
        ox.Triple(facet, ox.NamedNode(XSD + "pattern"), ox.Literal(SURROGATE_PATTERNS[datatype])),
    ]


def _java_reason(message: str) -> str:
    """The line of a Java stack dump that says what went wrong."""
    for line in message.splitlines():
        if "Exception" in line and ":" in line:
            return line.split(":", 1)[1].strip() or line.strip()
    return message.strip().splitlines()[-1] if message.strip() else "HermiT failed"
