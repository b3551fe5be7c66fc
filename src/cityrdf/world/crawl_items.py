"""What the 2016 crawl's items are when no source says: the country their labels name, and whether
an item is a town at all or an administrative unit or a country (world/resolve.py resolves them)."""

from __future__ import annotations

from collections.abc import Iterable

from cityrdf.text import name_key
from cityrdf.world.names import Place, iso2_of, keys, short_name
from cityrdf.world.namesakes import DOMINANCE, TOWN_GAZETTEERS, country_of_qualifier
from cityrdf.world.qualified import parse
from cityrdf.world.records import City, Review, carry
from cityrdf.world.resolve import Resolver


def not_a_town(resolver: Resolver, city: City) -> str | None:
    """Why a node is an administrative unit or a country rather than a town, from the
    source's own evidence, or None: a label that names a unit ("Präfektur Osaka",
    "Verbandsgemeinde Nieder-Olm", "Herford (district)"), or a crawl item no gazetteer of
    towns holds whose label is a country's name that no town bears (Lesotho, Guam; Tonga,
    also a town of Cameroon, goes to review), or whose label is a province or region of its
    country that no town there bears (Fujian). The paper's cities are the paper's."""
    if city.paper:
        return None
    for text in sorted(city.labels.values()):
        qualified = parse(text)
        if qualified.kind == "unit":
            return f"the label {text!r} names a {qualified.unit}"
    for text in _country_named(resolver, city):
        if not towns_named(resolver, text):
            return f"the label {text!r} is a country's name and no gazetteer has a town of it"
    for text in _division_named(resolver, city):
        return (
            f"the label {text!r} is a first-level division of {city.iso2} (a province, "
            "prefecture, region or state) and no gazetteer has a town of it there"
        )
    return None


def _division_named(resolver: Resolver, city: City) -> list[str]:
    """The labels of an item no gazetteer of towns holds that name a first-level division of its
    country (Fujian, Île-de-France) and no town of that country (Csongrád is both: a town)."""
    known = resolver.index.by_qid.get(city.qid) if city.qid else None
    if city.paper or not city.iso2 or city.geonames or (known and known.origin in TOWN_GAZETTEERS):
        return []
    return [
        text
        for text in sorted(city.labels.values())
        if any((key, city.iso2) in resolver.index.divisions for key in keys(text))
        and not any(
            p.origin in TOWN_GAZETTEERS and keys(p.name) & keys(text)
            for p in resolver.index.find(text, city.iso2)
        )
    ]


def _country_named(resolver: Resolver, city: City) -> list[str]:
    """The labels of a crawl item that no gazetteer of towns holds that are a country's name."""
    known = resolver.index.by_qid.get(city.qid) if city.qid else None
    if city.paper or not city.qid or city.geonames or (known and known.origin in TOWN_GAZETTEERS):
        return []
    return [
        text
        for text in sorted(city.labels.values())
        if (country := iso2_of(text)) and name_key(short_name(country)) == name_key(text)
    ]


def towns_named(resolver: Resolver, text: str) -> list[Place]:
    """The gazetteers' towns whose main name is `text`, in any country."""
    return [
        p
        for p in resolver.index.find(text, None)
        if p.origin in TOWN_GAZETTEERS and name_key(p.name) == name_key(text)
    ]


def review_country_names(resolver: Resolver, cities: Iterable[City]) -> None:
    """A crawl item whose label is a country's name and a town's (Tonga, Andorra) may be
    either: it stays a town and goes to the review queue."""
    for city in cities:
        for text in _country_named(resolver, city):
            towns = towns_named(resolver, text)
            if towns:
                resolver.review.append(
                    Review(
                        "wikidata-2016",
                        f"{text} ({city.qid})",
                        city.iso2 or "",
                        "the label is a country's name and a town's: the country or the town?",
                        "; ".join(f"{p.name} ({p.iso2}, {p.geonames})" for p in towns),
                    )
                )


def country_from_labels(resolver: Resolver) -> int:
    """Cities known by QID only (the 2016 crawl): a label that is a country's name is that
    country (Tonga); else the country of the GeoNames or Natural Earth places whose *main*
    name is the label (never an alternate name alone), when they agree or one dominates;
    a label naming a unit ("Kreis Herford") gives its name's country only. Returns how many;
    such a country yields to the country a partner row prints."""
    found = 0
    for city in resolver.cities.values():
        if city.iso2 or not city.qid:
            continue
        for text in city.labels.values():
            country = iso2_of(text)
            if country and name_key(short_name(country)) == name_key(text):
                city.iso2, city.country_from = country, "label"
                found += 1
                break
            # "Buba (Guinea-Bissau)", "Niles (Illinois)": the label names its country
            # ("Kreis Herford": the unit's name gives its country, never its position)
            qualified = parse(text)
            unit = qualified.kind == "unit"
            within = None if unit else country_of_qualifier(qualified.qualifier)
            wanted = keys(qualified.head)
            namesakes = [
                place
                for place in resolver.index.find(qualified.head, within)
                if place.origin != "wikidata-2016" and keys(place.name) & wanted
            ]
            if within and not namesakes:
                city.iso2, city.country_from = within, "label"
                found += 1
                break
            biggest: dict[str, Place] = {}
            for place in namesakes:
                if place.population >= biggest.get(place.iso2, place).population:
                    biggest[place.iso2] = place
            ranked = sorted(biggest.values(), key=lambda p: -p.population)
            if ranked and (
                len(ranked) == 1 or ranked[0].population >= DOMINANCE * max(ranked[1].population, 1)
            ):
                city.iso2, city.country_from = ranked[0].iso2, "label"
                if not unit and len(namesakes) == 1:  # the one place of that name
                    carry(namesakes[0], city)
                found += 1
                break
    return found
