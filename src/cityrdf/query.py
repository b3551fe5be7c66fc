"""`cityrdf query` and `cityrdf queries`: run a stored question on the embedded store or an endpoint.

Parameters are bound as RDF terms in a VALUES block at the start of the WHERE group (SPARQL 1.1
§10.2.1), built from validated Oxigraph terms, so a value can never change the query's text. (A
trailing VALUES clause would do in Oxigraph, but Virtuoso refuses one that names a variable the
SELECT does not return.) Local and remote answers go
through one representation (the SPARQL TSV Oxigraph writes of them) and so print identically; the
SPARQL result formats are Oxigraph's, the CSV for people goes through cityrdf.fs.csvsafe.
"""

from __future__ import annotations

import io
import re
import sys
import weakref
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cityrdf import terminal
from cityrdf.errors import BadInput
from cityrdf.fs import csvsafe
from cityrdf.rdf.namespaces import PREFIXES
from cityrdf.sparql import catalogue, results
from cityrdf.sparql.catalogue import StoredQuery
from cityrdf.sparql.endpoints import DEADLINE_SECONDS, require_http_url
from cityrdf.text import plural

if TYPE_CHECKING:
    from cityrdf.rdf.kept_dataset import KeptDataset
    from cityrdf.sparql.remote import Deadline
    from cityrdf.web.worker import Worker

FORMATS = ("table", "csv", "tsv", "json")
# RFC 3987 forbids these in an IRI; a value holding them is refused rather than escaped.
IRI_FORBIDDEN = re.compile(r'[\x00-\x20\x7f<>"{}|\\^`]')
IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
PREFIXED_NAME = re.compile(r"^([A-Za-z][\w-]*):(\S*)$")
INTEGER = re.compile(r"^[+-]?\d+$")
# Past a day a deadline is no deadline (and past ~10^9 s the clocks overflow).
MAX_TIMEOUT_SECONDS = 86_400.0
# what a local query may use in its walled worker (cityrdf.web.worker), well past any stored question
LOCAL_MAX_ROWS = 1_000_000
LOCAL_MAX_BYTES = 2**30
LOCAL_MEMORY = 2**31

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = tuple[Term | None, ...]


class Answer:
    """The result of a SELECT query: its variables and its solutions, kept as the SPARQL TSV
    Oxigraph wrote of them (cityrdf.sparql.results), from which every format is written by Oxigraph.

    `rows` gives them as Oxigraph terms (None = unbound), parsed on first read: running a question
    costs what Oxigraph's evaluation costs, and only a caller that reads the rows pays for parsing.
    """

    def __init__(self, columns: list[str], captured: results.Captured):
        self.columns = columns
        self.captured = captured
        self._rows: list[Row] | None = None

    @classmethod
    def of(cls, solutions: ox.QuerySolutions) -> Answer:
        """An evaluated SELECT result, captured whole (the project's own data: no row cap)."""
        columns = [v.value for v in solutions.variables]
        return cls(columns, results.capture(solutions, sys.maxsize, sys.maxsize))

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            solutions = self.captured.solutions()
            self._rows = [tuple(s[c] for c in self.columns) for s in solutions]
        return self._rows

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Answer):
            return NotImplemented
        return (self.columns, self.rows) == (other.columns, other.rows)

    def __repr__(self) -> str:
        return f"Answer(columns={self.columns!r}, rows={self.rows!r})"


