"""The ontology and shapes pages: a whole RDF document shown term by term with the site's templates.

(pyLODE, used before, gave the ontology page a scheme's IRI, ran titles of two languages together,
left Persian unmarked and repeated IDs.) Each IRI subject is one entry; blank nodes are shown
inline where they are used: `owl:unionOf` as "A or B", restrictions as "property exactly 2 Class",
lists in order, anything else as nested `[ property value ; … ]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from cityrdf.rdf.namespaces import CR, ONTOLOGY_IRI
from cityrdf.views.parts import prefixed, site_path

LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title, SH.name)
NOTES = (RDFS.comment, SKOS.definition, DCTERMS.description, SKOS.scopeNote, SH.message)
RESTRICTIONS = {
    OWL.qualifiedCardinality: "exactly",
    OWL.cardinality: "exactly",
    OWL.minQualifiedCardinality: "at least",
    OWL.minCardinality: "at least",
    OWL.maxQualifiedCardinality: "at most",
    OWL.maxCardinality: "at most",
    OWL.someValuesFrom: "some",
    OWL.allValuesFrom: "only",
    OWL.hasValue: "value",
}
# (section title, what an entry's rdf:type must include); the first that matches takes the entry
SECTIONS = (
    ("Classes", (OWL.Class, RDFS.Class)),
    ("Object properties", (OWL.ObjectProperty,)),
    ("Datatype properties", (OWL.DatatypeProperty,)),
    ("Annotation properties", (OWL.AnnotationProperty,)),
    ("Datatypes", (RDFS.Datatype,)),
    ("Node shapes", (SH.NodeShape,)),
    ("Property shapes", (SH.PropertyShape,)),
)


@dataclass
class Value:
    """One object as the page shows it: a link (with an in-page anchor for our own terms), a
    literal with its language, or a sequence of values joined by a word ("or", "and", "exactly")."""

    text: str = ""
    href: str | None = None  # a site path (`ontology/term/City`) or an external IRI
    anchor: str | None = None  # an entry on this page
    lang: str | None = None
    parts: list[Value | str] = field(default_factory=list)


@dataclass
class Entry:
    iri: str
    anchor: str | None
    labels: dict[str, str]
    notes: dict[str, list[str]]
    rows: list[tuple[Value, list[Value]]]


@dataclass
class TreeRow:
    """One class in the class diagram: its depth under its first superclass, and that row's index."""

    value: Value
    depth: int
    parent: int | None
    relations: str = ""  # the object properties whose domain is the class: "party → city; …"


@dataclass
class DocumentView:
    iri: str | None
    labels: dict[str, str]
    notes: dict[str, list[str]]
    header: list[tuple[Value, list[Value]]]
    sections: list[tuple[str, list[Entry]]]
    class_tree: list[TreeRow] = field(default_factory=list)


def as_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


