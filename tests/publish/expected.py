"""What a published document should hold, read from the sources without the store (which keeps
`xsd:nonNegativeInteger` and the other integer subtypes as `xsd:integer`)."""

from __future__ import annotations

from pathlib import Path

import rdflib  # the expected graphs, for comparison with rdflib.compare
from rdflib import BNode

from cityrdf.rdf import rdflib_bridge


def as_written(paths: list[Path]) -> rdflib.Graph:
    """The files as rdflib parses them, with the triples the build's entailments add."""
    written = rdflib.Graph()
    for path in paths:
        written.parse(path, format="turtle")
    # the entailments add triples between IRIs only, so those are compared
    ground = [
        {
            t
            for t in rdflib_bridge.load_graph(paths, entail=entail)
            if not any(isinstance(n, BNode) for n in t)
        }
        for entail in (True, False)
    ]
    for t in ground[0] - ground[1]:
        written.add(t)
    return written


def ontology_as_written(path: Path) -> rdflib.Graph:
    return as_written([path])
