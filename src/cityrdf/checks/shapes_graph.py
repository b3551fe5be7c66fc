"""The SHACL shapes graph as fastshacl reads it: the default graph of an Oxigraph store, looked up
by pattern (`GraphView`, which also reads pySHACL's report), with RDF lists walked through
rdf:first/rdf:rest, and the shapes that have targets (`ShapesGraph`).
"""

from __future__ import annotations

import pyoxigraph as ox

from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import OWL, RDF, RDFS, SH, XSD

Node = ox.NamedNode | ox.BlankNode | ox.Literal
Resource = ox.NamedNode | ox.BlankNode

# SHACL §2.1.3: the predicates that give a shape its focus nodes
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


class GraphView:
    """The triples of `store`'s default graph, looked up by pattern; a literal as a subject finds
    nothing, as in RDF (a shape parameter may be a literal where a node is expected)."""

    def __init__(self, store: ox.Store):
        self.store = store

    def triples(
        self, subject: Node | None, predicate: ox.NamedNode | None, obj: Node | None
    ) -> list[ox.Quad]:
        if isinstance(subject, ox.Literal):
            return []
        return list(self.store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph()))

    def objects(self, subject: Node, predicate: ox.NamedNode) -> list[Node]:
        return [q.object for q in self.triples(subject, predicate, None)]  # type: ignore[misc]

    def subjects(self, predicate: ox.NamedNode, obj: Node | None = None) -> list[Resource]:
        return [q.subject for q in self.triples(None, predicate, obj)]  # type: ignore[misc]

    def predicates(self, subject: Node) -> set[ox.NamedNode]:
        return {q.predicate for q in self.triples(subject, None, None)}

    def value(self, subject: Node, predicate: ox.NamedNode) -> Node | None:
        """One object of `subject` and `predicate`, or None (SHACL allows at most one where used)."""
        return next(iter(self.objects(subject, predicate)), None)

    def has(self, subject: Node, predicate: ox.NamedNode, obj: Node) -> bool:
        return bool(self.triples(subject, predicate, obj))

    def items(self, node: Node) -> list[Node]:
        """The members of the RDF list starting at `node`."""
        return graph.list_members(node, self.value)


class ShapesGraph(GraphView):
    """A shapes graph: which shapes are active, and which have focus nodes of their own."""

    def deactivated(self, shape: Node) -> bool:
        return is_true(self.value(shape, SH.deactivated))

    def is_class(self, shape: Node) -> bool:
        return self.has(shape, RDF.type, RDFS.Class) or self.has(shape, RDF.type, OWL.Class)

    def targeted_shapes(self) -> set[Resource]:
        """The active shapes that have focus nodes of their own."""
        shapes = {s for p in TARGETS for s in self.subjects(p)}
        # SHACL §2.1.3.3: a shape that is also a class targets its instances.
        for kind in (SH.NodeShape, SH.PropertyShape):
            shapes |= {s for s in self.subjects(RDF.type, kind) if self.is_class(s)}
        return {s for s in shapes if not self.deactivated(s)}


def is_true(node: Node | None) -> bool:
    """Whether `node` is the xsd:boolean true, in either of its lexical forms (XSD 1.1 §3.3.2)."""
    return (
        isinstance(node, ox.Literal)
        and node.datatype == XSD.boolean
        and node.value in ("true", "1")
    )
