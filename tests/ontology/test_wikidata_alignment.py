"""The ontology's SSSOM alignment with Wikidata: a valid mapping set covering the properties the
world layer and QuickStatements rely on."""

from __future__ import annotations

from cityrdf.project import current_project

ALIGNMENT = current_project().ontology_dir / "cityrdf-wikidata.sssom.tsv"


def test_the_alignment_is_a_valid_sssom_mapping_set_with_the_wikidata_terms():
    from sssom.parsers import parse_sssom_table

    msdf = parse_sssom_table(ALIGNMENT)
    df = msdf.df
    assert set(df["object_id"]) >= {
        "wdt:P190",
        "wdt:P17",
        "wdt:P463",
        "wdt:P580",
        "wdt:P625",
        "wdt:P1566",
        "wd:Q486972",
        "wd:Q6256",
    }
    assert dict(zip(df["object_id"], df["subject_id"]))["wdt:P190"] == "cr:twinnedWith"
    assert msdf.metadata["license"].startswith("https://creativecommons.org/")
