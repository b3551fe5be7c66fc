"""The SPARQL endpoint never calls out: SERVICE is refused on the text the evaluator will read, and
the worker that evaluates queries cannot open a socket even when a query gets past that.

A loopback listener that records every connection stands in for the hosts a query names."""

from __future__ import annotations

import asyncio
import errno
import multiprocessing
import socket
import threading
import time

import httpx
import pyoxigraph as ox
import pytest

from cityrdf.sparql.guard import QueryRefused, check_query
from cityrdf.web import sandbox
from cityrdf.web import sparql as sparql_web
from cityrdf.web.worker import UNDOABLE, Answer, Job, Limits, WorkerPool, run_query


class Listener:
    """A TCP server on 127.0.0.1 that accepts, records and closes every connection."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections: list[tuple] = []
        self.running = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while self.running:
            try:
                conn, peer = self.sock.accept()
            except OSError:
                continue
            self.connections.append(peer)
            conn.close()

    def settled(self) -> list[tuple]:
        time.sleep(0.3)  # a connection attempt in flight has landed by now
        return self.connections

    def close(self):
        self.running = False
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.close()


def variants(url: str) -> dict[str, str]:
    """The known bypass and its siblings: each one's algebra holds a SERVICE pattern."""
    host_iri = url.rsplit("/", 1)[0] + "/"
    escaped_url = url.replace(":", "\\u003A", 1)
    return {
        "escaped-quote-before-service (the known bypass)": (
            f'SELECT * WHERE {{ BIND("a\\"b" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}'
        ),
        "escaped-single-quote": f"SELECT * WHERE {{ BIND('it\\'s' AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "escaped-backslash-then-quote": f'SELECT * WHERE {{ BIND("a\\\\" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
        "long-string-with-escapes": (
            f'SELECT * WHERE {{ BIND("""x \\""" "" \\n SERVICE <{url}>""" AS ?x) '
            f"SERVICE <{url}> {{ ?s ?p ?o }} }}"
        ),
        "long-single-quoted-string": (
            f"SELECT * WHERE {{ BIND('''it\\'s ''long'' \\n''' AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}"
        ),
        "lower-case": f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        "mixed-case": f"SeLeCt * WhErE {{ sErViCe <{url}> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "prefixed-name": f"PREFIX remote: <{host_iri}> SELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}",
        "relative-iri-against-base": f"BASE <{host_iri}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        "variable": f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "dollar-variable": f"SELECT * WHERE {{ VALUES $e {{ <{url}> }} SERVICE $e {{ ?s ?p ?o }} }}",
        "nested-groups": f"SELECT * WHERE {{ {{ {{ {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
        "optional": f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "union": f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "minus": f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE <{url}> {{ ?a ?p ?o }} }} }}",
        "subquery": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "filter-exists": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "filter-not-exists": f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{url}> {{ }} }} }}",
        "inside-graph": f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "unicode-escaped-keyword": f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "unicode-escape-mid-keyword": f"SELECT * WHERE {{ SERV\\u0049CE <{url}> {{ ?s ?p ?o }} }}",
        "long-unicode-escape": f"SELECT * WHERE {{ \\U00000053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "unicode-escaped-iri": f"SELECT * WHERE {{ SERVICE <{escaped_url}> {{ ?s ?p ?o }} }}",
        "comment-with-quote": f'SELECT * WHERE {{ # a comment with a " quote\n SERVICE <{url}> {{ ?s ?p ?o }} }}',
        "comment-with-brace-and-iri": (
            f"SELECT * WHERE {{ ?s ?p ?o # }} <x> 'y\n SERVICE <{url}> {{ ?s ?p ?o }} }}"
        ),
        "service-in-iri-and-string-too": (
            f'SELECT * WHERE {{ BIND(<urn:SERVICE> AS ?i) BIND("SERVICE" AS ?t) '
            f"SERVICE <{url}> {{ ?s ?p ?o }} }}"
        ),
        "ask": f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "describe": f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "newlines-and-tabs": f"SELECT *\nWHERE\t{{\n\tSERVICE\n<{url}>\n{{ ?s ?p ?o }} }}",
        # Oxigraph matches keywords without a word boundary
        "keyword-glued-to-silent-and-iri": f"SELECT * WHERE {{ SERVICESILENT<{url}>{{ ?s ?p ?o }} }}",
        "keyword-glued-to-empty-prefix": (
            f"PREFIX : <{host_iri}> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}"
        ),
        # a comment ends at a lone CR for Oxigraph; an escape in a comment means nothing to it
        "comment-ended-by-cr": f"SELECT * WHERE {{ # a comment\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        "escape-in-comment-opens-a-string-elsewhere": (
            f'SELECT * WHERE {{ # \\u0000000A BIND("""x" AS ?x)\nSERVICE <{url}> {{ ?s ?p ?o }}'
            f'\n# \\u0000000A """ AS ?y)\n}}'
        ),
    }


