"""Name resolution on rows copied from the reference files (tests/fixtures/world/resolution/): one
city, one node, at the level the list names, in the country the row prints."""

from __future__ import annotations

import csv

import pyoxigraph as ox
import pytest

from cityrdf.world import run as world_run

from .conftest import FIXTURES, NOW

CASES = FIXTURES / "resolution"
CR = "https://w3id.org/cityrdf/ontology#"
CRID = "https://w3id.org/cityrdf/id/"
GRAPH = "https://w3id.org/cityrdf/graph/world/"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
GEO_LAT = "http://www.w3.org/2003/01/geo/wgs84_pos#lat"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_NOTE = "http://www.w3.org/2004/02/skos/core#editorialNote"


def imported(out, merge: bool = True):
    world_run.run(
        CASES / "p190-pairs.tsv",
        CASES / "p190-labels.tsv",
        CASES / "twin-cities.csv",
        places=CASES / "populated-places.csv",
        out_dir=out,
        now=NOW,
        merge=merge,
    )
    store = ox.Store()
    for path in sorted(out.glob("*.nq")):
        store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return imported(tmp_path_factory.mktemp("resolution"))


def parties(store, line: int, source: str = "wikipedia") -> set[str]:
    """The two cities of the agreement a source's line attests (CRID prefix removed)."""
    record = ox.NamedNode(f"{CRID}record/world/{source}/{line}")
    graph = ox.NamedNode(GRAPH + source)
    agreements = [
        q.subject for q in store.quads_for_pattern(None, ox.NamedNode(CR + "attestedBy"), record)
    ]
    assert len(agreements) == 1, f"line {line} of {source} attests {len(agreements)} agreements"
    found = store.quads_for_pattern(agreements[0], ox.NamedNode(CR + "party"), None, graph)
    return {q.object.value.removeprefix(CRID) for q in found}


def side(store, line: int, partner: str) -> str:
    """The city of a Wikipedia line that is not `partner` (a CRID-relative IRI)."""
    others = parties(store, line) - {partner}
    assert len(others) == 1, (line, parties(store, line))
    return others.pop()


def objects(store, city: str, predicate: str) -> set[str]:
    found = store.quads_for_pattern(ox.NamedNode(CRID + city), ox.NamedNode(predicate), None)
    return {q.object.value for q in found}


def country_code(store, city: str) -> set[str]:
    codes = set()
    for country in objects(store, city, CR + "country"):
        codes |= objects(store, country.removeprefix(CRID), CR + "iso3166Alpha2")
    return codes


def test_a_qualifier_naming_a_district_or_a_rural_gmina_never_resolves_to_the_town(store):
    town = side(store, 15, "city/wd/Q1020362")  # Hinckley – Herford
    assert town == "city/wd/Q3971"
    # Šibenik and Voiron name the district (the crawl twins Voiron with the town: not the same)
    district = {side(store, 13, p) for p in parties(store, 13) if "herford" not in p}
    district |= {side(store, 14, "city/wd/Q238205")}
    assert district == {"city/world/de/herford-district"}
    assert objects(store, "city/world/de/herford-district", SAME_AS) == set()
    gmina = [p for p in parties(store, 16) if "swidnica" in p]
    town_of_swidnica = [p for p in parties(store, 17) if "swidnica" in p or "Q" in p]
    assert gmina == ["city/world/pl/swidnica-rural-gmina"]
    assert gmina[0] not in town_of_swidnica


def test_a_numbered_district_of_prague_is_not_prague(store):
    prague_5 = [p for p in parties(store, 18) if "prague" in p]
    assert prague_5 == ["city/world/cz/prague-5"]
    assert objects(store, prague_5[0], SAME_AS) == set()


