"""The store's nodes as a page shows them: labels, links to our own pages, literals, and blank nodes
summarised by what they say (a text anchor by its quoted words)."""

from __future__ import annotations

from functools import cached_property

import pyoxigraph as ox

from cityrdf.rdf.graph import Subject
from cityrdf.rdf.namespaces import CR, DCTERMS, OA, ORG, QB, RDF, RDFS, SKOS
from cityrdf.text import persian_digits
from cityrdf.views.parts import Quote, Term, preferred, site_path
from cityrdf.views.vocabulary import vocabulary_labels

LABEL_PREDICATES = (RDFS.label, SKOS.prefLabel, DCTERMS["title"])
SUGGESTIONS_GRAPH = ox.NamedNode("https://w3id.org/cityrdf/graph/suggestions")


class TermReader:
    """Reads terms out of an Oxigraph store; label look-ups are cached because every page repeats them."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._labels: dict[str, dict[str, str]] = {}

    def objects(self, subject: Subject, predicate: ox.NamedNode) -> list:
        return [q.object for q in self.store.quads_for_pattern(subject, predicate, None)]

    def one(self, subject, predicate):
        return next(iter(self.objects(subject, predicate)), None)

    def labels(self, node) -> dict[str, str]:
        key = node.value
        if key not in self._labels:
            found: dict[str, str] = {}
            for prop in LABEL_PREDICATES:
                for lit in sorted(self.objects(node, prop), key=lambda lit: lit.value):
                    if isinstance(lit, ox.Literal):
                        found.setdefault(lit.language or "", lit.value)
            if "fa" not in found and (text := self.one(node, CR.jalaliText)) is not None:
                # a Solar Hijri date is labelled in English only; Persian text writes it so
                found["fa"] = f"{persian_digits(text.value)} (هجری شمسی)"
            self._labels[key] = found or self.composed_labels(node) or vocabulary_labels(key)
        return self._labels[key]

    def composed_labels(self, node) -> dict[str, str]:
        """A display name, in English and Persian, for a resource the sources leave unnamed, made of
        its parts' names: a row of one of the paper's lists, a city's membership of a network, a
        statistical observation, an argument link. A page shows it where it would show the IRI."""
        if not isinstance(node, ox.NamedNode):
            return {}
        types = set(self.objects(node, RDF.type))

        def name(part, lang: str) -> str | None:
            if part is None:
                return None
            return preferred(self.labels(part), lang)

        if CR.ListEntry in types:
            listed, position = self.one(node, CR.inList), self.one(node, CR.position)
            named = name(self.one(node, CR.names), "en"), name(self.one(node, CR.names), "fa")
            if listed is None or position is None or None in named:
                return {}
            return {
                "en": f"{name(listed, 'en')}, no. {position.value}: {named[0]}",
                "fa": f"{name(listed, 'fa')}، ردیف {persian_digits(position.value)}: {named[1]}",
            }
        if ORG.Membership in types:
            member, network = self.one(node, ORG.member), self.one(node, ORG.organization)
            if member is None or network is None:
                return {}
            return {
                "en": f"{name(member, 'en')} in {name(network, 'en')}",
                "fa": f"عضویت {name(member, 'fa')} در {name(network, 'fa')}",
            }
        if CR.ArgumentLink in types:
            # as the build names the others: "attributed to: Tehran in Metropolis"
            kind, target = self.one(node, CR.linkKind), self.one(node, CR.linkTo)
            if kind is None or target is None:
                return {}
            return {lang: f"{name(kind, lang)}: {name(target, lang)}" for lang in ("en", "fa")}
        if QB.Observation in types:
            dataset = self.one(node, QB.dataSet)
            dimensions = [
                q.object
                for q in self.store.quads_for_pattern(node, None, None)
                if next(
                    self.store.quads_for_pattern(q.predicate, RDF.type, QB.DimensionProperty), None
                )
            ]
            if dataset is None or len(dimensions) != 1:
                return {}
            return {
                lang: f"{name(dataset, lang)}: {name(dimensions[0], lang)}" for lang in ("en", "fa")
            }
        return {}

    def suggestion_term(self, source: ox.Store, node) -> Term:
        """A suggestion's candidate or criterion: its labels from the project, else the suggestions
        graph's (a world-layer city's rdfs:label, a criterion's skos:prefLabel)."""
        found = self.term(node)
        if not found.labels and isinstance(node, ox.NamedNode):
            for prop in LABEL_PREDICATES:
                quads = source.quads_for_pattern(node, prop, None, SUGGESTIONS_GRAPH)
                literals = [q.object for q in quads if isinstance(q.object, ox.Literal)]
                for lit in sorted(literals, key=lambda lit: lit.value):
                    found.labels.setdefault(lit.language or "", lit.value)
        return found

    def term(self, node) -> Term:
        if isinstance(node, ox.Literal):
            return Term(
                node.value, is_literal=True, lang=node.language, datatype=node.datatype.value
            )
        if isinstance(node, ox.BlankNode):
            # a blank node's id means nothing to a reader: show what it says instead
            return Term(self.blank_summary(node), is_literal=True)
        # only resources that have a page of their own are linked to one
        return Term(
            node.value,
            self.labels(node),
            site_path(node.value) if node.value in self.pages else None,
        )

    @cached_property
    def pages(self) -> frozenset[str]:
        return frozenset(self.resources())

    def resources(self) -> list[str]:
        """Every IRI of ours that is the subject of a triple: one page each."""
        found = {
            q.subject.value
            for q in self.store.quads_for_pattern(None, None, None)
            if isinstance(q.subject, ox.NamedNode) and site_path(q.subject.value)
        }
        return sorted(found)

    def exists(self, iri: str) -> bool:
        return next(self.store.quads_for_pattern(ox.NamedNode(iri), None, None), None) is not None

    def instances(self, cls: str) -> list[str]:
        return sorted(
            q.subject.value
            for q in self.store.quads_for_pattern(None, RDF.type, ox.NamedNode(cls))
            if isinstance(q.subject, ox.NamedNode)
        )

    def quote(self, anchor) -> Quote | None:
        """The words of a text anchor (`[ oa:hasSource part ; oa:hasSelector [ oa:exact … ] ]`)."""
        selector = self.one(anchor, OA.hasSelector)
        exact = self.one(selector, OA.exact) if selector is not None else None
        if exact is None:
            return None
        part = self.one(anchor, OA.hasSource)
        return Quote(exact.value, self.term(part) if part is not None else None)

    def blank_summary(self, node: ox.BlankNode, depth: int = 0) -> str:
        quote = self.quote(node)
        if quote is not None:
            where = f" ({quote.part.label('en')})" if quote.part else ""
            return f"«{quote.exact}»{where}"
        if depth > 1:
            return "[…]"
        said = []
        for q in self.store.quads_for_pattern(node, None, None):
            other = q.object
            if isinstance(other, ox.BlankNode):
                shown = self.blank_summary(other, depth + 1)
            elif isinstance(other, ox.Literal):
                shown = other.value
            else:
                shown = self.term(other).label("en")
            said.append(f"{self.term(q.predicate).label('en')}: {shown}")
        return "[" + "; ".join(sorted(said)) + "]"