VARIANT_NAMES = list(variants("http://127.0.0.1:1/sparql"))


# Oxigraph does not apply the spec's \\u escapes outside strings and IRIs: to it these do not
# parse, and the check refuses them as unreadable (400) rather than as SERVICE calls.
OXIGRAPH_CANNOT_READ = {
    "unicode-escaped-keyword",
    "unicode-escape-mid-keyword",
    "long-unicode-escape",
}


@pytest.mark.parametrize("name", VARIANT_NAMES)
def test_service_variants_are_refused_over_get_and_post_and_nothing_connects(
    base_url, listener, name
):
    query = variants(listener.url)[name]
    if name in OXIGRAPH_CANNOT_READ:
        status, reason = 400, "query does not parse: a \\ escape outside a string or IRI"
    else:
        status, reason = 403, "SERVICE is refused: queries here never call other hosts\n"
    answers = [
        httpx.get(base_url + "/sparql", params={"query": query}, timeout=30),
        httpx.post(base_url + "/sparql", data={"query": query}, timeout=30),
        httpx.post(
            base_url + "/sparql",
            content=query.encode(),
            headers={"content-type": "application/sparql-query"},
            timeout=30,
        ),
    ]
    for answer in answers:
        assert answer.status_code == status, (name, answer.status_code, answer.text)
        assert answer.text.startswith(reason), (name, answer.text)
    assert listener.settled() == []


def test_there_are_at_least_twenty_variants():
    assert len(VARIANT_NAMES) >= 21


def test_a_quote_escaped_in_a_string_is_read_as_oxigraph_reads_it(base_url, listener):
    # SPARQL 1.1 section 19.2 would expand `\\u0022` before parsing and open a long string;
    # Oxigraph reads a one-quote string followed by SERVICE, and so does the check.
    query = f'SELECT * WHERE {{ BIND("\\u0022" AS ?x) SERVICE <{listener.url}> {{ ?s ?p ?o }} }}'
    answer = httpx.get(base_url + "/sparql", params={"query": query}, timeout=30)
    assert answer.status_code == 403, answer.text
    assert listener.settled() == []


