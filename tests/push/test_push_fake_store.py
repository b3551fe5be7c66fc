"""`cityrdf push` against a store that lies (tests/push/fake_store.py): the right count with other
data, redirects, unreadable copies. Each is caught with one line; the target is replaced only by
data that reads back identical."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cityrdf import push
from cityrdf.errors import CityrdfError, NotConforming

from .fake_store import FakeStore

GRAPH = "https://example.org/push-test/graph/fake"
EX = "https://example.org/push-test/"


@pytest.fixture
def build(tmp_path) -> Path:
    path = tmp_path / "build.nt"
    lines = [f'<{EX}s{i}> <{EX}p> "value {i}" .' for i in range(20)]
    lines += [f"<{EX}chain> <{EX}first> _:a .", f'_:a <{EX}value> "in a blank node" .']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def push_to(store: FakeStore, build: Path, **kw) -> push.PushReport:
    return push.push(
        store.endpoint,
        GRAPH,
        build_file=build,
        store_url=store.store_url,
        update_url=store.endpoint,
        **kw,
    )


@pytest.fixture
def store(request):
    server = FakeStore(request.param).start()
    yield server
    server.stop()


@pytest.mark.parametrize("store", ["honest", "renamed-blank-nodes"], indirect=True)
def test_an_honest_store_passes_the_content_check(store, build):
    report = push_to(store, build)
    assert report.triples == 22 and len(store.graphs[GRAPH]) == 22
    assert report.checksum == push.content_checksum(push.read_build(build))
    assert "content verified" in report.summary(store.endpoint)


@pytest.mark.parametrize("store", ["other-data"], indirect=True)
def test_the_right_count_with_other_data_is_caught_before_the_move(store, build):
    with pytest.raises(NotConforming, match="holds other data than the build") as failure:
        push_to(store, build)
    message = str(failure.value)
    assert (
        "reading the staging graph back" in message and "22 triples sent back, 22 built" in message
    )
    assert '"value 0"' in message or "lacks" in message
    assert GRAPH not in store.graphs  # never moved into place
    assert failure.value.exit_code == 1 and "\n" not in message


@pytest.mark.parametrize("store", ["other-data-after-move"], indirect=True)
def test_other_data_in_the_target_after_the_move_is_caught(store, build):
    with pytest.raises(NotConforming, match=f"reading <{GRAPH}> back after the move"):
        push_to(store, build)


@pytest.mark.parametrize(
    ("store", "reason"),
    [
        ("redirect-upload", "redirects (HTTP 302) to 'http://127.0.0.2:9/crud'"),
        ("redirect-count", "redirects (HTTP 307) to '/elsewhere/sparql'"),
        ("redirect-update", "redirects (HTTP 301) to '/sparql/'"),
        ("html-readback", "sent text/html, not N-Triples or Turtle"),
        ("broken-readback", "the store's copy does not parse"),
        ("deep-count", "must be an object"),
        ("count-without-type", "must have a 'type' key"),
        ("gzip-bomb-readback", "larger than 64 MiB once inflated"),
    ],
    indirect=["store"],
)
def test_a_redirect_or_an_unreadable_copy_fails_in_one_line_with_exit_2(store, build, reason):
    with pytest.raises(CityrdfError) as failure:
        push_to(store, build)
    message = str(failure.value)
    assert reason in message and "\n" not in message
    assert failure.value.exit_code == 2
    if store.fault != "redirect-update":
        assert GRAPH not in store.graphs


@pytest.mark.parametrize("store", ["redirect-upload"], indirect=True)
def test_the_cli_reports_a_redirect_with_exit_2(store, build, run_cityrdf):
    done = run_cityrdf(
        "push",
        "--endpoint",
        store.endpoint,
        "--graph",
        GRAPH,
        "--file",
        build,
        "--store-url",
        store.store_url,
        "--update-url",
        store.endpoint,
    )
    assert done.returncode == 2 and "push does not follow redirects" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_the_checksum_is_blind_to_blank_node_names_only():
    import pyoxigraph as ox

    def graph(label: str, value: str) -> list[ox.Triple]:
        node = ox.BlankNode(label)
        return [
            ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), node),
            ox.Triple(node, ox.NamedNode(EX + "v"), ox.Literal(value)),
        ]

    assert push.content_checksum(graph("a", "1")) == push.content_checksum(graph("zz", "1"))
    assert push.content_checksum(graph("a", "1")) != push.content_checksum(graph("a", "2"))


@pytest.mark.parametrize("store", ["drip-readback"], indirect=True)
def test_a_store_dripping_its_answer_is_cut_off_at_the_deadline(store, build):
    began = time.monotonic()
    with pytest.raises(CityrdfError, match="no complete answer within 1.5 s") as failure:
        push_to(store, build, timeout=1.5)
    assert time.monotonic() - began < 6 and failure.value.exit_code == 2
    assert GRAPH not in store.graphs
