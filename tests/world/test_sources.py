"""Every file `cityrdf world import` reads (--wikidata-pairs, --wikidata-labels, --wikipedia,
--places) refused in one line naming it, and its line where there is one, when it is empty,
binary, not UTF-8 or cut short, with nothing written; a byte-order mark or CRLF line ends read as
the same file."""

from __future__ import annotations

import re

import pytest

from cityrdf.errors import BadInput
from cityrdf.world import run as world_run

from .conftest import FIXTURES, NOW

SOURCES = {
    "wikidata_pairs": FIXTURES / "p190-pairs.tsv",
    "wikidata_labels": FIXTURES / "p190-labels.tsv",
    "wikipedia": FIXTURES / "twin-cities.csv",
    "places": FIXTURES / "populated-places.csv",
}
# a line each file could hold, with one byte that is not UTF-8 (ö in Latin-1)
NOT_UTF8_LINE = {
    "wikidata_pairs": b"Q1\tQ2\t19\xf6\n",
    "wikidata_labels": b"Q1\tK\xf6ln\n",
    "wikipedia": b"K\xf6ln,Germany,Tehran,Iran\n",
    "places": b"Q365,2886242,K\xf6ln,Cologne,,,,,,DE,Germany,,50.9,6.9,1000000,\n",
}


def _lines(data: bytes) -> int:
    return data.rstrip(b"\n").count(b"\n") + 1


def _cut(data: bytes) -> tuple[bytes, int]:
    """`data` cut in the middle of its last line (after that line's first field), and that line."""
    last = data.rstrip(b"\n").rindex(b"\n") + 1
    separator = b"\t" if b"\t" in data[last:] else b","
    return data[: data.index(separator, last) + 1], _lines(data)


def _import(tmp_path, kind, path):
    files = {**SOURCES, kind: path}
    out = tmp_path / "world"
    return world_run.run(**files, out_dir=out, now=NOW), out


def _bad_inputs():
    for kind, path in SOURCES.items():
        good = path.read_bytes()
        cut, cut_line = _cut(good)
        yield pytest.param(
            kind, b"", r": no \w+|:1: (the header|missing columns)", id=f"{kind}-empty"
        )
        yield pytest.param(kind, b"\x00\x01\x02\xff\xfe", r":1: not UTF-8", id=f"{kind}-binary")
        yield pytest.param(
            kind,
            good + NOT_UTF8_LINE[kind],
            rf":{_lines(good) + 1}: not UTF-8",
            id=f"{kind}-not-utf8",
        )
        yield pytest.param(kind, cut, rf":{cut_line}: expected", id=f"{kind}-truncated")


@pytest.mark.parametrize("kind, content, reason", list(_bad_inputs()))
def test_a_source_file_that_cannot_be_read_is_refused_in_one_line_writing_nothing(
    tmp_path, kind, content, reason
):
    bad = tmp_path / f"bad-{SOURCES[kind].name}"
    bad.write_bytes(content)
    with pytest.raises(BadInput) as err:
        _import(tmp_path, kind, bad)
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(bad)), message
    assert re.search(reason, message), message
    out = tmp_path / "world"
    assert not out.exists() or not any(out.iterdir())


@pytest.fixture(scope="module")
def plain_graphs(tmp_path_factory) -> dict[str, bytes]:
    _, out = _import(tmp_path_factory.mktemp("plain"), "places", SOURCES["places"])
    return {p.name: p.read_bytes() for p in out.iterdir() if p.suffix == ".nq"}


@pytest.mark.parametrize("kind", sorted(SOURCES))
@pytest.mark.parametrize("form", ["bom", "crlf"])
def test_a_byte_order_mark_or_crlf_line_ends_read_as_the_same_source(
    tmp_path, kind, form, plain_graphs
):
    good = SOURCES[kind].read_bytes()
    written = tmp_path / SOURCES[kind].name
    written.write_bytes(b"\xef\xbb\xbf" + good if form == "bom" else good.replace(b"\n", b"\r\n"))
    _, out = _import(tmp_path, kind, written)
    assert plain_graphs
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.suffix == ".nq"} == plain_graphs
