"""Outside text made safe to show in a terminal: no name may move the cursor, retitle the window,
ring, or reorder what is shown around it (Trojan Source's bidi overrides), nor be read as Rich markup.

Each such character is shown as its escape (`\\x1b`, `\\u202e`), so a reader sees that it is there.
ZWNJ and ZWJ (Persian orthography) are kept. Log lines go to the terminal's stderr through one
handler (`configure_logging`).
"""

from __future__ import annotations

import logging
import re
import sys

# Controls (C0, DEL, C1), line and paragraph separators, and the explicit bidi formatting
# characters of UAX #9 (embeddings, overrides, isolates, their ends; the marks ALM, LRM, RLM).
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """`text` with every character a terminal would act on written as its Python escape."""
    return UNSAFE.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def cell(text: str):
    """A Rich table cell showing `text` as it is (no markup) and safe (see `shown`)."""
    from rich.text import Text

    return Text(shown(text))


def configure_logging(verbose: bool) -> None:
    """One handler on stderr for every logger, set before any library is imported: a library's own
    `logging.basicConfig(level=DEBUG)` (pyLODE calls it on import) then finds it configured and
    does nothing. Without --verbose only cityrdf's loggers get through, and Python warnings, which
    go through logging, stay quiet too."""
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    if not verbose:
        handler.addFilter(lambda record: record.name.split(".")[0] == "cityrdf")
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler], force=True
    )
    logging.captureWarnings(True)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a test that runs `main` swaps it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass
