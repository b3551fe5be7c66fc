"""The bad-input corpus: malformed files and hostile arguments, each with the exit and reason expected.

`build_corpus()` makes the cases and their files in memory; `write_corpus(folder)` writes the files
and `folder/manifest.json` (the cases: command, exit code, reason). It is deterministic, so the corpus is the same on every machine. Run
`python tests/bad_inputs/corpus.py OUT` to look at the files. The big files (5 MB lines) are
generated rather than committed.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

BAD_INPUT, NOT_CONFORMING = 2, 1
PREFIXES = """@prefix cr: <https://w3id.org/cityrdf/ontology#> .
@prefix crid: <https://w3id.org/cityrdf/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
GOOD_TURTLE = (
    PREFIXES
    + """
crid:country\\/iran a cr:Country ; rdfs:label "Iran"@en, "ایران"@fa .
<https://w3id.org/cityrdf/id/city/tehran> a cr:City ;
    rdfs:label "Tehran"@en, "تهران"@fa ;
    cr:country crid:country\\/iran .
"""
)
# Oxigraph's RDF/XML parser accepts these, so `validate` passes them with exit 0; graph.parse_file
# could check well-formedness with expat first (it already does to find an error's line).
CITY = "<https://w3id.org/cityrdf/id/city/x>"
CSV_HEADER = "city,partner,partner_country,date,calendar,status,source,partner_fa\n"
CSV_GOOD_ROW = "Tehran,Nantes,France,2001,gregorian,listed,Nantes city hall 2001,نانت\n"


@dataclass
class Case:
    id: str
    argv: list[str]  # arguments of `cityrdf`; {dir} stands for the corpus folder
    exit: int
    reason: str  # a substring of the one-line reason on stderr
    located: bool = False  # the reason must give FILE:LINE
    xfail: str = ""  # a known contract failure, with whose it is and why
    # runs on a throw-away copy of the project ({project}), whose sources must stay as they were
    in_copy: bool = False


class Corpus:
    def __init__(self):
        self.cases: list[Case] = []
        self.files: dict[str, bytes] = {}
        self.links: dict[str, str] = {}  # symbolic links of the corpus folder: name -> target

    def file(self, name: str, content: str | bytes) -> str:
        self.files[name] = content.encode("utf-8") if isinstance(content, str) else content
        return "{dir}/" + name

    def validate(
        self,
        name: str,
        content: str | bytes,
        exit: int = BAD_INPUT,
        reason: str = "",
        located: bool = True,
        xfail: str = "",
    ) -> None:
        arg = self.file(name, content)
        self.cases.append(
            Case(
                f"validate-{name}",
                ["validate", "--no-reasoner", arg],
                exit,
                reason or name,
                located,
                xfail,
            )
        )

    def pacts(
        self,
        name: str,
        content: str | bytes,
        exit: int = BAD_INPUT,
        reason: str = "",
        located: bool = True,
    ) -> None:
        arg = self.file(name, content)
        out = "{dir}/out/" + Path(name).stem + ".ttl"  # never the project's data/imported/
        self.cases.append(
            Case(
                f"import-{name}",
                ["import", "pacts", arg, "--out", out],
                exit,
                reason or name,
                located,
            )
        )

    def command(
        self, id: str, argv: list[str], reason: str, exit: int = BAD_INPUT, xfail: str = ""
    ) -> None:
        self.cases.append(Case(id, argv, exit, reason, False, xfail))


def parses(text: str, fmt: ox.RdfFormat) -> bool:
    try:
        list(ox.parse(text.encode("utf-8"), format=fmt))
        return True
    except (SyntaxError, ValueError):
        return False


def broken_turtle(c: Corpus) -> None:
    snippets = {
        "no-final-dot": f"{CITY} a cr:City",
        "unclosed-iri": "<https://w3id.org/cityrdf/id/city/x a cr:City .",
        "unclosed-string": f'{CITY} rdfs:label "Tehran .',
        "unclosed-long-string": f'{CITY} rdfs:label """Tehran .',
        "undefined-prefix": f'{CITY} nope:label "x" .',
        "prefix-without-colon": "@prefix cr <https://w3id.org/cityrdf/ontology#> .",
        "prefix-without-iri": "@prefix zz: .",
        "bad-escape": f'{CITY} rdfs:label "a\\qb" .',
        "bad-unicode-escape": f'{CITY} rdfs:label "a\\u12G4" .',
        "missing-object": f"{CITY} rdfs:label .",
        "missing-predicate": f"{CITY} .",
        "unclosed-bnode": f'{CITY} cr:country [ rdfs:label "x" .',
        "unclosed-collection": f"{CITY} cr:names ( {CITY} .",
        "stray-closing-bracket": f"{CITY} a cr:City ] .",
        "double-semicolon-object": f"{CITY} a ; cr:City .",
        "literal-as-subject": '"Tehran" a cr:City .',
        "literal-as-predicate": f'{CITY} "label" "x" .',
        "bnode-as-predicate": f'{CITY} _:p "x" .',
        "iri-with-space": "<https://w3id.org/cityrdf/id/city/new york> a cr:City .",
        "iri-with-angle": "<https://w3id.org/cityrdf/id/city/a>b> a cr:City .",
        "iri-with-quote": '<https://w3id.org/cityrdf/id/city/a"b> a cr:City .',
        "iri-with-brace": "<https://w3id.org/cityrdf/id/city/a{b}> a cr:City .",
        "iri-bad-escape": "<https://w3id.org/cityrdf/id/city/\\u00> a cr:City .",
        "lang-tag-empty": f'{CITY} rdfs:label "x"@ .',
        "lang-tag-leading-dash": f'{CITY} rdfs:label "x"@-en .',
        "lang-tag-trailing-dash": f'{CITY} rdfs:label "x"@en- .',
        "lang-tag-underscore": f'{CITY} rdfs:label "x"@en_US .',
        "lang-tag-digits": f'{CITY} rdfs:label "x"@123 .',
        "datatype-missing": f'{CITY} cr:position "1"^^ .',
        "datatype-literal": f'{CITY} cr:position "1"^^"xsd:integer" .',
        "lang-and-datatype": f'{CITY} rdfs:label "x"@en^^xsd:string .',
        "bad-number": f"{CITY} cr:position 1.2.3 .",
        "base-without-iri": "@base .",
        "sparql-in-turtle": "DROP ALL ;",
        "html-page": "<!doctype html><html><body>not turtle</body></html>",
        "json-in-ttl": '{"@id": "x"}',
        "control-char-in-iri": "<https://w3id.org/cityrdf/id/city/a\x01b> a cr:City .",
        "keyword-typo": f"{CITY} A cr:City .",
        "prefixed-name-bad-char": f"{CITY} a cr:Ci%ty .",
    }
    for name, snippet in snippets.items():
        text = PREFIXES + "\n" + snippet + "\n"
        assert not parses(text, ox.RdfFormat.TURTLE), name
        c.validate(f"{name}.ttl", text)
    c.validate(
        "latin1-bytes.ttl", (PREFIXES + f'{CITY} rdfs:label "Ia\xe8i"@en .\n').encode("latin-1")
    )
    c.validate("utf16.ttl", (PREFIXES + f"{CITY} a cr:City .\n").encode("utf-16"), located=False)
    c.validate("huge-line.ttl", PREFIXES + f'{CITY} rdfs:label "' + "x" * 5_000_000 + "\n")
    c.validate(
        "huge-iri-line.ttl",
        PREFIXES + "<https://w3id.org/cityrdf/id/city/" + "y" * 5_000_000 + " a cr:City .\n",
    )
    # Every cut of a good file that is no longer Turtle.
    cuts = [
        n
        for n in range(len(PREFIXES) + 8, len(GOOD_TURTLE) - 2, 9)
        if not parses(GOOD_TURTLE[:n], ox.RdfFormat.TURTLE)
    ]
    for n in cuts[:30]:
        c.validate(f"truncated-at-{n}.ttl", GOOD_TURTLE[:n])


