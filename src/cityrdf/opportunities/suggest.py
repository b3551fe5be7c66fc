"""Suggestions for one city: ranked candidates with a calibrated probability, each criterion's
contribution, the evidence in words and the flags a researcher should check."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from cityrdf.opportunities.criteria import CRITERIA, Criterion
from cityrdf.opportunities.features import FEATURES, PairFeatures
from cityrdf.opportunities.scorer import Scorer, ranking
from cityrdf.opportunities.twin_graph import City, World

SHOWN_PARTNERS = 3  # names listed in "twinned with N of X's partners: …"
HUB_PERCENTILE = 99  # a city with more partners than this share of twinned cities is a hub
DUPLICATE_KM = 30  # the same name in the same country this close is one city under two IRIs


@dataclass
class Suggestion:
    """One ranked candidate. `probability` is calibrated on held-out pacts; `contributions` are
    log-odds shares per criterion (slug → value, see `Scorer.contributions`)."""

    rank: int
    candidate: str
    label: str
    country: str | None
    country_label: str | None
    probability: float
    criteria: list[Criterion]
    evidence: list[str]
    label_fa: str = ""
    qid: str | None = None
    lat: float | None = None
    lon: float | None = None
    shared_partners: int = 0
    km: float | None = None
    population_ratio: float | None = None  # candidate's population over the city's
    contributions: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    duplicate_of: str | None = None  # the city or existing partner it is under another IRI
    # the language of `label`: English where a source gives it, else the 2016 crawl's German
    label_language: str = "en"


def duplicates(world: World, table: PairFeatures, city: str) -> dict[str, str]:
    """Cities that are `city` or one of its partners under another IRI: the same Wikidata entity,
    or a shared name in the same country within DUPLICATE_KM (or without a position to tell)."""
    found: dict[str, str] = {}
    keys = world.keys
    known = [city, *sorted(world.partners(city))]
    for one in known:
        for key in world.keys_by_qid.get(world.city(one).qid or "", []):
            if key not in (one, city):
                found.setdefault(key, one)
    for one in known:
        i = table.index[one]
        same_name = table.shared(i, "names") > 0
        same_country = table.has_country & (table.country_of == table.country_of[i])
        km = table.distance_km(i)
        near = np.isnan(km) | (km <= DUPLICATE_KM)
        for j in np.flatnonzero(same_name & same_country & near):
            if keys[j] != one:
                found.setdefault(keys[j], one)
    return found


def hub_threshold(table: PairFeatures) -> float:
    twinned = table.degree[table.degree > 0]
    return float(np.percentile(twinned, HUB_PERCENTILE)) if twinned.size else math.inf


def suggest(
    world: World,
    scorer: Scorer,
    city: str,
    top: int = 10,
    country: str | None = None,
    exclude_existing: bool = True,
    seed: int = 0,
    table: PairFeatures | None = None,
) -> list[Suggestion]:
    """The `top` best candidates for `city` (optionally only those in `country`, an IRI). With
    `exclude_existing`, the city's partners and the duplicates of the city or of its partners are
    left out; without, they are ranked and flagged."""
    table = PairFeatures(world) if table is None else table
    i = table.index[city]
    features = table.for_city(i)
    twins = duplicates(world, table, city)
    allowed = np.ones(table.size, dtype=bool)
    allowed[i] = False
    if exclude_existing:
        left_out = [*world.partners(city), *twins]
        allowed[[table.index[k] for k in left_out]] = False
    if country:
        allowed &= np.array([world.city(k).country == country for k in world.keys])
    pool = np.flatnonzero(allowed)
    log_odds = scorer.log_odds(features[pool])
    probability = scorer.calibrated(log_odds)
    order = pool[ranking(log_odds, np.random.default_rng(seed))][:top]
    chosen = features[order]
    shares = scorer.contributions(chosen) if len(order) else np.zeros((0, len(CRITERIA)))
    by_pool = dict(zip(pool.tolist(), probability, strict=True))
    hub = hub_threshold(table)
    found = []
    for rank, (j, row, share) in enumerate(zip(order, chosen, shares, strict=True), start=1):
        candidate = world.keys[j]
        criteria, evidence = explain(world, table, city, candidate, row)
        other = world.city(candidate)
        value = dict(zip(FEATURES, row, strict=True))
        own = world.city(city)
        found.append(
            Suggestion(
                rank,
                candidate,
                other.label,
                other.country,
                other.country_label,
                float(by_pool[int(j)]),
                criteria,
                evidence,
                label_fa=other.labels.get("fa", ""),
                label_language=label_language(other),
                qid=other.qid,
                lat=other.lat,
                lon=other.lon,
                shared_partners=int(value["common_neighbours"]),
                km=None if math.isnan(value["distance"]) else float(math.expm1(value["distance"])),
                population_ratio=(
                    other.population / own.population
                    if other.population and own.population
                    else None
                ),
                contributions={c.slug: float(v) for c, v in zip(CRITERIA, share, strict=True)},
                flags=flags(world, table, city, candidate, hub, twins),
                duplicate_of=twins.get(candidate),
            )
        )
    return found


def flags(
    world: World, table: PairFeatures, city: str, candidate: str, hub: float, twins: dict
) -> list[str]:
    """What a researcher should know before acting on the suggestion, in words."""
    said = []
    own, other = world.city(city), world.city(candidate)
    if candidate in twins:
        known = twins[candidate]
        what = "the city itself" if known == city else f"the existing partner {label(world, known)}"
        said.append(f"duplicate: {what} under another IRI")
    compatriots = sorted(
        label(world, k)
        for k in world.partners(candidate)
        if k != city and own.country and world.city(k).country == own.country
    )
    if compatriots:
        where = own.country_label or "the same country"
        said.append(
            f"already partnered with {len(compatriots)} other "
            f"{'city' if len(compatriots) == 1 else 'cities'} of {where}: "
            + ", ".join(compatriots[:SHOWN_PARTNERS])
            + ("…" if len(compatriots) > SHOWN_PARTNERS else "")
        )
    shared = sorted(world.partners(city) & world.partners(candidate))
    if len(shared) == 1:
        said.append(f"rests on a single shared partner: {label(world, shared[0])}")
    if shared and all(table.degree[table.index[k]] >= hub for k in shared):
        said.append(f"every shared partner is a hub (top {100 - HUB_PERCENTILE} % by partners)")
    if other.unit:
        said.append(
            f"not a town: its sources read {other.label} as an administrative unit or a country"
        )
    if table.degree[table.index[candidate]] >= hub:
        said.append(
            f"hub: {other.label} has {int(table.degree[table.index[candidate]])} partners "
            f"(top {100 - HUB_PERCENTILE} %)"
        )
    return said


def label_language(city: City) -> str:
    """The language of the city's label ("" when no source names it and the label is its IRI's
    end)."""
    return next((lang for lang, text in city.labels.items() if text == city.label), "")


def label(world: World, key: str) -> str:
    return world.city(key).label


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
            countries = own.country_label or own.country
            if other.country != own.country:
                countries += f" and {other.country_label or other.country}"
            said["country-ties"] = (
                f"{round(between)} pact{'s' * (round(between) > 1)} between cities of {countries}"
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
    for slug, kind, label_of in (
        ("shared-networks", "memberships", world.network_labels),
        ("shared-titles", "titles", world.title_labels),
    ):
        common = sorted(label_of.get(k, k) for k in getattr(own, kind) & getattr(other, kind))
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
