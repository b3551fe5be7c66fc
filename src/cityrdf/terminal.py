"""Outside text made safe to show in a terminal: no name may move the cursor, retitle the window,
ring, or reorder what is shown around it (Trojan Source's bidi overrides), nor be read as Rich markup.

Each such character is shown as its escape (`\\x1b`, `\\u202e`), so a reader sees that it is there.
ZWNJ and ZWJ (Persian orthography) are kept.
"""

from __future__ import annotations

import re

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
