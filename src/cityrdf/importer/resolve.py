"""How a row's names resolve: to the project's cities and countries, or to new ones it creates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cityrdf.importer.project import Place
from cityrdf.importer.terms import compact
from cityrdf.rdf import iris
from cityrdf.text import persian, slug
from cityrdf.world.names import iso2_of, short_name

if TYPE_CHECKING:
    from cityrdf.importer.rows import TableImport


def country(table: TableImport, number: int, row: dict[str, str]) -> str | None:
    """The project's country by label or IRI; else any country country_converter knows by
    name or ISO code (Norway, NO, NOR), new to the project if it lacks it."""
    text = row["partner_country"]
    found = table.index.find(text, "country")
    if len(found) == 1:
        return next(iter(found))
    if found:
        table.error(
            number, "partner_country", "matches several countries: " + ", ".join(sorted(found))
        )
        return None
    code = None if text.startswith(("http://", "https://", "crid:")) else iso2_of(text)
    if code is None:
        table.error(
            number,
            "partner_country",
            f"no country called {text!r} (give its English or Persian name, its ISO 3166 code or its IRI)",
        )
        return None
    if code in table.index.country_by_iso:
        return table.index.country_by_iso[code]
    name = short_name(code)
    name_fa = row.get("partner_country_fa", "")
    if not name_fa:
        table.error(
            number,
            "partner_country_fa",
            f"{name} ({code}) is a new country: give its Persian name too",
        )
        return None
    country = Place(
        iris.country(name),
        name,
        persian(name_fa),
        new_from_row=number,
        iso2=code,
    )
    table.index.add_country(country)
    table.origin[country.iri] = (number, "partner_country")
    return country.iri


def city(
    table: TableImport, number: int, row: dict[str, str], column: str, country: str | None
) -> str | None:
    name, name_fa = row[column], row.get(f"{column}_fa", "")
    found = table.index.find(name, "city") or (
        table.index.find(name_fa, "city") if name_fa else set()
    )
    if len(found) > 1:
        table.error(
            number,
            column,
            f"{name!r} matches several cities: {', '.join(sorted(found))}; give the IRI",
        )
        return None
    if found:
        city = next(iter(found))
        known = table.index.cities[city].country
        if country is not None and known is not None and known != country:
            table.error(
                number,
                "partner_country",
                f"{name} is in {compact(known)} in the project, not {compact(country)}",
            )
            return None
        return city
    if name.startswith(("http://", "https://", "crid:")):
        table.error(number, column, f"no city with the IRI {name} in the project")
        return None
    near = [] if table.new_city else table.index.near_cities(name)
    if near:
        known = ", ".join(
            f"{table.index.cities[c].label_en or compact(c)} ({compact(c)})" for c in near
        )
        table.error(
            number,
            column,
            f"no city {name!r} in the project; did you mean {known}? "
            "(import with --new-city if it is a new city)",
        )
        return None
    if not name_fa:
        table.error(number, f"{column}_fa", f"{name!r} is a new city: give its Persian name too")
        return None
    name_slug = slug(name)
    if not name_slug:
        table.error(
            number,
            column,
            f"{name!r} is a new city, and its English name gives no ASCII slug for its IRI",
        )
        return None
    city, n = iris.city(name), 1
    while city in table.index.iris:  # the slug of another city: new cities never take over an IRI
        n += 1
        city = iris.city(name, n)
    place = Place(city, name, persian(name_fa), country, new_from_row=number)
    table.index.add_city(place)
    table.origin[city] = (number, column)
    return city
