"""The one place new resource IRIs are minted (docs/decisions/0001).

`https://w3id.org/cityrdf/id/{kind}/{slug}`, with slugs from `cityrdf.text.slug`; a relationship is
named by its ends, city slugs sorted, so one pair has one IRI whoever mints it: the importer, the
world layer and the partner suggestions all come here.
"""

from __future__ import annotations

from cityrdf.rdf.namespaces import CRID
from cityrdf.text import city_slug, slug


def resource(kind: str, local: str) -> str:
    """`crid:{kind}/{local}`; `local` is already a slug or a path of slugs."""
    return f"{CRID}{kind}/{local}"


def city(name: str, number: int = 1) -> str:
    """A new city named `name`; `number` > 1 tells apart cities whose names give the same slug."""
    return resource("city", slug(name) if number == 1 else f"{slug(name)}-{number}")


def wikidata_city(qid: str) -> str:
    """A world-layer city known by its Wikidata item and not in the paper."""
    return resource("city", f"wd/{qid}")


def world_city(iso2: str | None, name: str) -> str:
    """A world-layer city known only by its name and country (`xx`: the country is unknown)."""
    return resource("city", f"world/{(iso2 or 'xx').lower()}/{slug(name) or 'unnamed'}")


def country(name: str) -> str:
    return resource("country", slug(name))


def pair(kind: str, first_city: str, second_city: str) -> str:
    """A resource named by two cities (`agreement/isfahan--yazd`), their slugs sorted."""
    first, second = sorted((city_slug(first_city), city_slug(second_city)))
    return resource(kind, f"{first}--{second}")


def agreement(first_city: str, second_city: str) -> str:
    return pair("agreement", first_city, second_city)


def suggestion(city_iri: str, candidate: str) -> str:
    """A partner suggested for `city_iri`: not symmetric, so the order is kept."""
    return resource("suggestion", f"{city_slug(city_iri)}--{city_slug(candidate)}")