class Engine:
    """Where queries run: the embedded Oxigraph store (default: the project graph) or an endpoint.

    Every local query, a stored question or a `.rq` file, is checked (cityrdf.sparql.guard) and
    evaluated in a walled worker (cityrdf.web.worker) with its deadline and caps: a stored
    question's parameters come from the user (docs/decisions/0019-stored-questions-in-the-worker.md).
    """

    def __init__(
        self,
        endpoint: str | None = None,
        store: ox.Store | None = None,
        timeout: float = DEADLINE_SECONDS,
    ):
        self.endpoint = None if endpoint is None else require_http_url(endpoint)
        self._store = store
        if not 0 < timeout <= MAX_TIMEOUT_SECONDS:
            raise BadInput(
                f"--timeout {timeout}: expected a number of seconds above 0 and at most "
                f"{MAX_TIMEOUT_SECONDS:g} (a day)"
            )
        self.timeout = timeout
        # one deadline for the whole command: every ask of the endpoint and the parsing share it
        # (the HTTP client is imported only for an endpoint)
        self.deadline: Deadline | None = None
        if self.endpoint:
            from cityrdf.sparql import remote

            self.deadline = remote.Deadline(timeout)
        # None: the store's own default graph
        self._default_graph: list[ox.NamedNode] | None = None
        # the walled process that evaluates this engine's local queries
        self._worker: Worker | None = None
        # the project dataset, opened from .cache/dataset/ or loaded (cityrdf.rdf.kept_dataset)
        self._dataset: KeptDataset | None = None

    def select(self, text: str) -> Answer:
        return self._remote(self.endpoint, text) if self.endpoint else self._local(text)

    def _local(self, text: str) -> Answer:
        from cityrdf.rdf import dataset, kept_dataset
        from cityrdf.sparql.guard import QueryRefused, check_query
        from cityrdf.web.worker import Job, Limits, Worker

        if self._store is None:  # the project dataset; a store given by the caller is used as is
            self._dataset = kept_dataset.project_dataset()
            weakref.finalize(self, self._dataset.close)
            self._store, self._default_graph = self._dataset.store, dataset.PROJECT_GRAPHS
        try:  # the server's check and wall: a query file of unknown origin never calls other hosts
            checked = check_query(text)
        except QueryRefused as refused:
            raise BadInput(str(refused)) from None
        if checked.form != "SELECT":
            raise BadInput("only SELECT queries can be run here")
        options = (
            {}
            if checked.names_dataset or not self._default_graph
            else {"default_graph": self._default_graph}
        )
        limits = Limits(self.timeout, LOCAL_MAX_ROWS, LOCAL_MAX_BYTES, LOCAL_MEMORY)
        job = Job(checked.text, "text/tab-separated-values", "tsv", options)
        if self._worker is None:  # one fork for all of this engine's queries (a city lookup, then
            self._worker = Worker(self._store, limits)  # the question), stopped with the engine
            weakref.finalize(self, self._worker.stop)
        answer, reusable = self._worker.run_whole(job, limits)
        if not reusable:  # killed past its deadline or memory
            self._worker.stop()
            self._worker = None
        message = answer.body.decode("utf-8", "replace").strip()
        if answer.status != 200:
            raise BadInput(message)
        if answer.truncated:
            raise BadInput(f"the answer has more than {LOCAL_MAX_ROWS} rows")
        captured = results.Captured(answer.body)
        return Answer(captured.variables, captured)

    def _remote(self, endpoint: str, text: str) -> Answer:
        from cityrdf.sparql import remote

        assert self.deadline is not None  # set with the endpoint
        captured = remote.select(endpoint, text, self.deadline)
        return Answer(captured.variables, captured)


# --- parameters ---------------------------------------------------------------------------------


