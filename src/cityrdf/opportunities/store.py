"""The adapter from the store to the model: world graphs' cities and pacts, the paper's pacts,
memberships and titles (docs/model.md, the world layer's vocabulary).

Queries run over the union of every graph, so the same code reads the project loaded in the
default graph or in its named graphs; the suggestions graph holds no cities or pacts.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.opportunities.twin_graph import City, World
from cityrdf.project import current_project
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import sparql_prologue
from cityrdf.sparql.results import select
from cityrdf.text import words_key

WORLD_GRAPH = "https://w3id.org/cityrdf/graph/world/"
SUGGESTIONS_GRAPH = "https://w3id.org/cityrdf/graph/suggestions"

WORLD_CITIES = """
SELECT ?city ?country ?countryLabel ?lat ?long ?population ?qid WHERE {
  GRAPH ?g { ?city a cr:City ; cr:country ?country . }
  FILTER(STRSTARTS(STR(?g), "WORLD_GRAPH"))
  OPTIONAL { ?country rdfs:label ?countryLabel FILTER(LANGMATCHES(LANG(?countryLabel), "en")) }
  OPTIONAL { ?city geo:lat ?lat ; geo:long ?long }
  OPTIONAL { ?city dbo:populationTotal ?population }
  OPTIONAL { ?city owl:sameAs ?qid FILTER(STRSTARTS(STR(?qid), STR(wd:))) }
}""".replace("WORLD_GRAPH", WORLD_GRAPH)

# A paper city's position and population are its GeoNames link's (data/links), where the world
# layer's node has none (the paper's cities are linked there, not in the world graphs).
PAPER_CITIES = """
SELECT ?city ?country ?countryLabel ?lat ?long ?population WHERE {
  ?city a cr:City . OPTIONAL { ?city cr:country ?country .
    OPTIONAL { ?country rdfs:label ?countryLabel FILTER(LANGMATCHES(LANG(?countryLabel), "en")) } }
  OPTIONAL { ?city skos:exactMatch ?place . ?place geo:lat ?lat ; geo:long ?long .
    FILTER(STRSTARTS(STR(?place), "https://sws.geonames.org/"))
    OPTIONAL { ?place dbo:populationTotal ?population } }
}"""

LABELS = """
SELECT ?city ?label WHERE { ?city a cr:City . { ?city rdfs:label ?label } UNION { ?city skos:altLabel ?label } }
"""

UNITS = "SELECT DISTINCT ?city WHERE { ?city a cr:TwinnedAdministrativeUnit }"
PACTS = """
SELECT DISTINCT ?a ?b WHERE {
  ?agreement a cr:TwinningAgreement ; cr:party ?a, ?b . FILTER(STR(?a) < STR(?b))
}"""

MEMBERSHIPS = """
SELECT ?city ?network ?label WHERE {
  ?m a org:Membership ; org:member ?city ; org:organization ?network .
  OPTIONAL { ?network rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
}"""

TITLES = """
SELECT ?city ?title ?label WHERE {
  ?d a cr:Designation ; cr:holder ?city ; cr:title ?title .
  OPTIONAL { ?title skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
}"""


def world_files(world_dir: Path | None = None) -> list[Path]:
    """The world layer's N-Quads files, without the suggestions this verb writes."""
    folder = current_project().world_dir if world_dir is None else world_dir
    return sorted(p for p in folder.glob("*.nq") if p.name != "suggestions.nq")


def load(world_dir: Path | None = None) -> ox.Store:
    """The project graph and the world layer; BadInput saying how to import it when it is absent."""
    files = world_files(world_dir)
    if not files:
        folder = current_project().world_dir if world_dir is None else world_dir
        raise BadInput(
            f"no world layer in {folder}/: import it "
            "first, e.g. `cityrdf world import --wikidata-pairs ../shared/reference-data/"
            "wikidata-p190-2016/relations.tsv --wikidata-labels ../shared/reference-data/"
            "wikidata-p190-2016/names.tsv --wikipedia ../shared/reference-data/"
            "wikipedia-twin-cities/twin_cities_raw.csv`"
        )
    store = graph.load_store()
    for path in files:
        try:
            store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
        except (SyntaxError, ValueError, OSError) as err:
            raise BadInput(f"{path}: {err}") from None
    return store


def rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    solutions = select(store, sparql_prologue() + query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def world_model(store: ox.Store) -> World:
    """Every city with a country (world layer or paper) and every pact the store holds."""
    facts: dict[str, dict] = {}
    for row in rows(store, PAPER_CITIES) + rows(store, WORLD_CITIES):
        fact = facts.setdefault(row["city"], {})
        for key in ("country", "countryLabel", "lat", "long", "population", "qid"):
            if key in row:
                fact.setdefault(key, row[key])
    labels: dict[str, dict[str, str]] = {}
    names: dict[str, set[str]] = {}
    for row in rows(store, LABELS):
        names.setdefault(row["city"], set()).add(words_key(row["label"]))
    for solution in select(
        store,
        sparql_prologue() + "SELECT ?city ?label WHERE { ?city a cr:City ; rdfs:label ?label }",
        use_default_graph_as_union=True,
    ):
        label = solution["label"]
        labels.setdefault(solution["city"].value, {}).setdefault(label.language or "", label.value)
    units = {row["city"] for row in rows(store, UNITS)}
    network_labels, memberships = _grouped(rows(store, MEMBERSHIPS), "network")
    title_labels, titles = _grouped(rows(store, TITLES), "title")
    cities = []
    for key, fact in facts.items():
        own = labels.get(key, {})
        cities.append(
            City(
                key=key,
                label=own.get("en") or next(iter(own.values()), key.rsplit("/", 1)[-1]),
                country=fact.get("country"),
                country_label=fact.get("countryLabel"),
                lat=float(fact["lat"]) if "lat" in fact else None,
                lon=float(fact["long"]) if "long" in fact else None,
                population=int(float(fact["population"])) if "population" in fact else None,
                memberships=frozenset(memberships.get(key, ())),
                titles=frozenset(titles.get(key, ())),
                qid=fact.get("qid"),
                names=frozenset(names.get(key, set()) - {""}),
                unit=key in units,
                labels=own,
            )
        )
    world = World(cities, [(r["a"], r["b"]) for r in rows(store, PACTS)])
    world.network_labels, world.title_labels = network_labels, title_labels
    return world


def _grouped(found: list[dict[str, str]], key: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Labels of the grouped things, and the things each city has."""
    labels: dict[str, str] = {}
    by_city: dict[str, set[str]] = {}
    for row in found:
        labels[row[key]] = row.get("label", row[key].rsplit("/", 1)[-1])
        by_city.setdefault(row["city"], set()).add(row[key])
    return labels, by_city
