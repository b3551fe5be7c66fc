"""What a resource page shows, read from the store: labels, types, facts both ways, sources, links.

Shared by `publish` (static files) and `serve` (live pages), so the two always agree. The terms
and the places it reads are in `views.terms` and `views.places`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from cityrdf.opportunities.criteria import CRITERIA
from cityrdf.rdf import dates, graph
from cityrdf.rdf import documents as rdf_documents
from cityrdf.rdf.canonical import canonical
from cityrdf.rdf.documents import SourceDatatypes
from cityrdf.rdf.graph import Subject
from cityrdf.rdf.namespaces import (
    CITO,
    CR,
    DCTERMS,
    GEO,
    MP,
    ONTOLOGY_IRI,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
)
from cityrdf.views.parts import (
    Fact,
    LinkedGroup,
    MapPoint,
    PactEntry,
    ResourceView,
    Source,
    SourceComparison,
    Suggested,
    Term,
    site_path,
)
from cityrdf.views.places import PlaceReader
from cityrdf.views.terms import LABEL_PREDICATES, SUGGESTIONS_GRAPH

SECTION_LINKS = {
    p.value for p in (CR.party, ORG.member, ORG.organization, CR.holder, SKOS.inScheme)
}
# the kinds of resource whose page has a map of the cities it links to
MAP_TYPES = {t.value for t in (CR.City, CR.TwinningAgreement, CR.Country, CR.CityNetwork)}
# What a resource is, in words, for the top of its page (the first found of each language)
DESCRIPTIONS = (SKOS.definition, DCTERMS.description, RDFS.comment)
# Shown in the page's summary and sections, so left out of its list of key facts
SUMMARY_PREDICATES = {
    p.value
    for p in (
        RDF.type, RDFS.label, SKOS.prefLabel, DCTERMS["title"], SKOS.altLabel, PROV.wasDerivedFrom,
        CITO.citesAsEvidence, CR.textAnchor, SKOS.definition, DCTERMS.description, RDFS.comment,
        SKOS.exactMatch, SKOS.closeMatch, OWL.sameAs, CR.twinnedWith,
    )
}  # fmt: skip
EXTERNAL_MATCH = {p.value for p in (SKOS.exactMatch, SKOS.closeMatch, OWL.sameAs)}
SUPPORTED_BY = Term("supported by", is_literal=True)  # the summary's name for incoming mp:supports
ONTOLOGY_DECLARATION = ox.Triple(ox.NamedNode(ONTOLOGY_IRI), RDF.type, OWL.Ontology)

# Which resources get an RDF document of their own, and under which suffix (docs/decisions/0001).
RDF_FORMATS = rdf_documents.RDF_FORMATS


WORLD_GRAPHS = "https://w3id.org/cityrdf/graph/world/"
SUGGESTION_FIELDS = ("rank", "candidate", "score", "restsOn", "explainedBy")
CRITERION_POSITIONS = {criterion.slug: position for position, criterion in enumerate(CRITERIA)}


def number_or_none(text: str) -> Decimal | None:
    """A figure's value as a number, or None where the data holds something else (unvalidated)."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class SiteModel(PlaceReader):
    """Reads pages out of an Oxigraph store: the view of each resource and its RDF documents."""

    def __init__(self, store: ox.Store, ontology_files: list[Path] | None = None):
        super().__init__(store)
        # read now: the ontology document is the one the site (or server) started with
        self.ontology_files = graph.ontology_files() if ontology_files is None else ontology_files
        # resource IRI -> site path of its nanopublication, filled by `cityrdf publish` (cityrdf.nanopubs)
        self.nanopub_paths: dict[str, str] = {}
        # the suggestions graph when it is kept apart from the store (`cityrdf publish` sets it)
        self.suggestions_store: ox.Store | None = None
        # the world layer's graphs when they are kept apart from the store (`cityrdf serve` sets
        # its dataset): compared on city pages, never given pages of their own
        self.world_store: ox.Store | None = None

    @property
    def world_source(self) -> ox.Store:
        return self.store if self.world_store is None else self.world_store

    @cached_property
    def world_graphs(self) -> list[ox.NamedNode | ox.BlankNode]:
        return sorted(
            (g for g in self.world_source.named_graphs() if g.value.startswith(WORLD_GRAPHS)),
            key=lambda g: g.value,
        )

    def compare_sources(self, city: ox.NamedNode) -> tuple[list[str], list[SourceComparison]]:
        """Each pact of `city` in any graph, and whether the paper and each world source attest it
        (nothing without a world layer)."""
        if not self.world_graphs:
            return [], []
        world = self.world_source
        # the paper's graph is the store's default graph; each world source is a named graph
        graphs = [(self.store, ox.DefaultGraph()), *((world, g) for g in self.world_graphs)]
        pacts = sorted({q.subject for source, g in graphs
                        for q in source.quads_for_pattern(None, CR.party, city, g)
                        if not isinstance(q.subject, ox.Triple)},
                       key=lambda n: n.value)  # fmt: skip
        rows = []
        for pact in pacts:
            partners = {
                q.object
                for source, g in graphs
                for q in source.quads_for_pattern(pact, CR.party, None, g)
                if not isinstance(q.object, ox.Triple)
            } - {city}
            attested = [
                next(source.quads_for_pattern(pact, CR.attestedBy, None, g), None) is not None
                for source, g in graphs
            ]
            for partner in sorted(partners, key=lambda n: n.value):
                rows.append(SourceComparison(self.world_term(partner), self.term(pact), attested))
        names = ["paper"] + [g.value[len(WORLD_GRAPHS) :] for g in self.world_graphs]
        return names, sorted(rows, key=lambda r: r.partner.label("en"))

    def world_term(self, node: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
        """A partner: its labels from the project, else from the world layer's graphs."""
        found = self.term(node)
        if not found.labels and isinstance(node, ox.NamedNode):
            for g in self.world_graphs:
                for q in self.world_source.quads_for_pattern(node, RDFS.label, None, g):
                    if isinstance(q.object, ox.Literal):
                        found.labels.setdefault(q.object.language or "", q.object.value)
        return found

    def pact_entry(self, pact: Subject, city: ox.NamedNode | None) -> PactEntry:
        date = self.one(pact, CR.signingDate)
        status = self.one(pact, CR.status)
        stated = [q.subject for q in self.store.quads_for_pattern(None, CR.dateOf, pact)]
        jalali, jalali_stated = None, False
        if stated and (text := self.one(stated[0], CR.jalaliText)) is not None:
            jalali, jalali_stated = text.value, True
        elif date is not None and len(date.value) == 10:
            day = dates.parse_date(date.value).gregorian_span()[0]
            jalali = dates.gregorian_to_jalali(day).text
        return PactEntry(
            pact=self.term(pact),
            partners=[self.term(p) for p in self.objects(pact, CR.party) if p != city],
            date=date.value if date is not None else None,
            jalali=jalali,
            jalali_stated=jalali_stated,
            status=self.term(status) if status is not None else None,
        )

    def source_of(self, node) -> Source:
        return Source(
            parts=[self.term(n) for n in self.objects(node, PROV.wasDerivedFrom)],
            evidence=[self.term(n) for n in self.objects(node, CITO.citesAsEvidence)],
        )

    def agreements_between(
        self, a: ox.NamedNode, b: ox.NamedNode
    ) -> list[ox.NamedNode | ox.BlankNode]:
        mine = {q.subject for q in self.store.quads_for_pattern(None, CR.party, a)}
        return sorted(
            (
                q.subject
                for q in self.store.quads_for_pattern(None, CR.party, b)
                if q.subject in mine and not isinstance(q.subject, ox.Triple)
            ),
            key=lambda n: n.value,
        )

    def _sources(self, subject, predicate, obj) -> list[Source]:
        # cr:twinnedWith is derived from agreements, so its sources are the agreements' sources.
        if predicate == CR.twinnedWith and isinstance(obj, ox.NamedNode):
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
        for prop in LABEL_PREDICATES:
            for lit in self.objects(node, prop):
                if isinstance(lit, ox.Literal):
                    bucket = labels.setdefault(lit.language or "", [])
                    if lit.value not in bucket:
                        bucket.append(lit.value)
        if not labels:  # named from its parts (views.terms), as the links to it are
            labels = {lang: [name] for lang, name in self.composed_labels(node).items()}
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
            if q.predicate not in (RDF.type, CR.twinnedWith) and q.graph_name != SUGGESTIONS_GRAPH
        ]
        order = lambda f: (f.predicate.label("en"), f.other.label("en"))
        view = ResourceView(
            iri=iri,
            path=site_path(iri) or "",
            labels={k: sorted(v) for k, v in labels.items()},
            types=sorted(
                (self.term(t) for t in self.objects(node, RDF.type)), key=lambda t: t.value
            ),
            outgoing=sorted(outgoing, key=order),
            incoming=sorted(incoming, key=order),
            external=sorted(external, key=lambda t: t.value),
            own_source=self.source_of(node),
            suggestions=self.suggestions(node),
            nanopub=self.nanopub_paths.get(iri),
        )
        self.add_summary(view, node)
        return view

    def add_summary(self, view: ResourceView, node: ox.NamedNode) -> None:
        """What the top of the page shows: description, quotes, place, pacts, members, map, and
        the sources of every fact as one numbered list."""
        for prop in DESCRIPTIONS:
            for lit in self.objects(node, prop):
                if isinstance(lit, ox.Literal):
                    view.descriptions.setdefault(lit.language or "en", lit.value)
        view.alt_labels = [self.term(lit) for lit in self.objects(node, SKOS.altLabel)]
        view.quotes = [q for a in self.objects(node, CR.textAnchor) if (q := self.quote(a))]
        view.place = self.places.get(node.value)
        grouped: dict[str, tuple[Term, list[Term]]] = {}
        for fact in view.outgoing:
            if fact.predicate.value not in SUMMARY_PREDICATES:
                grouped.setdefault(fact.predicate.value, (fact.predicate, []))[1].append(fact.other)
        view.key_facts = list(grouped.values())
        # a claim's evidence (what mp:supports it) beside what it answers; among the pages that
        # link here it would stand under the bare name of the property, which reads the other way
        evidence = [
            f.other
            for f in view.incoming
            if f.predicate.value == MP.supports.value and f.other.path
        ]
        if evidence:
            view.key_facts.append((SUPPORTED_BY, evidence))
        if view.is_city:
            # the paper's pacts: the world layer's graphs are compared below, not mixed in
            view.pacts = [
                self.pact_entry(q.subject, node)
                for q in self.store.quads_for_pattern(None, CR.party, node, ox.DefaultGraph())
            ]
            view.world_sources, view.comparison = self.compare_sources(node)
            view.memberships = [
                self.term(org)
                for q in self.store.quads_for_pattern(None, ORG.member, node)
                for org in self.objects(q.subject, ORG.organization)
            ]
            view.designations = [
                self.term(q.subject) for q in self.store.quads_for_pattern(None, CR.holder, node)
            ]
        elif self.one(node, CR.party) is not None:
            view.pacts = [self.pact_entry(node, None)]
        if (quantity := self.one(node, CR.quantity)) is not None:
            # the paper's other figures for the same quantity (141 and 149 agreements), with values
            view.figures = sorted(
                (
                    (self.term(q.subject), value.value)
                    for q in self.store.quads_for_pattern(None, CR.quantity, quantity)
                    if q.subject != node and (value := self.one(q.subject, CR.value)) is not None
                ),
                key=lambda figure: (
                    number_or_none(figure[1]) is None,
                    number_or_none(figure[1]) or 0,
                    figure[0].value,
                ),
            )
        members = [
            q.subject
            for q in self.store.quads_for_pattern(None, SKOS.inScheme, node)
            if not isinstance(q.subject, ox.Triple)
        ]
        position = lambda n: int(p.value) if (p := self.one(n, CR.position)) is not None else 10**6
        members += [  # a network's member cities, through their memberships
            city
            for q in self.store.quads_for_pattern(None, ORG.organization, node)
            for city in self.objects(q.subject, ORG.member)
        ]
        view.members = [self.term(n) for n in sorted(members, key=lambda n: (position(n), n.value))]
        linked: dict[str, LinkedGroup] = {}
        for fact in view.incoming:
            # our own resources (blank nodes and foreign IRIs stay in the table), less the links
            # the sections above show: a city's pacts, memberships, titles; a scheme's concepts
            if fact.other.path and fact.predicate.value not in SECTION_LINKS:
                group = linked.setdefault(fact.predicate.value, LinkedGroup(fact.predicate, []))
                group.others.append(fact.other)
        view.linked_from = list(linked.values())
        if any(t.value in MAP_TYPES for t in view.types):
            points = [p for p in [self.map_point(node, "self")] if p]
            # a city's map is of its partners; other resources map the cities they link to
            mapped = (
                sorted(set(self.objects(node, CR.twinnedWith)), key=lambda n: n.value)
                if view.is_city
                else self.cities_near(node)
            )
            points += [p for c in mapped if (p := self.map_point(c, "linked"))]
            shown = {c.value for c in mapped}
            for s in view.suggestions if view.is_city else []:  # predictions, drawn apart
                if s.position and s.candidate.value not in shown:
                    t = s.candidate
                    lat, long = s.position
                    points.append(
                        MapPoint(
                            t.label("en"), t.labels.get("fa", ""), lat, long, t.path, "suggested"
                        )
                    )
            view.map_points = points if len(points) > 1 or view.place else []
        numbers: dict[tuple, int] = {}
        for fact in [*view.outgoing, *view.incoming]:
            for source in fact.sources:
                key = (
                    tuple(t.value for t in source.parts),
                    tuple(t.value for t in source.evidence),
                    source.via.value if source.via else None,
                )
                if key not in numbers:
                    numbers[key] = len(numbers) + 1
                    view.references.append(source)
                view.refs.setdefault(id(fact), []).append(numbers[key])

    def suggestions(self, city: ox.NamedNode) -> list[Suggested]:
        """The partners suggested for `city`, best first (empty without a suggestions graph)."""
        found = []
        source = self.store if self.suggestions_store is None else self.suggestions_store
        weights: dict[str, dict[str, Decimal]] = {}  # by run: its criteria's weights
        for q in source.quads_for_pattern(None, CR.suggestedFor, city, SUGGESTIONS_GRAPH):
            values = {
                name: [
                    o.object
                    for o in source.quads_for_pattern(q.subject, predicate, None)
                    if not isinstance(o.object, ox.Triple)
                ]
                for name, predicate in [
                    *((n, CR[n]) for n in SUGGESTION_FIELDS),
                    ("flags", SKOS.editorialNote),
                ]
            }
            candidate = values["candidate"][0]
            position = None
            if isinstance(
                candidate, ox.NamedNode
            ):  # a candidate is an IRI; its position as written
                lat, long = (
                    next(source.quads_for_pattern(candidate, p, None, SUGGESTIONS_GRAPH), None)
                    for p in (GEO.lat, GEO.long)
                )
                if lat and long:
                    position = (float(lat.object.value), float(long.object.value))  # type: ignore[union-attr]  # literals by the shapes
            found.append(
                Suggested(
                    position=position,
                    rank=int(values["rank"][0].value),
                    candidate=self.suggestion_term(source, candidate),
                    score=values["score"][0].value,
                    criteria=[
                        self.suggestion_term(source, c)
                        for c in sorted(values["restsOn"], key=criterion_order)
                    ],
                    evidence=evidence_by_weight(source, q.subject, values["explainedBy"], weights),
                    flags=sorted(f.value for f in values["flags"]),
                )
            )
        return sorted(found, key=lambda s: s.rank)

    def document(self, iri: str) -> list[ox.Triple]:
        """The resource's RDF document (cityrdf.rdf.documents.resource_document), with the
        datatypes the sources wrote, its own statements first, in canonical form."""
        triples = self.source_datatypes.restore(rdf_documents.resource_document(self.store, iri))
        return canonical(triples, first=ox.NamedNode(iri))

    def incoming_document(self, iri: str) -> list[ox.Triple]:
        """Every backlink of a hub whose document carries only the first of them."""
        return canonical(
            self.source_datatypes.restore(rdf_documents.incoming_document(self.store, iri))
        )

    @cached_property
    def source_datatypes(self) -> SourceDatatypes:
        return SourceDatatypes(graph.source_files())

    @cached_property
    def ontology_document(self) -> list[ox.Triple]:
        """The document at the ontology IRI: the whole ontology as built (ontology_document)."""
        return ontology_document(self.ontology_files)


