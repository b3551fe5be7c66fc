"""Read-only SPARQL 1.1 Protocol answers for `cityrdf serve`: checks, deadline, result cap, formats.

Each query runs in a forked child process that shares the parent's in-memory store (copy-on-write).
A query that passes the deadline is killed with its process, so a runaway query really stops
(a thread could only be abandoned, not cancelled).
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import re
import threading
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from cityrdf.conneg import negotiate
from cityrdf.site_model import serialize

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULT_TYPES = {  # media type -> result format, in the order we prefer them
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
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
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "ttl",
    "ttl": "ttl",
    "nt": "nt",
    "ntriples": "nt",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "rdf": "rdf",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
}
# Strings, IRIs and comments are removed before looking for keywords, so `<http://x/SERVICE>` or
# "LOAD" inside a literal never trips the checks.
NOT_CODE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
SERVICE = re.compile(r"(?<![\w?$:])SERVICE\b", re.IGNORECASE)
UPDATE = re.compile(
    r"(?<![\w?$:])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)

# Forking while another thread is inside the store could copy a held lock into the child; every
# store access in the server takes this lock, and so does the fork.
STORE_LOCK = threading.Lock()


@dataclass
class Answer:
    status: int
    media_type: str
    body: bytes
    truncated: bool = False


def refusal(query: str) -> Answer | None:
    """403 for what a read-only public endpoint never does; None if the query may run."""
    code = NOT_CODE.sub(" ", query)
    if SERVICE.search(code):
        return text(403, "SERVICE is refused: this endpoint never calls other hosts")
    return None


def text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def run_query(
    store: ox.Store,
    query: str,
    accept: list[str],
    fmt: str | None,
    timeout: float,
    max_results: int,
) -> Answer:
    """Evaluate `query` in a child process; 408 if it does not finish within `timeout` seconds."""
    refused = refusal(query)
    if refused:
        return refused
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    with STORE_LOCK:
        child = ctx.Process(
            target=_child, args=(store, query, accept, fmt, max_results, sender), daemon=True
        )
        child.start()
    sender.close()
    try:
        if receiver.poll(timeout):
            return receiver.recv()
        return text(408, f"query stopped: it ran longer than the {timeout:g} s limit")
    except EOFError:
        return text(400, "query failed while running (the worker ended without an answer)")
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()


def _child(store, query, accept, fmt, max_results, sender) -> None:
    try:
        answer = evaluate(store, query, accept, fmt, max_results)
    except Exception as err:  # noqa: BLE001 -- a bug must still come back as a short 4xx, never a traceback
        answer = text(
            400,
            f"query failed: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}",
        )
    sender.send(answer)
    sender.close()


def evaluate(
    store: ox.Store, query: str, accept: list[str], fmt: str | None, max_results: int
) -> Answer:
    try:
        result = store.query(query)
    except SyntaxError as err:
        first = str(err).splitlines()[0] if str(err) else "syntax error"
        if UPDATE.search(NOT_CODE.sub(" ", query)):
            return text(403, f"SPARQL Update is refused: this endpoint is read-only ({first})")
        return text(400, f"query syntax error: {first}")
    except OSError as err:
        return text(400, f"query failed: {err}")
    if isinstance(result, ox.QueryBoolean):
        chosen = pick(
            accept,
            fmt,
            [
                "application/sparql-results+json",
                "application/json",
                "application/sparql-results+xml",
                "application/xml",
                "text/xml",
            ],
            RESULT_TYPES,
        )
        if not chosen:
            return text(406, "an ASK result is available as SPARQL JSON or XML")
        return Answer(200, RESULT_MEDIA[chosen], boolean_result(bool(result), chosen))
    if isinstance(result, ox.QuerySolutions):
        chosen = pick(accept, fmt, list(RESULT_TYPES), RESULT_TYPES)
        if not chosen:
            return text(406, "SELECT results are available as " + ", ".join(RESULT_TYPES))
        variables = [v.value for v in result.variables]
        rows, truncated = capped(result, max_results)
        return Answer(
            200, RESULT_MEDIA[chosen], SOLUTION_WRITERS[chosen](variables, rows), truncated
        )
    chosen = pick(accept, fmt, list(GRAPH_TYPES), GRAPH_TYPES)
    if not chosen:
        return text(
            406, "CONSTRUCT and DESCRIBE results are available as " + ", ".join(GRAPH_TYPES)
        )
    triples, truncated = capped(result, max_results)
    return Answer(200, GRAPH_MEDIA[chosen], serialize(triples, chosen), truncated)


def pick(
    accept: list[str], fmt: str | None, offered: list[str], formats: dict[str, str]
) -> str | None:
    """The result format: `format=`/`output=` if it names one, else content negotiation on Accept."""
    if fmt and FORMAT_PARAM.get(fmt.lower()) in {formats[m] for m in offered}:
        return FORMAT_PARAM[fmt.lower()]
    media = negotiate(accept, offered)
    return formats[media] if media else None


def capped(iterator, limit: int) -> tuple[list, bool]:
    items = []
    for item in iterator:
        if len(items) == limit:
            return items, True
        items.append(item)
    return items, False


def json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {k: json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
    }


def json_results(variables: list[str], rows: list) -> bytes:
    bindings = [{v: json_term(row[v]) for v in variables if row[v] is not None} for row in rows]
    return json.dumps(
        {"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False
    ).encode()


def xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def xml_results(variables: list[str], rows: list) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>\n<results>")
    for row in rows:
        out.append("<result>")
        out += [
            f"<binding name={quoteattr(v)}>{xml_term(row[v])}</binding>"
            for v in variables
            if row[v] is not None
        ]
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode()


def csv_results(variables: list[str], rows: list) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # SPARQL 1.1 CSV: RFC 4180 line ends
    writer.writerow(variables)
    for row in rows:
        writer.writerow(
            [
                ""
                if row[v] is None
                else (
                    "_:" + row[v].value
                    if isinstance(row[v], ox.BlankNode)
                    else getattr(row[v], "value", str(row[v]))
                )
                for v in variables
            ]
        )
    return buffer.getvalue().encode()


def tsv_results(variables: list[str], rows: list) -> bytes:
    # SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax, tabs and newlines escaped
    lines = ["\t".join("?" + v for v in variables)]
    for row in rows:
        lines.append(
            "\t".join(
                "" if row[v] is None else str(row[v]).replace("\t", "\\t").replace("\n", "\\n")
                for v in variables
            )
        )
    return ("\n".join(lines) + "\n").encode()


def boolean_result(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    return (
        f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
    ).encode()


SOLUTION_WRITERS = {
    "json": json_results,
    "xml": xml_results,
    "csv": csv_results,
    "tsv": tsv_results,
}