def broken_ntriples(c: Corpus) -> None:
    s, p = "<https://w3id.org/cityrdf/id/city/x>", "<http://www.w3.org/2000/01/rdf-schema#label>"
    lines = {
        "no-dot": f'{s} {p} "x"',
        "relative-iri": f'<city/x> {p} "x" .',
        "prefixed-name": f'crid:city/x {p} "x" .',
        "unclosed-literal": f'{s} {p} "x .',
        "turtle-abbreviation": f'{s} {p} "x" ; {p} "y" .',
        "a-keyword": f"{s} a <https://w3id.org/cityrdf/ontology#City> .",
        "literal-subject": f'"x" {p} "y" .',
        "bad-lang": f'{s} {p} "x"@en_US .',
        "bad-datatype": f'{s} {p} "x"^^xsd:string .',
        "four-terms": f'{s} {p} "x" <http://g> <http://h> .',
        "bnode-predicate": f'{s} _:p "x" .',
        "iri-with-space": f'<https://w3id.org/cityrdf/id/city/a b> {p} "x" .',
    }
    for name, line in lines.items():
        text = f'{s} {p} "fine" .\n' + line + "\n"
        assert not parses(text, ox.RdfFormat.N_TRIPLES), name
        c.validate(f"{name}.nt", text)


def broken_jsonld(c: Corpus) -> None:
    docs = {
        "not-json": "this is not json",
        "truncated": '{"@id": "https://w3id.org/cityrdf/id/city/x", "@type": ',
        "trailing-comma": '{"@id": "https://w3id.org/cityrdf/id/city/x",}',
        "single-quotes": "{'@id': 'x'}",
        "id-not-string": '{"@id": 5}',
        "type-not-string": '{"@id": "https://w3id.org/cityrdf/id/city/x", "@type": 5}',
        "context-number": '{"@context": 5, "@id": "https://w3id.org/cityrdf/id/city/x"}',
        "context-remote": '{"@context": "https://example.org/context.jsonld", "@id": "https://w3id.org/cityrdf/id/city/x"}',
        "bad-language": '{"@id": "https://w3id.org/cityrdf/id/city/x", "http://www.w3.org/2000/01/rdf-schema#label": {"@value": "x", "@language": 5}}',
        "value-and-id": '{"@id": "https://w3id.org/cityrdf/id/city/x", "http://x/p": {"@value": "x", "@id": "http://y"}}',
        "unclosed-array": '[{"@id": "https://w3id.org/cityrdf/id/city/x"}',
        "nan": '{"@id": "https://w3id.org/cityrdf/id/city/x", "http://x/p": NaN}',
        "bom-middle": '{"@id": \ufeff"x"}',
    }
    for name, doc in docs.items():
        c.validate(
            f"{name}.jsonld",
            doc,
            located=name
            not in (
                "id-not-string",
                "type-not-string",
                "context-number",
                "context-remote",
                "bad-language",
                "value-and-id",
            ),
        )


def broken_rdfxml(c: Corpus) -> None:
    head = '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
    docs = {
        "not-xml": "plain text, not XML",
        "unclosed-root": head
        + '<rdf:Description rdf:about="https://w3id.org/cityrdf/id/city/x"/>\n',
        "mismatched-tag": head
        + '<rdf:Description rdf:about="https://w3id.org/cityrdf/id/city/x"></rdf:Descr>\n</rdf:RDF>\n',
        "unquoted-attribute": head + "<rdf:Description rdf:about=x/>\n</rdf:RDF>\n",
        "undeclared-namespace": head
        + '<rdf:Description rdf:about="https://w3id.org/cityrdf/id/city/x"><zz:p>x</zz:p></rdf:Description>\n</rdf:RDF>\n',
        "bad-entity": head
        + '<rdf:Description rdf:about="https://w3id.org/cityrdf/id/city/x"><rdfs:label>&nope;</rdfs:label></rdf:Description>\n</rdf:RDF>\n',
        "two-roots": head + "</rdf:RDF>\n<rdf:RDF/>\n",
        "bad-lang": head
        + '<rdf:Description rdf:about="https://w3id.org/cityrdf/id/city/x"><rdfs:label xml:lang="en_US!">x</rdfs:label></rdf:Description>\n</rdf:RDF>\n',
        "iri-with-space": head
        + '<rdf:Description rdf:about="https://w3id.org/cityrdf/id/city/a b"/>\n</rdf:RDF>\n',
        "truncated": head + '<rdf:Description rdf:about="https://w3id.org/cityrdf/id/ci',
        "doctype-entity-bomb": '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="&c;&c;&c;&c;"/></rdf:RDF>\n',
        "nodeid-bad": head + '<rdf:Description rdf:nodeID="1 2"/>\n</rdf:RDF>\n',
    }
    for name, doc in docs.items():
        c.validate(
            f"{name}.rdf",
            doc,
            located=name in ("not-xml", "mismatched-tag", "unquoted-attribute", "truncated"),
        )


