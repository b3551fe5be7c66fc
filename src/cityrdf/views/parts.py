"""The pieces a page is made of (terms, facts, sources, pacts, map points, the view of one
resource) and where each IRI of ours lives in the site. Filled by `resource.SiteModel`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from cityrdf.rdf.namespaces import BASE, CR, CRID, ONTOLOGY_IRI, PREFIXES

CITY = CR.City
TERM_DIR = "ontology/term/"
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


V = TypeVar("V")  # a label, or a list of them


def preferred(labels: dict[str, V], lang: str) -> V | None:
    """The label to show in `lang`: that language's, else English, else one without a language,
    else any (a work the paper cites only by its Persian title is better named so than by its IRI)."""
    return (
        labels.get(lang) or labels.get("en") or labels.get("") or next(iter(labels.values()), None)
    )


WIKIDATA_CITY = re.compile(re.escape(f"{CRID}city/wd/") + "(Q[1-9][0-9]*)")


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
        return preferred(self.labels, lang) or prefixed(self.value)

    @property
    def external(self) -> bool:
        """A link elsewhere: an IRI not of ours (ours without a page of its own is no link)."""
        return (
            not self.is_literal
            and self.path is None
            and self.value.startswith("http")
            and not self.value.startswith(BASE)
        )

    @property
    def wikidata_page(self) -> str | None:
        """The Wikidata page of a city of ours without a page here, whose IRI is minted from its
        QID (`crid:city/wd/Q…`, docs/model.md): world-layer cities, such as suggested partners."""
        found = None if self.path else WIKIDATA_CITY.fullmatch(self.value)
        return f"https://www.wikidata.org/wiki/{found.group(1)}" if found else None


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
    position: tuple[float, float] | None = None  # the candidate's (lat, long), for the map


@dataclass
class Quote:
    """What the paper says about a resource: the words of one text anchor, and the part they are in."""

    exact: str
    part: Term | None


@dataclass
class Place:
    """Where a city is and how many live there, as the linked source (GeoNames) gives it."""

    lat: float
    long: float
    population: int | None
    source: Term  # the source's own IRI for the place
    retrieved: str | None  # when the figures were read (prov:generatedAtTime), a date


@dataclass
class PactEntry:
    """One twinning agreement as a city's timeline shows it."""

    pact: Term
    partners: list[Term]
    date: str | None  # the signing date's lexical form (xsd:date, gYearMonth or gYear)
    jalali: str | None  # the Solar Hijri date: the paper's own, or converted from a full date
    jalali_stated: bool  # True when the paper gives the Solar Hijri date itself
    status: Term | None

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date else None


@dataclass
class MapPoint:
    name: str
    name_fa: str
    lat: float
    long: float
    href: str | None  # a site path
    role: str  # "self" (the page's resource) or "linked"


@dataclass
class SourceComparison:
    """One partner of a city and which sources attest their pact: the paper, and each source of
    the world layer (Wikidata 2016, Wikipedia, …) whose graph is loaded."""

    partner: Term
    pact: Term
    attested: list[bool]  # in the order of ResourceView.world_sources


@dataclass
class LinkedGroup:
    """The resources of ours that link to a page's resource by one property (its "what links here").

    Several may share one label (every argument link to Tehran is "attributed to: Tehran"): the
    page shows such a label once, with its count and a numbered link to each."""

    predicate: Term
    others: list[Term]

    @property
    def by_label(self) -> list[list[Term]]:
        """`others` grouped by their English label, in order of first appearance; a group's
        members in IRI order, so that each keeps its number from one build to the next."""
        grouped: dict[str, list[Term]] = {}
        for other in self.others:
            grouped.setdefault(other.label("en"), []).append(other)
        return [sorted(same, key=lambda t: t.value) for same in grouped.values()]


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
    descriptions: dict[str, str] = field(default_factory=dict)  # by language
    alt_labels: list[Term] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    place: Place | None = None
    key_facts: list[tuple[Term, list[Term]]] = field(default_factory=list)
    pacts: list[PactEntry] = field(default_factory=list)  # a city's, or the pact itself
    memberships: list[Term] = field(default_factory=list)  # the networks a city belongs to
    designations: list[Term] = field(default_factory=list)  # the titles a city holds
    members: list[Term] = field(default_factory=list)  # a scheme's concepts, a network's cities
    figures: list[tuple[Term, str]] = field(default_factory=list)  # other claims of its quantity
    linked_from: list[LinkedGroup] = field(default_factory=list)  # by property
    map_points: list[MapPoint] = field(default_factory=list)
    world_sources: list[str] = field(default_factory=list)  # "paper", then each world graph's name
    comparison: list[SourceComparison] = field(default_factory=list)
    references: list[Source] = field(default_factory=list)  # every fact's source, once
    refs: dict[int, list[int]] = field(default_factory=dict)  # id(fact) -> reference numbers
    nanopub: str | None = None  # site path of its nanopublication (claims and pacts; publish sets)

    def label(self, lang: str) -> str:
        names = preferred(self.labels, lang)
        return names[0] if names else prefixed(self.iri)

    def refs_of(self, fact: Fact) -> list[int]:
        return self.refs.get(id(fact), [])

    @property
    def is_city(self) -> bool:
        return any(t.value == CITY.value for t in self.types)

    @property
    def dated_pacts(self) -> list[PactEntry]:
        return sorted((p for p in self.pacts if p.date), key=lambda p: (p.date, p.pact.value))

    @property
    def undated_pacts(self) -> dict[str, list[PactEntry]]:
        """Undated agreements by the English label of their status."""
        grouped: dict[str, list[PactEntry]] = {}
        for entry in self.pacts:
            if not entry.date:
                status = entry.status.label("en") if entry.status else "no status"
                grouped.setdefault(status, []).append(entry)
        return dict(sorted(grouped.items()))
