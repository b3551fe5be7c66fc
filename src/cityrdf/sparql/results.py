"""SPARQL query results in the four formats of SPARQL 1.1 (JSON, XML, CSV, TSV), written by
Oxigraph's own serializers, for the server and the CLI alike (RDF 1.2 triple terms in JSON, XML
and TSV; CSV has no syntax for them and refuses them).

pyoxigraph serializes a `QuerySolutions` it evaluated or parsed, and has no constructor for one
from a list. So a result is *captured* once: Oxigraph's TSV writer streams the solutions into a
buffer that stops after the row and byte caps (SPARQL TSV writes one solution per line, tabs and
line breaks inside terms escaped, every term in Turtle syntax, so nothing is lost), and each format
is written by parsing that TSV again (`parse_query_results`) and serializing it
(`QuerySolutions.serialize`). No term syntax is written by hand here.

Control characters: XML 1.0 cannot carry U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE or
U+FFFF, not even as character references, and a terminal obeys them. An answer whose literal holds
one is refused in *every* format (`UncarriableText`), so a client never gets a different answer,
or a broken XML document, depending on the format it asked for; docs/decisions/0015-result-formats-and-outside-text.md.
The project's own readers keep such text out of its data (`import pacts`, `world import`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from cityrdf.rdf.documents import NotInFormat

FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
# What XML 1.0 (§2.2 Char) cannot carry, and a terminal would act on.
UNCARRIABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What may stand for one of them in TSV, should Oxigraph's writer escape it (\b, \f, \u0001).
UNCARRIABLE_OR_ESCAPE = re.compile(UNCARRIABLE.pattern[:-1] + r"]|\\[bfuU]")


class TooLarge(ValueError):
    """The captured answer passed its byte cap."""


class UncarriableText(ValueError):
    """A literal of the answer holds a character that SPARQL XML cannot carry."""


@dataclass(frozen=True)
class Captured:
    """A SELECT result as SPARQL TSV bytes (at most the row cap), and whether rows were cut off."""

    tsv: bytes
    truncated: bool = False

    @property
    def variables(self) -> list[str]:
        return [v.value for v in self.parsed().variables]

    def parsed(self) -> ox.QuerySolutions:
        parsed = ox.parse_query_results(self.tsv, ox.QueryResultsFormat.TSV)
        assert isinstance(parsed, ox.QuerySolutions)  # TSV has no boolean results
        return parsed

    def solutions(self) -> list[ox.QuerySolution]:
        return list(self.parsed())


def select(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    """The solutions of the SELECT `query` on `store` (`options` as `Store.query` takes them);
    TypeError if `query` is an ASK or a CONSTRUCT."""
    solutions = store.query(query, **options)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]!r}")
    return solutions


class _Full(Exception):
    """Raised from inside Oxigraph's writer to stop the evaluation once the cap is reached."""


class _CappedSink:
    """A binary output that keeps the header and at most `max_rows` solution lines of TSV."""

    def __init__(self, max_rows: int, max_bytes: int, on_write: Callable[[], None] | None):
        self.kept = bytearray()
        self.max_lines, self.max_bytes = max_rows + 1, max_bytes
        self.lines, self.truncated, self.on_write = 0, False, on_write

    def write(self, data: bytes) -> int:
        if self.truncated:  # the writer flushes once more after the stop: keep nothing more
            raise _Full
        if self.on_write:
            self.on_write()
        lines = data.count(b"\n")
        if self.lines + lines >= self.max_lines:
            end = -1
            for _ in range(self.max_lines - self.lines):
                end = data.index(b"\n", end + 1)
            self.kept += data[: end + 1]
            if self.lines + lines > self.max_lines or data[end + 1 :]:
                self.truncated = True
                raise _Full
        else:
            self.kept += data
        self.lines += lines
        if len(self.kept) > self.max_bytes:
            raise TooLarge(f"the answer is larger than {self.max_bytes:,} bytes")
        return len(data)

    def flush(self) -> None:
        pass


def capture(
    solutions: ox.QuerySolutions,
    max_rows: int,
    max_bytes: int,
    on_write: Callable[[], None] | None = None,
) -> Captured:
    """At most `max_rows` of `solutions`, written by Oxigraph as TSV; TooLarge beyond `max_bytes`.
    `on_write` is called before each write (a deadline's check: it may raise to stop)."""
    sink = _CappedSink(max_rows, max_bytes, on_write)
    try:
        # pyoxigraph writes to any object with write(); its stub asks for IO[bytes]
        solutions.serialize(sink, ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
    except _Full:
        pass
    return Captured(bytes(sink.kept), sink.truncated)


def serialize(captured: Captured, fmt: str) -> bytes:
    """The captured result in `fmt` (json, xml, csv, tsv); UncarriableText if a literal holds a
    character XML 1.0 cannot carry (in every format alike)."""
    refuse_uncarriable(captured)
    if fmt == "csv" and b"<<(" in captured.tsv and _has_triple_term(captured):
        # pyoxigraph 0.5 writes a triple term in CSV as its parts' values, unquoted: a comma in
        # a nested literal splits the cell. SPARQL CSV has no syntax of its own for one.
        raise NotInFormat(
            "the answer holds triple terms, which SPARQL CSV cannot write; ask for JSON, XML or TSV"
        )
    return _written(captured.parsed().serialize(format=FORMATS[fmt]))


def _has_triple_term(captured: Captured) -> bool:
    return any(isinstance(term, ox.Triple) for solution in captured.parsed() for term in solution)


def boolean(value: bool, fmt: str) -> bytes:
    """An ASK result in `fmt` (json or xml), written by Oxigraph."""
    document = b'{"head":{},"boolean":%s}' % (b"true" if value else b"false")
    parsed = ox.parse_query_results(document, ox.QueryResultsFormat.JSON)
    return _written(parsed.serialize(format=FORMATS[fmt]))


def _written(data: bytes | None) -> bytes:
    """What `serialize` without an output file returned (its stub says `bytes | None` always)."""
    assert data is not None
    return data


def refuse_uncarriable(captured: Captured) -> None:
    """UncarriableText naming the first literal that holds a character XML 1.0 cannot carry."""
    if not UNCARRIABLE_OR_ESCAPE.search(captured.tsv.decode("utf-8", "replace")):
        return  # the common case, decided on the TSV text alone
    parsed = captured.parsed()
    variables = [v.value for v in parsed.variables]
    for number, solution in enumerate(parsed, start=1):
        for variable, term in zip(variables, solution):
            found = _uncarriable(term)
            if found:
                raise UncarriableText(
                    f"the answer holds the control character U+{ord(found):04X} in ?{variable} "
                    f"(row {number}); SPARQL XML cannot carry it, so no format is given it"
                )


def _uncarriable(term) -> str | None:
    if isinstance(term, ox.Literal):
        found = UNCARRIABLE.search(term.value)
        return found.group() if found else None
    if isinstance(term, ox.Triple):
        return next(filter(None, map(_uncarriable, term)), None)
    return None
