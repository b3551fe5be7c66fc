"""The triples of a checked table's data file, grouped by subject, in the order of the rows.

They are made as quads of the default graph: the store takes only quads, the Turtle writer takes
those too, and each triple is made once (millions of them)."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from cityrdf.importer.project import Place
from cityrdf.importer.rows import Agreement, Pact, TableImport
from cityrdf.importer.terms import (
    COUNTRY_NOT_STATED,
    DERIVED_FROM,
    ENTITY,
    LABEL,
    NOTE,
    SOURCE,
    STATUS,
    TITLE,
    XSD_DATE,
    XSD_POSITIVE,
    A,
    C,
    gregorian_of,
    integer,
    node,
    source_term,
    span_of,
)
from cityrdf.rdf import dates


def table_quads(table: TableImport) -> Iterator[ox.Quad]:
    entity = ox.NamedNode(table.file_entity)
    yield from _about(
        entity,
        (A, ENTITY),
        (A, C["ImportedFile"]),
        (LABEL, ox.Literal(f"Imported table {table.source.name}", language="en")),
        (TITLE, ox.Literal(table.source.name)),
    )
    for country in table.countries_new:
        yield from _about(
            ox.NamedNode(country.iri),
            (A, C["Country"]),
            (LABEL, ox.Literal(country.label_en, language="en")),
            (LABEL, ox.Literal(country.label_fa, language="fa")),
            (C["iso3166Alpha2"], ox.Literal(country.iso2)),
            (DERIVED_FROM, entity),
        )
    for place in table.cities_new:
        yield from _city(table, place, entity)
    listed: set[str] = set()
    for pact in table.pacts:
        sister_list = table.list_of(pact.city)
        if sister_list not in listed:
            listed.add(sister_list)
            yield from _list(table, sister_list, pact, entity)
        yield from _about(
            ox.NamedNode(table.entry_of(pact)),
            (A, C["ListEntry"]),
            (C["inList"], node(sister_list)),
            (C["position"], integer(pact.row, XSD_POSITIVE)),
            (C["names"], node(pact.partner)),
            (DERIVED_FROM, entity),
            (SOURCE, source_term(pact.source)),
        )
    for agreement in table.agreements.values():
        yield from _agreement(table, agreement, entity)


def _city(table: TableImport, place: Place, entity: ox.NamedNode) -> Iterator[ox.Quad]:
    facts = [
        (A, C["City"]),
        (LABEL, ox.Literal(place.label_en, language="en")),
        (LABEL, ox.Literal(place.label_fa, language="fa")),
        (DERIVED_FROM, entity),
    ]
    if place.country is not None:
        facts.append((C["country"], node(place.country)))
    else:  # the table's first column has no country column of its own
        note = f"Created by importing {table.source.name} (row {place.new_from_row}), which gives no country for it."
        facts += [(C["hasIssue"], COUNTRY_NOT_STATED), (NOTE, ox.Literal(note, language="en"))]
    yield from _about(ox.NamedNode(place.iri), *facts)


def _list(
    table: TableImport, sister_list: str, pact: Pact, entity: ox.NamedNode
) -> Iterator[ox.Quad]:
    city = table.index.cities[pact.city]
    label = f"Sister cities of {city.label_en} in {table.source.name}"
    yield from _about(
        ox.NamedNode(sister_list),
        (A, C["SisterCityList"]),
        (LABEL, ox.Literal(label, language="en")),
        (C["listOf"], node(pact.city)),
        (DERIVED_FROM, entity),
    )


def _agreement(table: TableImport, agreement: Agreement, entity: ox.NamedNode) -> Iterator[ox.Quad]:
    subject, pact = ox.NamedNode(agreement.iri), agreement.first
    facts: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (C["attestedBy"], ox.NamedNode(table.entry_of(p))) for p in agreement.pacts
    ]
    sources = {p.source: None for p in agreement.pacts}  # once each, in row order
    facts += [(SOURCE, source_term(source)) for source in sources]
    if not agreement.existing:
        facts += _agreement_facts(table, agreement, entity)
    yield from _about(subject, *facts)
    if not agreement.existing and pact.date is not None and pact.date.calendar == dates.JALALI:
        yield from _solar_hijri_date(table, agreement.iri, pact.date)


def _agreement_facts(table: TableImport, agreement: Agreement, entity: ox.NamedNode) -> list:
    pact = agreement.first
    a, b = (table.index.cities[p] for p in sorted((pact.city, pact.partner)))
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
            facts.append((C["signingDate"], signing))
        if pact.date.calendar == dates.JALALI:
            facts.append((C["statedDate"], ox.NamedNode(table.date_of(agreement.iri, pact.date))))
    return facts


def _solar_hijri_date(
    table: TableImport, agreement: str, stated: dates.StatedDate
) -> Iterator[ox.Quad]:
    start, end = span_of(stated)
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
    yield from _about(ox.NamedNode(table.date_of(agreement, stated)), *facts)


def _about(subject: ox.NamedNode, *facts) -> Iterator[ox.Quad]:
    for predicate, value in facts:
        yield ox.Quad(subject, predicate, value)