def test_rdf_1_2_query_syntax_is_read_by_the_check_as_by_the_evaluator(base_url):
    query = 'SELECT ?t WHERE { BIND(<<( <urn:a> <urn:b> "c" )>> AS ?t) }'
    answer = httpx.get(
        base_url + "/sparql",
        params={"query": query},
        headers={"accept": "text/tab-separated-values"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert answer.text.splitlines()[0] == "?t"


def test_the_checker_accepts_queries_that_only_mention_service_in_text():
    for query in [
        'SELECT * WHERE { BIND("SERVICE <http://x/> {}" AS ?x) }',
        "SELECT * WHERE { <urn:SERVICE> ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
        "PREFIX ex: <urn:x#> SELECT ?service WHERE { ?service ex:customerService ?o }",
    ]:
        assert check_query(query).form == "SELECT"


def test_a_prefix_that_begins_with_service_is_refused():
    """`service:p {…}` where a group may begin is a call to `:p` for Oxigraph: a prefix named so
    is refused wherever it stands rather than judged by its place."""
    with pytest.raises(QueryRefused) as refused:
        check_query("PREFIX service: <urn:x#> SELECT * WHERE { ?s service:p ?o }")
    assert refused.value.status == 403


@pytest.mark.parametrize(
    "query",
    [
        "PREFIX ex: <http://h:80> SELECT * WHERE { ?s ?p ex:SERVICE<http://h/> { } }",
        "PREFIX ex: <urn:x#> SELECT * WHERE { ?s ex:serviceType ?o }",
    ],
)
def test_a_local_name_that_begins_with_service_is_refused_with_a_way_out(query):
    with pytest.raises(QueryRefused) as refused:
        check_query(query)
    assert refused.value.status == 403 and "write its full IRI" in str(refused.value)


def test_a_less_than_after_exists_is_read_as_oxigraph_reads_it():
    """After `EXISTS { … }` inside parentheses, Oxigraph reads `<` as less-than: an IRI-looking
    run up to a `>` in a comment must not hide what follows from the check."""
    query = (
        "BASE <http://x/> SELECT * WHERE { ?s ?p ?o "
        "FILTER(EXISTS { ?s ?p ?o }<?b)SERVICE?s#>\n{ ?s ?p ?o } }"
    )
    with pytest.raises(QueryRefused) as refused:
        check_query(query)
    assert refused.value.status in (400, 403)


def test_the_evaluated_text_is_the_checked_text_without_its_comments():
    checked = check_query("SELECT * # SERVICE <http://x/> {}\rWHERE { ?s ?p '#' } # end")
    assert checked.text == "SELECT * \rWHERE { ?s ?p '#' } "


def test_every_comment_goes_and_every_space_and_hash_in_a_term_stays():
    query = '#a\n#b\r\n PREFIX ex: <urn:x#y> # c\n\tSELECT#d\n*#e\r{ ?s ex:p \'#\' , """#\n""" }#'
    assert check_query(query).text == (
        '\n\r\n PREFIX ex: <urn:x#y> \n\tSELECT\n*\r{ ?s ex:p \'#\' , """#\n""" }'
    )


def test_what_cannot_be_read_is_placed_after_the_comments_before_it():
    with pytest.raises(QueryRefused) as refused:
        check_query("SELECT * # one\n  # two\n   \\ { }")
    assert str(refused.value).endswith("a \\ escape outside a string or IRI at line 3, column 4")


@pytest.mark.parametrize(
    "query, status",
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
        ("LOAD <http://127.0.0.1:1/x.ttl>", 403),
        ("PREFIX ex: <urn:x#> DELETE WHERE { ?s ex:p ?o }", 403),
        ("SELEKT nothing", 400),
        ("SELECT * WHERE { " + "{ " * 3000 + "} " * 3000 + "}", 400),
        ("SELECT * WHERE { BIND(" + "(" * 3000 + "1" + ")" * 3000 + " AS ?x) }", 400),
        ("\ufeffSELECT * WHERE { ?s ?p ?o }", 400),
        ("SELECT * WHERE {\u2028?s ?p ?o }", 400),
        ("SELECT * WHERE { ?s ?p ?o }\x00", 400),
        ("SELECT * WHERE { ?s ?p 'a\\qb' }", 400),
        ('SELECT * WHERE { BIND("\\uD800" AS ?x) }', 400),
        ("SELECT * WHERE { ?s ?p ?o }" + " " * 70_000, 413),
    ],
)
def test_updates_and_unreadable_queries_are_refused(query, status):
    with pytest.raises(QueryRefused) as refused:
        check_query(query)
    assert refused.value.status == status and "\n" not in str(refused.value)


def test_what_the_check_passes_but_oxigraph_cannot_parse_is_a_400(base_url):
    query = "SELECT * WHERE { ?s undeclared:p ?o }"
    assert check_query(query).form == "SELECT"
    answer = httpx.get(base_url + "/sparql", params={"query": query}, timeout=30)
    assert answer.status_code == 400 and answer.text.startswith("query does not parse"), answer.text


# --- the second wall: a query that reaches the worker without the check ----------------------


def test_the_listener_records_what_an_unwalled_oxigraph_does(listener):
    """The control: without the wall, Oxigraph really dials the host a SERVICE names."""
    before = len(listener.connections)
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    assert len(listener.settled()) == before + 1
    listener.connections.clear()


def one_triple() -> ox.Store:
    """A store where `?s ?p ?o` matches, so every pattern beside a SERVICE is evaluated."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c")))
    return store


LIMITS = Limits(timeout=20, max_results=10, max_answer_bytes=2**20, memory=256 * 2**20)


# SERVICE SILENT, and Oxigraph inside MINUS and (NOT) EXISTS, turn the failed call into no rows.
SWALLOWED = {
    "silent",
    "minus",
    "filter-exists",
    "filter-not-exists",
    "keyword-glued-to-silent-and-iri",
}


@pytest.mark.parametrize("name", VARIANT_NAMES)
def test_the_worker_cannot_connect_even_when_the_check_is_bypassed(listener, name):
    """Each variant sent straight to the worker: Oxigraph reads it as a SERVICE call (it fails
    where the network would be), yet nothing reaches the listener."""
    query = variants(listener.url)[name]
    answer = run_query(one_triple(), Job(query, "*/*", None), LIMITS)
    assert listener.settled() == []
    if name in OXIGRAPH_CANNOT_READ:
        assert answer.status == 400 and answer.body.startswith(b"query does not parse")
    elif name in SWALLOWED:
        assert answer.status == 200
    else:
        # what went wrong on the network is never told: no errno, no "refused", no host or port
        assert (answer.status, answer.body) == (
            400,
            b"query failed: it asks for something this endpoint does not do\n",
        ), name


def test_the_fallback_wall_holds_where_seccomp_is_unavailable(listener, monkeypatch):
    """Without seccomp the worker falls back to an empty network namespace, or refuses to run."""

    def no_seccomp():
        raise OSError("seccomp disabled for this test")

    monkeypatch.setattr(sandbox, "_deny_network_sockets", no_seccomp)  # copied into the fork
    query = variants(listener.url)["variable"]
    answer = run_query(ox.Store(), Job(query, "*/*", None), LIMITS)
    assert listener.settled() == []
    assert answer.status in (400, 503), answer
    if answer.status == 503:
        assert b"no sandbox" in answer.body


def try_local_sockets(path: str, conn) -> None:
    """In a forked child: wall itself off as a worker does, then try a Unix socket and a pair."""
    sandbox.enter(64 * 2**20, keep_fds=(conn.fileno(),))
    outcomes = []
    for attempt in (
        lambda: socket.socket(socket.AF_UNIX).connect(path),
        lambda: socket.socketpair(socket.AF_UNIX),
    ):
        try:
            attempt()
            outcomes.append("opened")
        except OSError as err:
            outcomes.append(errno.errorcode.get(err.errno, str(err.errno)))
    conn.send(outcomes)


def test_the_walled_worker_cannot_reach_local_daemons_over_unix_sockets(tmp_path):
    """A resolver daemon (nscd, avahi) listens on a Unix socket: the wall refuses new ones."""
    daemon = socket.socket(socket.AF_UNIX)
    daemon.bind(str(tmp_path / "daemon.sock"))
    daemon.listen(4)
    daemon.setblocking(False)
    fork = multiprocessing.get_context("fork")
    ours, theirs = fork.Pipe()
    child = fork.Process(target=try_local_sockets, args=(str(tmp_path / "daemon.sock"), theirs))
    child.start()
    try:
        assert ours.poll(20)
        assert ours.recv() == ["EACCES", "EACCES"]
    finally:
        child.join(5)
    with pytest.raises(BlockingIOError):
        daemon.accept()  # nobody connected
    daemon.close()


def test_the_worker_can_still_answer_ordinary_queries():
    answer = run_query(one_triple(), Job("SELECT ?o WHERE { ?s ?p ?o }", "text/csv", None), LIMITS)
    assert (answer.status, answer.body) == (200, b"o\r\nc\r\n")


# --- the pre-forked pool the server uses: the same walls, workers replaced when they overrun --


def worker_pid(pool: WorkerPool) -> int:
    worker = pool.idle.get()
    pool.idle.put(worker)
    return worker.process.pid


def pool_of_one(timeout: float) -> WorkerPool:
    """A started pool of one worker over 30 triples (six joins of them run for minutes), with a
    64 MB memory cap."""
    limits = Limits(timeout, max_results=10, max_answer_bytes=2**20, memory=64 * 2**20)
    store = one_triple()
    for i in range(29):
        store.add(ox.Quad(ox.NamedNode(f"urn:x{i}"), ox.NamedNode("urn:y"), ox.Literal(str(i))))
    pool = WorkerPool(store, limits, size=1)
    pool.start()
    return pool


def self_joins(times: int) -> str:
    """The count of every triple joined `times` over: 30**times rows."""
    patterns = " ".join(f"?a{i} ?b{i} ?c{i} ." for i in range(times))
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ {patterns} }}"


def test_pooled_workers_are_walled_reused_and_replaced_when_they_overrun(listener):
    pool = pool_of_one(timeout=6)  # the memory cap's job needs time on a busy machine
    ordinary = Job("SELECT ?o WHERE { <urn:a> ?p ?o }", "text/csv", None)
    try:
        first = worker_pid(pool)
        bypass = variants(listener.url)["escaped-quote-before-service (the known bypass)"]
        assert pool.run(Job(bypass, "*/*", None)) == UNDOABLE
        assert listener.settled() == []
        assert pool.run(ordinary).body == b"o\r\nc\r\n"
        assert worker_pid(pool) == first  # the same process answered both: no fork per query
        # 30 triples joined six times over: 729 million rows, far past the 6 s deadline
        runaway = self_joins(6)
        assert pool.run(Job(runaway, "text/csv", None)).status == 408
        second = worker_pid(pool)
        assert second != first  # killed and replaced
        assert pool.run(ordinary).body == b"o\r\nc\r\n"  # and the replacement works
        huge = doubling("x" * 64, 30)
        over = pool.run(Job(huge, "text/csv", None))
        assert over.status == 503 and b"64 MB" in over.body
        assert worker_pid(pool) != second
        assert pool.run(ordinary).body == b"o\r\nc\r\n"
        assert listener.settled() == []
    finally:
        pool.close()


def test_pooled_workers_answered_in_the_event_loop_keep_every_wall(listener):
    """The server awaits its workers' answers in the event loop (`run_async`): the same answers,
    the same deadline, memory cap and replacement as `run`, and nothing connects."""
    # The deadline leaves the job over the memory cap time to reach it on a busy machine (it
    # takes milliseconds when idle); the runaway query runs for minutes, past any of them.
    pool = pool_of_one(timeout=6)
    ordinary = Job("SELECT ?o WHERE { <urn:a> ?p ?o }", "text/csv", None)
    runaway = self_joins(6)

    async def asked() -> None:
        first = worker_pid(pool)
        bypass = variants(listener.url)["escaped-quote-before-service (the known bypass)"]
        assert await pool.run_async(Job(bypass, "*/*", None)) == UNDOABLE
        assert (await pool.run_async(ordinary)).body == b"o\r\nc\r\n"
        assert worker_pid(pool) == first
        assert (await pool.run_async(Job(runaway, "text/csv", None))).status == 408
        second = worker_pid(pool)
        assert second != first
        over = await pool.run_async(Job(doubling("x" * 64, 30), "text/csv", None))
        assert over.status == 503 and b"64 MB" in over.body
        assert worker_pid(pool) != second
        assert (await pool.run_async(ordinary)).body == b"o\r\nc\r\n"

    try:
        asyncio.run(asked())
        assert listener.settled() == []
    finally:
        pool.close()


def test_a_worker_whose_wait_was_cancelled_is_replaced_not_reused():
    """A request cancelled while its worker evaluates leaves an answer on the way: the next job
    must get its own answer from another worker, not that one."""
    pool = pool_of_one(timeout=5)
    slow = self_joins(5)

    async def cancelled_then_asked() -> Answer:
        first = worker_pid(pool)
        waiting = asyncio.create_task(pool.run_async(Job(slow, "text/csv", None)))
        await asyncio.sleep(0.3)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        answer = await pool.run_async(Job("SELECT ?o WHERE { <urn:a> ?p ?o }", "text/csv", None))
        assert worker_pid(pool) != first
        return answer

    try:
        assert asyncio.run(cancelled_then_asked()).body == b"o\r\nc\r\n"
    finally:
        pool.close()


@pytest.mark.parametrize("inline_up_to", [0, sparql_web.INLINE_CHECK], ids=["thread", "event loop"])
def test_a_text_checked_in_a_thread_or_in_the_event_loop_gets_one_verdict(
    base_url, listener, monkeypatch, inline_up_to
):
    monkeypatch.setattr(sparql_web, "INLINE_CHECK", inline_up_to)
    bypass = variants(listener.url)["escaped-quote-before-service (the known bypass)"]
    # a new text each time: a text asked before skips the check
    refused = httpx.get(base_url + "/sparql", params={"query": f"{bypass} # {inline_up_to}"})
    assert refused.status_code == 403, refused.text
    allowed = httpx.get(
        base_url + "/sparql", params={"query": f"ASK {{}} # {inline_up_to}"}, timeout=30
    )
    assert allowed.status_code == 200, allowed.text
    assert listener.settled() == []


def doubling(start: str, doublings: int) -> str:
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(doublings))
    return f'SELECT (STRLEN(?v{doublings}) AS ?n) WHERE {{ BIND("{start}" AS ?v0) {binds} }}'


def test_the_checker_reads_many_queries_at_once_correctly():
    """The server checks queries in many threads at once, with no lock: each gets its own verdict."""
    from concurrent.futures import ThreadPoolExecutor

    from cityrdf.sparql import guard as sparql_guard

    queries = [
        f"SELECT (COUNT(*) AS ?n{i}) {{ ?a ?b ?c . ?d ?e ?f FILTER(?a != <urn:x{i}>) }}"
        for i in range(200)
    ]
    sparql_guard._check.cache_clear()
    start = threading.Barrier(40)

    def check(query: str) -> str:
        try:
            start.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return check_query(query).form

    with ThreadPoolExecutor(40) as pool:
        assert set(pool.map(check, queries)) == {"SELECT"}
