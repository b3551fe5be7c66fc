"""A polite Wikidata SPARQL client: batched VALUES queries, retries with back-off, an on-disk cache.

The HTTP exchange is `cityrdf.sparql.remote`'s: one deadline for the whole answer, its bytes capped, no
redirect to another origin, the answer's structure checked before it is cached (as the SPARQL TSV
Oxigraph writes of it).

Wikidata's query service asks clients for a descriptive User-Agent and to back off on 429
(https://www.mediawiki.org/wiki/Wikidata_Query_Service/User_Manual#Query_limits); a rerun after a
failure resumes from the cache instead of asking again.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.fs import atomic
from cityrdf.project import current_project
from cityrdf.sparql import remote, results
from cityrdf.sparql.endpoints import require_http_url

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
USER_AGENT = "cityrdf/0.1 (sister-city knowledge graph; https://w3id.org/cityrdf/) httpx"
WD_PROLOGUE = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# Q486972 "human settlement": cities, towns and villages are all subclasses of it.
HUMAN_SETTLEMENT = "Q486972"


Term = ox.NamedNode | ox.BlankNode | ox.Literal


class EndpointFailed(BadInput):
    """The endpoint kept failing after the allowed retries."""


@dataclass
class WikidataClient:
    endpoint: str = WIKIDATA_SPARQL
    cache_dir: Path | None = None
    offline: bool = False
    timeout: float = 60.0
    attempts: int = 4
    backoff: float = 2.0  # seconds before the 2nd attempt; doubles each time
    max_wait: float = 60.0
    batch_size: int = 40

    bytes_read: int = 0  # the answers' size (as SPARQL TSV), from the endpoint or the cache

    def __post_init__(self) -> None:
        require_http_url(self.endpoint)
        if self.cache_dir is None:
            self.cache_dir = current_project().cache_dir / "wikidata"

    # -- the protocol ------------------------------------------------------------------------

    def select(self, query: str) -> list[dict[str, Term]]:
        """The solutions of a SELECT query (variable -> term, unbound ones left out), from the
        cache or the endpoint; `bytes_read` grows by the size of each answer."""
        cached = self._cache_path(query)
        if cached.is_file():
            captured = _read_cached(cached)
        elif self.offline:
            raise BadInput(f"{self.endpoint}: not in the cache and --offline forbids the network")
        else:
            captured = self._fetch(query)
            _write_atomically(cached, captured.tsv)
        self.bytes_read += len(captured.tsv)
        variables = captured.variables
        return [
            {v: term for v, term in zip(variables, solution) if term is not None}
            for solution in captured.parsed()
        ]

    def _fetch(self, query: str) -> results.Captured:
        reason = ""
        for attempt in range(1, self.attempts + 1):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                return remote.select(self.endpoint, query, self.timeout, USER_AGENT)
            except remote.EndpointError as err:
                if not err.retryable:  # a 4xx, a redirect elsewhere: asking again will not help
                    raise EndpointFailed(str(err)) from None
                reason = str(err).removeprefix(f"{self.endpoint}: ")
                wait = max(wait, err.retry_after)
            if attempt < self.attempts:
                time.sleep(min(wait, self.max_wait))
        raise EndpointFailed(f"{self.endpoint}: {reason} after {self.attempts} attempts; giving up")

    def _cache_path(self, query: str) -> Path:
        key = hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()
        assert self.cache_dir is not None  # __post_init__ sets it
        return Path(self.cache_dir) / f"{key}.tsv"

    # -- the questions cityrdf asks --------------------------------------------------------

    def settlements_named(self, labels: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
        """Human settlements whose label or alias is one of `labels` ((text, lang) pairs)."""
        rows = []
        for batch in _batches(sorted(set(labels)), self.batch_size):
            values = " ".join(f"{_literal(text)}@{lang}" for text, lang in batch)
            rows += self.select(WD_PROLOGUE + SETTLEMENTS_QUERY.replace("#VALUES", values))
        return [{k: v.value for k, v in row.items()} | _lang(row) for row in rows]

    def twins_of(self, qids: Iterable[str]) -> list[dict[str, str]]:
        """The P190 statements of `qids`, with their P580 start time when stated."""
        rows = []
        for batch in _batches(sorted(set(qids)), self.batch_size):
            values = " ".join(f"wd:{q}" for q in batch)
            rows += self.select(WD_PROLOGUE + TWINS_QUERY.replace("#VALUES", values))
        return [{k: v.value for k, v in row.items()} for row in rows]


SETTLEMENTS_QUERY = """SELECT ?label ?how ?item ?itemLabel ?country ?countryLabel ?coord WHERE {
  VALUES ?label { #VALUES }
  { ?item rdfs:label ?label BIND("label" AS ?how) }
  UNION { ?item skos:altLabel ?label BIND("alias" AS ?how) }
  ?item wdt:P31/wdt:P279* wd:%s .
  OPTIONAL { ?item wdt:P17 ?country .
             OPTIONAL { ?country rdfs:label ?countryLabel FILTER(lang(?countryLabel) = "en") } }
  OPTIONAL { ?item rdfs:label ?itemLabel FILTER(lang(?itemLabel) = "en") }
  OPTIONAL { ?item wdt:P625 ?coord }
}""".replace("%s", HUMAN_SETTLEMENT)

TWINS_QUERY = """SELECT ?city ?twin ?twinLabel ?start WHERE {
  VALUES ?city { #VALUES }
  ?city p:P190 ?statement . ?statement ps:P190 ?twin .
  OPTIONAL { ?statement pq:P580 ?start }
  OPTIONAL { ?twin rdfs:label ?twinLabel FILTER(lang(?twinLabel) = "en") }
}"""


def qid(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


WIKIDATA_ITEM = re.compile(r"http://www\.wikidata\.org/entity/(Q[1-9]\d*)")


def item_qid(iri: str) -> str | None:
    """The QID of a Wikidata item's IRI; None for any other IRI (another site's IRI may end in a
    QID too) or text."""
    found = WIKIDATA_ITEM.fullmatch(iri)
    return found.group(1) if found else None


def _lang(row: dict[str, Term]) -> dict[str, str]:
    return {"lang": getattr(row["label"], "language", None) or ""} if "label" in row else {}


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid SPARQL string literal


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_atomically(path: Path, content: bytes) -> None:
    atomic.write_bytes(path, content)


def _read_cached(path: Path) -> results.Captured:
    """A cached answer, read no further than an answer may be long and checked by parsing it."""
    with path.open("rb") as handle:
        content = handle.read(remote.MAX_ANSWER_BYTES + 1)
    try:
        if len(content) > remote.MAX_ANSWER_BYTES:
            raise ValueError(f"larger than {remote.MAX_ANSWER_BYTES:,} bytes")
        captured = results.Captured(content)
        captured.solutions()
    except (SyntaxError, ValueError) as err:
        reason = " ".join(str(err).split())[:200]
        raise BadInput(f"{path}: not a cached SPARQL answer ({reason}); delete it") from None
    return captured
