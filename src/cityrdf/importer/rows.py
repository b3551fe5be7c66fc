"""The rules each row obeys, how its names resolve to the project's cities, and its triples."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from cityrdf import dates
from cityrdf.importer.table import NAME_COLUMNS, is_iri, source_problem, text_problem
from cityrdf.namespaces import CR, CRID, PREFIXES, sparql_prologue
from cityrdf.text import label_key, persian, slug
from cityrdf.world.names import iso2_of, short_name

STATUSES = ("listed", "unofficial", "official", "friendship")


def iri(term) -> ox.NamedNode:
    return ox.NamedNode(str(term))


# Terms made once: an import makes millions of triples from a few dozen predicates and classes.
A = iri(RDF.type)
LABEL, NOTE = iri(RDFS.label), iri(SKOS.editorialNote)
DERIVED_FROM, SOURCE, TITLE = iri(PROV.wasDerivedFrom), iri(DCTERMS.source), iri(DCTERMS.title)
COUNTRY_NOT_STATED = iri(CRID["concept/data-issues/country-not-stated"])
C = {
    name: iri(CR[name])
    for name in (
        "City", "country", "TwinningAgreement", "ImportedFile", "SisterCityList", "listOf",
        "ListEntry", "inList", "position", "names", "attestedBy", "party", "status",
        "signingDate", "statedDate", "SolarHijriDate", "jalaliText", "jalaliYear",
        "jalaliMonth", "jalaliDay", "gregorianStart", "gregorianEnd", "dateOf", "hasIssue",
        "Country", "iso3166Alpha2",
    )
}  # fmt: skip
XSD_DATE, XSD_INTEGER, XSD_POSITIVE = iri(XSD.date), iri(XSD.integer), iri(XSD.positiveInteger)
STATUS = {s: iri(CRID[f"concept/agreement-status/{s}"]) for s in STATUSES}


@functools.lru_cache(maxsize=100_000)
def node(text: str) -> ox.NamedNode:
    """The term of a city, list or country: each is named by many rows."""
    return ox.NamedNode(text)


# A table repeats a few hundred dates: each converts once.
span_of = functools.lru_cache(maxsize=10_000)(dates.StatedDate.gregorian_span)
gregorian_of = functools.lru_cache(maxsize=10_000)(dates.StatedDate.gregorian_literal)


def literal(value: Literal) -> ox.Literal:
    return ox.Literal(str(value), datatype=iri(value.datatype))


def integer(value: int, datatype: ox.NamedNode = XSD_INTEGER) -> ox.Literal:
    return ox.Literal(str(value), datatype=datatype)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    malformed: bool = False  # the cell cannot be read (exit 2), rather than breaks a rule (exit 1)

    def line(self, source: Path) -> str:
        return f"{source}:{self.row}: {self.column}: {self.reason}"


# ---------------------------------------------------------------------------------------------
# What the project already holds


def slug_of(iri_text: str) -> str:
    return iri_text.rsplit("/", 1)[1]


@dataclass
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
                if row["pred"].value == str(RDFS.label) and label.language in ("en", "fa"):
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

    def near_cities(self, name: str) -> list[str]:
        """The project's cities whose English or Persian label is spelled almost like `name` (a
        likely typo: "Teheran" for Tehran), closest first."""
        by_key = self.project_city_keys
        close = difflib.get_close_matches(label_key(name), by_key, n=3, cutoff=0.8)
        return list(dict.fromkeys(by_key[k] for k in close))


# ---------------------------------------------------------------------------------------------
# Checking rows


@dataclass
class Pact:
    row: int
    city: str
    partner: str
    status: str
    date: dates.StatedDate | None
    source: str


@dataclass
class Agreement:
    iri: str
    first: Pact
    existing: bool
    entries: list[tuple[str, str]] = field(default_factory=list)  # (entry IRI, source)


class TableImport:
    """One table's rows, checked one at a time and turned into the triples of its data file."""

    def __init__(self, source: Path, index: ProjectIndex, new_city: bool = False):
        self.source = source
        self.index = index
        self.new_city = new_city  # accept a new city even when its name is close to a known one
        self.stem = slug(source.stem) or "table"
        self.file_entity = str(CRID[f"dataset/import-{self.stem}"])
        self.list_prefix = str(CRID[f"list/import-{self.stem}--"])
        self.errors: list[RowError] = []
        self.pacts: list[Pact] = []
        self.agreements: dict[str, Agreement] = {}
        self.origin: dict[str, tuple[int, str]] = {}  # resource -> (row, column) it comes from

    def error(self, row: int, column: str, reason: str, malformed: bool = False) -> None:
        self.errors.append(RowError(row, column, reason, malformed))

    def check_row(self, number: int, row: dict[str, str]) -> None:
        before = len(self.errors)
        for column in NAME_COLUMNS:
            problem = text_problem(row.get(column, ""))
            if problem:
                self.error(number, column, problem, malformed=True)
        for column in ("city", "partner", "partner_country", "status", "source"):
            if not row[column]:
                self.error(number, column, "required, but empty")
        status = row["status"].lower()
        if row["status"] and status not in STATUSES:
            self.error(
                number,
                "status",
                f"unknown status {row['status']!r} (expected one of {', '.join(STATUSES)})",
            )
        stated = self._check_date(number, row)
        if row["source"]:
            wrong_source = source_problem(row["source"])
            if wrong_source:
                self.error(number, "source", *wrong_source)
        if len(self.errors) > before:
            return
        country = self._resolve_country(number, row)
        city = self._resolve_city(number, row, "city", country=None)
        partner = self._resolve_city(number, row, "partner", country=country)
        if city and partner and city == partner:
            self.error(number, "partner", f"the partner is the city itself ({row['partner']!r})")
        if city and partner and len(self.errors) == before:  # both resolved when no error
            self._add_pact(Pact(number, city, partner, status, stated, row["source"]))

    def _check_date(self, number: int, row: dict[str, str]) -> dates.StatedDate | None:
        if not row["date"]:
            if row["calendar"] and row["calendar"].lower() not in dates.CALENDARS:
                self.error(
                    number,
                    "calendar",
                    f"unknown calendar {row['calendar']!r} (expected gregorian or jalali)",
                )
            return None
        if not row["calendar"]:
            self.error(number, "calendar", "required when a date is given (gregorian or jalali)")
            return None
        try:
            return dates.parse_date(row["date"], row["calendar"])
        except dates.InvalidDate as err:
            column = "calendar" if str(err).startswith("unknown calendar") else "date"
            self.error(number, column, str(err))
            return None

    def _resolve_country(self, number: int, row: dict[str, str]) -> str | None:
        """The project's country by label or IRI; else any country country_converter knows by
        name or ISO code (Norway, NO, NOR), new to the project if it lacks it."""
        text = row["partner_country"]
        found = self.index.find(text, "country")
        if len(found) == 1:
            return next(iter(found))
        if found:
            self.error(
                number, "partner_country", "matches several countries: " + ", ".join(sorted(found))
            )
            return None
        code = None if text.startswith(("http://", "https://", "crid:")) else iso2_of(text)
        if code is None:
            self.error(
                number,
                "partner_country",
                f"no country called {text!r} (give its English or Persian name, its ISO 3166 code or its IRI)",
            )
            return None
        if code in self.index.country_by_iso:
            return self.index.country_by_iso[code]
        name = short_name(code)
        name_fa = row.get("partner_country_fa", "")
        if not name_fa:
            self.error(
                number,
                "partner_country_fa",
                f"{name} ({code}) is a new country: give its Persian name too",
            )
            return None
        country = Place(
            str(CRID[f"country/{slug(name)}"]),
            name,
            persian(name_fa),
            new_from_row=number,
            iso2=code,
        )
        self.index.add_country(country)
        self.origin[country.iri] = (number, "partner_country")
        return country.iri

    def _resolve_city(
        self, number: int, row: dict[str, str], column: str, country: str | None
    ) -> str | None:
        name, name_fa = row[column], row.get(f"{column}_fa", "")
        found = self.index.find(name, "city") or (
            self.index.find(name_fa, "city") if name_fa else set()
        )
        if len(found) > 1:
            self.error(
                number,
                column,
                f"{name!r} matches several cities: {', '.join(sorted(found))}; give the IRI",
            )
            return None
        if found:
            city = next(iter(found))
            known = self.index.cities[city].country
            if country is not None and known is not None and known != country:
                self.error(
                    number,
                    "partner_country",
                    f"{name} is in {compact(known)} in the project, not {compact(country)}",
                )
                return None
            return city
        if name.startswith(("http://", "https://", "crid:")):
            self.error(number, column, f"no city with the IRI {name} in the project")
            return None
        near = [] if self.new_city else self.index.near_cities(name)
        if near:
            known = ", ".join(
                f"{self.index.cities[c].label_en or compact(c)} ({compact(c)})" for c in near
            )
            self.error(
                number,
                column,
                f"no city {name!r} in the project; did you mean {known}? "
                "(import with --new-city if it is a new city)",
            )
            return None
        if not name_fa:
            self.error(number, f"{column}_fa", f"{name!r} is a new city: give its Persian name too")
            return None
        name_slug = slug(name)
        if not name_slug:
            self.error(
                number,
                column,
                f"{name!r} is a new city, and its English name gives no ASCII slug for its IRI",
            )
            return None
        city, n = str(CRID[f"city/{name_slug}"]), 1
        while (
            city in self.index.iris
        ):  # the slug of another city: new cities never take over an IRI
            n += 1
            city = str(CRID[f"city/{name_slug}-{n}"])
        place = Place(city, name, persian(name_fa), country, new_from_row=number)
        self.index.add_city(place)
        self.origin[city] = (number, column)
        return city

    def _add_pact(self, pact: Pact) -> None:
        """Keep the pact; a pair named twice in one table is one agreement, so its rows must agree."""
        self.pacts.append(pact)
        a, b = sorted((pact.city, pact.partner))
        existing = self.index.agreements.get(frozenset((a, b)))
        agreement_iri = existing or str(CRID[f"agreement/{slug_of(a)}--{slug_of(b)}"])
        agreement = self.agreements.get(agreement_iri)
        if agreement is None:
            agreement = Agreement(agreement_iri, pact, bool(existing))
            self.agreements[agreement_iri] = agreement
            self.origin[agreement_iri] = (pact.row, "city")
        elif not existing:
            self._check_same_pact(agreement.first, pact)
        agreement.entries.append((self.entry_of(pact), pact.source))

    def _check_same_pact(self, first: Pact, again: Pact) -> None:
        if first.status != again.status:
            self.error(
                again.row,
                "status",
                f"{again.status!r}, but row {first.row} gives {first.status!r} for the same pair",
            )
        if first.date != again.date:

            def stated(p: Pact) -> str:
                return p.date.text + " " + p.date.calendar if p.date else "no date"

            self.error(
                again.row,
                "date",
                f"{stated(again)}, but row {first.row} gives {stated(first)} for the same pair",
            )

    def list_of(self, city: str) -> str:
        return self.list_prefix + slug_of(city)

    def entry_of(self, pact: Pact) -> str:
        return f"{self.list_of(pact.city)}/{pact.row}"

    def row_of(self, resource: str) -> tuple[int, str] | None:
        """The row (and column) a resource of this import comes from; None if it is not one."""
        if resource in self.origin:
            return self.origin[resource]
        if resource.startswith(self.list_prefix):
            last = resource.rsplit("/", 1)[1]
            return (int(last), "partner") if last.isdigit() else (1, "city")
        if resource == self.file_entity:
            return (1, "city")
        return None

    @property
    def cities_new(self) -> list[Place]:
        return [p for p in self.index.cities.values() if p.new_from_row is not None]

    @property
    def countries_new(self) -> list[Place]:
        return [p for p in self.index.countries.values() if p.new_from_row is not None]

    # ---- triples, grouped by subject, in the order of the rows

    def triples(self) -> Iterator[ox.Triple]:
        entity = ox.NamedNode(self.file_entity)
        yield from _about(
            entity,
            (A, iri(PROV.Entity)),
            (A, C["ImportedFile"]),
            (LABEL, ox.Literal(f"Imported table {self.source.name}", language="en")),
            (TITLE, ox.Literal(self.source.name)),
        )
        for country in self.countries_new:
            yield from _about(
                ox.NamedNode(country.iri),
                (A, C["Country"]),
                (LABEL, ox.Literal(country.label_en, language="en")),
                (LABEL, ox.Literal(country.label_fa, language="fa")),
                (C["iso3166Alpha2"], ox.Literal(country.iso2)),
                (DERIVED_FROM, entity),
            )
        for place in self.cities_new:
            yield from self._city(place, entity)
        listed: set[str] = set()
        for pact in self.pacts:
            sister_list = self.list_of(pact.city)
            if sister_list not in listed:
                listed.add(sister_list)
                yield from self._list(sister_list, pact, entity)
            yield from _about(
                ox.NamedNode(self.entry_of(pact)),
                (A, C["ListEntry"]),
                (C["inList"], node(sister_list)),
                (C["position"], integer(pact.row, XSD_POSITIVE)),
                (C["names"], node(pact.partner)),
                (DERIVED_FROM, entity),
                (SOURCE, source_term(pact.source)),
            )
        for agreement in self.agreements.values():
            yield from self._agreement(agreement, entity)

    def _city(self, place: Place, entity: ox.NamedNode) -> Iterator[ox.Triple]:
        facts = [
            (A, C["City"]),
            (LABEL, ox.Literal(place.label_en, language="en")),
            (LABEL, ox.Literal(place.label_fa, language="fa")),
            (DERIVED_FROM, entity),
        ]
        if place.country is not None:
            facts.append((C["country"], node(place.country)))
        else:  # the table's first column has no country column of its own
            note = f"Created by importing {self.source.name} (row {place.new_from_row}), which gives no country for it."
            facts += [(C["hasIssue"], COUNTRY_NOT_STATED), (NOTE, ox.Literal(note, language="en"))]
        yield from _about(ox.NamedNode(place.iri), *facts)

    def _list(self, sister_list: str, pact: Pact, entity: ox.NamedNode) -> Iterator[ox.Triple]:
        city = self.index.cities[pact.city]
        self.origin.setdefault(sister_list, (pact.row, "city"))
        label = f"Sister cities of {city.label_en} in {self.source.name}"
        yield from _about(
            ox.NamedNode(sister_list),
            (A, C["SisterCityList"]),
            (LABEL, ox.Literal(label, language="en")),
            (C["listOf"], node(pact.city)),
            (DERIVED_FROM, entity),
        )

    def _agreement(self, agreement: Agreement, entity: ox.NamedNode) -> Iterator[ox.Triple]:
        subject, pact = ox.NamedNode(agreement.iri), agreement.first
        facts: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
            (C["attestedBy"], ox.NamedNode(entry)) for entry, _ in agreement.entries
        ]
        sources = {source: None for _, source in agreement.entries}  # once each, in row order
        facts += [(SOURCE, source_term(source)) for source in sources]
        if not agreement.existing:
            facts += self._agreement_facts(agreement, entity)
        yield from _about(subject, *facts)
        if not agreement.existing and pact.date is not None and pact.date.calendar == dates.JALALI:
            yield from self._solar_hijri_date(agreement.iri, pact.row, pact.date)

    def _agreement_facts(self, agreement: Agreement, entity: ox.NamedNode) -> list:
        pact = agreement.first
        a, b = (self.index.cities[p] for p in sorted((pact.city, pact.partner)))
        facts = [
            (A, C["TwinningAgreement"]),
            (LABEL, ox.Literal(f"{a.label_en} – {b.label_en} twinning", language="en")),
            (LABEL, ox.Literal(f"خواهرخواندگی {a.label_fa} و {b.label_fa}", language="fa")),
            (C["party"], node(a.iri)),
            (C["party"], node(b.iri)),
            (C["status"], STATUS[pact.status]),
            (DERIVED_FROM, entity),
        ]
        if pact.date is not None:
            signing = gregorian_of(pact.date)
            if signing is not None:
                facts.append((C["signingDate"], literal(signing)))
            if pact.date.calendar == dates.JALALI:
                date_iri = self._date_iri(agreement.iri, pact.date)
                facts.append((C["statedDate"], ox.NamedNode(date_iri)))
        return facts

    def _date_iri(self, agreement: str, stated: dates.StatedDate) -> str:
        return str(CRID[f"date/{slug_of(agreement)}-{stated.text}"])

    def _solar_hijri_date(
        self, agreement: str, row: int, stated: dates.StatedDate
    ) -> Iterator[ox.Triple]:
        node = self._date_iri(agreement, stated)
        start, end = span_of(stated)
        self.origin[node] = (row, "date")
        facts = [
            (A, C["SolarHijriDate"]),
            (LABEL, ox.Literal(f"{stated.text} (Solar Hijri)", language="en")),
            (C["jalaliText"], ox.Literal(stated.text)),
            (C["jalaliYear"], integer(stated.year)),
        ]
        for prop, value in (("jalaliMonth", stated.month), ("jalaliDay", stated.day)):
            if value is not None:
                facts.append((C[prop], integer(value)))
        facts += [
            (C["gregorianStart"], ox.Literal(start.isoformat(), datatype=XSD_DATE)),
            (C["gregorianEnd"], ox.Literal(end.isoformat(), datatype=XSD_DATE)),
            (C["dateOf"], ox.NamedNode(agreement)),
        ]
        yield from _about(ox.NamedNode(node), *facts)


def _about(subject: ox.NamedNode, *facts) -> Iterator[ox.Triple]:
    for predicate, value in facts:
        yield ox.Triple(subject, predicate, value)


def source_term(text: str) -> ox.NamedNode | ox.Literal:
    return ox.NamedNode(text) if is_iri(text) else ox.Literal(text)


def compact(iri_text: str) -> str:
    return iri_text.replace(str(CRID), "crid:")