def evidence_by_weight(
    source: ox.Store,
    suggestion: ox.NamedNode | ox.BlankNode | ox.Triple,
    facts: list,
    weights: dict[str, dict[str, Decimal]],
) -> list[str]:
    """A suggestion's facts in words, those of the criterion its run weighs most first, as an
    international office reads them: the most decisive reason first (ties, and criteria the run
    gives no weight, in the order of the criteria). `weights` keeps each run's weights read."""

    def first(node, predicate) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        found = next(source.quads_for_pattern(node, predicate, None, SUGGESTIONS_GRAPH), None)
        return None if found is None or isinstance(found.object, ox.Triple) else found.object

    run = first(suggestion, PROV.wasGeneratedBy)
    key = "" if run is None else run.value
    if key not in weights:
        weights[key] = {}
        recorded_weights = (
            source.quads_for_pattern(run, CR.criterionWeight, None, SUGGESTIONS_GRAPH)
            if isinstance(run, ox.NamedNode | ox.BlankNode)
            else ()
        )
        for recorded in recorded_weights:
            criterion = first(recorded.object, CR.restsOn)
            weight = number_or_none(getattr(first(recorded.object, CR.weight), "value", ""))
            if criterion is not None and weight is not None:
                weights[key][criterion.value] = weight
    said: list[tuple[Decimal, tuple[int, str], str]] = []
    for node in facts:
        criterion, text = first(node, CR.restsOn), first(node, CR.evidence)
        if criterion is not None and text is not None:
            weighed = weights[key].get(criterion.value, Decimal(0))
            said.append((-weighed, criterion_order(criterion), text.value))
    return [text for *_, text in sorted(said)]


