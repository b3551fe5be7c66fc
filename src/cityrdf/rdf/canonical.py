"""The same graph written as the same bytes: blank nodes named by RDFC-1.0 and statements in a
fixed order, for everything the build and the site write (dumps, documents, VoID, nanopubs).

Oxigraph names a parsed blank node afresh on every load, and a store lists its quads in an
order that follows those names; RDFC-1.0 (https://www.w3.org/TR/rdf-canon/) names each blank
node by what the graph says around it, so the names, and the order sorted on them, are the same
on every run. The order after Oxigraph's canonicalisation is not, hence the sort.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox


def canonical_quads(quads: Iterable[ox.Quad], first: ox.NamedNode | None = None) -> list[ox.Quad]:
    """`quads` with RDFC-1.0 blank-node names, sorted by graph, subject, predicate and object as
    N-Quads writes them; with `first`, its own statements lead, then the blank nodes' (the
    structures a document describes it with), then the rest."""
    quads = set(quads)  # a graph is a set: a repeated statement is written once
    if any(_is_blank(term) for q in quads for term in (q.subject, q.object, q.graph_name)):
        dataset = ox.Dataset(quads)  # RDFC-1.0 has nothing to do without blank nodes
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = set(dataset)

    def order(quad: ox.Quad) -> tuple:
        subject = quad.subject
        part = 0
        if first is not None and subject != first:
            part = 1 if isinstance(subject, ox.BlankNode) else 2
        return (part, str(quad.graph_name), str(subject), str(quad.predicate), str(quad.object))

    return sorted(quads, key=order)


def canonical(triples: Iterable[ox.Triple], first: ox.NamedNode | None = None) -> list[ox.Triple]:
    """`canonical_quads` for the triples of one graph."""
    quads = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return [q.triple for q in canonical_quads(quads, first)]


def _is_blank(term: object) -> bool:
    """A blank node, or a triple term holding one."""
    if isinstance(term, ox.Triple):
        return _is_blank(term.subject) or _is_blank(term.object)
    return isinstance(term, ox.BlankNode)