def not_conforming(c: Corpus) -> None:
    """Files that parse but break the shapes: exit 1 (the violations are on stdout)."""
    wrong = {
        "position-not-integer": f'{CITY} a cr:ListEntry ; cr:position "first" .',
        "signing-date-string": '<https://w3id.org/cityrdf/id/agreement/a--b> a cr:TwinningAgreement ; cr:signingDate "2015" .',
        "signing-date-impossible": '<https://w3id.org/cityrdf/id/agreement/a--b> a cr:TwinningAgreement ; cr:signingDate "2015-02-30"^^xsd:date .',
        "jalali-month-13": '<https://w3id.org/cityrdf/id/date/x> a cr:SolarHijriDate ; cr:jalaliYear 1394 ; cr:jalaliMonth 13 ; cr:jalaliText "1394-13-01" .',
        "jalali-year-out-of-range": '<https://w3id.org/cityrdf/id/date/x> a cr:SolarHijriDate ; cr:jalaliYear 1500 ; cr:jalaliText "1500" .',
        "city-label-wrong-language-tag": f'{CITY} a cr:City ; rdfs:label "Tehran"@de, "تهران"@fa ; cr:country crid:country\\/iran .',
        "city-label-arabic-letters": f'{CITY} a cr:City ; rdfs:label "Kish"@en, "كيش"@fa ; cr:country crid:country\\/iran .',
        "city-without-country": f'{CITY} a cr:City ; rdfs:label "X"@en, "ایکس"@fa .',
        "agreement-one-party": "<https://w3id.org/cityrdf/id/agreement/a--a> a cr:TwinningAgreement ; cr:party <https://w3id.org/cityrdf/id/city/a> .",
        "status-unknown": "<https://w3id.org/cityrdf/id/agreement/a--b> a cr:TwinningAgreement ; cr:status <https://w3id.org/cityrdf/id/concept/agreement-status/married> .",
    }
    for name, snippet in wrong.items():
        c.validate(
            f"{name}.ttl",
            PREFIXES + snippet + "\n",
            exit=NOT_CONFORMING,
            reason="violation",
            located=False,
        )


def other_files(c: Corpus) -> None:
    for suffix in ("ttl", "nt"):
        c.validate(f"empty.{suffix}", "", reason="empty", located=False)
    c.validate("empty.jsonld", "", located=False)
    c.validate("empty.rdf", "", located=False)
    c.validate("unknown-suffix.txt", "hello", reason="unknown RDF file type", located=False)
    c.validate("no-suffix", "hello", reason="unknown RDF file type", located=False)
    c.command(
        "validate-missing-file",
        ["validate", "--no-reasoner", "{dir}/does-not-exist.ttl"],
        "does-not-exist.ttl",
    )
    c.command("validate-directory", ["validate", "--no-reasoner", "{dir}/out"], "out")


