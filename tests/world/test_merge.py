"""Which nodes `find_merges` takes for one place: one name at one level sharing two partners."""

from __future__ import annotations

from cityrdf.world.merge import find_merges, merges_tsv
from cityrdf.world.records import City

CRID = "https://w3id.org/cityrdf/id/city/"


def city(path: str, label: str, iso2: str | None = "DE", qid: str | None = None) -> City:
    return City(CRID + path, qid, iso2, {"en": label})


def twinned(node: City, *partners: str) -> list[tuple[str, str]]:
    return [(node.iri, CRID + p) for p in partners]


def graph(pairs: list[tuple[str, str]], *nodes: City) -> dict[str, City]:
    """The nodes and their partners (each partner its own place, named by its IRI's last part)."""
    cities = {c.iri: c for c in nodes}
    for _, partner in pairs:
        path = partner.removeprefix(CRID)
        cities.setdefault(partner, City(partner, labels={"en": path}))
    return cities


def test_a_name_node_sharing_two_partners_with_the_crawls_item_is_merged_into_it():
    item = city("wd/Q2392504", "Barreiro", "PT", "Q2392504")
    node = city("world/pt/barreiro", "Barreiro", "PT")
    pairs = twinned(item, "wd/Q170415", "wd/Q580") + twinned(node, "wd/Q170415", "wd/Q580")
    merges = find_merges(graph(pairs, item, node), pairs)
    assert [(m.merged.iri, m.kept.iri, len(m.shared)) for m in merges] == [(node.iri, item.iri, 2)]
    assert "one name (barreiro) and 2 shared partners" in merges_tsv(merges)


def test_one_shared_partner_a_district_and_its_town_or_two_parents_parts_are_never_merged():
    town = city("wd/Q3971", "Herford", qid="Q3971")
    district = city("world/de/herford-district", "Herford (district)")
    bispingen = city("world/de/bispingen-behringen", "Behringen (Bispingen)")
    hainich = city("world/de/horselberg-hainich-behringen", "Behringen (Hörselberg-Hainich)")
    lone = city("world/de/herford", "Herford")
    shared = ("world/be/beringen", "world/ch/beringen", "world/lu/mersch-beringen")
    pairs = (
        twinned(town, *shared)
        + twinned(district, *shared)
        + twinned(bispingen, *shared)
        + twinned(hainich, *shared)
        + twinned(lone, "world/be/beringen")
    )
    assert find_merges(graph(pairs, town, district, bispingen, hainich, lone), pairs) == []


def test_two_cities_in_different_countries_are_never_merged():
    ours = city("world/de/soest", "Soest", "DE")
    theirs = city("world/nl/soest", "Soest", "NL")
    pairs = twinned(ours, "wd/Q1", "wd/Q2") + twinned(theirs, "wd/Q1", "wd/Q2")
    assert find_merges(graph(pairs, ours, theirs), pairs) == []


def test_a_district_and_its_town_of_one_geonames_entry_are_never_merged():
    town = city("wd/Q6874", "Rastatt", qid="Q6874")
    district = city("wd/Q8182", "Landkreis Rastatt", qid="Q8182")
    town.geonames = district.geonames = "2850257"
    pairs = twinned(town, "wd/Q1") + twinned(district, "wd/Q2")
    assert find_merges(graph(pairs, town, district), pairs) == []


def test_one_place_under_two_country_codes_is_merged_only_where_both_positions_agree():
    crawl = city("wd/Q1", "Mariehamn", "FI", "Q1")
    row = city("world/ax/mariehamn", "Mariehamn", "AX")
    crawl.lat, crawl.long, row.lat, row.long = 60.097, 19.935, 60.0973, 19.9348
    pairs = twinned(crawl, "wd/Q2", "wd/Q3") + twinned(row, "wd/Q2", "wd/Q3")
    assert [m.merged.iri for m in find_merges(graph(pairs, crawl, row), pairs)] == [row.iri]
    row.lat, row.long = 6.9, 79.8  # a namesake far away
    assert find_merges(graph(pairs, crawl, row), pairs) == []


def test_the_merges_are_a_valid_sssom_mapping_set_read_back_by_sssom_py(tmp_path):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    item = city("wd/Q2392504", "Barreiro", "PT", "Q2392504")
    node = city("world/pt/barreiro", "=Barreiro", "PT")
    pairs = twinned(item, "wd/Q170415", "wd/Q580") + twinned(node, "wd/Q170415", "wd/Q580")
    table = tmp_path / "merges.sssom.tsv"
    table.write_text(merges_tsv(find_merges(graph(pairs, item, node), pairs)), encoding="utf-8")
    msdf = parse_sssom_table(table)
    validate(msdf)  # JSON schema, prefix map completeness, strict CURIEs: raises on an error
    assert msdf.df[
        ["subject_id", "subject_label", "predicate_id", "object_id"]
    ].values.tolist() == [
        ["crid:city/world/pt/barreiro", "'=Barreiro", "skos:exactMatch", "crid:city/wd/Q2392504"]
    ]
    assert list(msdf.df["mapping_justification"]) == ["semapv:StructuralMatching"]
    assert list(msdf.df["mapping_tool"]) == ["cityrdf world import"]
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/cityrdf/id/mappings/world-merges"


def test_a_territorys_item_and_the_name_a_list_files_under_its_state_are_merged_with_evidence():
    # the crawl's Mariehamn (Q48329, Åland Islands) and "Mariehamn (Finland)", which Finland's
    # gazetteer lacks (no position): five shared partners; Macau (MO) and "Macau (China)" alike
    shared = ("wd/Q10704", "wd/Q163852", "wd/Q188179", "wd/Q2372", "wd/Q322126")
    for label, item_code, state, qid in (
        ("Mariehamn", "AX", "FI", "Q48329"),
        ("Macau", "MO", "CN", "Q14773"),
    ):
        item = city(f"wd/{qid}", label, item_code, qid)
        item.lat, item.long = 60.097, 19.949
        node = city(f"world/{state.lower()}/{label.lower()}", label, state)
        pairs = twinned(item, *shared) + twinned(node, *shared)
        (merge,) = find_merges(graph(pairs, item, node), pairs)
        assert (merge.merged.iri, merge.kept.iri) == (node.iri, item.iri)
        assert merge.kept.iso2 == item_code
        assert f"of a territory ({item_code}) filed under {state}" in merges_tsv([merge])
        # three shared partners are not enough without a position
        fewer = twinned(item, *shared[:3]) + twinned(node, *shared[:3])
        assert find_merges(graph(fewer, item, node), fewer) == []


def test_namesakes_in_two_member_states_are_not_merged_as_a_territory_and_its_state():
    item = city("wd/Q1", "Frankfurt", "DE", "Q1")
    item.lat, item.long = 50.1, 8.7
    node = city("world/at/frankfurt", "Frankfurt", "AT")
    shared = ("wd/Q2", "wd/Q3", "wd/Q4", "wd/Q5", "wd/Q6")
    pairs = twinned(item, *shared) + twinned(node, *shared)
    assert find_merges(graph(pairs, item, node), pairs) == []