def test_a_part_of_a_city_is_one_node_however_printed_and_the_crawls_item_when_it_twins(store):
    # "Berlin – Reinickendorf" and "Reinickendorf (Berlin)", with Antony (the crawl twins the
    # borough Reinickendorf with Antony and with the Royal Borough of Greenwich)
    assert side(store, 19, "city/wd/Q205592") == "city/wd/Q158876"
    assert side(store, 20, "city/wd/Q205592") == "city/wd/Q158876"
    assert parties(store, 21) == {"city/wd/Q693450", "city/wd/Q158876"}


def test_greenwich_in_england_is_the_borough_in_every_row_of_the_list(store):
    # Tema is twinned with the borough in the crawl; Maribor is not, and follows the list's
    # other rows of the same name rather than the locality GeoNames knows as Greenwich
    assert "city/wd/Q693450" in parties(store, 23)
    assert "city/wd/Q693450" in parties(store, 22)


def test_a_place_in_parentheses_makes_the_name_a_part_of_it_never_its_namesake(store):
    achim_of_borssum = side(store, 24, next(p for p in parties(store, 24) if "achim" not in p))
    assert achim_of_borssum == "city/world/de/borssum-achim"
    assert side(store, 25, next(p for p in parties(store, 25) if "Q16143" not in p)) == (
        "city/wd/Q16143"
    )
    vyborg_district = [p for p in parties(store, 26) if "vyborg" in p]
    assert vyborg_district == ["city/world/ru/saint-petersburg-vyborg"]
    assert "city/wd/Q14657" in parties(store, 27)  # Bodø – Vyborg, the town
    assert [p for p in parties(store, 28) if "mn/" in p] == ["city/world/mn/ulaanbaatar-sukhbaatar"]


def test_homonyms_take_the_crawls_item_of_the_same_pair_in_the_rows_country(store):
    bethlehem = {side(store, line, p) for line in (2, 3, 4) for p in parties(store, line)}
    assert "city/wd/Q5776" in bethlehem
    assert not any(p.startswith("city/world/ps/") for p in bethlehem)
    assert country_code(store, "city/wd/Q5776") == {"PS"}  # never Brazil or South Africa
    assert country_code(store, "city/wd/Q369911") == {"IE"}  # Athlone
    assert "city/wd/Q369911" in parties(store, 5)
    assert "city/wd/Q6149" in parties(store, 8)  # Soest, Germany
    assert parties(store, 9) == {"city/wd/Q6149", "city/wd/Q10041"}
    assert "city/wd/Q8621" in parties(store, 11) & parties(store, 12)  # Terni


def test_maragheh_and_gorazde_are_one_agreement_in_both_sources(store):
    crawl = parties(store, 4, "wikidata-2016")
    assert crawl == {"city/wd/Q605021", "city/wd/Q504058"}
    assert parties(store, 6) == crawl


def test_tonga_is_the_country_of_its_crawl_item_not_cameroon(store):
    assert country_code(store, "city/wd/Q678") == {"TO"}


def test_a_name_ambiguous_alone_and_not_twinned_so_in_the_crawl_stays_unresolved(store):
    # Columbia, United States: six GeoNames namesakes, and the crawl twins Hakusan with Boston
    columbia = [p for p in parties(store, 7) if "columbia" in p]
    assert columbia == ["city/world/us/columbia"]
    assert objects(store, columbia[0], SAME_AS) == set()


def test_a_district_of_the_crawl_is_reached_by_its_qualified_name_and_keeps_no_towns_id(store):
    # the crawl twins Vantaa with the Landkreis Rastatt: "Rastatt (district)" is that item,
    # "Rastatt" (with Orange) the town; the town's GeoNames entry and position are not the
    # district's
    assert side(store, 31, "city/wd/Q127623") == "city/wd/Q8182"
    assert [p for p in parties(store, 32) if "rastatt" in p] == ["city/world/de/rastatt"]
    assert objects(store, "city/wd/Q8182", EXACT_MATCH) == set()
    assert objects(store, "city/wd/Q8182", GEO_LAT) == set()


