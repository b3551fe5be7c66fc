"""HTTP content negotiation (RFC 9110 §12.5.1): pick the offered media type the client prefers."""

from __future__ import annotations

import re

# RFC 9110 §12.4.2: at most three decimals, so `q=0.0001` is malformed (Apache reads it as 0)
QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")


def parse_accept(header: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) for each well-formed media range; malformed ranges (a q-value outside
    RFC 9110's grammar among them) are ignored."""
    ranges = []
    for part in header.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = float(value.strip()) if QVALUE.fullmatch(value.strip()) else -1.0
        if 0.0 <= q <= 1.0:
            ranges.append((kind, sub, q))
    return ranges


def negotiate(accept: list[str] | str | None, offered: list[str]) -> str | None:
    """The offered type with the highest q (ties: the server's order); None means 406.

    Each offered type takes the q of the most specific range that matches it (`text/html` over
    `text/*` over `*/*`). No Accept header at all means the client takes anything.
    """
    if isinstance(accept, list):
        accept = ",".join(accept)
    if accept is None or not accept.strip():
        return offered[0] if offered else None
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for media in offered:
        kind, _, sub = media.partition("/")
        matches = [
            (specificity, q)
            for k, s, q in ranges
            if (
                specificity := 2
                if (k, s) == (kind, sub)
                else 1
                if (k == kind and s == "*")
                else 0
                if (k, s) == ("*", "*")
                else -1
            )
            >= 0
        ]
        if not matches:
            continue
        q = max(matches)[1]
        if q > best_q:
            best, best_q = media, q
    return best