def broken_tables(c: Corpus) -> None:
    tables: dict[str, tuple[bytes | str, str]] = {
        "empty.csv": ("", "the file is empty"),
        "header-only.csv": (CSV_HEADER, "no rows"),
        "missing-status.csv": (CSV_HEADER.replace("status,", ""), "missing column(s) status"),
        "missing-source.csv": (CSV_HEADER.replace("source,", ""), "missing column(s) source"),
        "missing-everything.csv": ("name\nTehran\n", "missing column(s)"),
        "extra-column.csv": (
            CSV_HEADER.strip() + ",notes\n" + CSV_GOOD_ROW.strip() + ",x\n",
            "unknown column(s) 'notes'",
        ),
        "repeated-column.csv": (CSV_HEADER.strip() + ",city\n", "repeated column(s) city"),
        "row-missing-fields.csv": (CSV_HEADER + "Tehran,Nantes\n", "the row has 2 fields"),
        "row-extra-fields.csv": (
            CSV_HEADER + CSV_GOOD_ROW.strip() + ",extra,more\n",
            "the row has 10 fields",
        ),
        "row-fields-later.csv": (
            CSV_HEADER + CSV_GOOD_ROW * 3 + "Tehran\n",
            ":5: the row has 1 fields",
        ),
        "latin1.csv": (
            (CSV_HEADER + "Ia\xe8i,Nantes,France,2001,gregorian,listed,Nantes 2001,x\n").encode(
                "latin-1"
            ),
            ":2: not UTF-8",
        ),
        "cp1256.csv": (
            (CSV_HEADER + "تهران,Nantes,France,2001,gregorian,listed,Nantes 2001,نانت\n").encode(
                "cp1256"
            ),
            ":2: not UTF-8",
        ),
        "utf16.csv": ((CSV_HEADER + CSV_GOOD_ROW).encode("utf-16"), ":1: not UTF-8"),
        "nul-byte.csv": (
            CSV_HEADER + "Teh\0ran,Nantes,France,2001,gregorian,listed,Nantes 2001,نانت\n",
            ":2: NUL byte",
        ),
        "unclosed-quote.csv": (
            CSV_HEADER + 'Tehran,"Nantes,France,2001,gregorian,listed,Nantes 2001,نانت\n',
            "not valid CSV",
        ),
        "text-after-quote.csv": (
            CSV_HEADER + '"Tehran"x,Nantes,France,2001,gregorian,listed,Nantes 2001,نانت\n',
            "not valid CSV",
        ),
        "huge-line.csv": (
            CSV_HEADER
            + "Tehran,"
            + "N" * 5_000_000
            + ",France,2001,gregorian,listed,Nantes 2001,نانت\n",
            "not valid CSV",
        ),
        "not-a-workbook.xlsx": (CSV_HEADER + CSV_GOOD_ROW, "not an XLSX workbook"),
        "zip-not-workbook.xlsx": (b"PK\x05\x06" + b"\0" * 18, "not an XLSX workbook"),
        "table.tsv": (CSV_HEADER.replace(",", "\t"), "unknown table type '.tsv'"),
    }
    for name, (content, reason) in tables.items():
        c.pacts(name, content, reason=reason, located=not name.endswith(("xlsx", "tsv")))
    c.file("a-table-folder.csv/inside", "")
    c.command(
        "import-table-is-a-folder",
        ["import", "pacts", "{dir}/a-table-folder.csv", "--out", "{dir}/out/folder.ttl"],
        "a-table-folder.csv: is a folder",
    )
    c.command(
        "import-missing-table",
        ["import", "pacts", "{dir}/nope.csv", "--out", "{dir}/out/nope.ttl"],
        "nope.csv: no such file",
    )
    # Well-formed tables whose rows break the rules: exit 1, FILE:ROW: column: reason.
    rows = {
        "bad-status": (
            "Tehran,Nantes,France,2001,gregorian,twinned,Nantes city hall 2001,نانت",
            "2: status: unknown status",
        ),
        "gregorian-feb-30": (
            "Tehran,Nantes,France,2015-02-30,gregorian,listed,Nantes city hall 2001,نانت",
            "2: date: 2015-02-30: day 30 does not exist",
        ),
        "gregorian-month-13": (
            "Tehran,Nantes,France,2015-13,gregorian,listed,Nantes city hall 2001,نانت",
            "2: date: 2015-13: month 13",
        ),
        "jalali-month-13": (
            "Tehran,Nantes,France,1394-13-01,jalali,listed,Nantes city hall 2001,نانت",
            "2: date: 1394-13-01: month 13",
        ),
        "jalali-esfand-30-common-year": (
            "Tehran,Nantes,France,1398-12-30,jalali,listed,Nantes city hall 2001,نانت",
            "2: date: 1398-12-30: day 30",
        ),
        "jalali-esfand-31": (
            "Tehran,Nantes,France,1399-12-31,jalali,listed,Nantes city hall 2001,نانت",
            "2: date: 1399-12-31: day 31",
        ),
        "jalali-mehr-31": (
            "Tehran,Nantes,France,1394-07-31,jalali,listed,Nantes city hall 2001,نانت",
            "2: date: 1394-07-31: day 31",
        ),
        "date-slashes": (
            "Tehran,Nantes,France,2015/03/01,gregorian,listed,Nantes city hall 2001,نانت",
            "2: date: '2015/03/01' is not a date",
        ),
        "date-with-time": (
            "Tehran,Nantes,France,2015-03-01T10:00,gregorian,listed,Nantes city hall 2001,نانت",
            "2: date: '2015-03-01T10:00' is not a date",
        ),
        "year-too-early": (
            "Tehran,Nantes,France,1066,gregorian,listed,Nantes city hall 2001,نانت",
            "2: date: year 1066",
        ),
        "calendar-unknown": (
            "Tehran,Nantes,France,2001,julian,listed,Nantes city hall 2001,نانت",
            "2: calendar: unknown calendar 'julian'",
        ),
        "calendar-missing": (
            "Tehran,Nantes,France,2001,,listed,Nantes city hall 2001,نانت",
            "2: calendar: required",
        ),
        "source-missing": (
            "Tehran,Nantes,France,2001,gregorian,listed,,نانت",
            "2: source: required",
        ),
        "source-javascript": (
            "Tehran,Nantes,France,2001,gregorian,listed,javascript:alert(1),نانت",
            "2: source: a URL must be http",
        ),
        "source-file-url": (
            "Tehran,Nantes,France,2001,gregorian,listed,file:///etc/passwd,نانت",
            "2: source: a URL must be http",
        ),
        "source-number": (
            "Tehran,Nantes,France,2001,gregorian,listed,42,نانت",
            "2: source: '42' is neither",
        ),
        "city-empty": (
            ",Nantes,France,2001,gregorian,listed,Nantes city hall 2001,نانت",
            "2: city: required",
        ),
        "partner-is-city": (
            "Tehran,Tehran,Iran,2001,gregorian,listed,Nantes city hall 2001,",
            "2: partner: the partner is the city itself",
        ),
        "country-unknown": (
            "Tehran,Nantes,Atlantis,2001,gregorian,listed,Nantes city hall 2001,نانت",
            "2: partner_country: no country called 'Atlantis'",
        ),
        "new-city-no-persian": (
            "Tehran,Nowhereville,France,2001,gregorian,listed,Nantes city hall 2001,",
            "2: partner_fa: 'Nowhereville' is a new city",
        ),
        "city-iri-unknown": (
            "https://w3id.org/cityrdf/id/city/nowhere,Nantes,France,2001,gregorian,listed,Nantes city hall 2001,نانت",
            "2: city: no city with the IRI",
        ),
        "sparql-in-city": (
            '"x"" } ; DROP ALL ; #",Nantes,France,2001,gregorian,listed,Nantes city hall 2001,',
            "2: city_fa",
        ),
    }
    for name, (row, reason) in rows.items():
        header = (
            CSV_HEADER if "city_fa" not in reason else CSV_HEADER.replace("partner_fa", "city_fa")
        )
        c.pacts(
            f"row-{name}.csv",
            header + row + "\n",
            exit=NOT_CONFORMING,
            reason=f"row-{name}.csv:{reason}",
        )


