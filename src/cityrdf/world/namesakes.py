"""Which of the gazetteers' places of one name a source means: name variants, one identity per
real place, the dominant namesake, and whether a city's label fits a name (world/resolve.py)."""

from __future__ import annotations

import dataclasses
import difflib
import re

from cityrdf.links.geometry import NEAR_KM, distance_km
from cityrdf.text import name_key
from cityrdf.world.names import Place, iso2_of, keys, us_states
from cityrdf.world.qualified import QualifiedName, number_key, unit_of_label
from cityrdf.world.records import City

# A namesake this many times more populous is the city a list of twin towns means
# (links/geonames.py too).
DOMINANCE = 10
# The gazetteers whose entries are populated places (towns), not units or countries.
TOWN_GAZETTEERS = ("natural-earth", "geonames")


def name_variants(name: str) -> list[str]:
    """The name as printed, then without a parenthesis that tells namesakes apart ("Halle
    (Saale)"), then before a comma ("Coventry, Rhode Island"); a parenthesis that names a unit
    or a part of a city never reaches here."""
    variants = [name, re.sub(r"\s*\(.*?\)\s*", " ", name).strip(), name.split(",")[0].strip()]
    return [v for i, v in enumerate(variants) if v and v not in variants[:i]]


def same_places_merged(places: dict[str, Place]) -> dict[str, Place]:
    """Entries of two gazetteers within NEAR_KM of each other are one place (Natural Earth and
    GeoNames sometimes give one town two GeoNames IDs): keep the one with a QID, else the bigger."""
    kept: dict[str, Place] = {}
    ranked = sorted(places.items(), key=lambda kv: (kv[1].qid is None, -kv[1].population, kv[0]))
    for key, place in ranked:
        near = next(
            (
                k
                for k, p in kept.items()
                if p.lat is not None
                and p.long is not None
                and place.lat is not None
                and place.long is not None
                and distance_km((p.lat, p.long), (place.lat, place.long)) <= NEAR_KM
            ),
            None,
        )
        if near is None:
            kept[key] = place
        elif place.population > kept[near].population:
            kept[near] = dataclasses.replace(kept[near], population=place.population)
    return kept


def label_fits(qualified: QualifiedName, city: City):
    """(city, "exact") when a label of `city` is the name at its level, (city, "near") when a
    label is close to it (same digits, 80 % alike: "Maragheh" ~ "Maragha"), else None."""
    wanted = keys(qualified.head)
    for label in city.labels.values():
        unit = unit_of_label(label)
        if qualified.kind == "unit" and not unit:
            continue  # a district's name never fits the town's label
        if keys(unit[1] if unit else label) & wanted:
            return city, "exact"
    for label in city.labels.values():
        unit = unit_of_label(label)
        if qualified.kind == "unit" and not unit:
            continue
        theirs, ours = number_key(unit[1] if unit else label), number_key(qualified.head)
        digits = "".join(c for c in theirs if c.isdigit())
        if digits == "".join(c for c in ours if c.isdigit()) and _alike(theirs, ours) >= 0.8:
            return city, "near"
    return None


def names_a_unit(city: City) -> bool:
    """A city whose label names a unit ("Royal Borough of Greenwich"): a town's GeoNames entry
    found by its name is not its identifier."""
    return any(unit_of_label(label) for label in city.labels.values())


def state_of(name: str, iso2: str) -> set[str]:
    """The ways gazetteers write the US state after a name's comma ({"RI", "Rhode Island"}),
    or an empty set."""
    head, _, state = name.rpartition(",")
    code = us_states().get(name_key(state.strip())) if head and iso2 == "US" else None
    return {code, state.strip()} if code else set()


def country_of_qualifier(text: str) -> str | None:
    """The country a label's parenthesis names: a country ("Guinea-Bissau", "Wales") or a state
    of the United States ("Illinois"); else None."""
    if not text:
        return None
    if name_key(text) in us_states():
        return "US"
    return iso2_of(text)


def _alike(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def same_country(city: City, iso2: str | None) -> bool:
    """Whether the city may be in the country a row prints (a country guessed from a label
    may be wrong: Bethlehem guessed in Brazil)."""
    return not iso2 or not city.iso2 or bool(city.country_from) or city.iso2 == iso2


def dominant(places: list[Place]) -> Place | None:
    """The only place, or one DOMINANCE times more populous than any other; else None."""
    if not places:
        return None
    ranked = sorted(places, key=lambda p: -p.population)
    if len({(p.qid or p.geonames or p.iri) for p in ranked}) == 1:
        return ranked[0]
    if ranked[0].population >= DOMINANCE * max(ranked[1].population, 1):
        return ranked[0]
    return None