class DocumentPage:
    def __init__(self, triples: list[ox.Triple], anchors: set[str] | None = None):
        self.g = as_rdflib(triples)
        # in-page anchors: our own terms (hash IRIs: cr:City is …/ontology#City, and #City here)
        self.anchors = anchors if anchors is not None else self._own_terms()

    def _own_terms(self) -> set[str]:
        return {str(s) for s in self.g.subjects() if isinstance(s, URIRef) and s.startswith(CR)}

    def by_lang(self, node, predicates) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for p in predicates:
            for label in sorted(o for o in self.g.objects(node, p) if isinstance(o, Literal)):
                found.setdefault(label.language or "", []).append(str(label))
        return found

    def link(self, node: Node) -> Value:
        iri = str(node)
        labels = {k: v[0] for k, v in self.by_lang(node, LABELS).items()}
        text = labels.get("en") or labels.get("") or prefixed(iri)
        if iri in self.anchors:
            return Value(text, anchor=iri.rsplit("#", 1)[-1])
        path = site_path(iri)
        return Value(text, href=path, lang=None) if path else Value(prefixed(iri), href=iri)

    def value(self, node, depth: int = 0) -> Value:
        if isinstance(node, Literal):
            return Value(str(node), lang=node.language)
        if isinstance(node, URIRef):
            return self.link(node)
        if depth > 8:  # a cycle through blank nodes; the RDF documents carry the whole structure
            return Value("[…]")
        members = self.g.value(node, OWL.unionOf) or self.g.value(node, OWL.members)
        if members is not None:
            word = "or" if self.g.value(node, OWL.unionOf) is not None else "and"
            return self.joined(
                [self.value(m, depth + 1) for m in Collection(self.g, members)], word
            )
        if self.g.value(node, RDF.first) is not None:
            return self.joined([self.value(m, depth + 1) for m in Collection(self.g, node)], ",")
        on = self.g.value(node, OWL.onProperty)
        for predicate, word in RESTRICTIONS.items():
            amount = self.g.value(node, predicate)
            if on is not None and amount is not None:
                parts: list[Value | str] = [
                    self.value(on, depth + 1),
                    word,
                    self.value(amount, depth + 1),
                ]
                target = self.g.value(node, OWL.onClass) or self.g.value(node, OWL.onDataRange)
                if target is not None:
                    parts.append(self.value(target, depth + 1))
                return Value(parts=parts)
        nested: list[Value | str] = ["["]
        for p, o in sorted(self.g.predicate_objects(node)):
            nested += [self.link(p), self.value(o, depth + 1), ";"]
        if nested[-1] == ";":
            nested[-1] = "]"
        else:
            nested.append("]")
        return Value(parts=nested)

    @staticmethod
    def joined(values: list[Value], word: str) -> Value:
        parts: list[Value | str] = []
        for i, v in enumerate(values):
            if i:
                parts.append(word)
            parts.append(v)
        return Value(parts=parts)

    def rows(self, node, skip=()) -> list[tuple[Value, list[Value]]]:
        found: dict[Node, list[Value]] = {}
        for p, o in sorted(self.g.predicate_objects(node)):
            if p in skip:
                continue
            found.setdefault(p, []).append(self.value(o))
        return [(self.link(p), values) for p, values in found.items()]

    def entry(self, node: URIRef) -> Entry:
        iri = str(node)
        return Entry(
            iri=iri,
            anchor=iri.rsplit("#", 1)[-1] if iri in self.anchors else None,
            labels={k: v[0] for k, v in self.by_lang(node, LABELS).items()},
            notes=self.by_lang(node, NOTES),
            rows=self.rows(node, skip=(*LABELS, *NOTES)),
        )

    def class_tree(self) -> list[TreeRow]:
        """The document's own classes, each under its first superclass among them, depth first."""
        classes = {
            s
            for s in self.g.subjects(RDF.type, OWL.Class)
            if isinstance(s, URIRef) and str(s) in self.anchors
        }
        children: dict[URIRef | None, list[URIRef]] = {}
        for c in classes:
            parents = sorted(
                p
                for p in self.g.objects(c, RDFS.subClassOf)
                if isinstance(p, URIRef) and p in classes
            )
            children.setdefault(parents[0] if parents else None, []).append(c)
        relations: dict[URIRef, list[str]] = {}
        for prop in self.g.subjects(RDF.type, OWL.ObjectProperty):
            for domain in self.g.objects(prop, RDFS.domain):
                for target in self.g.objects(prop, RDFS.range):
                    if (
                        isinstance(domain, URIRef)
                        and domain in classes
                        and isinstance(target, URIRef)
                    ):
                        said = f"{self.link(prop).text} → {self.link(target).text}"
                        relations.setdefault(domain, []).append(said)
        rows: list[TreeRow] = []

        def visit(node: URIRef | None, depth: int, parent: int | None) -> None:
            for child in sorted(children.get(node, []), key=lambda c: self.link(c).text.lower()):
                said = "; ".join(sorted(relations.get(child, [])))
                rows.append(TreeRow(self.link(child), depth, parent, said))
                visit(child, depth + 1, len(rows) - 1)

        visit(None, 0, None)
        return rows

    def view(self, iri: str | None = ONTOLOGY_IRI) -> DocumentView:
        top = URIRef(iri) if iri else None
        subjects = sorted(
            {s for s in self.g.subjects() if isinstance(s, URIRef) and s != top},
            key=lambda s: (not str(s) in self.anchors, prefixed(str(s)).lower()),
        )
        sections: dict[str, list[Entry]] = {title: [] for title, _ in SECTIONS}
        others: list[Entry] = []
        for s in subjects:
            types = set(self.g.objects(s, RDF.type))
            title = next((t for t, wanted in SECTIONS if types & set(wanted)), None)
            (sections[title] if title else others).append(self.entry(s))
        ordered = [(t, entries) for t, entries in sections.items() if entries]
        if others:
            ordered.append(("Other resources", others))
        # blank-node subjects that no IRI owns (owl:AllDisjointClasses, …)
        free = [
            b
            for b in self.g.subjects()
            if isinstance(b, BNode) and not any(True for _ in self.g.subjects(None, b))
        ]
        if free:
            axioms = [
                Entry("", None, {}, {}, [(Value("axiom"), [self.value(b)])]) for b in set(free)
            ]
            ordered.append(("Axioms", sorted(axioms, key=lambda e: repr(e.rows))))
        return DocumentView(
            class_tree=self.class_tree(),
            iri=iri,
            labels={k: v[0] for k, v in self.by_lang(top, LABELS).items()} if top else {},
            notes=self.by_lang(top, NOTES) if top else {},
            header=self.rows(top, skip=(*LABELS, *NOTES)) if top else [],
            sections=ordered,
        )
