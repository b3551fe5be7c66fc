"""Where a SPARQL query from outside is evaluated: a forked, walled-off worker process.

Each query runs in a child forked from the server, sharing its in-memory store copy-on-write. The
child first walls itself off (cityrdf.sandbox: no network sockets, RLIMIT_AS), then evaluates and
sends back the serialised answer. A query past its deadline is killed with its process (a thread
could only be abandoned), and one that needs more memory than allowed dies alone: the server lives.
Callers check the query first (cityrdf.sparql_guard); the walls hold even if that check misses.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyoxigraph as ox

from cityrdf import sandbox
from cityrdf.conneg import negotiate
from cityrdf.site_model import serialize
from cityrdf.web.results import SOLUTION_WRITERS, boolean_result

RESULT_TYPES = {  # media type -> result format, in the order we prefer them
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
BOOLEAN_TYPES = [m for m, fmt in RESULT_TYPES.items() if fmt in ("json", "xml")]
RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
}
GRAPH_MEDIA = {fmt: media for media, fmt in GRAPH_TYPES.items()}
FORMAT_PARAM = {
    **{name: name for name in ("json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdf")},
    "turtle": "ttl",
    "ntriples": "nt",
    "json-ld": "jsonld",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
}
MB = 2**20
# how a worker over its RLIMIT_AS dies: Rust aborts when an allocation fails
DIED_OF_MEMORY = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL, -signal.SIGBUS)


class ForkLock:
    """Readers of the store share it; a fork waits until no thread is inside the store (a fork
    could otherwise copy a lock held mid-read into the child) and holds new readers off."""

    def __init__(self):
        self._changed = threading.Condition()
        self._readers = 0
        self._forking = False

    @contextmanager
    def reading(self):
        with self._changed:
            while self._forking:
                self._changed.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._changed:
                self._readers -= 1
                self._changed.notify_all()

    @contextmanager
    def forking(self):
        with self._changed:
            while self._forking:
                self._changed.wait()
            self._forking = True
            while self._readers:
                self._changed.wait()
        try:
            yield
        finally:
            with self._changed:
                self._forking = False
                self._changed.notify_all()


STORE_LOCK = ForkLock()


@dataclass
class Answer:
    status: int
    media_type: str
    body: bytes
    truncated: bool = False


@dataclass(frozen=True)
class Limits:
    timeout: float  # seconds
    max_results: int  # rows or triples
    max_answer_bytes: int
    memory: int  # bytes the worker may allocate


@dataclass(frozen=True)
class Job:
    query: str
    accept: str
    fmt: str | None
    options: dict = field(default_factory=dict)  # default_graph / named_graphs for store.query


def text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


UNDOABLE = text(400, "query failed: it asks for something this endpoint does not do")


class Worker:
    """One forked, walled-off process that evaluates jobs sent over a socket pair, one at a time."""

    def __init__(self, store: ox.Store, limits: Limits):
        ctx = multiprocessing.get_context("fork")
        self.conn, child_end = ctx.Pipe(duplex=True)
        with STORE_LOCK.forking():
            self.process = ctx.Process(
                target=_serve_jobs, args=(store, limits, child_end), daemon=True
            )
            self.process.start()
        child_end.close()
        self.jobs = 0

    def run(self, job: Job, limits: Limits) -> tuple[Answer, bool]:
        """The answer, and whether this worker may take another job."""
        self.jobs += 1
        try:
            self.conn.send(job)
            if self.conn.poll(limits.timeout):
                return self.conn.recv(), True
            return text(
                408, f"query stopped: it ran longer than the {limits.timeout:g} s limit"
            ), False
        except (EOFError, OSError):  # the worker died without answering: over its memory
            self.process.join(1)
            if self.process.exitcode in DIED_OF_MEMORY:
                return over_memory(limits), False
            return text(503, "query stopped: its worker ended without an answer"), False

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """`size` workers forked ahead of time; a worker that overran its deadline or memory is
    killed and replaced, and each is replaced after `max_jobs` jobs (memory it kept)."""

    def __init__(self, store: ox.Store, limits: Limits, size: int, max_jobs: int = 500):
        self.store, self.limits, self.size, self.max_jobs = store, limits, size, max_jobs
        self.idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._started = threading.Lock()
        self.started = False

    def start(self) -> None:
        """Fork the workers (the server calls this as it starts; `run` does if it has not)."""
        with self._started:
            if not self.started:
                for _ in range(self.size):
                    self.idle.put(Worker(self.store, self.limits))
                self.started = True

    def run(self, job: Job) -> Answer:
        """Blocks while every worker is busy: callers bound how many jobs wait (a semaphore)."""
        self.start()
        worker = self.idle.get()
        answer, reusable = worker.run(job, self.limits)
        if not reusable or worker.jobs >= self.max_jobs:
            worker.stop()
            worker = Worker(self.store, self.limits)
        self.idle.put(worker)
        return answer

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().stop()


def run_query(store: ox.Store, job: Job, limits: Limits) -> Answer:
    """Evaluate one checked job in a worker of its own, then stop it."""
    worker = Worker(store, limits)
    try:
        return worker.run(job, limits)[0]
    finally:
        worker.stop()


def size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n // 1024} KB"


def over_memory(limits: Limits) -> Answer:
    return text(
        503, f"query stopped: it needed more than the {size(limits.memory)} a query may use"
    )


def _serve_jobs(store: ox.Store, limits: Limits, conn) -> None:
    """The worker's life: wall itself off, then answer jobs until the server hangs up."""
    try:
        sandbox.enter(limits.memory, keep_fds=(conn.fileno(),))
        walled = True
    except sandbox.SandboxUnavailable:
        walled = False
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if not walled:
            answer = text(503, "queries cannot be evaluated on this server (no sandbox)")
        else:
            try:
                answer = evaluate(store, job, limits)
            except MemoryError:
                answer = over_memory(limits)
            except (OSError, RuntimeError):  # Oxigraph's evaluation errors: never say what the
                answer = UNDOABLE  # network or the file system answered
            except Exception:  # noqa: BLE001 -- a bug must still come back as a short answer
                answer = text(500, "internal error while evaluating the query")
        conn.send(answer)


