"""What a query from outside may do, decided on the very text Oxigraph will evaluate.

`check_query` reads a query with the lexical rules of Oxigraph's own SPARQL parser (spargebra,
`lib/spargebra/src/parser.rs`: whitespace, `#` comments that end at CR or LF, strings and their
escapes, `<…>` IRIs, prefixed names, variables, numbers) and returns the *canonical text*: the
query with its comments dropped. Only that text is ever evaluated, so no comment, escape or line
end can mean one thing here and another to the evaluator. The verdict comes from the tokens, in
linear time and within a size bound (docs/decisions/0011-one-query-reading.md):

- a keyword that holds SERVICE, or a prefix or local name that begins with it, is refused (403):
  Oxigraph matches keywords without a word boundary, so `SERVICESILENT<…>` and `SERVICE:x {…}`
  are calls too;
- an update keyword where the query form belongs is refused (403);
- what Oxigraph would not read as a token (a `\\u` escape, a control character, NUL, BOM or U+2028
  outside a string or IRI; a bad string escape) is refused (400), as are queries too long, too
  deeply nested or with too many triple patterns (Oxigraph's join planning grows steeply with
  them) to answer within the endpoint's deadline;
- a `<` that Oxigraph may read as less-than where this reads an IRI is refused (400) unless both
  readings hold nothing that matters here.

What parses as tokens but not as SPARQL is left to Oxigraph, whose syntax error is the 400. The
process that evaluates a query cannot open sockets either (`cityrdf.web.sandbox`), so a gap in this
check is still not a way to reach other hosts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

MAX_QUERY_CHARS = 64 * 1024
MAX_CACHED_CHARS = 4 * 1024
MAX_NESTING = 100  # open brackets; Oxigraph's recursive parser overflows its stack near 3,000
# Oxigraph's planning grows steeply with the triple patterns that share a term (a star): 64 on one
# subject take it ~0.4 s, 95 ~2 s, 150 ~14 s; 95 patterns without a shared term ~0.1 s
MAX_TRIPLE_PATTERNS = 100
MAX_PATTERNS_ON_ONE_TERM = 48
LIGHT_PATTERNS = 16


class QueryRefused(Exception):
    """A query that must not run: `status` is the HTTP status, `str(err)` the one-line reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class CheckedQuery:
    """A query that may run: the text to evaluate, and what it says about its dataset."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    names_dataset: bool  # it has FROM or FROM NAMED
    text: str  # the canonical text: what the evaluator must be given, and nothing else
    patterns: int = 1  # its triple patterns, as PlanCost counts them

    @property
    def light(self) -> bool:
        """Few patterns: quick to plan (the server keeps a worker for such queries)."""
        return self.patterns <= LIGHT_PATTERNS


SERVICE_REFUSED = "SERVICE is refused: queries here never call other hosts"
SERVICE_LOCAL_NAME_REFUSED = (
    SERVICE_REFUSED + " (a prefixed name whose local part begins with SERVICE may read as the"
    " keyword: write its full IRI)"
)
UPDATE_REFUSED = "SPARQL Update is refused: only a read-only query may run here"
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# the words an update operation can begin with (SPARQL 1.1 Update, section 3)
UPDATE_WORDS = frozenset(
    ["INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"]
)
PROLOGUE_WORDS = frozenset({"BASE", "PREFIX", "VERSION"})

# Character classes as spargebra spells them (PN_CHARS_BASE stops at U+FFFD there too).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = f"[{_BASE}][{_CHARS}]*+(?:\\.++[{_CHARS}]++)*+"
# PN_LOCAL as spargebra has it: one optional run of dots, not the spec's repeated one
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*+(?:\\.++(?:[{_CHARS}:]|{_PLX})++)?+"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_EXP = r"[eE][+-]?[0-9]+"

# One token at a time, after the whitespace and comments before it (the gap: neither a space nor a
# `#` begins any token, so reading them apart changes no token). Alternatives in spargebra's order;
# `<` last, as an IRI if the IRI rule reads one (its escapes are checked once decoded) and else as
# an operator; `end` is the gap at the end of the text.
GAP = r"(?:[ \t\r\n]++|#[^\r\n]*+)*+"
TOKEN = re.compile(
    f"(?P<gap>{GAP})(?:"
    + "|".join(
        [
            f"(?P<bnode>_:[{_U}0-9][{_CHARS}]*+(?:\\.++[{_CHARS}]++)*+)",
            f"(?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+)",
            f"(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)",
            r"(?P<word>[A-Za-z][A-Za-z0-9_]*+)",
            f"(?P<number>[0-9]+\\.[0-9]*{_EXP}|\\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\\.[0-9]+|[0-9]+)",
            r"(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*+(?:--[A-Za-z]+)?+)",
            # the four string forms in spargebra's order: a long one first
            (
                f"(?P<string>'''(?:(?:''|')?(?:[^'\\\\]|{_ECHAR}|{_UCHAR}))*+'''"
                f'|"""(?:(?:""|")?(?:[^"\\\\]|{_ECHAR}|{_UCHAR}))*+"""'
                f"|'(?:[^'\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*+'"
                f'|"(?:[^"\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*+")'
            ),
            r"(?P<punct>\^\^|&&|\|\||!=|>=|>>|\{\||\|\}|[{}()\[\],;.*/|^!=>+\-?~])",
            rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*+>)",
            r"(?P<less><=|<<|<)",
            r"(?P<end>\Z)",
        ]
    )
    + ")"
)
GAP_ONLY = re.compile(GAP)
COMMENT = re.compile(r"#[^\r\n]*+")
LESS = re.compile(r"<=|<<|<")
IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')
ESCAPE = re.compile(_UCHAR)
# An IRI that may also read as `<` (less than) and more tokens: safe only if no reading of it
# holds a comment, a string, a bracket or a keyword that matters here.
AMBIGUOUS_IRI_SAFE = re.compile(r"[A-Za-z0-9_.:/?=&%+~!*,;@$-]*", re.ASCII)
OPERAND_ENDS = frozenset(
    {"var", "iri", "pname", "string", "number", "langtag", "bnode", "word", "close"}
)
OPENING, CLOSING = frozenset("{(["), frozenset("})]")
TERMS = frozenset({"var", "iri", "pname", "string", "number", "bnode"})
CHECKED_KINDS = frozenset({"word", "langtag", "pname"})  # where SERVICE or a form may stand


def check_query(text: str) -> CheckedQuery:
    """The canonical text and form of a query that may run; QueryRefused (4xx) otherwise."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(413, f"query is longer than {MAX_QUERY_CHARS // 1024} KiB")
    # Verdicts on texts up to MAX_CACHED_CHARS are kept: 512 of the longest texts would hold
    # ~130 MB of the server's memory for texts that are rarely asked twice.
    return _check(text) if len(text) <= MAX_CACHED_CHARS else _check.__wrapped__(text)


@lru_cache(maxsize=512)  # a public endpoint sees the same few queries again and again
def _check(text: str) -> CheckedQuery:
    cost = PlanCost(text)
    named, canonical = tokenize(text, cost)
    keywords = [token.upper() for kind, token in named if kind == "word"]
    form = next((w for w in keywords if w not in PROLOGUE_WORDS), "")
    if form in UPDATE_WORDS:
        raise QueryRefused(403, UPDATE_REFUSED)
    if form not in QUERY_FORMS:
        raise QueryRefused(
            400,
            "query does not parse: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue",
        )
    for kind, token in named if "service" in text.lower() else ():
        if kind in ("word", "langtag") and "service" in token.lower():
            raise QueryRefused(403, SERVICE_REFUSED)
        if kind == "pname":
            prefix, local = token.lower().split(":", 1)
            if "service" in prefix:
                raise QueryRefused(403, SERVICE_REFUSED)
            # spargebra reads a prefix alone (PNAME_NS) where prefix and local name do not make
            # an IRI it accepts, and the rest afresh: `ex:SERVICE<…>{…}` would then be a call.
            if local.lstrip(":.0123456789").startswith("service"):
                raise QueryRefused(403, SERVICE_LOCAL_NAME_REFUSED)
    names_dataset = any(w.startswith("FROM") for w in keywords)
    return CheckedQuery(form, names_dataset, canonical, cost.patterns)


def tokenize(text: str, cost: PlanCost | None = None) -> tuple[list[tuple[str, str]], str]:
    """The words, language tags and prefixed names of `text` as (kind, text), in order, and the
    canonical text (`text` without its comments); QueryRefused (400) at the first character
    Oxigraph would not read as part of a token, or once the query is too costly to plan
    (PlanCost). One regular expression reads each token with the gap before it; the loop only
    keeps what the verdict needs, so a new text costs a fraction of a millisecond."""
    named: list[tuple[str, str]] = []
    commented: list[tuple[int, int]] = []  # the gaps that hold a comment
    pos = 0
    open_brackets: list[str] = []  # "{", "[", "(" for an expression, "values" for a row of terms
    values_block = -1  # the depth of the open VALUES data block, -1 outside one
    cost = cost or PlanCost(text)
    previous = ""  # the kind of the last token
    match = TOKEN.match
    has_comments = "#" in text
    while True:
        found = match(text, pos)
        if found is None:
            gap = GAP_ONLY.match(text, pos)
            assert gap is not None  # GAP matches the empty string
            raise QueryRefused(400, _unreadable(text, gap.end()))
        kind: str = found.lastgroup  # type: ignore[assignment]  # each alternative is named
        start = found.end(1)
        if has_comments and text.find("#", pos, start) != -1:
            commented.append((pos, start))
        if kind == "end":
            break
        if kind == "iri" or kind == "less":
            in_expression = bool(open_brackets) and open_brackets[-1] == "("
            kind, token = _angle(
                text, start, found.group(kind), in_expression and previous in OPERAND_ENDS
            )
        else:
            token = found.group(kind)
            if kind == "string" and "\\" in token:  # an escape that is no character fails
                for escape in ESCAPE.finditer(token):  # Oxigraph's string rule, which then
                    _code_point(escape.group(), text, start + escape.start())  # reads otherwise
        pos = start + len(token)
        if kind in CHECKED_KINDS:
            named.append((kind, token))
        previous = "close" if token in CLOSING else kind
        if kind == "word" and token.upper() == "VALUES":
            values_block = len(open_brackets)
        elif kind == "punct" and token in OPENING:
            in_values = values_block >= 0 and token == "("
            open_brackets.append("values" if in_values else token)
            if len(open_brackets) > MAX_NESTING:
                raise QueryRefused(400, f"query nests more than {MAX_NESTING} brackets deep")
        elif kind == "punct" and token in CLOSING and open_brackets:
            open_brackets.pop()
            if token == "}" and len(open_brackets) == values_block:
                values_block = -1  # the end of the VALUES data block
        cost.add(kind, token, start)
    return named, _without_comments(text, commented)


def _without_comments(text: str, commented: list[tuple[int, int]]) -> str:
    parts, done = [], 0
    for start, end in commented:
        parts += [text[done:start], COMMENT.sub("", text[start:end])]
        done = end
    return "".join(parts) + text[done:] if parts else text


class PlanCost:
    """Counts a query's triple patterns as its tokens come: QueryRefused (400) past
    MAX_TRIPLE_PATTERNS in all or MAX_PATTERNS_ON_ONE_TERM sharing one variable or subject.
    Patterns are counted by what ends or joins them (`.` `;` `,` `{` `[`, path steps `/` `|`);
    a subject's share by its predicate and object lists, a variable's by its occurrences."""

    def __init__(self, text: str):
        self.text = text
        self.patterns = 0
        self.shared: Counter[str] = Counter()
        self.subjects: list[str | None] = [None]  # per open `{` or `[`: the subject described
        self.parens = 0

    def add(self, kind: str, text: str, start: int) -> None:
        """Count one token (not space or a comment) of `kind`, starting at `start`."""
        subjects = self.subjects
        if kind == "punct":
            if text in "()":
                self.parens = max(self.parens + (1 if text == "(" else -1), 0)
            elif text in "/|":
                self.patterns += 1
            elif self.parens:  # an expression or a row of VALUES: no pattern ends there
                pass
            elif text in "{[":
                self.patterns += 1
                blank = f"the blank node at {_where(self.text, start)}"
                subjects.append(None if text == "{" else blank)
            elif text in "}]":
                closed = subjects.pop() if len(subjects) > 1 else None
                subjects[-1] = closed if text == "]" and subjects[-1] is None else None
            elif text in ".,;":
                self.patterns += 1
                if text == ".":
                    subjects[-1] = None
                elif subjects[-1] is not None:
                    self._share(subjects[-1])
        elif self.parens:
            pass
        elif kind == "word":
            if text != "a":
                subjects[-1] = None  # a keyword (OPTIONAL, GRAPH, FILTER…) ends the statement
        elif kind in TERMS and subjects[-1] is None:
            subjects[-1] = text
        if kind == "var":
            self._share("?" + text[1:])  # ?x and $x are one variable
        if self.patterns > MAX_TRIPLE_PATTERNS:
            raise QueryRefused(
                400,
                f"query has more than {MAX_TRIPLE_PATTERNS} triple patterns: "
                "split it into smaller queries",
            )

    def _share(self, term: str) -> None:
        self.shared[term] += 1
        if self.shared[term] > MAX_PATTERNS_ON_ONE_TERM:
            raise QueryRefused(
                400,
                f"query has more than {MAX_PATTERNS_ON_ONE_TERM} triple patterns on {term}: "
                "split it into smaller queries",
            )


def _angle(text: str, pos: int, read: str, ambiguous: bool) -> tuple[str, str]:
    """`<` as an IRI if it can be one, else as an operator: (kind, token), from what TOKEN `read`
    at `pos`. Where an operator may stand (after a value inside parentheses) Oxigraph reads
    less-than; an IRI there is let through only if the less-than reading of it holds nothing
    that matters here."""
    inside = read[1:-1] if read.endswith(">") else None
    if (
        inside is not None and "\\" in inside
    ):  # escapes: the IRI rule applies to what they decode to
        decoded = ESCAPE.sub(lambda e: chr(_code_point(e.group(), text, pos)), inside)
        if IRI_FORBIDDEN.search(decoded):
            inside = None
    if inside is None:
        less = LESS.match(text, pos)
        assert less is not None  # text[pos] is '<'
        return "punct", less.group()
    if ambiguous and (not AMBIGUOUS_IRI_SAFE.fullmatch(inside) or "service" in inside.lower()):
        raise QueryRefused(
            400,
            f"`<` at {_where(text, pos)} reads as less-than and as an IRI: "
            "put a space after it if it means less-than",
        )
    return "iri", read


def _code_point(escape: str, text: str, pos: int) -> int:
    code = int(escape[2:], 16)  # noqa: FURB166 -- `\uXXXX`, not `0x`
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise QueryRefused(400, f"{escape} at {_where(text, pos)} is not a character")
    return code


def _unreadable(text: str, pos: int) -> str:
    char = text[pos]
    if char == "\\":
        what = "a \\ escape outside a string or IRI"
    elif char in "'\"":
        what = "a string that is not closed on its line, or holds an escape other than \\t \\b \\n \\r \\f \\\" \\' \\\\ \\uXXXX"
    else:
        what = f"U+{ord(char):04X}, which is not SPARQL outside a string or IRI"
    return f"query does not parse: {what} at {_where(text, pos)}"


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column}"
