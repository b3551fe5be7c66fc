"""What the project already holds: its cities, countries and agreements, found by label or IRI."""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field

import pyoxigraph as ox

from cityrdf.rdf.namespaces import PREFIXES, RDFS, sparql_prologue
from cityrdf.text import label_key
from cityrdf.world.names import iso2_of

NEAR_CUTOFF = 0.8  # difflib's ratio from which a new name is taken for a known one misspelled


@dataclass(slots=True)
class Place:
    iri: str
    label_en: str = ""
    label_fa: str = ""
    country: str | None = None
    new_from_row: int | None = None
    iso2: str = ""  # a new country's ISO 3166-1 alpha-2 code


@dataclass
class ProjectIndex:
    """Cities, countries and agreements of the project graph, found by label or IRI."""

    cities: dict[str, Place] = field(default_factory=dict)
    countries: dict[str, Place] = field(default_factory=dict)
    city_keys: dict[str, set[str]] = field(default_factory=dict)
    country_keys: dict[str, set[str]] = field(default_factory=dict)
    agreements: dict[frozenset, str] = field(default_factory=dict)
    iris: set[str] = field(default_factory=set)

    @classmethod
    def of_store(cls, store: ox.Store) -> ProjectIndex:
        index = cls()

        def select(query: str):
            return store.query(sparql_prologue() + query)

        for kind, places, keys in (
            ("City", index.cities, index.city_keys),
            ("Country", index.countries, index.country_keys),
        ):
            for row in select(
                f"SELECT ?p ?l ?pred WHERE {{ ?p a cr:{kind} ; ?pred ?l . FILTER(?pred IN (rdfs:label, skos:altLabel)) }}"
            ):
                place_iri, label = row["p"].value, row["l"]
                place = places.setdefault(place_iri, Place(place_iri))
                if row["pred"] == RDFS.label and label.language in ("en", "fa"):
                    setattr(place, f"label_{label.language}", label.value)
                keys.setdefault(label_key(label.value), set()).add(place_iri)
            for place in places.values():
                keys.setdefault(label_key(place.iri), set()).add(place.iri)
        for row in select("SELECT ?c ?k WHERE { ?c a cr:City ; cr:country ?k }"):
            city = row["c"].value
            index.cities.setdefault(city, Place(city)).country = row["k"].value
        for row in select(
            "SELECT ?a ?x ?y WHERE { ?a a cr:TwinningAgreement ; cr:party ?x, ?y . FILTER(STR(?x) < STR(?y)) }"
        ):
            index.agreements[frozenset((row["x"].value, row["y"].value))] = row["a"].value
        index.iris = {q.subject.value for q in store if isinstance(q.subject, ox.NamedNode)}
        return index

    def find(self, text: str, kind: str) -> set[str]:
        """The cities (or countries) whose label, alternative label or IRI is `text`."""
        keys = self.city_keys if kind == "city" else self.country_keys
        if text.startswith(("crid:", "cr:")):
            text = PREFIXES[text.split(":", 1)[0]] + text.split(":", 1)[1]
        return keys.get(label_key(text), set())

    def add_city(self, place: Place) -> None:
        self._add(place, self.cities, self.city_keys)

    def add_country(self, place: Place) -> None:
        self._add(place, self.countries, self.country_keys)
        self.country_by_iso[place.iso2] = place.iri

    def _add(self, place: Place, places: dict[str, Place], keys: dict[str, set[str]]) -> None:
        places[place.iri] = place
        self.iris.add(place.iri)
        for text in (place.label_en, place.label_fa, place.iri):
            if text:
                keys.setdefault(label_key(text), set()).add(place.iri)

    @functools.cached_property
    def country_by_iso(self) -> dict[str, str]:
        """The project's countries by ISO 3166-1 alpha-2 code, read from their English labels."""
        by_iso: dict[str, str] = {}
        for place in self.countries.values():
            code = iso2_of(place.label_en) if place.label_en else None
            if code:
                by_iso.setdefault(code, place.iri)
        return by_iso

    @functools.cached_property
    def project_city_keys(self) -> dict[str, str]:
        """The project's own cities (none a table adds) by the key of each English or Persian label."""
        by_key: dict[str, str] = {}
        for place in self.cities.values():
            if place.new_from_row is None:
                for label in (place.label_en, place.label_fa):
                    if label:
                        by_key.setdefault(label_key(label), place.iri)
        return by_key

    @functools.cached_property
    def project_city_keys_by_length(self) -> dict[int, list[str]]:
        """The keys of project_city_keys by their length in characters."""
        by_length: dict[int, list[str]] = {}
        for key in self.project_city_keys:
            by_length.setdefault(len(key), []).append(key)
        return by_length

    def near_cities(self, name: str) -> list[str]:
        """The project's cities whose English or Persian label is spelled almost like `name` (a
        likely typo: "Teheran" for Tehran), closest first."""
        key = label_key(name)
        # difflib's ratio is at most 2·min(len)/(sum of lens), its real_quick_ratio: labels much
        # longer or shorter cannot reach the cutoff, so difflib is given only the others (a table
        # of many new cities asks this once per city, each against every label of the project).
        candidates = [
            known
            for length, keys in self.project_city_keys_by_length.items()
            if 2.0 * min(length, len(key)) / (length + len(key)) >= NEAR_CUTOFF
            for known in keys
        ]
        close = difflib.get_close_matches(key, candidates, n=3, cutoff=NEAR_CUTOFF)
        return list(dict.fromkeys(self.project_city_keys[k] for k in close))
