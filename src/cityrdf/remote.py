"""HTTP to SPARQL endpoints and stores, honest under every answer (`query --endpoint`, `link`,
`compare`, `export`, `push`).

- One deadline for the whole exchange. httpx's timeouts bound each socket read, so a server that
  drips a byte every few seconds could hold a call for ever; here every connect, read and write of
  the connection waits at most what is left of one deadline (a network backend under httpx).
- Redirects. A query is never re-sent to another origin (scheme, host and port): a 3xx there is bad
  input, named with its target. Within the endpoint's own origin a 307/308 (and a 301/302, which
  RFC 9110 §15.4 lets a client treat alike) re-sends the same request, body and method unchanged,
  so a moved `/sparql` still gets the query rather than a bare GET; a 303 ("see other") is fetched
  with GET, as its definition asks. At most five hops. `push` follows none (its writes carry
  credentials): for it a redirect is a failure of its own.
- Answers are judged on their parsed structure: the content type, UTF-8, JSON syntax and depth, the
  shape of SPARQL 1.1 results JSON, and every term rebuilt with Oxigraph's validating constructors.
  Anything else is `EndpointError` (exit 2) with one line.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import time
from urllib.parse import urlsplit

import httpcore
import httpx
import pyoxigraph as ox

from cityrdf.errors import BadInput

DEADLINE_SECONDS = 60.0
MAX_ANSWER_BYTES = 512 * 1024 * 1024
MAX_REDIRECTS = 5
RESULTS_JSON = ("application/sparql-results+json", "application/json")
USER_AGENT = "cityrdf (https://w3id.org/cityrdf)"


class EndpointError(BadInput):
    """An endpoint that failed to give a usable answer; `retryable` says whether asking again may help."""

    def __init__(self, reason: str, retryable: bool = False, retry_after: float = 0.0):
        super().__init__(reason)
        self.retryable = retryable
        self.retry_after = retry_after


# --- one deadline for every socket operation ----------------------------------------------------


class Deadline:
    """A point in time; `restart()` sets it `seconds` from now (once per exchange)."""

    def __init__(self, seconds: float = DEADLINE_SECONDS):
        self.seconds = seconds
        self.restart()

    def restart(self) -> None:
        self.ends = time.monotonic() + self.seconds

    def left(self, timeout: float | None, expired: type[Exception]) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise expired(f"no complete answer within {self.seconds:g} s")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline):
        self._stream, self._deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        left = self._deadline.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: Deadline):
        self._backend, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        left = self._deadline.left(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, left, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("cityrdf speaks to endpoints over TCP only")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport, its connection pool built on the deadline backend (httpx takes no
    backend argument, so the pool it made is replaced; tests/query/test_remote.py would see a
    change of httpx's internals as a dripping server that is no longer cut off)."""

    def __init__(self, deadline: Deadline):
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_DeadlineBackend(deadline)
        )


def client(deadline: Deadline, **options) -> httpx.Client:
    """An httpx client whose every exchange ends by `deadline` and that never follows a redirect."""
    return httpx.Client(
        transport=_DeadlineTransport(deadline),
        follow_redirects=False,
        timeout=httpx.Timeout(None),
        **options,
    )


def read_body(response: httpx.Response, url: str, limit: int | None = None) -> bytes:
    """The whole (decoded) body of a streamed response, refused beyond `limit` bytes."""
    limit = MAX_ANSWER_BYTES if limit is None else limit
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            raise EndpointError(f"{url}: the answer is larger than {limit // 2**20} MiB")
    return bytes(body)


# --- asking a SELECT query ----------------------------------------------------------------------


def same_origin(first: str, second: str) -> bool:
    """RFC 6454 origins: scheme, host and port (a scheme's default port spelt out or not) agree."""

    def origin(url: str) -> tuple:
        parts = urlsplit(url)
        default = {"http": 80, "https": 443}.get(parts.scheme.lower())
        return parts.scheme.lower(), parts.hostname, parts.port or default

    try:
        return origin(first) == origin(second)
    except ValueError:  # a port that is not a number
        return False


def select(
    endpoint: str,
    query: str,
    seconds: float = DEADLINE_SECONDS,
    user_agent: str = USER_AGENT,
) -> dict:
    """The SPARQL results JSON document of `query` POSTed to `endpoint`, its structure checked."""
    deadline = Deadline(seconds)
    headers = {"User-Agent": user_agent, "Accept": ", ".join(RESULTS_JSON)}
    url, method, form = endpoint, "POST", {"query": query}
    try:
        with client(deadline, headers=headers) as http:
            for _ in range(MAX_REDIRECTS + 1):
                with http.stream(method, url, data=form) as response:
                    if not 300 <= response.status_code < 400:
                        body = read_body(response, endpoint)
                        break
                    url, method, form = _redirected(endpoint, url, response, method, form)
            else:
                raise EndpointError(f"{endpoint}: more than {MAX_REDIRECTS} redirects")
    except httpx.TimeoutException:
        raise EndpointError(
            f"{endpoint}: no complete answer within {seconds:g} s", retryable=True
        ) from None
    except httpx.ConnectError as err:
        reason = " ".join(str(err).split())[:200] or type(err).__name__
        raise EndpointError(f"{endpoint}: cannot connect ({reason})", retryable=True) from None
    except httpx.HTTPError as err:  # reset, a broken chunked body, a bad header
        reason = " ".join(str(err).split())[:200] or type(err).__name__
        raise EndpointError(
            f"{endpoint}: the connection failed ({reason})", retryable=True
        ) from None
    if response.status_code >= 400:
        raise EndpointError(
            f"{endpoint}: HTTP {response.status_code}: {error_text(body, response)}",
            retryable=response.status_code in (429, 500, 502, 503, 504),
            retry_after=_retry_after(response),
        )
    if response.status_code != 200:
        raise EndpointError(f"{endpoint}: HTTP {response.status_code} is not an answer")
    return results_json(body, response.headers.get("content-type", ""), endpoint)


