"""What a query from outside may do, decided on its parsed form (rdflib's SPARQL 1.1 parser and
algebra), never on its text.

A query may run only if it parses as a SPARQL 1.1 query and neither its parse tree nor its algebra
holds a SERVICE pattern (any nesting, any spelling, an IRI, a prefixed name or a variable). What the
parser cannot read is refused, even if Oxigraph would accept it (fail closed): RDF 1.2 query syntax
is one such case. The process that evaluates a query cannot open network sockets either
(`cityrdf.sandbox`), so a gap in this check is still not a way to reach other hosts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue


class QueryRefused(Exception):
    """A query that must not run: `status` is the HTTP status, `str(err)` the one-line reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class CheckedQuery:
    """A query that may run, with what its text says about the dataset it asks for."""

    form: str  # SelectQuery, AskQuery, ConstructQuery or DescribeQuery
    names_dataset: bool  # it has FROM or FROM NAMED


SERVICE_REFUSED = "SERVICE is refused: queries here never call other hosts"
UPDATE_REFUSED = "SPARQL Update is refused: only a read-only query may run here"


def check_query(text: str) -> CheckedQuery:
    """The query's form if it may run; QueryRefused (400 or 403) otherwise."""
    with _PARSER:
        return _check(text)


# pyparsing's parsers keep state while they parse: two threads at once can fail a valid query
_PARSER = threading.Lock()


@lru_cache(maxsize=512)  # a public endpoint sees the same few queries again and again
def _check(text: str) -> CheckedQuery:
    try:
        tree = parseQuery(text)
    except RecursionError:
        raise QueryRefused(400, "query nests too deeply to be read") from None
    except ParseBaseException as err:
        if _is_update(text):
            raise QueryRefused(403, UPDATE_REFUSED) from None
        raise QueryRefused(
            400, f"query does not parse (SPARQL 1.1 syntax): {_parse_reason(err)}"
        ) from None
    except Exception as err:  # noqa: BLE001 -- the parser raises plain Exceptions for some inputs
        raise QueryRefused(
            400, f"query does not parse (SPARQL 1.1 syntax): {_first_line(err)}"
        ) from None
    if _holds_service(tree):
        raise QueryRefused(403, SERVICE_REFUSED)
    try:
        algebra = translateQuery(tree)
    except RecursionError:
        raise QueryRefused(400, "query nests too deeply to be read") from None
    except Exception as err:  # noqa: BLE001 -- e.g. "Unknown namespace prefix : foo"
        raise QueryRefused(400, f"query error: {_first_line(err)}") from None
    if _holds_service(algebra.algebra):
        raise QueryRefused(403, SERVICE_REFUSED)
    query = tree[1]
    return CheckedQuery(form=query.name, names_dataset="datasetClause" in query)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 -- not an update either: the query's own error is reported
        return False
    return True


def _holds_service(root) -> bool:
    """True if any part of a parse tree or algebra expression is a SERVICE pattern."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # the algebra shares sub-expressions with the parse tree
            continue
        seen.add(id(node))
        if isinstance(node, CompValue) and "service" in node.name.lower():
            return True
        if isinstance(node, ParseResults):
            stack.extend(list(node))
            stack.extend(node.values())
        elif isinstance(node, dict):  # CompValue is a dict too
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)
    return False


def _parse_reason(err: ParseBaseException) -> str:
    return f"{err.msg}, found {err.found!r} at line {err.lineno}, column {err.column}"


def _first_line(err: Exception) -> str:
    return (str(err).splitlines() or [type(err).__name__])[0][:200]
