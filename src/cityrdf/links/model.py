"""What the link layer speaks: the project's places, the candidates found for them, and the decision
taken for each place and knowledge base."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from cityrdf.rdf.namespaces import SKOS

LINK = SKOS.exactMatch  # docs/decisions/0002-linking.md: why not owl:sameAs
TOOL = "cityrdf link"


@dataclass
class Place:
    iri: str
    kind: str  # "city", "country" or "network"
    label_en: str = ""
    label_fa: str = ""
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (text, lang)
    country: str | None = None  # the city's cr:country IRI
    country_code: str | None = None  # ISO 3166-1 alpha-2, from the gazetteer

    def names(self) -> list[tuple[str, str]]:
        own = [(self.label_en, "en"), (self.label_fa, "fa")]
        return [(t, lang) for t, lang in own + self.aliases if t]


@dataclass
class Candidate:
    place: str
    kb: str  # "wikidata" or "geonames"
    target: str  # full IRI
    label: str
    score: float
    justification: str  # semapv:LexicalMatching or semapv:ManualMappingCuration
    source: str
    evidence: list[str]
    lat: float | None = None
    long: float | None = None
    population: int | None = None
    curated: bool = False  # from data/links/curated-ids.csv: a person checked it
    # A candidate the curated tables name but do not confirm (one source, or sources disagree):
    # it is shown for review and never linked.
    unconfirmed: bool = False


@dataclass
class Decision:
    place: Place
    kb: str
    accepted: Candidate | None
    candidates: list[Candidate]
    reason: str  # why not accepted, or ""


def accepted_links(
    decisions: Iterable[Decision], kb: str | None = None
) -> Iterator[tuple[Decision, Candidate]]:
    """Each decision that accepted a candidate (of knowledge base `kb`, or any), with that candidate."""
    for d in decisions:
        if d.accepted is not None and (kb is None or d.kb == kb):
            yield d, d.accepted