def unsafe_tables(c: Corpus) -> None:
    """Cells that cannot be read as what their column holds: exit 2, FILE:ROW: column."""
    for n, char in enumerate('><"{}|^`\\'):
        source = f"https://example.org/pact{char}1"
        row = f'Tehran,Nantes,France,2001,gregorian,listed,"{source.replace(chr(34), chr(34) * 2)}",نانت'
        c.pacts(
            f"row-source-iri-{n}.csv",
            CSV_HEADER + row + "\n",
            reason=f"row-source-iri-{n}.csv:2: source: {source!r} is not a valid IRI",
        )
    names = {
        "control": ("partner", "Nan\x07tes", "a control character"),
        "escape": ("partner", "Nan\x1b[31mtes", "a control character"),
        "rlo": ("partner", "Nantes\u202etxt.exe", "a bidirectional control character"),
        "rli": ("city", "Teh\u2067ran", "a bidirectional control character"),
        "lrm": ("partner_fa", "\u200eنانت", "a bidirectional control character"),
        "alm": ("partner_fa", "نا\u061cنت", "a bidirectional control character"),
        "zwsp": ("partner", "Nan\u200btes", "an invisible formatting character"),
        "bom-inside": ("partner", "Nan\ufefftes", "an invisible formatting character"),
        "soft-hyphen": ("partner", "Nan\u00adtes", "an invisible formatting character"),
        "line-separator": ("partner", "Nan\u2028tes", "a line separator"),
        "private-use": ("partner_country", "Fra\ue000nce", "a private-use character"),
        "zwnj-latin": ("partner", "Nan\u200ctes", "ZWNJ"),
        "zwnj-edge": ("partner_fa", "نانت\u200c", "ZWNJ"),
        "zwj-edge": ("partner_fa", "\u200dنانت", "ZWJ"),
        "formula-equals": ("partner", '=HYPERLINK("http://x";"Nantes")', "formula"),
        "formula-plus": ("partner", "+Nantes", "formula"),
        "formula-minus": ("partner", "-1+2", "formula"),
        "formula-at": ("partner", "@SUM(1)", "formula"),
        "formula-after-space": ("city", "  =Tehran", "formula"),
        "formula-after-tab": ("city", "\t=Tehran", "formula"),
        "formula-persian": ("partner_fa", "=نانت", "formula"),
        "formula-country": ("partner_country", "=France", "formula"),
        "formula-source": ("source", '=IMPORTXML("http://x";"//a")', "formula"),
        "formula-source-at": ("source", "@Nantes city hall 2001", "formula"),
    }
    columns = CSV_HEADER.strip().split(",")
    good = dict(zip(columns, CSV_GOOD_ROW.strip().split(",")))
    for name, (column, text, reason) in names.items():
        cells = {**good, column: text}
        row = ",".join('"' + v.replace('"', '""') + '"' for v in cells.values())
        if reason == "formula":
            reason = f"{text.strip()!r} would run as a formula in a spreadsheet"
        elif reason not in ("ZWNJ", "ZWJ"):
            reason = f"contains {reason}"
        c.pacts(
            f"row-name-{name}.csv",
            CSV_HEADER + row + "\n",
            reason=f"row-name-{name}.csv:2: {column}: {reason}",
        )
    # --out never the input, never anything but Turtle, never a file no import wrote.
    table = c.file("out-table.csv", CSV_HEADER + CSV_GOOD_ROW)
    c.command(
        "import-out-is-input", ["import", "pacts", table, "--out", table], "that is the input table"
    )
    for n, name in enumerate(("x.nt", "x.csv", "x.ttl.bak", "x", "x.jsonld")):
        c.command(
            f"import-out-not-turtle-{n}",
            ["import", "pacts", table, "--out", "{dir}/out/" + name],
            "must be Turtle",
        )
    notes = c.file("notes.ttl", GOOD_TURTLE)
    c.command(
        "import-out-not-an-import",
        ["import", "pacts", table, "--out", notes],
        "was not written by `cityrdf import pacts`",
    )


