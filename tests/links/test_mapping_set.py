"""SSSOM/TSV mapping sets written with sssom-py, read back and validated with sssom-py."""

from __future__ import annotations

from cityrdf import links

from .support import TODAY


def test_sssom_table_is_a_valid_mapping_set_of_the_accepted_links(link_project):
    from sssom.parsers import parse_sssom_table

    report = links.run(sources=link_project["sources"], out_dir=link_project["links"], today=TODAY)
    msdf = parse_sssom_table(link_project["links"] / "cityrdf.sssom.tsv")
    pairs = set(zip(msdf.df["subject_id"], msdf.df["object_id"]))
    assert ("crid:city/tehran", "geonames:112931/") in pairs
    assert len(pairs) == sum(1 for d in report.decisions if d.accepted)
    assert set(msdf.df["mapping_justification"]) == {"semapv:LexicalMatching"}
