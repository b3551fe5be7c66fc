"""The places to link: every cr:City, cr:Country and cr:CityNetwork of the project graph, with their
names and the city's country."""

from __future__ import annotations

import pyoxigraph as ox

from cityrdf.links.geonames import country_code
from cityrdf.links.model import Place
from cityrdf.rdf.namespaces import CR, RDFS, sparql_prologue
from cityrdf.sparql.results import select

PLACES_QUERY = """
SELECT ?place ?type ?prop ?name ?country WHERE {
  VALUES ?type { cr:City cr:Country cr:CityNetwork }
  VALUES ?prop { rdfs:label skos:altLabel }
  ?place a ?type .
  OPTIONAL { ?place ?prop ?name }
  OPTIONAL { ?place cr:country ?country }
}"""


KINDS = {CR.City: "city", CR.Country: "country", CR.CityNetwork: "network"}


def read_places(store: ox.Store) -> list[Place]:
    """Every cr:City and cr:Country of the project graph with its names and country."""
    places: dict[str, Place] = {}
    for row in select(store, sparql_prologue() + PLACES_QUERY):
        iri = row["place"].value
        kind = KINDS[row["type"]]
        place = places.setdefault(iri, Place(iri, kind))
        if row["country"] is not None:
            place.country = row["country"].value
        name = row["name"]
        if name is None:
            continue
        lang = name.language or ""
        if row["prop"] == RDFS.label and lang in ("en", "fa"):
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