def commands(c: Corpus) -> None:
    for n, name in enumerate(
        (
            "no-such-question",
            "sister_cities",
            "SISTER-CITIES",
            "../queries/sister-cities",
            "",
            " ",
            "sister-cities.rq.bak",
            "drop all",
            "qc/anything",
            "%00",
        )
    ):
        c.command(
            f"query-unknown-{n}", ["query", name], "unknown query" if name.strip() else "query"
        )
    c.command("query-missing-rq-file", ["query", "{dir}/nope.rq"], "nope.rq: no such query file")
    c.file("not-a-query.rq", "#+ summary: broken\nSELECT WHERE {\n")
    c.command("query-rq-does-not-parse", ["query", "{dir}/not-a-query.rq"], "does not parse")
    c.file("update.rq", "#+ summary: an update\nDELETE WHERE { ?s ?p ?o }\n")
    c.command("query-rq-is-an-update", ["query", "{dir}/update.rq"], "query")
    # query files of unknown origin: the check reads them as Oxigraph does, before any evaluation
    loopback = "http://127.0.0.1:9/sparql"
    for name, text, reason in [
        (
            "escape-in-comment-hides-service",
            (
                f'SELECT * WHERE {{\n# \\u0000000A BIND("""x" AS ?x)\nSERVICE <{loopback}> {{ }}\n'
                '# \\u0000000A """ AS ?y)\n}\n'
            ),
            "SERVICE is refused",
        ),
        (
            "comment-ended-by-cr-hides-service",
            f"SELECT * WHERE {{ # note\rSERVICE <{loopback}> {{ }} }}\n",
            "SERVICE is refused",
        ),
        (
            "service-glued-to-prefixed-name",
            "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:sparql { } }\n",
            "SERVICE is refused",
        ),
        (
            "service-glued-to-silent",
            f"SELECT * WHERE {{ SERVICESILENT<{loopback}>{{ }} }}\n",
            "SERVICE is refused",
        ),
        (
            "escaped-keyword",
            f"SELECT * WHERE {{ \\u0053ERVICE <{loopback}> {{ }} }}\n",
            "escape outside a string or IRI",
        ),
        ("bom-inside", "SELECT *\ufeff WHERE { ?s ?p ?o }\n", "U+FEFF"),
        ("line-separator", "SELECT * WHERE {\u2028?s ?p ?o }\n", "U+2028"),
        ("next-line", "SELECT * WHERE {\u0085?s ?p ?o }\n", "U+0085"),
        ("bad-string-escape", "SELECT * WHERE { ?s ?p 'a\\qb' }\n", "not closed on its line"),
        (
            "less-than-or-iri",
            "BASE <http://x/> SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<?a)SERVICE?x#>\n{ } }\n",
            "reads as less-than and as an IRI",
        ),
        (
            "nested-too-deep",
            "SELECT * WHERE { " + "{ " * 3000 + "} " * 3000 + "}\n",
            "nests more than 100 brackets",
        ),
        (
            "star-of-3000-objects",
            "SELECT * WHERE { ?s ?p " + ", ".join(["1"] * 3000) + " }\n",
            "triple patterns on ?s",
        ),
        ("ask-not-select", "ASK { ?s ?p ?o }\n", "only SELECT queries"),
    ]:
        c.file(f"{name}.rq", "#+ summary: hostile\n" + text)
        c.command(f"query-rq-{name}", ["query", "{dir}/" + name + ".rq"], reason)
    hostile_labels = [
        'x" } ; DROP ALL ; #',
        "x' } ; CLEAR DEFAULT ; #",
        'Tehran" . ?s ?p ?o . FILTER("1',
        '\\" ) } #',
        "}} UNION {{ ?s ?p ?o }}",
        'x"^^<http://evil> . #',
        "\n",
        "Tehran\u0000",
    ]
    for n, label in enumerate(hostile_labels):
        c.command(
            f"query-inject-city-{n}",
            ["query", "sister-cities", "--param", f"city={label}"],
            "parameter city",
        )
    hostile_iris = [
        "<https://w3id.org/cityrdf/id/city/a b>",
        "<https://w3id.org/cityrdf/id/city/a>b>",
        "https://w3id.org/x> } ; DROP ALL ; #",
        "<>",
        "not an iri",
        'http://x/"y',
        "crid:city/a b",
        "<http://x/{y}>",
    ]
    for n, iri in enumerate(hostile_iris):
        c.command(
            f"query-inject-iri-{n}",
            ["query", "source-of", "--param", f"subject={iri}"],
            "parameter subject",
        )
    c.command(
        "query-unknown-param",
        ["query", "sister-cities", "--param", "town=Tehran"],
        "has no parameter 'town'",
    )
    c.command("query-missing-param", ["query", "sister-cities"], "needs --param city")
    c.command(
        "query-param-without-equals",
        ["query", "sister-cities", "--param", "Tehran"],
        "expected key=value",
    )
    c.command(
        "query-bad-format",
        ["query", "sister-cities", "--param", "city=Tehran", "--format", "xml"],
        "unknown format 'xml'",
    )
    for n, endpoint in enumerate(
        [
            "file:///etc/passwd",
            "ftp://127.0.0.1:9/sparql",
            "javascript:alert(1)",
            "not a url",
            "http://",
            "//127.0.0.1:9/sparql",
            "gopher://127.0.0.1:9/",
            "data:text/plain,hello",
            "http://[::1",
            "",
        ]
    ):
        c.command(
            f"query-endpoint-{n}",
            ["query", "sister-cities", "--param", "city=Tehran", "--endpoint", endpoint],
            "endpoint",
        )
    c.command("unknown-option", ["--frobnicate"], "No such option")
    c.command("unknown-command", ["frobnicate"], "No such command")
    c.command("validate-unknown-option", ["validate", "--strict-ish"], "No such option")
    c.command("validate-bad-format", ["validate", "--format", "xml"], "xml")
    c.command("query-no-name", ["query"], "Missing argument")
    c.command("query-unknown-option", ["query", "sister-cities", "--limit", "5"], "No such option")
    c.command("import-unknown-kind", ["import", "treaties", "x.csv"], "No such command")
    c.command("import-no-file", ["import", "pacts"], "Missing argument")
    c.command("import-unknown-option", ["import", "pacts", "x.csv", "--force"], "No such option")
    c.command("build-unknown-option", ["build", "--fast"], "No such option")


def hostile_iri_parameters(c: Corpus) -> None:
    """IRIs that pass a character pattern but not an IRI parser (judged on the parsed form)."""
    for n, iri in enumerate(
        [
            "crid:city/teh\x01ran",
            "crid:city/teh\x7fran",
            "crid:city/teh\x1b[31mran",
            "<https://w3id.org/cityrdf/id/city/a\x0bb>",
            "crid:city/teh%ZZran",
            "crid:city/a#b#c",
            "http://[::1/x",
            "https://w3id.org/cityrdf/id/city/a\u0085b",
        ]
    ):
        c.command(
            f"query-param-iri-parse-{n}",
            ["query", "source-of", "--param", f"subject={iri}"],
            "parameter subject: ",
        )


def misbehaving_endpoints(c: Corpus) -> None:
    """`query --endpoint` on tests/misbehaving_endpoint.py ({endpoint} is its base URL): each fault
    is exit 2 and one line naming the endpoint."""
    from tests.misbehaving_endpoint import FAULTS, MALFORMED

    reasons = {
        **{path: path + ": " for path in MALFORMED},
        **FAULTS,
        "/no-type": "must have a 'type' key",
        "/deep-array": "must be an object",
        "/deep-object": "Max stack size",
        "/html": "answered text/html, not SPARQL results JSON",
        "/truncated-json": "Unexpected end of file",
        "/truncated-xml": "answered application/xml",
        "/xml-results": "answered application/sparql-results+xml",
        "/redirect-ftp": "does not follow a redirect to another scheme",
    }
    reasons.pop("/huge")  # needs a small size cap: tests/query/test_remote.py
    for path, reason in sorted(reasons.items()):
        c.command(
            "query-endpoint-fault-" + path.strip("/"),
            ["query", "pacts-per-decade", "--endpoint", "{endpoint}" + path, "--timeout", "1.5"],
            reason,
        )
    # 130 KB of gzip that inflate to 128 MiB: stopped at the default cap (time to make the bomb)
    for path in ("/gzip-bomb", "/json-bomb"):
        c.command(
            "query-endpoint-fault-" + path.strip("/"),
            ["query", "pacts-per-decade", "--endpoint", "{endpoint}" + path, "--timeout", "60"],
            "larger than 64 MiB once inflated",
        )