def evaluate(store: ox.Store, job: Job, limits: Limits) -> Answer:
    try:
        result = store.query(job.query, **job.options)
    except SyntaxError as err:
        return text(400, f"query syntax error: {(str(err).splitlines() or ['?'])[0]}")
    except (OSError, RuntimeError):
        return UNDOABLE
    if isinstance(result, ox.QueryBoolean):
        chosen = pick(job, BOOLEAN_TYPES, RESULT_TYPES)
        if not chosen:
            return text(406, "an ASK result is available as SPARQL JSON or XML")
        return Answer(200, RESULT_MEDIA[chosen], boolean_result(bool(result), chosen))
    try:
        if isinstance(result, ox.QuerySolutions):
            chosen = pick(job, list(RESULT_TYPES), RESULT_TYPES)
            if not chosen:
                return text(406, "SELECT results are available as " + ", ".join(RESULT_TYPES))
            variables = [v.value for v in result.variables]
            rows, truncated = capped(result, limits.max_results)
            body, media = SOLUTION_WRITERS[chosen](variables, rows), RESULT_MEDIA[chosen]
        else:
            chosen = pick(job, list(GRAPH_TYPES), GRAPH_TYPES)
            if not chosen:
                return text(
                    406, "CONSTRUCT and DESCRIBE results are available as " + ", ".join(GRAPH_TYPES)
                )
            triples, truncated = capped(result, limits.max_results)
            body, media = serialize(triples, chosen), GRAPH_MEDIA[chosen]
    except (OSError, RuntimeError):
        return UNDOABLE
    if len(body) > limits.max_answer_bytes:
        return text(
            503,
            f"query stopped: its answer is larger than the {size(limits.max_answer_bytes)} limit",
        )
    return Answer(200, media, body, truncated)


def pick(job: Job, offered: list[str], formats: dict[str, str]) -> str | None:
    """The result format: `format=`/`output=` if it names one, else content negotiation on Accept."""
    if job.fmt and FORMAT_PARAM.get(job.fmt.lower()) in {formats[m] for m in offered}:
        return FORMAT_PARAM[job.fmt.lower()]
    media = negotiate(job.accept, offered)
    return formats[media] if media else None


def capped(iterator, limit: int) -> tuple[list, bool]:
    items = []
    for item in iterator:
        if len(items) == limit:
            return items, True
        items.append(item)
    return items, False
