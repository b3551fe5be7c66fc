"""The ontology and shapes pages: a whole RDF document shown term by term with the site's templates.

(pyLODE, used before, gave the ontology page a scheme's IRI, ran titles of two languages together,
left Persian unmarked and repeated IDs.) Each IRI subject is one entry; blank nodes are shown
inline where they are used: `owl:unionOf` as "A or B", restrictions as "property exactly 2 Class",
lists in order, anything else as nested `[ property value ; … ]`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from cityrdf.rdf import graph
from cityrdf.rdf.documents import INTEGER_SUBTYPES
from cityrdf.rdf.namespaces import (
    BASE,
    CR,
    CRID,
    DCTERMS,
    ONTOLOGY_IRI,
    OWL,
    RDF,
    RDFS,
    SH,
    SKOS,
    XSD,
)
from cityrdf.views.parts import preferred, prefixed, site_path

Node = ox.NamedNode | ox.BlankNode | ox.Literal
LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS["title"], SH.name)
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


# Values are listed in the order the pages had when they were built on rdflib: blank nodes, then
# IRIs, then literals (numbers by value; others by datatype, language and lexical form)
NUMERIC_TYPES = INTEGER_SUBTYPES | {
    XSD[name].value for name in ("integer", "decimal", "double", "float")
}


def term_order(term: Node) -> tuple:
    """A sort key for that order; blank nodes keep the document's order (rdflib's random ids did
    not)."""
    if isinstance(term, ox.BlankNode):
        return (0,)
    if isinstance(term, ox.NamedNode):
        return (1, term.value)
    datatype = XSD.string.value if term.language else term.datatype.value
    value: tuple = (1, term.value)
    if datatype in NUMERIC_TYPES:
        try:
            value = (0, Decimal(term.value))
        except InvalidOperation:
            pass
    return (2, datatype, term.language or "", value)


class DocumentPage:
    """The page model of one RDF document, read from its triples."""

    def __init__(
        self,
        triples: list[ox.Triple],
        anchors: set[str] | None = None,
        names: Callable[[ox.NamedNode], dict[str, str]] | None = None,
    ):
        # the names of our resources the document links to but does not label (the site's)
        self.names = names
        # subject -> predicate -> objects, in the document's order, each triple once
        self.statements: dict[ox.NamedNode | ox.BlankNode, dict[ox.NamedNode, list[Node]]] = {}
        self.objects_used: set[Node] = set()
        for t in dict.fromkeys(triples):
            if isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple):
                continue  # RDF-star statements are not in our documents
            self.statements.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t.object)
            self.objects_used.add(t.object)
        # in-page anchors: our own terms (hash IRIs: cr:City is …/ontology#City, and #City here)
        self.anchors = anchors if anchors is not None else self._own_terms()

    def iri_subjects(self) -> list[ox.NamedNode]:
        return [s for s in self.statements if isinstance(s, ox.NamedNode)]

    def _own_terms(self) -> set[str]:
        return {s.value for s in self.iri_subjects() if s.value.startswith(str(CR))}

    def objects(self, node: Node | None, predicate: ox.NamedNode) -> list[Node]:
        if isinstance(node, ox.Literal) or node is None:
            return []
        return self.statements.get(node, {}).get(predicate, [])

    def first(self, node: Node, predicate: ox.NamedNode) -> Node | None:
        return next(iter(self.objects(node, predicate)), None)

    def subjects(self, predicate: ox.NamedNode, obj: Node) -> list[ox.NamedNode | ox.BlankNode]:
        return [
            s
            for s, by_predicate in self.statements.items()
            if obj in by_predicate.get(predicate, ())
        ]

    def predicate_objects(self, node: Node | None) -> list[tuple[ox.NamedNode, Node]]:
        if isinstance(node, ox.Literal) or node is None:
            return []
        pairs = [(p, o) for p, objects in self.statements.get(node, {}).items() for o in objects]
        return sorted(pairs, key=lambda pair: (pair[0].value, term_order(pair[1])))

    def list_items(self, node: Node) -> list[Node]:
        """The members of an RDF list, in order (a cycle ends it)."""
        return graph.list_members(node, self.first)

    def by_lang(self, node: Node | None, predicates) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for p in predicates:
            labels = [o for o in self.objects(node, p) if isinstance(o, ox.Literal)]
            for label in sorted(labels, key=term_order):
                found.setdefault(label.language or "", []).append(label.value)
        return found

    def link(self, node: ox.NamedNode) -> Value:
        iri = node.value
        labels = {k: v[0] for k, v in self.by_lang(node, LABELS).items()}
        if not labels and self.names and iri.startswith(str(CRID)):
            labels = self.names(node)
        text = preferred(labels, "en") or prefixed(iri)
        if iri in self.anchors:
            return Value(text, anchor=iri.rsplit("#", 1)[-1])
        path = site_path(iri)
        if path:
            return Value(text, href=path, lang=None)
        # one of our hash IRIs that neither this page nor any other describes (the shapes' own
        # crsh:wholeGraphSelect): its w3id address opens a page without that anchor, so no link
        undescribed = iri.startswith(BASE) and "#" in iri
        return Value(prefixed(iri)) if undescribed else Value(prefixed(iri), href=iri)

    def value(self, node: Node, depth: int = 0) -> Value:
        if isinstance(node, ox.Literal):
            return Value(node.value, lang=node.language)
        if isinstance(node, ox.NamedNode):
            return self.link(node)
        if depth > 8:  # a cycle through blank nodes; the RDF documents carry the whole structure
            return Value("[…]")
        union = self.first(node, OWL.unionOf)
        members = union if union is not None else self.first(node, OWL.members)
        if members is not None:
            word = "or" if union is not None else "and"
            return self.joined([self.value(m, depth + 1) for m in self.list_items(members)], word)
        if self.first(node, RDF.first) is not None:
            return self.joined([self.value(m, depth + 1) for m in self.list_items(node)], ",")
        on = self.first(node, OWL.onProperty)
        for predicate, word in RESTRICTIONS.items():
            amount = self.first(node, predicate)
            if on is not None and amount is not None:
                parts: list[Value | str] = [
                    self.value(on, depth + 1),
                    word,
                    self.value(amount, depth + 1),
                ]
                target = self.first(node, OWL.onClass) or self.first(node, OWL.onDataRange)
                if target is not None:
                    parts.append(self.value(target, depth + 1))
                return Value(parts=parts)
        nested: list[Value | str] = ["["]
        for p, o in self.predicate_objects(node):
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

    def rows(self, node: Node | None, skip=()) -> list[tuple[Value, list[Value]]]:
        found: dict[ox.NamedNode, list[Value]] = {}
        for p, o in self.predicate_objects(node):
            if p in skip:
                continue
            found.setdefault(p, []).append(self.value(o))
        return [(self.link(p), values) for p, values in found.items()]

    def entry(self, node: ox.NamedNode) -> Entry:
        iri = node.value
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
            for s in self.subjects(RDF.type, OWL.Class)
            if isinstance(s, ox.NamedNode) and s.value in self.anchors
        }
        children: dict[ox.NamedNode | None, list[ox.NamedNode]] = {}
        for c in classes:
            parents = sorted(
                (
                    p
                    for p in self.objects(c, RDFS.subClassOf)
                    if isinstance(p, ox.NamedNode) and p in classes
                ),
                key=lambda p: p.value,
            )
            children.setdefault(parents[0] if parents else None, []).append(c)
        relations: dict[ox.NamedNode, list[str]] = {}
        for prop in self.subjects(RDF.type, OWL.ObjectProperty):
            for domain in self.objects(prop, RDFS.domain):
                for target in self.objects(prop, RDFS.range):
                    if (
                        isinstance(prop, ox.NamedNode)
                        and isinstance(domain, ox.NamedNode)
                        and domain in classes
                        and isinstance(target, ox.NamedNode)
                    ):
                        said = f"{self.link(prop).text} → {self.link(target).text}"
                        relations.setdefault(domain, []).append(said)
        rows: list[TreeRow] = []

        def visit(node: ox.NamedNode | None, depth: int, parent: int | None) -> None:
            for child in sorted(children.get(node, []), key=lambda c: self.link(c).text.lower()):
                said = "; ".join(sorted(relations.get(child, [])))
                rows.append(TreeRow(self.link(child), depth, parent, said))
                visit(child, depth + 1, len(rows) - 1)

        visit(None, 0, None)
        return rows

    def view(self, iri: str | None = ONTOLOGY_IRI) -> DocumentView:
        top = ox.NamedNode(iri) if iri else None
        subjects = sorted(
            (s for s in self.iri_subjects() if s != top),
            key=lambda s: (s.value not in self.anchors, prefixed(s.value).lower()),
        )
        sections: dict[str, list[Entry]] = {title: [] for title, _ in SECTIONS}
        others: list[Entry] = []
        for s in subjects:
            types = set(self.objects(s, RDF.type))
            title = next((t for t, wanted in SECTIONS if types & set(wanted)), None)
            (sections[title] if title else others).append(self.entry(s))
        ordered = [(t, entries) for t, entries in sections.items() if entries]
        if others:
            ordered.append(("Other resources", others))
        # blank-node subjects that no IRI owns (owl:AllDisjointClasses, …)
        free = [
            b for b in self.statements if isinstance(b, ox.BlankNode) and b not in self.objects_used
        ]
        if free:
            axioms = [Entry("", None, {}, {}, [(Value("axiom"), [self.value(b)])]) for b in free]
            ordered.append(("Axioms", sorted(axioms, key=lambda e: repr(e.rows))))
        return DocumentView(
            class_tree=self.class_tree(),
            iri=iri,
            labels={k: v[0] for k, v in self.by_lang(top, LABELS).items()} if top else {},
            notes=self.by_lang(top, NOTES) if top else {},
            header=self.rows(top, skip=(*LABELS, *NOTES)) if top else [],
            sections=ordered,
        )