def oversized_tables(c: Corpus) -> None:
    """Tables past the bounds of `import pacts`: rows (blank ones count), an XLSX's inflated size
    (a file's own size: tests/importer). Refused in one line before the lock is held for long."""
    c.pacts(
        "rows-past-the-cap.csv",
        CSV_HEADER + CSV_GOOD_ROW + "\n" * 200_000,
        reason="more than 200,000 rows",
    )
    c.pacts(
        "unpacks-past-the-cap.xlsx",
        _zip_of({"xl/workbook.xml": b"", "xl/media/filler.bin": bytes(80 * 2**20)}),
        reason="the workbook unpacks to",
        located=False,
    )


def _zip_of(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def hostile_world_sources(c: Corpus) -> None:
    """World sources whose names would act on a terminal or a spreadsheet."""
    pairs = c.file("world-pairs.tsv", "Q42053\tQ641\n")
    for n, label in enumerate(
        ["Ven\x1b]0;owned\x07ice", "Ven\u202eice", "=HYPERLINK(1)", "@SUM(1)"]
    ):
        labels = c.file(f"world-labels-{n}.tsv", f"Q42053\tIsfahan\nQ641\t{label}\n")
        c.cases.append(
            Case(
                f"world-hostile-label-{n}",
                ["world", "import", "--wikidata-pairs", pairs, "--wikidata-labels", labels]
                + ["--out", "{dir}/out/world"],
                BAD_INPUT,
                f"world-labels-{n}.tsv:2: label: ",  # FILE:LINE of the labels, not the pairs
                False,
            )
        )


# Every option that reads a text file of the user's: (name, argv with {in} for the file, suffix).
TEXT_INPUTS = [
    ("generate-pairs", ["generate", "--out", "{dir}/out/g.nt", "--pairs", "{in}"], ".tsv"),
    ("compare-pairs", ["compare", "wikidata", "--pairs", "{in}", "--out", "{dir}/out/c"], ".tsv"),
    (
        "quickstatements-pairs",
        ["export", "quickstatements", "--pairs", "{in}", "--out", "{dir}/out/qs.txt"],
        ".tsv",
    ),
    (
        "world-pairs",
        ["world", "import", "--wikidata-pairs", "{in}", "--out", "{dir}/out/w"],
        ".tsv",
    ),
    (
        "world-labels",
        ["world", "import", "--wikidata-pairs", "{dir}/good-pairs.tsv"]
        + ["--wikidata-labels", "{in}", "--out", "{dir}/out/w"],
        ".tsv",
    ),
    ("world-wikipedia", ["world", "import", "--wikipedia", "{in}", "--out", "{dir}/out/w"], ".csv"),
    ("coverage-paper", ["coverage", "{in}"], ".txt"),
    ("query-file", ["query", "{in}"], ".rq"),
]
# RDF inputs outside `validate`: the same classes, read by the RDF parser.
RDF_INPUTS = [
    (
        "push-file",
        ["push", "--endpoint", "http://127.0.0.1:9/sparql"]
        + ["--graph", "https://w3id.org/cityrdf/graph", "--file", "{in}"],
        ".nt",
    ),
    ("coverage-graph", ["coverage", "{dir}/paper.txt", "--graph", "{in}"], ".ttl"),
]


LATIN1_TEXT = "Q1\tQ2\nIa\xe8i\tQ3\n".encode("latin-1")
LATIN1_RDF = '<http://x/a> <http://x/b> "1" .\n<http://x/a> <http://x/b> "Ia\xe8i" .\n'.encode(
    "latin-1"
)


def unreadable_inputs(c: Corpus) -> None:
    """Each class of unreadable file, given to every option that reads one: one line naming the
    file (FILE:LINE for bytes that are not text), exit 2."""
    c.file("good-pairs.tsv", "Q42053\tQ641\n")
    c.file("paper.txt", "A paper of one line.\n")
    for option, argv, suffix in TEXT_INPUTS + RDF_INPUTS:
        is_rdf = (option, argv, suffix) in RDF_INPUTS
        classes = {
            "missing": (None, ": no such", False),
            "folder": ("folder", ": is a folder", False),
            "empty": (b"", "", False),
            "binary": (bytes(range(256)) * 8, "", True),
            "latin1-line-2": ((LATIN1_RDF if is_rdf else LATIN1_TEXT), ":2", True),
        }
        if not is_rdf:
            classes["nul-line-2"] = (b"Q1\tQ2\nQ3\0\tQ4\n", ":2: NUL byte", True)
        for kind, (content, reason, located) in classes.items():
            name = f"{option}-{kind}{suffix}"
            if content == "folder":
                c.file(f"{name}/inside", "")
            elif content is not None:
                c.file(name, content)
            c.cases.append(
                Case(
                    f"input-{option}-{kind}",
                    [a.replace("{in}", "{dir}/" + name) for a in argv],
                    BAD_INPUT,
                    name + reason,
                    located,
                )
            )


# Every option that names a file to write, with the suffix it wants; and every folder replaced whole.
FILE_OUTPUTS = [
    ("generate", ["generate", "--cities", "3", "--pacts", "2", "--out", "{out}"], ".nt"),
    (
        "quickstatements",
        ["export", "quickstatements", "--pairs", "{dir}/good-pairs.tsv", "--out", "{out}"],
        ".txt",
    ),
    ("plot", ["plot", "timeline", "--out", "{out}"], ".svg"),
    ("link-review", ["link", "--review", "{out}"], ".csv"),
]
FOLDER_OUTPUTS = [
    ("build", ["build", "--no-reasoner", "--out", "{out}"]),  # these three swap the folder whole
    ("publish", ["publish", "--out", "{out}"]),
    ("nanopubs", ["export", "nanopubs", "--out", "{out}"]),
    ("compare", ["compare", "wikidata", "--pairs", "{dir}/good-pairs.tsv", "--out", "{out}"]),
    ("world", ["world", "import", "--wikidata-pairs", "{dir}/good-pairs.tsv", "--out", "{out}"]),
]
# what a verb that writes one kind of file says of another name: refused before the path is looked at
SUFFIX_REFUSED = {"generate": "name the output *.nt", "plot": "must be a .png or .svg file"}
SLOW = {"link-review", "world"}  # seconds per case: fewer targets


def outputs_into_sources(c: Corpus) -> None:
    """No output path reaches the sources (data/, ontology/, shapes/, queries/ of the throw-away
    {project}): not named, not through a symbolic link, not by replacing a folder that holds them.
    Folders that are replaced whole and already exist are refused by publish and nanopubs first."""
    c.links["into-shapes"] = "{project}/shapes"
    c.links["to-twinning"] = "{project}/data/twinning.ttl"
    for verb, argv, suffix in FILE_OUTPUTS:
        c.links[f"to-twinning{suffix}"] = "{project}/data/twinning.ttl"
        targets = {
            "new-in-data": "{project}/data/new" + suffix,
            "link-to-source-file": "{dir}/to-twinning" + suffix,
            "through-folder-link": "{dir}/into-shapes/new" + suffix,
            "new-in-queries": "{project}/queries/new" + suffix,
            "source-folder": "{project}/ontology",
            "curated-links": "{project}/data/links/curated-ids.csv",
        }
        if verb in SLOW:
            targets = {k: targets[k] for k in ("link-to-source-file", "curated-links")}
        for kind, target in targets.items():
            c.cases.append(
                Case(
                    f"output-{verb}-{kind}",
                    [a.replace("{out}", target) for a in argv],
                    BAD_INPUT,
                    SUFFIX_REFUSED.get(verb, "a source folder")
                    if not target.endswith(suffix)
                    else "a source folder",
                    in_copy=True,
                )
            )
    for verb, argv in FOLDER_OUTPUTS:
        targets = {
            "source-folder": "{project}/data",
            "project-root": "{project}",
            "inside-source-folder": "{project}/queries/out",
            "link-to-source-folder": "{dir}/into-shapes",
            "inside-folder-link": "{dir}/into-shapes/out",
        }
        if verb in ("compare", "world"):  # they add files to a folder: the root is no source
            del targets["project-root"]
        if verb in SLOW:
            targets = {k: targets[k] for k in ("inside-source-folder", "inside-folder-link")}
        for kind, target in targets.items():
            exists = kind in ("source-folder", "project-root", "link-to-source-folder")
            foreign = verb in ("publish", "nanopubs") and exists
            c.cases.append(
                Case(
                    f"output-{verb}-{kind}",
                    [a.replace("{out}", target) for a in argv],
                    BAD_INPUT,
                    "give a new or empty folder" if foreign else "a source folder",
                    in_copy=True,
                )
            )


UNSERVABLE = ["serve", "--host", "256.256.256.256", "--port", "0"]


def foreign_folders(c: Corpus) -> None:
    """A folder of someone else's is never replaced whole by a site or a nanopub export."""
    c.file("someone-elses/notes.txt", "keep me\n")
    for verb, argv in FOLDER_OUTPUTS:
        if verb in ("publish", "nanopubs"):
            c.command(
                f"output-{verb}-foreign-folder",
                [a.replace("{out}", "{dir}/someone-elses") for a in argv],
                "give a new or empty folder",
            )


def out_of_range_options(c: Corpus) -> None:
    """Numbers past what an option means: negative, zero, not finite, absurdly large, not a number."""
    numbers = {
        "generate-cities": (["generate", "--out", "{dir}/out/g.nt", "--cities"], "generate: "),
        "generate-pacts": (["generate", "--out", "{dir}/out/g.nt", "--pacts"], "generate: "),
        "query-timeout": (["query", "pacts-per-decade", "--timeout"], "--timeout"),
        # an unresolvable host: a value let through fails on it rather than serving for ever
        "serve-timeout": ([*UNSERVABLE, "--timeout"], "--timeout"),
        "serve-max-results": ([*UNSERVABLE, "--max-results"], "--max-results"),
        "serve-processes": ([*UNSERVABLE, "--processes"], "--processes"),
        "serve-port": (["serve", "--host", "256.256.256.256", "--port"], "--port"),
        "opportunities-top": (["opportunities", "Tehran", "--top"], "--top"),
        "link-threshold": (["link", "--threshold"], "--threshold"),
    }
    integer = {"generate-cities", "generate-pacts", "serve-max-results", "serve-processes"}
    integer |= {"serve-port", "opportunities-top"}
    for option, (argv, reason) in numbers.items():
        values = {"negative": "-1", "zero": "0", "huge": "1" + "0" * 20, "word": "ten"}
        if option not in integer:
            values |= {"nan": "nan", "infinite": "inf", "float-huge": "1e300"}
        if option in ("serve-port", "link-threshold"):
            values.pop("zero")  # port 0 is any free port; a threshold of 0 is refused as -1 is
        if option == "opportunities-top":
            values.pop("huge")  # every candidate, not an error
        for kind, value in values.items():
            c.command(
                f"range-{option}-{kind}",
                [*argv, value],
                "is not a valid" if kind == "word" else reason,
            )


def build_corpus() -> Corpus:
    """The cases and the contents of their files, in memory."""
    corpus = Corpus()
    for family in (
        broken_turtle,
        broken_ntriples,
        broken_jsonld,
        broken_rdfxml,
        not_conforming,
        other_files,
        broken_tables,
        unsafe_tables,
        commands,
        hostile_iri_parameters,
        misbehaving_endpoints,
        oversized_tables,
        hostile_world_sources,
        unreadable_inputs,
        outputs_into_sources,
        foreign_folders,
        out_of_range_options,
    ):
        family(corpus)
    ids = [case.id for case in corpus.cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return corpus


def write_corpus(
    folder: Path, corpus: Corpus | None = None, project: Path | None = None
) -> list[Case]:
    """Write the input files and manifest.json into `folder`, the `{dir}` of every case; with
    `project` (the `{project}` of the cases run on a copy), the symbolic links into it too."""
    corpus = corpus or build_corpus()
    (folder / "out").mkdir(parents=True, exist_ok=True)
    for name, content in corpus.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    for name, target in corpus.links.items() if project else ():
        (folder / name).symlink_to(target.replace("{project}", str(project)))
    (folder / "manifest.json").write_text(
        json.dumps([asdict(c) for c in corpus.cases], ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return corpus.cases


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # for tests.misbehaving_endpoint
    cases = write_corpus(Path(sys.argv[1]))
    print(f"{len(cases)} bad inputs written to {sys.argv[1]}")
