"""What a place name says about its level: "Herford (district)" names a district, "Prague 5
(Prague)" and "Berlin – Reinickendorf" a part of a city, "Halle (Saale)" a town told apart by its
river; "Landkreis Herford" and "Royal Borough of Greenwich" are the crawl's labels of units.

A name that names a unit or a part of a city resolves to that unit or part, or stays unresolved:
never to the town that gives it its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cityrdf.text import ascii_key, name_key

# Words of Wikipedia's lists and the crawl's (mostly German) labels that name a unit above or
# beside a town: a district, county, borough, grouping of communes, Amt, rural gmina, prefecture,
# region.
UNIT_WORDS = (
    "district",
    "rural gmina",
    "gmina",
    "urban gmina",
    "county",
    "borough",
    "royal borough of",
    "london borough of",
    "metropolitan borough of",
    "borough of",
    "communauté",
    "communauté de communes",
    "communauté d'agglomération",
    "amt",
    "samtgemeinde",
    "verbandsgemeinde",
    "verwaltungsgemeinschaft",
    "microregion",
    "prefecture",
    "präfektur",
    "département",
    "province",
    "region",
    "landkreis",
    "kreis",
    "bezirk",
    "stadtbezirk",
    "powiat",
    "okres",
    "rajon",
    "raion",
    "municipality",
    "kommune",
    "gemeinde",
    "distrikt",
    "verwaltungsamt",
    # regions: "Sverdlovsk Oblast", "Oblast Kaliningrad", "Pomeranian Voivodeship",
    # "Woiwodschaft Pommern", "Gouvernement Adan", "Bratislavský kraj"
    "oblast",
    "voivodeship",
    "woiwodschaft",
    "governorate",
    "gouvernement",
    "kraj",
)
_UNIT_KEYS = {name_key(w) for w in UNIT_WORDS}
# "Landkreis Herford", "Royal Borough of Greenwich", "Herford District", "Osaka Prefecture"
_UNIT_AFFIX = re.compile(
    r"^(?P<before>(?:{w})\s+)?(?P<name>.+?)(?P<after>\s+(?:{w}))?$".format(
        w="|".join(re.escape(w) for w in sorted(UNIT_WORDS, key=len, reverse=True))
    ),
    re.IGNORECASE,
)
# "Berlin – Reinickendorf", "Tukums - Kandava": a list's page city, then a part of it
_PART_DASH = re.compile(r"^(?P<parent>.+?)\s+[–—-]\s+(?P<part>.+)$")
_PARENTHESIS = re.compile(r"^(?P<head>.+?)\s*\((?P<qualifier>[^()]+)\)\s*$")


@dataclass(frozen=True)
class QualifiedName:
    """A name as printed, its head (the name without its qualifier) and what the qualifier is:
    "" (none), "unit" (a district, county …: `unit` says which), "part" (of `parent`) or
    "disambiguator" (a river, region or state that only tells namesakes apart)."""

    text: str
    head: str
    kind: str = ""
    unit: str = ""
    parent: str = ""
    qualifier: str = ""  # as printed: in parentheses, or before the dash

    @property
    def names_its_unit(self) -> bool:
        """A unit or a part of a city, which a gazetteer of towns must not resolve."""
        return self.kind in ("unit", "part")


def parse(text: str, is_place=None) -> QualifiedName:
    """How a list prints a place. `is_place(name)` says whether a qualifier in parentheses is a
    place of the same country (then the name is a part of it); without it, such a qualifier is a
    disambiguator."""
    text = text.strip()
    found = _PARENTHESIS.match(text)
    if found:
        head, qualifier = found["head"].strip(), found["qualifier"].strip()
        if name_key(qualifier) in _UNIT_KEYS:
            return QualifiedName(text, head, "unit", qualifier.casefold(), qualifier=qualifier)
        if (
            number_key(qualifier) != number_key(head)
            and is_place is not None
            and is_place(qualifier)
        ):
            return QualifiedName(text, head, "part", parent=qualifier, qualifier=qualifier)
        return QualifiedName(text, head, "disambiguator", qualifier=qualifier)
    dashed = _PART_DASH.match(text)
    if dashed:
        parent = dashed["parent"].strip()
        return QualifiedName(text, dashed["part"].strip(), "part", parent=parent, qualifier=parent)
    unit_label = unit_of_label(text)
    if unit_label:
        return QualifiedName(text, unit_label[1], "unit", unit=unit_label[0])
    return QualifiedName(text, text)


def unit_of_label(label: str) -> tuple[str, str] | None:
    """(unit word, name) of a label that names a unit ("Kreis Herford" -> ("kreis", "Herford")),
    else None."""
    found = _UNIT_AFFIX.match(label.strip())
    if not found or not (found["before"] or found["after"]):
        return None
    if not found["before"] and "," in found["name"]:  # "Sovetsky, Leningrad Oblast": a town
        return None
    word = (found["before"] or found["after"]).strip().casefold()
    return word, found["name"].strip()


def number_key(text: str) -> str:
    """The transliteration key with the name's digits kept: "Prague 5" is not "Prague"."""
    return ascii_key(text) + "".join(c for c in text if c.isdigit())
