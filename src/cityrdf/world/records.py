"""What resolving the world layer's places yields: one `City` per real city, a `Mapping` per name
resolved (a row of world/resolution.sssom.tsv) and a `Review` per name left to a person."""

from __future__ import annotations

from dataclasses import dataclass, field

from cityrdf.world.names import Place


@dataclass
class City:
    iri: str
    qid: str | None = None
    iso2: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # lang -> label
    lat: float | None = None
    long: float | None = None
    population: int = 0
    paper: bool = False
    geonames: str | None = None
    # how the country was found: "" (a source or gazetteer gave it), "label" (a namesake of a
    # crawl label: the weakest evidence, which a partner row's own country overrides)
    country_from: str = ""


@dataclass
class Mapping:
    """How a source's name became a city (one row of world/resolution.sssom.tsv)."""

    source: str
    name: str
    country: str
    target: str  # the city IRI
    qid: str
    justification: str  # semapv:LexicalMatching, semapv:UnspecifiedMatching
    confidence: float
    evidence: str


@dataclass
class Review:
    source: str
    name: str
    country: str
    reason: str
    candidates: str


def carry(place: Place | City, city: City) -> None:
    """What a gazetteer entry (or another node of the place) knows that the city does not yet:
    position, population, GeoNames ID."""
    if city.lat is None and place.lat is not None:
        city.lat, city.long = place.lat, place.long
    city.population = city.population or place.population
    city.geonames = city.geonames or place.geonames
