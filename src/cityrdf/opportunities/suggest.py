"""Suggestions for one city: ranked candidates, the paper's criteria each rests on, the evidence."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cityrdf.opportunities.criteria import CRITERIA, Criterion
from cityrdf.opportunities.features import FEATURES, PairFeatures
from cityrdf.opportunities.model import World
from cityrdf.opportunities.ranker import Ranker, ranking

SHOWN_PARTNERS = 3  # names listed in "twinned with N of X's partners: …"


@dataclass
class Suggestion:
    rank: int
    candidate: str
    label: str
    country: str | None
    country_label: str | None
    score: float
    criteria: list[Criterion]
    evidence: list[str]


def suggest(
    world: World,
    ranker: Ranker,
    city: str,
    top: int = 10,
    country: str | None = None,
    exclude_existing: bool = True,
    seed: int = 0,
) -> list[Suggestion]:
    """The `top` best candidates for `city` (optionally only those in `country`, an IRI)."""
    table = PairFeatures(world)
    i = table.index[city]
    features = table.for_city(i)
    allowed = np.ones(table.size, dtype=bool)
    allowed[i] = False
    if exclude_existing:
        allowed[[table.index[k] for k in world.partners(city)]] = False
    if country:
        allowed &= np.array([world.city(k).country == country for k in world.keys])
    pool = np.flatnonzero(allowed)
    scores = ranker.score(features[pool])
    found = []
    for rank, j in enumerate(pool[ranking(scores, np.random.default_rng(seed))][:top], start=1):
        candidate = world.keys[j]
        criteria, evidence = explain(world, table, city, candidate, features[j])
        other = world.city(candidate)
        found.append(
            Suggestion(
                rank,
                candidate,
                other.label,
                other.country,
                other.country_label,
                float(scores[np.flatnonzero(pool == j)[0]]),
                criteria,
                evidence,
            )
        )
    return found


def explain(
    world: World, table: PairFeatures, city: str, candidate: str, row: np.ndarray
) -> tuple[list[Criterion], list[str]]:
    """The criteria with evidence for this pair, each with its facts in words."""
    value = dict(zip(FEATURES, row, strict=True))
    own, other = world.city(city), world.city(candidate)
    said: dict[str, str] = {}
    shared = sorted(world.partners(city) & world.partners(candidate))
    if shared:
        names = ", ".join(world.city(k).label for k in shared[:SHOWN_PARTNERS])
        more = "…" if len(shared) > SHOWN_PARTNERS else ""
        said["shared-partners"] = (
            f"twinned with {len(shared)} of {own.label}'s partners: {names}{more}"
        )
    if other.country and own.country:
        in_country = sum(1 for k in world.partners(city) if world.city(k).country == other.country)
        between = math.expm1(value["country_affinity"])
        if in_country:
            said["country-ties"] = (
                f"{own.label} already has {in_country} partner{'s' * (in_country > 1)} "
                f"in {other.country_label or other.country}"
            )
        elif between >= 1:
            said["country-ties"] = (
                f"{round(between)} pact{'s' * (round(between) > 1)} between cities of "
                f"{own.country_label or own.country} and {other.country_label or other.country}"
            )
    degree = world.graph.degree(candidate)
    if degree:
        said["twinning-activity"] = f"{other.label} has {degree} partner{'s' * (degree > 1)}"
    if not math.isnan(value["distance"]):
        said["distance"] = f"{math.expm1(value['distance']):,.0f} km"
    if own.population and other.population and abs(value["population_similarity"]) <= math.log10(2):
        said["population"] = (
            f"population {millions(other.population)} vs {millions(own.population)}"
        )
    for slug, kind, names in (
        ("shared-networks", "memberships", world.network_labels),
        ("shared-titles", "titles", world.title_labels),
    ):
        common = sorted(names.get(k, k) for k in getattr(own, kind) & getattr(other, kind))
        if common:
            said[slug] = (
                "both members of " if kind == "memberships" else "both hold "
            ) + ", ".join(common)
    if value["same_name"]:
        said["same-name"] = "same name"
    criteria = [c for c in CRITERIA if c.slug in said]
    return criteria, [said[c.slug] for c in criteria]


def millions(population: int) -> str:
    return f"{population / 1e6:.1f} M" if population >= 1e6 else f"{population / 1e3:,.0f} k"
