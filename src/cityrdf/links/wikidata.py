"""Wikidata candidates (only with --endpoint): settlements whose label or alias is one of a city's
names, scored against the paper's country and the GeoNames point.

The labels of an answer obey the rules of `import pacts` (no formula, control or bidi character)
and its items and countries are Wikidata entities: an answer that breaks this ends the run in one
line before any file is written, as a label file of `world import` does."""

from __future__ import annotations

from collections import defaultdict

from cityrdf.errors import BadInput
from cityrdf.importer.table import text_problem
from cityrdf.links.geometry import NEAR_KM, distance_km, wkt_point
from cityrdf.links.model import Candidate, Place
from cityrdf.links.scores import (
    COUNTRY_AGREES,
    IS_SETTLEMENT,
    LOCATION_AGREES,
    LOCATION_DISAGREES,
    NAME_SCORES,
)
from cityrdf.sparql.wikidata import WikidataClient, item_qid, qid
from cityrdf.terminal import shown
from cityrdf.text import ascii_key

# the answer's own texts that end up in review.csv, the SSSOM table and the evidence
ANSWER_LABELS = ("itemLabel", "countryLabel")
# the answer's IRIs that become link targets or decide a country
ANSWER_ENTITIES = ("item", "country")


def wikidata_candidates(
    places: list[Place],
    client: WikidataClient,
    geonames_points: dict[str, tuple[float, float]],
    country_qids: dict[str, str],
) -> dict[str, list[Candidate]]:
    """Settlements whose label or alias is one of a city's names, scored against the paper."""
    cities = [p for p in places if p.kind == "city"]
    by_name: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for place in cities:
        for text, lang in place.names():
            by_name[(text, lang)].append(place)
    countries = {p.iri: p for p in places if p.kind == "country"}
    best: dict[tuple[str, str], Candidate] = {}
    for row in client.settlements_named(by_name):
        _refuse_hostile_answer(row, client.endpoint)
        for place in by_name.get((row["label"], row.get("lang", "")), ()):
            tier = row["how"]
            if tier == "label" and (row["label"], row.get("lang")) not in {
                (place.label_en, "en"),
                (place.label_fa, "fa"),
            }:
                tier = "alias"
            candidate = _score_wikidata(
                place,
                row,
                tier,
                countries.get(place.country or ""),
                country_qids,
                geonames_points.get(place.iri),
            )
            key = (place.iri, candidate.target)
            if key not in best or candidate.score > best[key].score:
                best[key] = candidate
    result: dict[str, list[Candidate]] = defaultdict(list)
    for (iri, _), candidate in best.items():
        result[iri].append(candidate)
    return result


def _refuse_hostile_answer(row: dict[str, str], endpoint: str) -> None:
    for name in ANSWER_ENTITIES:
        if name in row and not item_qid(row[name]):
            raise BadInput(
                f"{endpoint}: ?{name} {shown(row[name])!r} is not a Wikidata item; "
                "nothing was written"
            )
    for name in ANSWER_LABELS:
        problem = text_problem(row.get(name, ""))
        if problem:
            raise BadInput(
                f"{endpoint}: {qid(row.get('item', ''))} {name}: {shown(problem)}; "
                "nothing was written"
            )


def _score_wikidata(place, row, tier, country, country_qids, point) -> Candidate:
    evidence = [
        f"{tier} match on {row['label']!r}@{row.get('lang', '')}",
        "instance of a human settlement (P31/P279* Q486972)",
    ]
    score = NAME_SCORES[tier] + IS_SETTLEMENT
    their_country = row.get("country")
    ours = country_qids.get(place.country or "")
    if place.country_code is None and ours is None:
        evidence.append("the paper states no country we could match")
    elif their_country and (
        qid(their_country) == ours
        or (
            country is not None
            and ascii_key(row.get("countryLabel", "")) in {ascii_key(t) for t, _ in country.names()}
        )
    ):
        score += COUNTRY_AGREES
        evidence.append(
            f"country {qid(their_country)} ({row.get('countryLabel', '')}) agrees with the paper"
        )
    else:
        score = 0.0
        evidence.append(
            f"country {row.get('countryLabel') or their_country or 'unknown'} "
            f"is not the paper's: rejected"
        )
    coords = wkt_point(row.get("coord", ""))
    if score and coords and point:
        km = distance_km(coords, point)
        if km <= NEAR_KM:
            score += LOCATION_AGREES
            evidence.append(f"{km:.0f} km from the GeoNames point")
        else:
            score += LOCATION_DISAGREES
            evidence.append(f"{km:.0f} km from the GeoNames point: another place of that name?")
    return Candidate(
        place.iri,
        "wikidata",
        row["item"],
        row.get("itemLabel", row["label"]),
        round(max(score, 0.0), 2),
        "semapv:LexicalMatching",
        "Wikidata SPARQL",
        evidence,
        *(coords or (None, None)),
    )
