"""What counts as a SPARQL endpoint URL, for every verb that takes `--endpoint` (query, link, push …).

Only absolute http(s) URLs with a host are accepted: a `file:` or `ftp:` URL would make an HTTP
client read local files or dial other protocols on the user's behalf. What is done with an accepted
URL (one deadline, no redirect to another origin, answers checked) is `cityrdf.sparql.remote`'s.
"""

import re
from urllib.parse import urlsplit

from cityrdf.errors import BadInput

# Seconds a command's whole exchange with an endpoint may take, unless --timeout says otherwise
# (here, not in cityrdf.sparql.remote, so that a local query does not import the HTTP client).
DEADLINE_SECONDS = 60.0

# Characters RFC 3987 does not allow in an IRI; they also break Turtle and SPARQL IRI syntax.
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def require_http_url(url: str | None, option: str = "--endpoint") -> str:
    """`url` unchanged if it is an http(s) URL with a host; BadInput (exit 2) otherwise."""
    try:
        parts = urlsplit(url or "")
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        host = None
    if (
        url is None
        or not host
        or parts.scheme not in ("http", "https")
        or IRI_FORBIDDEN.search(url)
    ):
        raise BadInput(f"{option} {url!r} is not an http(s) URL of a SPARQL endpoint")
    return url
