"""The RDF terms an import writes, each made once: millions of triples share a few dozen of them."""

from __future__ import annotations

import functools

import pyoxigraph as ox

from cityrdf.importer.table import is_iri
from cityrdf.rdf import dates
from cityrdf.rdf.namespaces import CR, CRID, DCTERMS, PROV, RDF, RDFS, SKOS, XSD

STATUSES = ("listed", "unofficial", "official", "friendship")

A = RDF.type
LABEL, NOTE = RDFS.label, SKOS.editorialNote
DERIVED_FROM, SOURCE, TITLE = PROV.wasDerivedFrom, DCTERMS.source, DCTERMS["title"]
ENTITY = PROV.Entity
COUNTRY_NOT_STATED = CRID["concept/data-issues/country-not-stated"]
C = {
    name: CR[name]
    for name in (
        "City", "country", "TwinningAgreement", "ImportedFile", "SisterCityList", "listOf",
        "ListEntry", "inList", "position", "names", "attestedBy", "party", "status",
        "signingDate", "statedDate", "SolarHijriDate", "jalaliText", "jalaliYear",
        "jalaliMonth", "jalaliDay", "gregorianStart", "gregorianEnd", "dateOf", "hasIssue",
        "Country", "iso3166Alpha2",
    )
}  # fmt: skip
XSD_DATE, XSD_INTEGER, XSD_POSITIVE = XSD.date, XSD.integer, XSD.positiveInteger
STATUS = {s: CRID[f"concept/agreement-status/{s}"] for s in STATUSES}


@functools.lru_cache(maxsize=100_000)
def node(text: str) -> ox.NamedNode:
    """The term of a city, list or country: each is named by many rows."""
    return ox.NamedNode(text)


# A table repeats a few hundred dates: each converts once.
span_of = functools.lru_cache(maxsize=10_000)(dates.StatedDate.gregorian_span)
gregorian_of = functools.lru_cache(maxsize=10_000)(dates.StatedDate.gregorian_literal)


def integer(value: int, datatype: ox.NamedNode = XSD_INTEGER) -> ox.Literal:
    return ox.Literal(str(value), datatype=datatype)


def source_term(text: str) -> ox.NamedNode | ox.Literal:
    return ox.NamedNode(text) if is_iri(text) else ox.Literal(text)


def compact(iri_text: str) -> str:
    return iri_text.replace(str(CRID), "crid:")


def slug_of(iri_text: str) -> str:
    return iri_text.rsplit("/", 1)[1]
