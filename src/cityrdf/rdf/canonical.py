"""The same graph written as the same bytes: blank nodes named by RDFC-1.0 and statements in a
fixed order, for everything the build and the site write (dumps, documents, VoID, nanopubs).

Oxigraph names a parsed blank node afresh on every load, and a store lists its quads in an
order that follows those names; RDFC-1.0 (https://www.w3.org/TR/rdf-canon/) names each blank
node by what the graph says around it, so the names, and the order sorted on them, are the same
on every run. The order after Oxigraph's canonicalisation is not, hence the sort.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox


def canonical(triples: Iterable[ox.Triple], first: ox.NamedNode | None = None) -> list[ox.Triple]:
    """`triples` with RDFC-1.0 blank-node names, each once, sorted by subject, predicate and
    object as N-Triples writes them; with `first`, its own triples lead, then the blank nodes'
    (the structures a document describes it with), then the rest."""
    found = set(triples)  # a graph is a set: a repeated triple is written once
    # RDFC-1.0 names a blank node from the statements that mention blank nodes only: the others
    # are left out of it (half the time on a generated graph where half the triples have one)
    blank = {t for t in found if any(_is_blank(term) for term in t)}
    if blank:
        found = (found - blank) | {q.triple for q in _renamed(ox.Quad(*t) for t in blank)}
    return sorted(found, key=_order(first))


def canonical_quads(quads: Iterable[ox.Quad], first: ox.NamedNode | None = None) -> list[ox.Quad]:
    """`canonical` for a dataset: the quads sorted by graph name first."""
    found = set(quads)
    blank = {q for q in found if any(_is_blank(term) for term in q)}
    if blank:
        found = (found - blank) | _renamed(blank)
    order = _order(first)
    return sorted(found, key=lambda q: (str(q.graph_name), order(q)))


def _renamed(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def _order(first: ox.NamedNode | None) -> Callable[[ox.Triple | ox.Quad], tuple]:
    def key(statement: ox.Triple | ox.Quad) -> tuple:
        subject = statement.subject
        part = 0
        if first is not None and subject != first:
            part = 1 if isinstance(subject, ox.BlankNode) else 2
        # one string, the statement as N-Triples writes it (a third of the time of three): a
        # subject's statements stay together, as a space sorts before any character of a name
        triple = statement if isinstance(statement, ox.Triple) else statement.triple
        return (part, str(triple))

    return key


def _is_blank(term: object) -> bool:
    """A blank node, or a triple term holding one."""
    if isinstance(term, ox.Triple):
        return _is_blank(term.subject) or _is_blank(term.object)
    return isinstance(term, ox.BlankNode)
