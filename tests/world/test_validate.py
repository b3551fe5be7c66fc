"""`cityrdf world validate` on files that are not world graphs: one line naming the file (and its
line where there is one), exit 2, no traceback; a byte-order mark and CRLF line ends are read as
the same graph."""

from __future__ import annotations

import re

import pytest

from .conftest import FIXTURES

WORLD = (FIXTURES / "world.nq").read_bytes()
LAST_LINE = WORLD.rstrip(b"\n").count(b"\n") + 1


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", r"\.nq: no triples \(the file is empty"),
        (b"\n  \n", r"\.nq: no triples \(the file is empty"),
        (b"\x00\x01\x02\xff\xfe", r"\.nq:1:1: "),
        (b"\x89PNG\r\n\x1a\n", r"\.nq:1:1: Invalid UTF-8"),
        (
            WORLD + '<a:b> <a:c> "K\xf6ln" <a:g> .\n'.encode("latin-1"),
            rf"\.nq:{LAST_LINE + 1}:\d+: Invalid UTF-8",
        ),
        (WORLD[: WORLD.rindex(b"<")], rf"\.nq:{LAST_LINE}:\d+: "),
        (
            b"<http://a.example/s> <http://a.example/p> <http://a.example/o> .\n",
            (
                r"\.nq: 1 statement in no named graph: every statement of a world graph is in "
                r"its source's graph"
            ),
        ),
    ],
    ids=["empty", "blank-lines", "binary", "png", "not-utf8", "truncated", "default-graph-only"],
)
def test_a_file_that_is_no_world_graph_is_refused_in_one_line(
    run_cityrdf_here, tmp_path, content, reason
):
    bad = tmp_path / "world.nq"
    bad.write_bytes(content)
    result = run_cityrdf_here("world", "validate", bad)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {bad}")
    assert re.search(reason, line), line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content",
    [b"\xef\xbb\xbf" + WORLD, WORLD.replace(b"\n", b"\r\n")],
    ids=["bom", "crlf"],
)
def test_a_byte_order_mark_or_crlf_line_ends_validate_as_the_same_graph(
    run_cityrdf_here, tmp_path, content
):
    plain = tmp_path / "plain.nq"
    plain.write_bytes(WORLD)
    written = tmp_path / "written.nq"
    written.write_bytes(content)
    expected = run_cityrdf_here("world", "validate", plain)
    result = run_cityrdf_here("world", "validate", written)
    assert (result.returncode, result.stdout, result.stderr) == (
        expected.returncode,
        expected.stdout,
        expected.stderr,
    )
    assert expected.returncode == 0 and "wikidata-2016: 0 violations" in expected.stdout