def parse_params(pairs: list[str]) -> dict[str, str]:
    """`key=value` strings from the command line as a dict."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--param {pair!r}: expected key=value")
        params[key.strip()] = value
    return params


def to_iri(value: str, name: str) -> ox.NamedNode:
    """A full IRI from `<...>`, an absolute IRI, or a prefixed name with a known prefix."""
    raw = value.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    else:
        prefixed = PREFIXED_NAME.match(raw)
        if (
            prefixed
            and prefixed.group(1) in PREFIXES
            and not raw.startswith(prefixed.group(1) + "://")
        ):
            raw = PREFIXES[prefixed.group(1)] + prefixed.group(2)
    # Judged on its parsed form (Oxigraph parses RFC 3987 IRIs: control characters, spaces and
    # `<>"{}|\\^`` are refused), with the character and scheme checks as a second wall.
    try:
        parsed = ox.NamedNode(raw)
    except ValueError:
        parsed = None
    if parsed is None or IRI_FORBIDDEN.search(parsed.value) or not IRI_SCHEME.match(parsed.value):
        raise BadInput(f"parameter {name}: {value!r} is not an absolute IRI")
    return parsed


def looks_like_iri(value: str) -> bool:
    raw = value.strip()
    return (
        raw.startswith("<")
        or "://" in raw
        or bool(PREFIXED_NAME.match(raw) and raw.split(":", 1)[0] in PREFIXES)
    )


CITY_BY_LABEL = """
PREFIX cr: <https://w3id.org/cityrdf/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?city WHERE {
  VALUES ?wanted { %s }
  ?city a cr:City ; rdfs:label|skos:altLabel ?label .
  FILTER(LCASE(STR(?label)) = LCASE(STR(?wanted)))
}
ORDER BY ?city
"""


def resolve_city(value: str, engine: Engine) -> ox.NamedNode:
    """A city IRI from its IRI or its label (English or other, any case), looked up where the query runs."""
    if looks_like_iri(value):
        return to_iri(value, "city")
    wanted = ox.Literal(value.strip())
    # VALUES inside the pattern: a trailing one would join only after the FILTER has run
    answer = engine.select(CITY_BY_LABEL % wanted)
    cities = sorted({cell_text(row[0]) for row in answer.rows})
    if not cities:
        raise BadInput(f"parameter city: no city is labelled {value!r}")
    if len(cities) > 1:
        raise BadInput(
            f"parameter city: {value!r} names {len(cities)} cities ({', '.join(cities)}); give the IRI"
        )
    return ox.NamedNode(cities[0])


def bind_params(query: StoredQuery, raw: dict[str, str], engine: Engine) -> str:
    """The query text with its parameters bound in a VALUES block opening the WHERE group."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        takes = ", ".join(declared) or "no parameters"
        raise BadInput(f"query {query.name} has no parameter {unknown[0]!r} (it takes {takes})")
    missing = [name for name in declared if name not in raw]
    if missing:
        raise BadInput(
            f"query {query.name} needs --param {missing[0]}=VALUE ({declared[missing[0]].doc})"
        )
    if not declared:
        return query.text
    terms = {name: _term(declared[name], value, engine) for name, value in raw.items()}
    names = " ".join(f"?{n}" for n in terms)
    values = " ".join(str(t) for t in terms.values())
    brace = where_group_start(query.text)
    return query.text[:brace] + f" VALUES ({names}) {{ ({values}) }}" + query.text[brace:]


def where_group_start(text: str) -> int:
    """The index just after the `{` that opens a SELECT query's WHERE group.

    Skips comments, strings and IRIs of the prologue and select clause, where a `{` or `#` may
    appear inside an IRI or a string; raises BadInput when the query has no group at all.
    """
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif ch in "\"'":
            end = text.find(ch, i + 1)
            i = n if end < 0 else end
        elif ch == "<" and (iri := re.match(r"<[^\s<>]*>", text[i:])):
            i += iri.end() - 1
        elif ch == "{":
            return i + 1
        i += 1
    raise BadInput("the query has no WHERE group to bind parameters in")


def _term(param: catalogue.Param, value: str, engine: Engine) -> ox.NamedNode | ox.Literal:
    if param.type == "city":
        return resolve_city(value, engine)
    if param.type == "iri":
        return to_iri(value, param.name)
    if param.type == "integer":
        if not INTEGER.match(value.strip()):
            raise BadInput(f"parameter {param.name}: {value!r} is not an integer")
        return ox.Literal(int(value))
    return ox.Literal(value)