def criterion_order(criterion: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[int, str]:
    """A suggestion's criteria in the order `opportunities.criteria.CRITERIA` gives them (a
    criterion's IRI ends in its slug), any other after them by IRI."""
    slug = criterion.value.rpartition("/")[2]
    return CRITERION_POSITIONS.get(slug, len(CRITERION_POSITIONS)), criterion.value


def ontology_document(files: list[Path]) -> list[ox.Triple]:
    """The whole ontology as the build loads it: every file of `files` that declares
    `<ONTOLOGY_IRI> a owl:Ontology`, with its blank-node structures (unions, restrictions,
    owl:AllDisjointClasses) and the declarations of the terms it reuses. The schemes and
    vocabularies beside it in ontology/ are resources with documents of their own."""
    own = [path for path in files if ONTOLOGY_DECLARATION in graph.parse_file(path)]
    store = graph.load_store(own) if own else ox.Store()
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    return canonical(SourceDatatypes(own).restore(triples), first=ox.NamedNode(ONTOLOGY_IRI))


def serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    return rdf_documents.serialize(triples, fmt)


def stored_questions(queries_dir: Path | None = None) -> list[dict]:
    """The stored questions (cityrdf.sparql.catalogue) as the questions page and the query page show them.

    Parameterless questions come first, so the query page's default example runs as it stands.
    """
    from cityrdf.sparql import catalogue

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
