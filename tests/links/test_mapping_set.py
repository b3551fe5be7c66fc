"""SSSOM/TSV mapping sets written with sssom-py, read back and validated with sssom-py."""

from __future__ import annotations

import csv

from cityrdf import links
from cityrdf.links.mapping_set import (
    COLUMNS,
    CREATOR_ID,
    LICENSE,
    MAPPING_SET_ID,
    mapping_date,
    mapping_set_tsv,
)
from cityrdf.project import current_project

from .support import TODAY

PREFIXES = {
    "crid": "https://w3id.org/cityrdf/id/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def test_sssom_table_is_a_valid_mapping_set_of_the_accepted_links(link_project):
    from sssom.parsers import parse_sssom_table

    report = links.run(sources=link_project["sources"], out_dir=link_project["links"], today=TODAY)
    msdf = parse_sssom_table(link_project["links"] / "cityrdf.sssom.tsv")
    pairs = set(zip(msdf.df["subject_id"], msdf.df["object_id"]))
    assert ("crid:city/tehran", "geonames:112931/") in pairs
    assert len(pairs) == sum(1 for d in report.decisions if d.accepted)
    assert set(msdf.df["mapping_justification"]) == {"semapv:LexicalMatching"}


def test_the_mapping_set_is_valid_sssom_with_its_date_licence_and_tool(link_project):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    links.run(sources=link_project["sources"], out_dir=link_project["links"], today=TODAY)
    msdf = parse_sssom_table(link_project["links"] / "cityrdf.sssom.tsv")
    validate(msdf)  # JSON schema, prefix map completeness, strict CURIEs: raises on an error
    # sssom-py propagates the set's date and tool to every mapping when it reads the table
    assert {str(d) for d in msdf.df["mapping_date"]} == {TODAY.isoformat()}
    assert set(msdf.df["mapping_tool"]) == {"cityrdf link"}
    assert msdf.metadata["license"] == LICENSE
    assert msdf.metadata["mapping_set_id"] == MAPPING_SET_ID
    assert set(msdf.df["predicate_id"]) == {"skos:exactMatch"}
    assert all(0 < float(c) <= 1 for c in msdf.df["confidence"])


def test_every_text_cell_is_neutralised_before_sssom_py_writes_it():
    row = {
        "subject_id": "crid:city/x",
        "subject_label": "-Berlin",
        "predicate_id": "skos:exactMatch",
        "object_id": "crid:city/y",
        "object_label": "@SUM(1)",
        "mapping_justification": "semapv:StructuralMatching",
        "confidence": 0.8,
        "comment": '=HYPERLINK("http://evil.example")',
    }
    text = mapping_set_tsv([row], COLUMNS, {"mapping_set_id": MAPPING_SET_ID}, PREFIXES)
    table = [line for line in text.splitlines() if not line.startswith("#")]
    written = dict(zip(*csv.reader(table, delimiter="\t")))
    assert (written["subject_label"], written["object_label"], written["comment"]) == (
        "'-Berlin",
        "'@SUM(1)",
        '\'=HYPERLINK("http://evil.example")',
    )
    assert written["confidence"] == "0.8" and written["subject_id"] == "crid:city/x"


def test_a_mapping_set_without_mappings_still_has_its_header_row():
    text = mapping_set_tsv([], COLUMNS, {"mapping_set_id": MAPPING_SET_ID}, PREFIXES)
    assert text.splitlines()[-1].split("\t") == COLUMNS
    assert f"# mapping_set_id: {MAPPING_SET_ID}" in text.splitlines()


def test_a_mapping_set_without_mappings_may_have_slots_the_set_could_condense():
    columns = [*COLUMNS, "subject_source"]  # one every row could share, sssom-py moves it up
    text = mapping_set_tsv([], columns, {"mapping_set_id": MAPPING_SET_ID}, PREFIXES)
    assert text.splitlines()[-1].split("\t") == columns


def test_the_mapping_date_is_read_back_from_the_header():
    dated = mapping_set_tsv([], COLUMNS, {"mapping_date": TODAY.isoformat()}, PREFIXES)
    assert mapping_date(dated) == TODAY
    assert mapping_date(mapping_set_tsv([], COLUMNS, {}, PREFIXES)) is None
    assert mapping_date("# mapping_date: [not, a, date]\nsubject_id\n") is None


# semapv's matching processes (https://w3id.org/semapv/vocab/) that a mapping of the project may
# name as its justification
SEMAPV_JUSTIFICATIONS = {
    "semapv:LexicalMatching",
    "semapv:ManualMappingCuration",
    "semapv:CompositeMatching",
    "semapv:StructuralMatching",
}


def _tracked_mapping_set():
    import warnings

    from sssom.parsers import parse_sssom_table

    with warnings.catch_warnings():  # pandas' deprecation notes about sssom-py's own calls
        warnings.simplefilter("ignore")
        return parse_sssom_table(current_project().links_dir / "cityrdf.sssom.tsv")


def test_every_tracked_mapping_says_why_how_sure_when_and_who_made_it():
    from sssom.validators import validate

    msdf = _tracked_mapping_set()
    validate(msdf)
    df = msdf.df
    assert len(df) > 100
    assert set(df["mapping_justification"]) <= SEMAPV_JUSTIFICATIONS
    assert all(0 < float(c) <= 1 for c in df["confidence"])
    assert all(str(d) for d in df["mapping_date"])
    assert all(str(c).strip() for c in df["comment"])  # the evidence and its sources
    assert msdf.metadata["creator_id"] == [CREATOR_ID]
    assert msdf.metadata["creator_label"] == ["cityrdf project"]


def test_the_tracked_mapping_set_round_trips_through_sssom_rdf_unchanged(tmp_path):
    """Written as RDF by sssom-py and read back, every mapping has the same slots. Turtle cannot
    abbreviate `crid:city/tehran` or `geonames:112931/` (a slash is no CURIE's local name there),
    so those come back as full IRIs: identifiers are compared expanded."""
    import warnings

    from sssom.parsers import parse_sssom_rdf
    from sssom.writers import write_rdf

    msdf = _tracked_mapping_set()
    with (tmp_path / "links.ttl").open("w", encoding="utf-8") as out:
        write_rdf(msdf, out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = parse_sssom_rdf(str(tmp_path / "links.ttl"))

    def mappings(set_, converter):
        rows = set()
        for row in set_.df.to_dict("records"):
            for slot in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
                row[slot] = converter.expand_or_standardize(str(row[slot]))
            rows.add(tuple(sorted((k, str(v)) for k, v in row.items())))
        return rows

    assert mappings(back, msdf.converter) == mappings(msdf, msdf.converter)
    for slot in ("mapping_set_id", "license", "creator_label"):
        assert back.metadata.get(slot) == msdf.metadata[slot], slot
    expand = msdf.converter.expand_or_standardize
    assert [expand(c) for c in back.metadata["creator_id"]] == [
        expand(c) for c in msdf.metadata["creator_id"]
    ]


def test_the_tracked_mapping_set_carries_the_licence_the_dataset_publishes():
    """The same links are in data/links/ (in the dumps) and in the SSSOM set: one licence for both."""
    from cityrdf import describe

    tracked = current_project().root / "data" / "links" / "cityrdf.sssom.tsv"
    header = [
        line for line in tracked.read_text(encoding="utf-8").splitlines() if line.startswith("#")
    ]
    assert f"# license: {describe.LICENSE.value}" in header
