"""The check and the evaluator read one query: whatever text the check lets through, Oxigraph
evaluating that very text makes no call to another host.

Each generated query hides a SERVICE call to a loopback listener behind comments, escapes, line
ends (CR, LF, CRLF, U+2028, U+0085), a BOM or NUL, a less-than or a prefixed name. For each: the
check refuses it, or a real, unwalled Oxigraph evaluating the text the check returned connects to
nothing. The listener reads
the request line of every connection, so a failure names the query that got through.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrdf.sparql.guard import QueryRefused, check_query


class RequestLineListener:
    """A TCP server on 127.0.0.1 that records the first line each connection sends."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.requests: list[str] = []
        self.running = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(2)
            try:
                self.requests.append(conn.recv(1024).split(b"\r\n", 1)[0].decode("latin-1"))
            except OSError:
                self.requests.append("(connected, sent nothing)")
            conn.close()

    def settled(self) -> list[str]:
        time.sleep(0.3)  # a connection in flight has been accepted and read by now
        return self.requests

    def close(self):
        self.running = False
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    server = RequestLineListener()
    yield server
    server.close()


LINE_ENDS = ["\n", "\r", "\r\n", "\u2028", "\u0085"]
ESCAPES = [
    "\\u0000000A",
    "\\u000A",
    "\\u000D",
    "\\U0000000A",
    "\\u0022",
    "\\u0027",
    "\\u0023",
    "\\u003E",
]
QUOTES = ['"', "'", '"""', "'''"]
LEADS = ["", "\ufeff", "\x00"]


def hiding_places(call: str, eol: str, escape: str, quote: str, lead: str) -> list[str]:
    """Queries in which `call` (a SERVICE pattern) is text to one reading and a pattern to another."""
    folder, name = call.split("<", 1)[1].split(">", 1)[0].rsplit("/", 1)
    return [
        # the attacker's shape: a comment's escape opens a string that a later comment closes
        (
            f'{lead}SELECT * WHERE {{ # {escape} BIND({quote}x" AS ?x){eol}{call}{eol}'
            f"# {escape} {quote} AS ?y)\n}}"
        ),
        # a comment that ends at this line end for one reader and runs on for another
        f"{lead}SELECT * WHERE {{ ?s ?p ?o # {escape}{eol}{call} }}",
        # an escape that closes a string early for a reader that expands it first
        f"{lead}SELECT * WHERE {{ BIND({quote}a{escape}{quote} AS ?x) {call} }}",
        # a string that spans the call for a reader that ends strings at other line ends
        f"{lead}SELECT * WHERE {{ BIND({quote}a{eol}{call}{eol}{quote} AS ?x) }}",
        # the call inside an IRI that an escape may or may not end
        f"{lead}SELECT * WHERE {{ BIND(<urn:x{escape}> AS ?i){eol}{call} }}",
        # a prefixed name that Oxigraph may read as its prefix alone, then the keyword
        f"{lead}PREFIX ex: <http://h:80> SELECT * WHERE {{ ?s ?p ex:{call.replace(' ', '', 1)} }}",
        # the same after `EXISTS { … }`, with the call's endpoint a prefixed name
        (
            f"{lead}PREFIX : <{folder}/> BASE <http://x/> SELECT * WHERE {{ ?s ?p ?o "
            f"FILTER(EXISTS {{ ?s ?p ?o }}<?a)SERVICE:{name}#>{eol}{{ ?s ?p ?o }} }}"
        ),
        # a less-than that reads as an IRI up to a `>` hidden in a comment
        f"{lead}BASE <http://x/> SELECT * WHERE {{ BIND(1 AS ?a) FILTER(?a<?a){call}#>{eol}}}",
    ]


def corpus(base: str, combinations) -> list[str]:
    queries = []
    for eol, escape, quote, lead in combinations:
        url = f"{base}/q{len(queries)}"
        call = f"SERVICE <{url}> {{ ?s ?p ?o }}"
        queries += hiding_places(call, eol, escape, quote, lead)
    return queries


def one_triple() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c")))
    return store


def evaluate_what_the_check_passes(store: ox.Store, query: str) -> str:
    """'refused', or what Oxigraph did with the checked text (unwalled: it may really connect)."""
    try:
        checked = check_query(query)
    except QueryRefused:
        return "refused"
    try:
        result = store.query(checked.text)
        list(result) if not isinstance(result, ox.QueryBoolean) else bool(result)
    except SyntaxError:
        return "syntax error"
    except (OSError, RuntimeError):
        return "evaluation error"
    return "answered"


def test_the_listener_sees_what_an_unchecked_oxigraph_does(listener):
    """The control: evaluated without the check, queries of the corpus do call the listener."""
    combinations = [("\n", "\\u0000000A", '"""', "")]  # the attacker's query among them
    before = len(listener.requests)
    store = one_triple()
    for query in corpus(listener.base, combinations):
        try:
            list(store.query(query))
        except (SyntaxError, OSError, RuntimeError):
            pass
    assert len(listener.settled()) > before
    listener.requests.clear()


def test_no_generated_query_gets_a_service_call_past_the_check(listener):
    queries = corpus(listener.base, itertools.product(LINE_ENDS, ESCAPES, QUOTES, LEADS))
    store = one_triple()
    outcomes = {query: evaluate_what_the_check_passes(store, query) for query in queries}
    assert listener.settled() == []
    # the corpus exercises both sides: queries refused, and queries evaluated
    assert {"refused", "answered"} <= set(outcomes.values())


PIECES = [
    "SELECT * WHERE {",
    "}",
    " ",
    "#",
    '"',
    "'",
    '"""',
    "'''",
    "<",
    ">",
    "\\",
    "\\u000A",
    "\\U0000000A",
    "\\u0022",
    "\n",
    "\r",
    "\u2028",
    "\u0085",
    "\ufeff",
    "\x00",
    "?a",
    "(",
    ")",
    "BIND(",
    " AS ?x)",
    "FILTER(?a",
    "SERVICE",
    "SERVICE?x{}",
    ":x",
    "{ ?s ?p ?o }",
]


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24))
def test_random_mixtures_never_get_a_service_call_past_the_check(listener, pieces):
    call = f"SERVICE <{listener.base}/random> {{ ?s ?p ?o }}"
    query = "PREFIX : <" + listener.base + "/> " + "".join(pieces).replace("SERVICE?x{}", call)
    evaluate_what_the_check_passes(one_triple(), query)
    assert listener.requests == [], query


def test_only_the_verdicts_on_short_texts_are_kept():
    """The check keeps verdicts (a public endpoint sees the same texts again), but not on long
    texts: 512 of the longest would hold ~130 MB of the server's memory."""
    from cityrdf.sparql import guard

    guard._check.cache_clear()
    long_text = "ASK { ?s ?p ?o } # " + "ش" * guard.MAX_CACHED_CHARS
    for text in ("ASK {}", long_text, "ASK {}", long_text):
        check_query(text)
    assert guard._check.cache_info().currsize == 1
    assert guard._check.cache_info().hits == 1
