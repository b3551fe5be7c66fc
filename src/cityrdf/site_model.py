"""What a resource page shows, read from the store: labels, types, facts both ways, sources, links.

Shared by `publish` (static files) and `serve` (live pages), so the two always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from cityrdf import graph
from cityrdf.namespaces import BASE, CITO, CR, CRID, ONTOLOGY_IRI, PREFIXES

RDF_TYPE = ox.NamedNode(str(RDF.type))
LABEL = ox.NamedNode(str(RDFS.label))
TITLE = ox.NamedNode(str(DCTERMS.title))
PREF_LABEL = ox.NamedNode(str(SKOS.prefLabel))
DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))
EVIDENCE = ox.NamedNode(str(CITO.citesAsEvidence))
TWINNED_WITH = ox.NamedNode(str(CR.twinnedWith))
PARTY = ox.NamedNode(str(CR.party))
ANNOTATED_SOURCE = ox.NamedNode(str(OWL.annotatedSource))
EXTERNAL_MATCH = {str(SKOS.exactMatch), str(SKOS.closeMatch), str(OWL.sameAs)}
ONTOLOGY_DECLARATION = ox.Triple(
    ox.NamedNode(ONTOLOGY_IRI), RDF_TYPE, ox.NamedNode(str(OWL.Ontology))
)
LANGS = ("en", "fa")
TERM_DIR = "ontology/term/"

# Which resources get an RDF document of their own, and under which suffix (docs/decisions/0001).
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "nt": ox.RdfFormat.N_TRIPLES,
}
PATH_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def site_path(iri: str) -> str | None:
    """Where an IRI of ours lives in the site, without suffix (`id/city/tehran`), or None if foreign."""
    if iri == ONTOLOGY_IRI:
        return "ontology"
    if iri.startswith(str(CR)):
        local = iri[len(str(CR)) :]
        return TERM_DIR + local if PATH_SEGMENT.fullmatch(local) else None
    if iri.startswith(str(CRID)):
        rest = iri[len(BASE) :]
        return rest if all(PATH_SEGMENT.fullmatch(s) for s in rest.split("/")) else None
    return None


def iri_for_path(path: str) -> str | None:
    """The inverse of `site_path` for a request path such as `id/city/tehran`; None if not ours."""
    segments = path.split("/")
    if not all(PATH_SEGMENT.fullmatch(s) and ".." not in s for s in segments):
        return None
    if path == "ontology":
        return ONTOLOGY_IRI
    if path.startswith(TERM_DIR) and len(segments) == 3:
        return str(CR) + segments[2]
    if segments[0] == "id" and len(segments) > 1:
        return BASE + path
    return None


def prefixed(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


@dataclass
class Term:
    """One node as a page shows it: a link (ours or external) with labels, or a literal."""

    value: str
    labels: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # set for our own resources
    is_literal: bool = False
    lang: str | None = None
    datatype: str | None = None

    def label(self, lang: str) -> str:
        if self.is_literal:
            return self.value
        return (
            self.labels.get(lang)
            or self.labels.get("en")
            or self.labels.get("")
            or prefixed(self.value)
        )

    @property
    def external(self) -> bool:
        return not self.is_literal and self.path is None and self.value.startswith("http")


@dataclass
class Source:
    """Where a fact comes from: the paper part(s) and the cited work(s), and the pact that says it."""

    parts: list[Term] = field(default_factory=list)
    evidence: list[Term] = field(default_factory=list)
    via: Term | None = None


@dataclass
class Fact:
    predicate: Term
    other: Term  # the object of an outgoing fact, the subject of an incoming one
    sources: list[Source]


@dataclass
class Suggested:
    """A partner `cityrdf opportunities` suggests (graph …/graph/suggestions): not a fact."""

    rank: int
    candidate: Term
    score: str
    criteria: list[Term]
    evidence: list[str]
    flags: list[str] = field(default_factory=list)  # duplicate, hub, a single shared partner


SUGGESTIONS_GRAPH = ox.NamedNode("https://w3id.org/cityrdf/graph/suggestions")
SUGGESTED_FOR = ox.NamedNode(str(CR.suggestedFor))
SUGGESTION_FIELDS = ("rank", "candidate", "score", "restsOn", "evidence")
EDITORIAL_NOTE = ox.NamedNode("http://www.w3.org/2004/02/skos/core#editorialNote")


@dataclass
class ResourceView:
    iri: str
    path: str
    labels: dict[str, list[str]]
    types: list[Term]
    outgoing: list[Fact]
    incoming: list[Fact]
    external: list[Term]
    own_source: Source
    suggestions: list[Suggested] = field(default_factory=list)  # predictions, shown apart
    nanopub: str | None = None  # site path of its nanopublication (claims and pacts; publish sets)

    def label(self, lang: str) -> str:
        names = self.labels.get(lang) or self.labels.get("en") or self.labels.get("")
        return names[0] if names else prefixed(self.iri)


class SiteModel:
    """Reads pages out of an Oxigraph store; label look-ups are cached because every page repeats them."""

    def __init__(self, store: ox.Store, ontology_files: list[Path] | None = None):
        self.store = store
        self._labels: dict[str, dict[str, str]] = {}
        # read now: the ontology document is the one the site (or server) started with
        self.ontology_files = graph.ontology_files() if ontology_files is None else ontology_files
        # resource IRI -> site path of its nanopublication, filled by `cityrdf publish` (cityrdf.nanopubs)
        self.nanopub_paths: dict[str, str] = {}
        # the suggestions graph when it is kept apart from the store (`cityrdf publish` sets it)
        self.suggestions_store: ox.Store | None = None

    def objects(self, subject: ox.NamedNode, predicate: ox.NamedNode) -> list:
        return [q.object for q in self.store.quads_for_pattern(subject, predicate, None)]

    def labels(self, node) -> dict[str, str]:
        key = node.value
        if key not in self._labels:
            found: dict[str, str] = {}
            for prop in (LABEL, PREF_LABEL, TITLE):
                for lit in sorted(self.objects(node, prop), key=lambda lit: lit.value):
                    if isinstance(lit, ox.Literal):
                        found.setdefault(lit.language or "", lit.value)
            self._labels[key] = found
        return self._labels[key]

    def term(self, node) -> Term:
        if isinstance(node, ox.Literal):
            return Term(
                node.value, is_literal=True, lang=node.language, datatype=node.datatype.value
            )
        if isinstance(node, ox.BlankNode):
            return Term("_:" + node.value, is_literal=True)
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

    def source_of(self, node) -> Source:
        return Source(
            parts=[self.term(n) for n in self.objects(node, DERIVED_FROM)],
            evidence=[self.term(n) for n in self.objects(node, EVIDENCE)],
        )

    def agreements_between(self, a: ox.NamedNode, b: ox.NamedNode) -> list[ox.NamedNode]:
        mine = {q.subject for q in self.store.quads_for_pattern(None, PARTY, a)}
        return sorted(
            (q.subject for q in self.store.quads_for_pattern(None, PARTY, b) if q.subject in mine),
            key=lambda n: n.value,
        )

    def _sources(self, subject, predicate, obj) -> list[Source]:
        # cr:twinnedWith is derived from agreements, so its sources are the agreements' sources.
        if predicate == TWINNED_WITH and isinstance(obj, ox.NamedNode):
            found = []
            for pact in self.agreements_between(subject, obj):
                source = self.source_of(pact)
                source.via = self.term(pact)
                found.append(source)
            return found
        source = self.source_of(subject)
        return [source] if source.parts or source.evidence else []

    def view(self, iri: str) -> ResourceView:
        node = ox.NamedNode(iri)
        labels: dict[str, list[str]] = {}
        for prop in (LABEL, PREF_LABEL, TITLE):
            for lit in self.objects(node, prop):
                if isinstance(lit, ox.Literal):
                    bucket = labels.setdefault(lit.language or "", [])
                    if lit.value not in bucket:
                        bucket.append(lit.value)
        outgoing, external = [], []
        for q in self.store.quads_for_pattern(node, None, None):
            fact = Fact(
                self.term(q.predicate),
                self.term(q.object),
                self._sources(node, q.predicate, q.object),
            )
            outgoing.append(fact)
            if q.predicate.value in EXTERNAL_MATCH and fact.other.external:
                external.append(fact.other)
        incoming = [
            Fact(
                self.term(q.predicate),
                self.term(q.subject),
                self._sources(q.subject, q.predicate, node),
            )
            for q in self.store.quads_for_pattern(None, None, node)
            # rdf:type lists every instance; a symmetric cr:twinnedWith already shows as outgoing;
            # suggestions are predictions and have their own section
            if q.predicate not in (RDF_TYPE, TWINNED_WITH) and q.graph_name != SUGGESTIONS_GRAPH
        ]
        order = lambda f: (f.predicate.label("en"), f.other.label("en"))
        return ResourceView(
            iri=iri,
            path=site_path(iri) or "",
            labels={k: sorted(v) for k, v in labels.items()},
            types=sorted(
                (self.term(t) for t in self.objects(node, RDF_TYPE)), key=lambda t: t.value
            ),
            outgoing=sorted(outgoing, key=order),
            incoming=sorted(incoming, key=order),
            external=sorted(external, key=lambda t: t.value),
            own_source=self.source_of(node),
            suggestions=self.suggestions(node),
            nanopub=self.nanopub_paths.get(iri),
        )

    def suggestions(self, city: ox.NamedNode) -> list[Suggested]:
        """The partners suggested for `city`, best first (empty without a suggestions graph)."""
        found = []
        source = self.store if self.suggestions_store is None else self.suggestions_store
        for q in source.quads_for_pattern(None, SUGGESTED_FOR, city, SUGGESTIONS_GRAPH):
            values = {
                name: [o.object for o in source.quads_for_pattern(q.subject, predicate, None)]
                for name, predicate in [
                    *((n, ox.NamedNode(str(CR[n]))) for n in SUGGESTION_FIELDS),
                    ("flags", EDITORIAL_NOTE),
                ]
            }
            found.append(
                Suggested(
                    rank=int(values["rank"][0].value),
                    candidate=self.term(values["candidate"][0]),
                    score=values["score"][0].value,
                    criteria=[self.term(c) for c in values["restsOn"]],
                    evidence=sorted(e.value for e in values["evidence"]),
                    flags=sorted(f.value for f in values["flags"]),
                )
            )
        return sorted(found, key=lambda s: s.rank)

    def document(self, iri: str) -> list[ox.Triple]:
        """The resource's concise bounded description (every triple about it, and recursively every
        triple about the blank nodes those reach: unions, restrictions, lists, text anchors) plus
        the labels of the resources it links to. The blank-node axioms that annotate one of its
        statements (`owl:annotatedSource` it: the evidence of a mapping) are its own too."""
        node = ox.NamedNode(iri)
        triples: list[ox.Triple] = []
        annotations = [
            q.subject
            for q in self.store.quads_for_pattern(None, ANNOTATED_SOURCE, node)
            if isinstance(q.subject, ox.BlankNode)
        ]
        todo, seen = [node, *annotations], set()
        while todo:
            subject = todo.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for q in self.store.quads_for_pattern(subject, None, None):
                triples.append(q.triple)
                if isinstance(q.object, ox.BlankNode):
                    todo.append(q.object)
        linked = {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
        for other in sorted(linked - seen, key=lambda n: n.value):
            triples += [q.triple for q in self.store.quads_for_pattern(other, LABEL, None)]
        return triples

    @cached_property
    def ontology_document(self) -> list[ox.Triple]:
        """The document at the ontology IRI: the whole ontology as built (ontology_document)."""
        return ontology_document(self.ontology_files)

    def instances(self, cls: str) -> list[str]:
        return sorted(
            q.subject.value
            for q in self.store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(cls))
            if isinstance(q.subject, ox.NamedNode)
        )


def ontology_document(files: list[Path]) -> list[ox.Triple]:
    """The whole ontology as the build loads it: every file of `files` that declares
    `<ONTOLOGY_IRI> a owl:Ontology`, with its blank-node structures (unions, restrictions,
    owl:AllDisjointClasses) and the declarations of the terms it reuses. The schemes and
    vocabularies beside it in ontology/ are resources with documents of their own."""
    own = [path for path in files if ONTOLOGY_DECLARATION in graph.parse_file(path)]
    store = graph.load_store(own) if own else ox.Store()
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    prefixes = PREFIXES if fmt in ("ttl", "jsonld") else None
    return ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes)


def stored_questions(queries_dir: Path | None = None) -> list[dict]:
    """The stored questions (cityrdf.catalogue) as the questions page and the query page show them.

    Parameterless questions come first, so the query page's default example runs as it stands.
    """
    from cityrdf import catalogue

    found = [
        {
            "name": q.name,
            "summary": q.summary,
            "title": q.title,
            "question": q.question,
            "params": [p.name for p in q.params],
            "query": q.text,
        }
        for q in catalogue.discover(queries_dir).values()
    ]
    return sorted(
        found, key=lambda q: (bool(q["params"]), q["name"] != "tehran-sister-cities", q["name"])
    )