def _redirected(endpoint: str, url: str, response: httpx.Response, method: str, form):
    """Where a redirect leads and how to ask there, or EndpointError when it leaves the origin."""
    code = response.status_code
    if not response.headers.get("location"):
        raise EndpointError(f"{endpoint}: answered HTTP {code} without a Location to go to")
    try:
        target = str(response.url.join(response.headers.get("location", "")))
    except (httpx.InvalidURL, ValueError):
        target = ""
    if not target or not same_origin(endpoint, target):
        shown = response.headers.get("location", "")[:200] or "nowhere"
        raise EndpointError(
            f"{endpoint}: redirects (HTTP {code}) to {shown!r}, outside {_origin(endpoint)}; "
            "cityrdf does not follow a redirect to another scheme, host or port "
            "(give that URL as --endpoint if you trust it)"
        )
    if code == 303:
        return target, "GET", None
    return target, method, form


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def results_json(body: bytes, content_type: str, endpoint: str) -> dict:
    """A SPARQL 1.1 results JSON document (a SELECT's), checked as far as the terms in it."""
    media = content_type.split(";")[0].strip().lower()
    if media not in RESULTS_JSON:
        raise EndpointError(
            f"{endpoint}: answered {media or 'without a Content-Type'}, "
            "not SPARQL results JSON (application/sparql-results+json)"
        )
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise EndpointError(f"{endpoint}: the answer is not UTF-8 (byte {err.start})") from None
    except RecursionError:
        raise EndpointError(f"{endpoint}: the answer is JSON nested too deeply") from None
    except ValueError as err:
        raise EndpointError(
            f"{endpoint}: the answer is not JSON ({str(err).splitlines()[0]})", retryable=True
        ) from None
    if isinstance(document, dict) and "boolean" in document:
        raise EndpointError(f"{endpoint}: answered an ASK query's boolean; only SELECT is run")
    head = document.get("head") if isinstance(document, dict) else None
    results = document.get("results") if isinstance(document, dict) else None
    columns = head.get("vars") if isinstance(head, dict) else None
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not (_strings(columns) and isinstance(bindings, list)):
        raise EndpointError(
            f"{endpoint}: the answer is not SPARQL results JSON (no head.vars or results.bindings)"
        )
    for number, binding in enumerate(bindings, start=1):
        if not isinstance(binding, dict):
            raise EndpointError(f"{endpoint}: result {number} is not a JSON object")
        for column, cell in binding.items():
            if column not in columns:
                raise EndpointError(
                    f"{endpoint}: result {number} binds ?{column}, not in head.vars"
                )
            try:
                term(cell)
            except (TypeError, ValueError, SyntaxError) as err:
                reason = " ".join(str(err).split())[:200]
                raise EndpointError(f"{endpoint}: result {number}, ?{column}: {reason}") from None
    return document


def term(cell) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The RDF term of a results-JSON cell, built (and so checked) by Oxigraph."""
    if not isinstance(cell, dict) or not isinstance(cell.get("value"), str):
        raise TypeError("a term without a string value")
    kind, value = cell.get("type"), cell["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":  # a label of the answer alone (Virtuoso's `nodeID://b1` is no N-Triples id)
        return ox.BlankNode("b" + hashlib.sha256(value.encode()).hexdigest()[:24])
    if kind not in ("literal", "typed-literal"):  # typed-literal: SPARQL 1.0's JSON, still seen
        raise ValueError(f"type {kind!r} is none of uri, literal, bnode")
    lang, datatype = cell.get("xml:lang"), cell.get("datatype")
    if lang is not None:
        if not isinstance(lang, str):
            raise TypeError("xml:lang is not a string")
        return ox.Literal(value, language=lang)
    if datatype is not None:
        if not isinstance(datatype, str):
            raise TypeError("datatype is not a string")
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def _strings(items) -> bool:
    return isinstance(items, list) and all(isinstance(i, str) for i in items)


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", 0)))
    except ValueError:
        return 0.0


def error_text(body: bytes, response: httpx.Response) -> str:
    """A server's reason in one short line (Virtuoso wraps it in HTML, inside <xmp>)."""
    text = body.decode("utf-8", errors="replace")
    found = re.search(r"<xmp>(.*?)</xmp>", text, re.DOTALL)
    text = found.group(1) if found else re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())[:300] or response.reason_phrase
