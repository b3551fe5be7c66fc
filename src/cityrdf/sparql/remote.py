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
- Bounded in bytes, memory and time. The body is read as a stream and inflated here, step by step,
  so neither the bytes on the wire nor the inflated bytes ever pass MAX_ANSWER_BYTES (a gzip bomb
  stops at the cap, not at what it inflates to); the answer is parsed by Oxigraph's SPARQL results
  parser (no Python object per JSON value), at most MAX_ROWS solutions, before the same deadline.
- Answers are judged on their parsed structure: the content type, then Oxigraph's parser checks
  UTF-8, JSON syntax and depth, the shape of SPARQL 1.1 results JSON and every term.
  Anything else is `EndpointError` (exit 2) with one line.
"""

from __future__ import annotations

import html
import re
import time
import zlib
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

import httpcore
import httpx
import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.sparql import endpoints, results
from cityrdf.terminal import shown

DEADLINE_SECONDS = endpoints.DEADLINE_SECONDS
# An answer's bytes, on the wire and again once inflated; a SELECT answer's rows once parsed.
MAX_ANSWER_BYTES = 64 * 2**20
MAX_ROWS = 1_000_000
MAX_REDIRECTS = 5
VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
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


def read_body(
    response: httpx.Response, url: str, limit: int | None = None, deadline: Deadline | None = None
) -> bytes:
    """The whole body of a streamed response, its content coding undone here, refused as soon as
    the bytes on the wire or the inflated bytes pass `limit` (default MAX_ANSWER_BYTES).

    httpx would inflate each network read whole (a 64 KiB read of a gzip bomb is 64 MiB at
    once); here no step inflates more than what is left under the cap.
    """
    limit = MAX_ANSWER_BYTES if limit is None else limit
    coding = response.headers.get("content-encoding", "identity").strip().lower()
    if coding not in CONTENT_CODINGS:
        raise EndpointError(
            f"{url}: answered in Content-Encoding {coding[:40]!r}; cityrdf asks for "
            f"{ACCEPT_ENCODING} only"
        )
    inflater = CONTENT_CODINGS[coding]()
    body, wire = bytearray(), 0
    for raw in response.iter_raw():
        wire += len(raw)
        if wire > limit:
            raise EndpointError(f"{url}: the answer is larger than {_size(limit)} as sent")
        pending = raw
        while pending:
            body += inflater.decompress(pending, limit + 1 - len(body))
            if len(body) > limit:
                raise EndpointError(
                    f"{url}: the answer is larger than {_size(limit)} once inflated "
                    f"({_size(wire)} as sent so far)"
                )
            pending = inflater.unconsumed_tail
        if deadline is not None:
            deadline.left(None, httpx.ReadTimeout)
    if wire and not inflater.eof:
        raise EndpointError(f"{url}: the answer's {coding} stream is cut short", retryable=True)
    return bytes(body)


class _Inflater(Protocol):
    """What reads an answer's body as sent: zlib's decompressor, and the two below."""

    @property
    def eof(self) -> bool: ...

    @property
    def unconsumed_tail(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int, /) -> bytes: ...


class _Identity:
    """The inflater of an answer sent as it is."""

    eof = True
    unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        self.unconsumed_tail = data[max_length:]
        return data[:max_length]


class _Deflate:
    """HTTP's `deflate` is zlib-wrapped (RFC 9110 §8.4.1.2); some servers send it raw."""

    def __init__(self):
        self._inflater = None

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._inflater is None:
            zlib_header = len(data) >= 2 and (data[0] << 8 | data[1]) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        return self._inflater.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        return self._inflater.unconsumed_tail if self._inflater else b""

    @property
    def eof(self) -> bool:
        return self._inflater is not None and self._inflater.eof


CONTENT_CODINGS: dict[str, Callable[[], _Inflater]] = {
    "identity": _Identity,
    "gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "x-gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "deflate": _Deflate,
}
ACCEPT_ENCODING = "gzip, deflate"


