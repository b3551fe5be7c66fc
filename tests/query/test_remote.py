"""`query --endpoint` against endpoints that misbehave (tests/misbehaving_endpoint.py, real HTTP on
loopback): redirects, slow answers, malformed answers, compression bombs. Each is exit 2 with one
line, never exit 3."""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest

from cityrdf import query
from cityrdf.errors import BadInput
from cityrdf.sparql import remote
from tests.misbehaving_endpoint import FAULTS, MALFORMED, MisbehavingEndpoint


@pytest.fixture(scope="module")
def endpoint():
    server = MisbehavingEndpoint().start()
    yield server
    server.stop()


# Long enough for a good answer on a busy machine; the tests of slow answers give their own.
def ask(endpoint: MisbehavingEndpoint, path: str, timeout: float = 10.0) -> query.Answer:
    return query.run("pacts-per-decade", endpoint=endpoint.url(path), timeout=timeout)


def test_a_well_formed_answer_is_read(endpoint):
    answer = ask(endpoint, "/ok")
    assert answer.columns == ["x"] and [t.value for (t,) in answer.rows] == [
        "https://example.org/ok"
    ]


@pytest.mark.parametrize(
    "path", ["/redirect-other-host", "/redirect-ftp", "/redirect-https", "/redirect-other-port"]
)
def test_a_redirect_off_origin_is_refused_and_nothing_connects_there(endpoint, path):
    before = endpoint.trap.connections + endpoint.other_host_trap.connections
    with pytest.raises(BadInput, match="outside http://127.0.0.1") as failure:
        ask(endpoint, path)
    assert "does not follow a redirect" in str(failure.value) and "\n" not in str(failure.value)
    time.sleep(0.2)
    assert endpoint.trap.connections + endpoint.other_host_trap.connections == before


def test_a_redirect_to_a_file_url_is_refused(endpoint):
    with pytest.raises(BadInput, match="'file:///etc/passwd', outside"):
        ask(endpoint, "/redirect-file")


@pytest.mark.parametrize("code", [301, 302, 307, 308])
def test_a_same_origin_redirect_resends_the_query_unchanged(endpoint, code):
    sent = query.bind_params(query.catalogue.find("pacts-per-decade"), {}, query.Engine())
    answer = ask(endpoint, f"/redirect-same/{code}")
    assert [t.value for (t,) in answer.rows] == [sent]
    assert endpoint.requests[-1] == ("POST", "/echo", sent)


def test_a_303_is_fetched_with_get_as_see_other_means(endpoint):
    answer = ask(endpoint, "/redirect-same/303")
    assert [t.value for (t,) in answer.rows] == ["https://example.org/ok"]
    assert endpoint.requests[-1][:2] == ("GET", "/ok")


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers", "/silent"])
def test_the_deadline_bounds_the_whole_answer_not_each_read(endpoint, path):
    began = time.monotonic()
    with pytest.raises(BadInput, match="no complete answer within 1.5 s"):
        ask(endpoint, path, timeout=1.5)
    # a byte every 0.3 s would keep per-read timeouts happy for the ~40 s the answer takes
    assert time.monotonic() - began < 5


def test_an_answer_over_the_size_cap_is_refused(endpoint, monkeypatch):
    monkeypatch.setattr(remote, "MAX_ANSWER_BYTES", 1 << 20)
    with pytest.raises(BadInput, match="larger than 1 MiB"):
        ask(endpoint, "/huge", timeout=20)


@pytest.mark.parametrize("path", sorted(MALFORMED))
def test_a_malformed_answer_is_bad_input_in_one_line(endpoint, path):
    with pytest.raises(BadInput) as failure:
        ask(endpoint, path)
    message = str(failure.value)
    assert message.startswith(endpoint.url(path) + ": ") and "\n" not in message
    assert failure.value.exit_code == 2


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/no-type", "must have a 'type' key"),
        ("/deep-array", "must be an object"),
        ("/deep-object", "Max stack size"),
        ("/html", "answered text/html, not SPARQL results JSON"),
        ("/truncated-json", "Unexpected end of file"),
        ("/truncated-xml", "answered application/xml"),
        ("/relative-iri", "Invalid uri value"),
        ("/bad-language", "xml:lang"),
        ("/undeclared-variable", "variable y has not been defined"),
        ("/ask", "only SELECT"),
        ("/server-error", "HTTP 500: Virtuoso 37000 Error SP030"),
        ("/no-content", "HTTP 204 is not an answer"),
        ("/not-utf8", "Invalid UTF-8"),
    ],
)
def test_the_reason_names_what_is_wrong(endpoint, path, reason):
    with pytest.raises(BadInput, match=None) as failure:
        ask(endpoint, path)
    assert reason in str(failure.value)


