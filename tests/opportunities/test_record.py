"""The suggestions graph: each candidate's names keep the language their source gave them."""

from __future__ import annotations

import pyoxigraph as ox

from cityrdf.opportunities import record
from cityrdf.opportunities.command import rows
from cityrdf.opportunities.suggest import Suggestion
from cityrdf.rdf.namespaces import CRID, RDFS

CITY = f"{CRID}city/tehran"
ONLY_GERMAN = f"{CRID}city/wd/Q171639"  # the 2016 crawl names it in German only


def german_only() -> Suggestion:
    return Suggestion(1, ONLY_GERMAN, "Aschdod", None, None, 0.5, [], [], label_language="de")


def test_a_name_the_crawl_gives_in_german_is_no_english_label(tmp_path):
    path = tmp_path / "suggestions.nq"
    record.write(path, CITY, [german_only()], {}, {}, {})
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    names = {
        (q.object.value, q.object.language)
        for q in store.quads_for_pattern(ox.NamedNode(ONLY_GERMAN), RDFS.label, None)
    }
    assert names == {("Aschdod", "de")}


def test_the_csv_columns_say_each_name_in_its_language():
    (row,) = rows([german_only()])
    assert row["labelEn"] == "" and row["labelDe"] == "Aschdod"


def test_a_suggestion_knows_the_language_of_its_candidates_name():
    from cityrdf.opportunities.suggest import label_language
    from cityrdf.opportunities.twin_graph import City

    assert label_language(City(ONLY_GERMAN, "Aschdod", labels={"de": "Aschdod"})) == "de"
    both = City(CITY, "Tehran", labels={"en": "Tehran", "de": "Teheran", "fa": "تهران"})
    assert label_language(both) == "en"
    assert label_language(City(ONLY_GERMAN, "Q171639")) == ""