# --- output -------------------------------------------------------------------------------------


def cell_text(term: Term | None) -> str:
    """A term as the SPARQL CSV format writes it: IRIs in full, literals by their lexical form."""
    return "" if term is None else term.value


def to_csv(answer: Answer, delimiter: str = ",") -> str:
    return csvsafe.table(
        answer.columns,
        ([cell_text(t) for t in row] for row in answer.rows),
        lineterminator="\r\n",
        delimiter=delimiter,
    )


def to_tsv(answer: Answer) -> str:
    """SPARQL 1.1 TSV results: `?var` headers, terms in N-Triples syntax (written by Oxigraph)."""
    return results.serialize(answer.captured, "tsv").decode("utf-8")


def to_json(answer: Answer) -> str:
    """SPARQL 1.1 Query Results JSON (written by Oxigraph)."""
    return results.serialize(answer.captured, "json").decode("utf-8")


def _short(term: Term | None) -> str:
    text = cell_text(term)
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if text.startswith(iri) and len(text) > len(iri):
                return f"{prefix}:{text[len(iri) :]}"
    return text


def to_table(answer: Answer, title: str = "") -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title or None)
    for column in answer.columns:
        table.add_column(column)
    # outside text: no escape sequence, bidi override or Rich markup acts on the terminal
    for row in answer.rows:
        table.add_row(*(terminal.cell(_short(t)) for t in row))
    written = io.StringIO()
    console = Console(file=written, width=200, color_system=None)
    console.print(table)
    console.print(plural(len(answer.rows), "row"))
    return written.getvalue()


def render(answer: Answer, fmt: str, title: str = "") -> str:
    """The answer in `fmt`; BadInput in every format alike if a literal holds a control character
    SPARQL XML cannot carry (cityrdf.sparql.results)."""
    try:
        results.refuse_uncarriable(answer.captured)
    except results.UncarriableText as refused:
        raise BadInput(str(refused)) from None
    if fmt == "csv":
        return to_csv(answer)
    if fmt == "tsv":
        return to_tsv(answer)
    if fmt == "json":
        return to_json(answer)
    if fmt == "table":
        return to_table(answer, title)
    raise BadInput(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


# --- the verbs ----------------------------------------------------------------------------------


def run(
    query: StoredQuery | str,
    params: dict[str, str] | None = None,
    endpoint: str | None = None,
    store: ox.Store | None = None,
    timeout: float = DEADLINE_SECONDS,
) -> Answer:
    """Run a stored question (by name) or a `.rq` file, with its parameters bound."""
    query = query if isinstance(query, StoredQuery) else catalogue.find(query)
    engine = Engine(endpoint, store, timeout)
    text = bind_params(query, params or {}, engine)
    if engine.endpoint:
        return engine.select(text)
    try:
        return engine.select(text)
    except BadInput as err:  # the check's and Oxigraph's lines and columns are the file's own
        raise BadInput(f"{query.path}: {err}") from None


def main(
    name_or_file: str,
    param: list[str] | None = None,
    fmt: str = "table",
    endpoint: str | None = None,
    timeout: float = DEADLINE_SECONDS,
) -> str:
    """`cityrdf query`: the answer rendered in `fmt`."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    query = catalogue.find(name_or_file)
    answer = run(query, parse_params(param or []), endpoint, timeout=timeout)
    return render(answer, fmt, query.title.get("en", query.name))


def list_queries() -> str:
    """`cityrdf queries`: names, titles in English and Persian, and parameters."""
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "title", "عنوان", "params")
    for query in catalogue.discover().values():
        params = ", ".join(f"{p.name} ({p.type})" for p in query.params)
        table.add_row(query.name, query.title.get("en", ""), query.title.get("fa", ""), params)
    written = io.StringIO()
    console = Console(file=written, width=200, color_system=None)
    console.print(table)
    return written.getvalue()