@pytest.mark.parametrize("path", sorted(FAULTS))
def test_every_fault_gets_its_reason(endpoint, path, monkeypatch):
    monkeypatch.setattr(remote, "MAX_ANSWER_BYTES", 1 << 20)
    with pytest.raises(BadInput) as failure:
        ask(endpoint, path, timeout=1.5)
    assert FAULTS[path] in str(failure.value) and "\n" not in str(failure.value)


@pytest.mark.parametrize("path", ["/redirect-ftp", "/no-type", "/deep-array", "/drip-body"])
def test_the_cli_says_it_in_one_line_with_exit_2(endpoint, path, run_cityrdf_here):
    done = run_cityrdf_here(
        "query", "pacts-per-decade", "--endpoint", endpoint.url(path), "--timeout", "1.5"
    )
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: " + endpoint.url(path))
    assert done.stdout == ""


def test_a_timeout_that_is_not_positive_is_bad_input():
    with pytest.raises(BadInput, match="--timeout 0"):
        query.Engine("http://127.0.0.1:9/sparql", timeout=0)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("http://h/sparql", "http://h:80/other", True),
        ("https://H/sparql", "https://h:443/x", True),
        ("http://h/sparql", "https://h/sparql", False),
        ("http://h/sparql", "http://h:8080/sparql", False),
        ("http://h/sparql", "http://h.evil/sparql", False),
        ("http://h/sparql", "http://h:99999999/x", False),
    ],
)
def test_an_origin_is_scheme_host_and_port(first, second, same):
    assert remote.same_origin(first, second) is same


@pytest.mark.parametrize("path", ["/gzip-ok", "/deflate-ok", "/raw-deflate-ok"])
def test_a_compressed_answer_is_inflated_and_read(endpoint, path):
    answer = ask(endpoint, path)
    assert [t.value for (t,) in answer.rows] == ["https://example.org/ok"]


def test_a_gzip_bomb_stops_at_the_cap_on_inflated_bytes_having_read_little(endpoint, monkeypatch):
    monkeypatch.setattr(remote, "MAX_ANSWER_BYTES", 1 << 20)
    with pytest.raises(
        BadInput, match=r"larger than 1 MiB once inflated \((\d+) KiB as sent"
    ) as failure:
        ask(endpoint, "/gzip-bomb", timeout=20)
    sent_kib = int(failure.value.args[0].rsplit("(", 1)[1].split()[0])
    assert sent_kib < 130  # the whole bomb is 130 KiB: reading stopped inside it


LIMITED_MEMORY = 1024 * 2**20  # address space: 5 times what a capped answer needs


def _limited_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMITED_MEMORY, LIMITED_MEMORY))


@pytest.mark.parametrize("path", ["/json-bomb", "/gzip-bomb"])
def test_a_compression_bomb_is_refused_within_bounded_memory(endpoint, path):
    """130 KB that inflate to 128 MiB of results JSON once took the command to 5.7 GB: now it is
    refused at the default cap, in a process that may not use more than 1 GiB of address space."""
    done = subprocess.run(
        [sys.executable, "-m", "cityrdf.cli", "query", "pacts-per-decade"]
        + ["--endpoint", endpoint.url(path), "--timeout", "60"],
        check=False,
        capture_output=True,
        text=True,
        preexec_fn=_limited_memory,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr[-500:]
    assert "once inflated" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_an_answer_in_an_encoding_not_asked_for_is_refused(endpoint):
    with pytest.raises(BadInput, match="Content-Encoding 'br'; cityrdf asks for gzip, deflate"):
        ask(endpoint, "/brotli")


def test_the_timeout_bounds_the_whole_command_not_each_request(endpoint):
    """`sister-cities --param city=NAME` asks twice (the city by its label, then the question):
    each answer comes within the 1.5 s, both together do not."""
    with pytest.raises(BadInput, match="no complete answer within 1.5 s"):
        query.run(
            "sister-cities", {"city": "Tehran"}, endpoint=endpoint.url("/slow-ok"), timeout=1.5
        )
    assert query.run("pacts-per-decade", endpoint=endpoint.url("/slow-ok"), timeout=1.5).rows


def test_more_rows_than_the_cap_are_refused(endpoint, monkeypatch):
    monkeypatch.setattr(remote, "MAX_ROWS", 3)
    with pytest.raises(BadInput, match="more than 3 rows"):
        ask(endpoint, "/ten-rows")


def test_a_servers_error_text_reaches_the_terminal_escaped(endpoint):
    with pytest.raises(BadInput) as failure:
        ask(endpoint, "/error-with-escapes")
    message = str(failure.value)
    assert not any(ch in message for ch in "\x1b\x07\u202e")
    assert "HTTP 500: down\\x1b]0;owned\\x07 for \\u202emaintenance" in message


def test_virtuosos_blank_node_labels_are_read_as_blank_nodes(endpoint):
    answer = ask(endpoint, "/virtuoso-bnode")
    assert [type(t) for (t,) in answer.rows] == [ox.BlankNode]
    assert answer.captured.solutions()[0]["x"] == ox.BlankNode("b10006")
