"""One place, one node: cities of one GeoNames place, or of one name at one level in one country
(or of no known country) that share two or more partners across the sources, are the same place,
and are merged into the
one with the strongest identity (the paper's, then a QID, then a GeoNames ID, then the most
partners). Each merge is a row of `world/merges.sssom.tsv` with the shared partners as evidence;
an import without merges (`run(merge=False)`, `cityrdf world import --no-merge`) undoes them all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from cityrdf.links.geometry import NEAR_KM, distance_km
from cityrdf.links.mapping_set import COLUMNS, mapping_set_tsv
from cityrdf.rdf.namespaces import CRID, SEMAPV, SKOS
from cityrdf.world.names import is_member_state
from cityrdf.world.qualified import number_key, parse
from cityrdf.world.records import City, carry

# Two nodes are one place only when they share at least this many partners.
SHARED_PARTNERS = 2
# A node a list files under a sovereign state and the crawl's item of a territory of the same name
# (Mariehamn FI / AX) share at least this many partners to be one place without a position.
TERRITORY_SHARED_PARTNERS = 2 * SHARED_PARTNERS
# Namesakes (of one key) compared pairwise; a larger group is a common name, not a duplicate.
LARGEST_GROUP = 60


@dataclass(frozen=True)
class Merge:
    merged: City
    kept: City
    reason: str  # what they share: "one GeoNames place (…)" or "one name (…)"
    shared: tuple[str, ...]  # the IRIs of the partners they share


def name_keys(city: City) -> set[tuple[str, str]]:
    """(level, key) of each label: level "unit" for a district, county …, else "" (a town, or a
    part of a city, whose crawl label is plain: "Reinickendorf")."""
    found = set()
    for label in city.labels.values():
        qualified = parse(label)
        level = "unit" if qualified.kind == "unit" else ""
        key = number_key(qualified.head)
        if key:
            found.add((level, key))
    return found


def find_merges(cities: dict[str, City], pairs: list[tuple[str, str]]) -> list[Merge]:
    """The merges that the pairs (city IRIs) warrant, each node merged at most once."""
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        partners[a].add(b)
        partners[b].add(a)
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for iri in partners:
        for key in name_keys(cities[iri]):
            groups[key].add(iri)
        if geonames := cities[iri].geonames:
            groups[("geonames", geonames)].add(iri)
    kept_of: dict[str, str] = {}
    merges: list[Merge] = []
    for key, group in sorted(groups.items()):
        if not 2 <= len(group) <= LARGEST_GROUP:
            continue
        for a, b in combinations(sorted(group), 2):
            a, b = kept_of.get(a, a), kept_of.get(b, b)
            one_place = key[0] == "geonames"
            if a == b:
                continue
            shared = {kept_of.get(p, p) for p in partners[a]} & {
                kept_of.get(p, p) for p in partners[b]
            }
            filed = not one_place and _filed_under_sovereign(cities[a], cities[b], len(shared))
            if not (filed or _may_be_one(cities[a], cities[b], one_place)):
                continue
            if len(shared) < SHARED_PARTNERS and not one_place:
                continue
            kept, merged = sorted((a, b), key=lambda iri: _strength(cities[iri], partners[iri]))
            reason = f"one GeoNames place ({key[1]})" if one_place else f"one name ({key[1]})"
            if filed:
                reason += f" of a territory ({cities[kept].iso2}) filed under {cities[merged].iso2}"
            merges.append(Merge(cities[merged], cities[kept], reason, tuple(sorted(shared))))
            partners[kept] |= partners.pop(merged)
            for iri, target in list(kept_of.items()):
                if target == merged:
                    kept_of[iri] = kept
            kept_of[merged] = kept
    return merges


def _parents(city: City) -> set[str]:
    """What the labels name in parentheses or before a dash: a parent city, or a river or region
    that tells namesakes apart (both tell two nodes apart)."""
    found = (q for q in map(parse, city.labels.values()) if q.kind != "unit" and q.qualifier)
    return {number_key(q.qualifier) for q in found}


def _is_unit(city: City) -> bool:
    return any(level == "unit" for level, _ in name_keys(city))


def _may_be_one(a: City, b: City, by_geonames: bool = False) -> bool:
    if a.paper and b.paper:
        return False  # the paper's cities are told apart by the paper
    if _is_unit(a) != _is_unit(b):
        return False  # a district and its town share a GeoNames entry's name, not a place
    ours, theirs = _parents(a), _parents(b)
    if (
        ours
        and theirs
        and not any(x.startswith(y) or y.startswith(x) for x in ours for y in theirs)
    ):
        return False  # Behringen (Bispingen) is not Behringen (Hörselberg-Hainich)
    near = (
        a.lat is not None
        and a.long is not None
        and b.lat is not None
        and b.long is not None
        and distance_km((a.lat, a.long), (b.lat, b.long)) <= NEAR_KM
    )
    if a.iso2 and b.iso2 and a.iso2 != b.iso2 and not (a.country_from or b.country_from):
        # one place under two codes (Mariehamn AX and FI, Yalta RU and UA) only where both
        # positions say so, and the position is not the shared GeoNames entry's own
        return near and not by_geonames
    if a.qid and b.qid and None not in (a.lat, b.lat):
        return near
    return True


def _filed_under_sovereign(a: City, b: City, shared: int) -> bool:
    """The crawl's item of a territory and a name node that a list files under a member state
    (Mariehamn AX and "Mariehamn, Finland"; Macau MO and "Macau, China"): the name node has no
    position to compare (the state's gazetteer lacks the name), so they are one place only when
    they share TERRITORY_SHARED_PARTNERS partners, the item is the territory's and the node has no
    QID. A town and its namesake in two member states never meet so."""
    if a.paper or b.paper or shared < TERRITORY_SHARED_PARTNERS or a.iso2 == b.iso2:
        return False
    if None in (a.iso2, b.iso2) or a.country_from or b.country_from:
        return False
    if _is_unit(a) != _is_unit(b) or _parents(a) != _parents(b):
        return False
    for item, node in ((a, b), (b, a)):
        if (
            item.qid
            and item.lat is not None
            and not is_member_state(item.iso2)
            and is_member_state(node.iso2)
            and node.qid is None
            and node.lat is None
        ):
            return True
    return False


def _strength(city: City, partners: set[str]) -> tuple:
    """Sort key: the strongest identity first."""
    return (not city.paper, city.qid is None, city.geonames is None, -len(partners), city.iri)


def absorb(kept: City, merged: City) -> None:
    """What the merged node knew that the kept one did not (labels, country, position, IDs)."""
    for lang, text in merged.labels.items():
        kept.labels.setdefault(lang, text)
    if merged.iso2 and (not kept.iso2 or (kept.country_from and not merged.country_from)):
        kept.iso2, kept.country_from = merged.iso2, merged.country_from
    carry(merged, kept)
    kept.qid = kept.qid or merged.qid


MERGES_METADATA = {
    "license": "https://creativecommons.org/licenses/by-sa/4.0/",
    "mapping_set_id": "https://w3id.org/cityrdf/id/mappings/world-merges",
    "mapping_tool": "cityrdf world import",
    "comment": "each row merged subject_id into object_id; "
    "`cityrdf world import --no-merge` undoes all.",
}
MERGES_PREFIXES = {"crid": str(CRID), "semapv": str(SEMAPV), "skos": str(SKOS)}


def merges_tsv(merges: list[Merge]) -> str:
    """The merges as an SSSOM/TSV mapping set (merged node, skos:exactMatch, kept node)."""
    crid = MERGES_PREFIXES["crid"]
    rows = []
    for m in merges:
        shared = " ".join("crid:" + p.removeprefix(crid) for p in m.shared)
        rows.append(
            {
                "subject_id": "crid:" + m.merged.iri.removeprefix(crid),
                "subject_label": _label(m.merged),
                "predicate_id": "skos:exactMatch",
                "object_id": "crid:" + m.kept.iri.removeprefix(crid),
                "object_label": _label(m.kept),
                "mapping_justification": "semapv:StructuralMatching",
                "confidence": (
                    1.0 if len(m.shared) >= 2 * SHARED_PARTNERS or "GeoNames" in m.reason else 0.8
                ),
                "comment": (
                    f"{m.reason} and {len(m.shared)} shared partners: {shared}"
                    if shared
                    else m.reason
                ),
            }
        )
    return mapping_set_tsv(rows, COLUMNS, MERGES_METADATA, MERGES_PREFIXES)


def _label(city: City) -> str:
    text = city.labels.get("en") or next(iter(city.labels.values()), "")
    return f"{text} ({city.qid})" if city.qid else text
