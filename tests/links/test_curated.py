"""The curated identifier tables (data/links/curated-*.csv) read as a person wrote them: a
byte-order mark or CRLF line ends change nothing; bytes that are not UTF-8, an identifier that is
none, a link without its evidence, or a label or evidence that breaks the rules of any name (a
formula, a control or bidi character) are refused in one line at FILE:LINE."""

from __future__ import annotations

import pytest

from cityrdf.errors import BadInput
from cityrdf.links.curated import CURATED_IDS, curated_candidates

HEADER = "iri,label,wikidata,geonames,justification,confidence,evidence,candidates\n"
TEHRAN = (
    "https://w3id.org/cityrdf/id/city/tehran,Tehran,Q3616,112931,,,"
    "QID confirmed by 2 independent public sources: WD2016; NE,\n"
)


def _targets(table) -> set[str]:
    return {c.target for cs in curated_candidates(table).values() for c in cs}


@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbf" + (HEADER + TEHRAN).encode(),
        (HEADER + TEHRAN).replace("\n", "\r\n").encode(),
    ],
    ids=["bom", "crlf"],
)
def test_a_byte_order_mark_or_crlf_line_ends_read_as_the_same_table(tmp_path, content):
    plain, written = tmp_path / "plain" / CURATED_IDS, tmp_path / "written" / CURATED_IDS
    for path, data in ((plain, (HEADER + TEHRAN).encode()), (written, content)):
        path.parent.mkdir()
        path.write_bytes(data)
    assert (
        _targets(written)
        == _targets(plain)
        == {
            "http://www.wikidata.org/entity/Q3616",
            "https://sws.geonames.org/112931/",
        }
    )


@pytest.mark.parametrize(
    "row, reason",
    [
        (TEHRAN.replace("Tehran,Q", "Teh\xe9ran,Q"), r":2: not UTF-8"),
        (TEHRAN.replace("Q3616", "Q0"), r":2: wikidata 'Q0' is not a wikidata identifier"),
        (TEHRAN.replace("112931", "0112931"), r":2: geonames '0112931' is not a geonames"),
        (
            TEHRAN.replace("QID confirmed by 2 independent public sources: WD2016; NE", " "),
            r":2: a link needs its evidence",
        ),
        (TEHRAN.replace("Tehran,Q", "Tehran\u202e,Q"), r":2: label: contains a bidirectional"),
        (
            TEHRAN.replace("QID confirmed", "=HYPERLINK(1)QID confirmed"),
            r":2: evidence: '=HYPERLINK.* would run as a formula",
        ),
    ],
    ids=["not-utf8", "qid-zero", "geonames-leading-zero", "no-evidence", "bidi-label", "formula"],
)
def test_a_row_that_cannot_be_a_link_is_refused_at_its_line(tmp_path, row, reason):
    table = tmp_path / CURATED_IDS
    table.write_bytes(HEADER.encode() + row.encode("latin-1" if "\xe9" in row else "utf-8"))
    with pytest.raises(BadInput, match=f"{CURATED_IDS}{reason}") as err:
        curated_candidates(table)
    assert "\n" not in str(err.value)
