"""Evaluating one checked query on the store, inside a worker: the answer in the format the
client asked for, within the row and byte caps. (The worker and its walls: cityrdf.web.worker.)"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from cityrdf.rdf.documents import serialize
from cityrdf.sparql import results
from cityrdf.web.conneg import negotiate

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


def size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n // 1024} KB"


def over_memory(limits: Limits) -> Answer:
    return text(
        503, f"query stopped: it needed more than the {size(limits.memory)} a query may use"
    )


def evaluate(store: ox.Store, job: Job, limits: Limits) -> Answer:
    try:
        result = store.query(job.query, **job.options)
    except SyntaxError as err:
        return text(400, f"query does not parse: {(str(err).splitlines() or ['?'])[0]}")
    except (OSError, RuntimeError):
        return UNDOABLE
    if isinstance(result, ox.QueryBoolean):
        chosen = pick(job, BOOLEAN_TYPES, RESULT_TYPES)
        if not chosen:
            return text(406, "an ASK result is available as SPARQL JSON or XML")
        return Answer(200, RESULT_MEDIA[chosen], results.boolean(bool(result), chosen))
    try:
        if isinstance(result, ox.QuerySolutions):
            chosen = pick(job, list(RESULT_TYPES), RESULT_TYPES)
            if not chosen:
                return text(406, "SELECT results are available as " + ", ".join(RESULT_TYPES))
            captured = results.capture(result, limits.max_results, limits.max_answer_bytes)
            truncated = captured.truncated
            body, media = results.serialize(captured, chosen), RESULT_MEDIA[chosen]
        else:
            chosen = pick(job, list(GRAPH_TYPES), GRAPH_TYPES)
            if not chosen:
                return text(
                    406, "CONSTRUCT and DESCRIBE results are available as " + ", ".join(GRAPH_TYPES)
                )
            triples, truncated = capped(result, limits.max_results)
            body, media = serialize(triples, chosen), GRAPH_MEDIA[chosen]
    except results.UncarriableText as refused:
        return text(422, f"query refused: {refused}")
    except results.NotInFormat as refused:
        return text(406, str(refused))
    except results.TooLarge:
        return too_large(limits)
    except (OSError, RuntimeError):
        return UNDOABLE
    if len(body) > limits.max_answer_bytes:
        return too_large(limits)
    return Answer(200, media, body, truncated)


def too_large(limits: Limits) -> Answer:
    return text(
        503, f"query stopped: its answer is larger than the {size(limits.max_answer_bytes)} limit"
    )


def pick(job: Job, offered: list[str], formats: dict[str, str]) -> str | None:
    """The result format: `format=`/`output=` if it names one, else content negotiation on Accept."""
    if job.fmt and FORMAT_PARAM.get(job.fmt.lower()) in {formats[m] for m in offered}:
        return FORMAT_PARAM[job.fmt.lower()]
    media = negotiate(job.accept, offered)
    return formats[media] if media else None


def capped(iterator, limit: int) -> tuple[list, bool]:
    items: list = []
    for item in iterator:
        if len(items) == limit:
            return items, True
        items.append(item)
    return items, False