def test_a_state_after_the_comma_keeps_only_that_states_places(store):
    # GeoNames knows one Coventry of the United States with 1,000 inhabitants, in Rhode Island
    us = [next(p for p in parties(store, line) if "/us/" in p) for line in (33, 34, 35)]
    assert us[:2] == ["city/world/us/coventry-connecticut", "city/world/us/coventry-new-york"]
    assert [objects(store, node, EXACT_MATCH) for node in us] == [
        set(),
        set(),
        {"https://sws.geonames.org/5221637/"},
    ]


def test_natural_earths_geonames_id_of_a_namesake_abroad_gives_no_qid(store):
    # Natural Earth's Colombo (Sri Lanka, Q35381) carries the GeoNames ID of Colombo, Brazil
    colombo = [p for p in parties(store, 36) if "/br/" in p or p == "city/wd/Q35381"]
    assert colombo == ["city/world/br/colombo"]
    assert country_code(store, colombo[0]) == {"BR"}
    # and Colombo in Sri Lanka (line 37) keeps its QID but not Brazil's GeoNames ID
    assert "city/wd/Q35381" in parties(store, 37)
    assert objects(store, "city/wd/Q35381", EXACT_MATCH) != {"https://sws.geonames.org/3465927/"}


def test_positions_and_geonames_ids_reach_the_crawls_items_and_geonames_only_cities(store):
    # Terni: a crawl item that Natural Earth lacks, found by name in GeoNames
    assert objects(store, "city/wd/Q8621", EXACT_MATCH) == {"https://sws.geonames.org/3165771/"}
    assert objects(store, "city/wd/Q8621", GEO_LAT)
    trutnov = [p for p in parties(store, 17) if "trutnov" in p]
    assert trutnov == ["city/world/cz/trutnov"]
    geonames = objects(store, trutnov[0], EXACT_MATCH)
    assert len(geonames) == 1 and next(iter(geonames)).startswith("https://sws.geonames.org/")


def test_a_name_stays_in_the_review_queue_only_while_a_row_of_it_is_unresolved(tmp_path):
    imported(tmp_path)
    review = (tmp_path / "review.csv").read_text(encoding="utf-8")
    # every row of Reinickendorf found the crawl's borough; Herford (district) did not
    assert "Reinickendorf (Berlin)" not in review and "Berlin – Reinickendorf" not in review
    assert "Herford (district),Germany,names a unit: district" in review
    assert "Columbia,United States,ambiguous" in review


def test_one_place_on_two_nodes_is_merged_with_its_evidence_and_no_merge_undoes_it(store, tmp_path):
    # Oxelösund's municipality (Q27846) and town (Q505246): one GeoNames place, two crawl items
    oxelosund = {"city/wd/Q27846", "city/wd/Q505246"}
    kept = oxelosund & subjects(store)
    assert len(kept) == 1
    assert oxelosund <= subjects(imported(tmp_path / "apart", merge=False))
    imported(tmp_path / "merged")
    rows = (tmp_path / "merged" / "merges.sssom.tsv").read_text(encoding="utf-8").splitlines()
    merges = [r.split("\t") for r in rows if not r.startswith(("#", "subject_id"))]
    assert [(m[0], m[2], m[3], m[5]) for m in merges] == [
        (
            "crid:" + (oxelosund - kept).pop(),
            "skos:exactMatch",
            "crid:" + kept.pop(),
            "semapv:StructuralMatching",
        )
    ]
    assert merges[0][7] == "one GeoNames place (2684653)"


def subjects(store) -> set[str]:
    return {q.subject.value.removeprefix(CRID) for q in store.quads_for_pattern(None, None, None)}