def _size(n: int) -> str:
    return f"{round(n / 2**20, 1):g} MiB" if n >= 2**20 else f"{round(n / 1024)} KiB"


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
    seconds: float | Deadline = DEADLINE_SECONDS,
    user_agent: str = USER_AGENT,
) -> results.Captured:
    """The answer to `query` POSTed to `endpoint`, parsed and checked by Oxigraph.

    `seconds` bounds everything from the first connection to the last solution parsed; a
    `Deadline` given instead is shared with the caller's other steps (one deadline per command).
    """
    deadline = seconds if isinstance(seconds, Deadline) else Deadline(seconds)
    body, content_type = _ask(endpoint, query, deadline, user_agent)
    return parse_results(body, content_type, endpoint, deadline)


def _ask(endpoint: str, query: str, deadline: Deadline, user_agent: str) -> tuple[bytes, str]:
    """The body and content type of a 200 answer to `query`, read within the caps and deadline."""
    headers = {
        "User-Agent": user_agent,
        "Accept": ", ".join(RESULTS_JSON),
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    url, method, form = endpoint, "POST", {"query": query}
    try:
        with client(deadline, headers=headers) as http:
            for _ in range(MAX_REDIRECTS + 1):
                with http.stream(method, url, data=form) as response:
                    if not 300 <= response.status_code < 400:
                        body = read_body(response, endpoint, deadline=deadline)
                        break
                    url, method, form = _redirected(endpoint, url, response, method, form)
            else:
                raise EndpointError(f"{endpoint}: more than {MAX_REDIRECTS} redirects")
    except httpx.TimeoutException:
        raise EndpointError(
            f"{endpoint}: no complete answer within {deadline.seconds:g} s", retryable=True
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
    return body, response.headers.get("content-type", "")


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


def parse_results(
    body: bytes,
    content_type: str,
    endpoint: str,
    deadline: Deadline | None = None,
    max_rows: int | None = None,
) -> results.Captured:
    """A SELECT query's SPARQL results JSON, parsed by Oxigraph (which checks UTF-8, the JSON, the
    structure and every term with its validating constructors), at most `max_rows` solutions
    (default MAX_ROWS), parsed before `deadline`. Anything else is EndpointError."""
    media = content_type.split(";")[0].strip().lower()
    if media not in RESULTS_JSON:
        raise EndpointError(
            f"{endpoint}: answered {media or 'without a Content-Type'}, "
            "not SPARQL results JSON (application/sparql-results+json)"
        )
    max_rows = MAX_ROWS if max_rows is None else max_rows

    def in_time() -> None:
        if deadline is not None:
            deadline.left(None, TimeoutError)

    # Virtuoso labels blank nodes `nodeID://b1`, which is no blank node label in RDF: the label
    # means one node within this answer only, so its tail alone names it as well.
    body = VIRTUOSO_BNODE.sub(rb"\1", body)
    try:
        parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QueryBoolean):
            raise EndpointError(f"{endpoint}: answered an ASK query's boolean; only SELECT is run")
        captured = results.capture(parsed, max_rows, MAX_ANSWER_BYTES, in_time)
    except TimeoutError:
        assert deadline is not None  # only in_time raises it, and only with a deadline
        raise EndpointError(
            f"{endpoint}: no complete answer within {deadline.seconds:g} s", retryable=True
        ) from None
    except results.TooLarge:
        raise EndpointError(f"{endpoint}: the answer is larger than {_size(MAX_ANSWER_BYTES)}")
    except SyntaxError as err:
        reason = " ".join(str(err).split())[:200]
        raise EndpointError(
            f"{endpoint}: the answer is not SPARQL results JSON ({reason})",
            # broken JSON may be an answer cut short, worth asking again; a wrong shape is not
            retryable=reason.startswith("Parser error"),
        ) from None
    if captured.truncated:
        raise EndpointError(f"{endpoint}: the answer has more than {max_rows:,} rows")
    return captured


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
    # the server's words reach a terminal: no escape sequence or bidi override acts there
    return shown(" ".join(html.unescape(text).split())[:300]) or response.reason_phrase