def test_prefectures_and_groupings_are_typed_administrative_units_from_their_labels(store):
    unit = CR + "TwinnedAdministrativeUnit"
    units = {
        q.subject.value.removeprefix(CRID)
        for q in store.quads_for_pattern(None, None, ox.NamedNode(unit))
    }
    # "Präfektur Osaka", "Verbandsgemeinde Nieder-Olm", "Landkreis Rastatt": the label names a unit
    assert {"city/wd/Q122723", "city/wd/Q449024", "city/wd/Q8182"} <= units
    # the list's "Osaka Prefecture" is the crawl's prefecture, twinned with Shanghai in both
    assert side(store, 38, "city/wd/Q8686") == "city/wd/Q122723"
    # Luxembourg's label is a country's name, but Natural Earth holds it as a town; Tonga's is a
    # town's of Cameroon too: neither is typed, Tonga goes to review (below)
    assert not {"city/wd/Q1842", "city/wd/Q678", "city/wd/Q8686", "city/wd/Q1085"} & units
    # each keeps its cr:City type (cr:party's range) and says why it is no town
    assert objects(store, "city/wd/Q122723", RDF_TYPE) == {CR + "City", unit}
    (note,) = objects(store, "city/wd/Q122723", SKOS_NOTE)
    assert "'Präfektur Osaka' names a präfektur" in note


def test_oblasts_voivodeships_and_governorates_are_administrative_units(store):
    """A region the list or the crawl names as such is no town ("Sverdlovsk Oblast", "Oblast
    Kaliningrad"); a town named with its region after a comma stays a town."""
    from cityrdf.world.qualified import unit_of_label

    unit = CR + "TwinnedAdministrativeUnit"
    assert unit in objects(store, "city/wd/Q1749", RDF_TYPE)  # "Oblast Kaliningrad"
    (oblast,) = {p for p in parties(store, 39) if "sverdlovsk" in p}  # Harbin's partner
    assert unit in objects(store, oblast, RDF_TYPE)
    assert unit not in objects(store, "city/wd/Q1190778", RDF_TYPE)  # "Sovetsky, Leningrad Oblast"
    for label, word in (
        ("Pomeranian Voivodeship", "voivodeship"),
        ("Woiwodschaft Pommern", "woiwodschaft"),
        ("Gouvernement Adan", "gouvernement"),
        ("Bratislavský kraj", "kraj"),
    ):
        assert unit_of_label(label)[0] == word
    assert unit_of_label("Sovetsky, Leningrad Oblast") is None
    assert unit_of_label("Święta Katarzyna, Lower Silesian Voivodeship") is None
    assert unit_of_label("Gmina Maszewo, West Pomeranian Voivodeship")[0] == "gmina"


def test_a_province_or_region_printed_by_its_bare_name_is_an_administrative_unit(store):
    """Lists print a province or a region as a partner without saying so ("Urmia – Fujian", a
    Chinese province; "Beijing – Île-de-France", a French region): a name that is one of its
    country's first-level divisions (Natural Earth's admin1 of its places) and that no gazetteer
    has a town of is no town. Csongrád names a Hungarian county and a town: it stays a town."""
    unit = CR + "TwinnedAdministrativeUnit"
    fujian = side(store, 40, "city/wd/Q179665")  # Urmia's partner
    (ile_de_france,) = {p for p in parties(store, 41) if "france" in p}
    for region, printed in ((fujian, "Fujian"), (ile_de_france, "Île-de-France")):
        assert unit in objects(store, region, RDF_TYPE), region
        (note,) = objects(store, region, SKOS_NOTE)
        assert f"'{printed}' is a first-level division" in note
    (csongrad,) = {p for p in parties(store, 42) if "raisio" not in p}
    assert unit not in objects(store, csongrad, RDF_TYPE)
    assert country_code(store, csongrad) == {"HU"}


def test_an_item_named_as_a_country_and_a_town_is_left_a_town_and_reviewed(tmp_path):
    imported(tmp_path)
    with (tmp_path / "review.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["name"] == "Tonga (Q678)"]
    assert [(r["country"], r["reason"].split(":")[0]) for r in rows] == [
        ("TO", "the label is a country's name and a town's")
    ]
    assert "(CM," in rows[0]["candidates"]
