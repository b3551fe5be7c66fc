"""`cityrdf compare wikidata`: the paper's sister-city pairs against Wikidata's P190 statements.

Only agreements whose two cities are linked to Wikidata (data/links/wikidata.ttl) can be compared;
"only in Wikidata" is reported for the paper's Iranian cities, whose lists the paper claims to give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cityrdf import terminal
from cityrdf.errors import BadInput
from cityrdf.fs import atomic, csvsafe
from cityrdf.fs.textfile import numbered_lines
from cityrdf.project import current_project
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import CRID, sparql_prologue
from cityrdf.sparql.results import select
from cityrdf.sparql.wikidata import WikidataClient, item_qid, qid

IRAN = CRID["country/iran"].value

PAPER_PAIRS_QUERY = """
SELECT ?agreement ?a ?b ?qa ?qb ?aLabel ?bLabel ?status ?date ?aIranian ?bIranian WHERE {
  ?agreement a cr:TwinningAgreement ; cr:party ?a, ?b .
  FILTER(STR(?a) < STR(?b))
  ?a skos:exactMatch ?qa . FILTER(STRSTARTS(STR(?qa), STR(wd:)))
  ?b skos:exactMatch ?qb . FILTER(STRSTARTS(STR(?qb), STR(wd:)))
  OPTIONAL { ?agreement cr:status ?status }
  OPTIONAL { ?agreement cr:signingDate ?date }
  OPTIONAL { ?a rdfs:label ?aLabel FILTER(lang(?aLabel) = "en") }
  OPTIONAL { ?b rdfs:label ?bLabel FILTER(lang(?bLabel) = "en") }
  BIND(EXISTS { ?a cr:country <%(iran)s> } AS ?aIranian)
  BIND(EXISTS { ?b cr:country <%(iran)s> } AS ?bIranian)
}""".replace("%(iran)s", IRAN)

LINKED_CITIES_QUERY = """
SELECT ?city ?q ?label ?iranian WHERE {
  ?city a cr:City ; skos:exactMatch ?q . FILTER(STRSTARTS(STR(?q), STR(wd:)))
  OPTIONAL { ?city rdfs:label ?label FILTER(lang(?label) = "en") }
  BIND(EXISTS { ?city cr:country <%(iran)s> } AS ?iranian)
}""".replace("%(iran)s", IRAN)


@dataclass
class PaperPair:
    agreement: str
    qids: tuple[str, str]
    labels: tuple[str, str]
    status: str
    signing_date: str  # as the paper prints it: "YYYY" or "YYYY-MM-DD", or ""
    datatype: str  # "gYear", "date" or ""


@dataclass
class Row:
    verdict: str  # "both", "paper only", "wikidata only"
    qids: tuple[str, str]
    labels: tuple[str, str]
    agreement: str = ""
    status: str = ""
    paper_date: str = ""
    wikidata_start: str = ""

    @property
    def year_check(self) -> str:
        if not (self.paper_date and self.wikidata_start):
            return ""
        return "same year" if self.paper_date[:4] == self.wikidata_start[:4] else "different year"


def paper_pairs(store: ox.Store) -> list[PaperPair]:
    pairs = []
    for r in select(store, sparql_prologue() + PAPER_PAIRS_QUERY):
        date = r["date"]
        pairs.append(
            PaperPair(
                r["agreement"].value,
                (qid(r["qa"].value), qid(r["qb"].value)),
                (_value(r["aLabel"]), _value(r["bLabel"])),
                _value(r["status"]).rsplit("/", 1)[-1],
                _value(date),
                date.datatype.value.rsplit("#", 1)[-1] if date is not None else "",
            )
        )
    return sorted(pairs, key=lambda p: p.agreement)


def linked_cities(store: ox.Store) -> dict[str, tuple[str, bool]]:
    """QID → (English label, is Iranian) for every city linked to Wikidata."""
    return {
        qid(r["q"].value): (_value(r["label"]), r["iranian"].value == "true")
        for r in select(store, sparql_prologue() + LINKED_CITIES_QUERY)
    }


def _value(term) -> str:
    return term.value if term is not None else ""


def read_pairs_file(path: Path) -> dict[frozenset, str]:
    """Pairs from a `QID<TAB>QID[<TAB>start]` file (the 2016 crawl's format, optional P580)."""
    pairs: dict[frozenset, str] = {}
    for line_no, line in numbered_lines(path, "pairs file"):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) not in (2, 3) or not all(re.fullmatch(r"Q\d+", f) for f in fields[:2]):
            raise BadInput(f"{path}:{line_no}: expected QID<TAB>QID[<TAB>start time], got {line!r}")
        start = fields[2].strip() if len(fields) == 3 else ""
        key = frozenset(fields[:2])
        pairs[key] = pairs.get(key) or start
    if not pairs:
        raise BadInput(f"{path}: no pairs (expected QID<TAB>QID[<TAB>start time] lines)")
    return pairs


def endpoint_pairs(
    client: WikidataClient, qids: list[str]
) -> tuple[dict[frozenset, str], dict[str, str]]:
    """P190 pairs of `qids` from a live endpoint, with P580 start times and twin labels."""
    pairs: dict[frozenset, str] = {}
    labels: dict[str, str] = {}
    for row in client.twins_of(qids):
        a, b = item_qid(row["city"]), item_qid(row["twin"])
        if not (a and b):  # "unknown value", or an IRI outside Wikidata: no pair of it
            continue
        key = frozenset((a, b))
        start = row.get("start", "")[:10].lstrip("+")
        pairs[key] = pairs.get(key) or start
        labels[b] = row.get("twinLabel", "")
    return pairs, labels


def compare(
    paper: list[PaperPair],
    wikidata: dict[frozenset, str],
    cities: dict[str, tuple[str, bool]],
    wikidata_labels: dict[str, str] | None = None,
) -> list[Row]:
    rows = []
    seen: set[frozenset] = set()
    for p in paper:
        key = frozenset(p.qids)
        seen.add(key)
        verdict = "both" if key in wikidata else "paper only"
        rows.append(
            Row(
                verdict,
                p.qids,
                p.labels,
                p.agreement,
                p.status,
                p.signing_date,
                wikidata.get(key, ""),
            )
        )
    iranian = {q for q, (_, is_iranian) in cities.items() if is_iranian}
    labels = {q: label for q, (label, _) in cities.items()} | (wikidata_labels or {})
    for key, start in sorted(wikidata.items(), key=lambda kv: sorted(kv[0])):
        if key in seen or not key & iranian or len(key) != 2:
            continue
        a, b = sorted(key, key=lambda q: (q not in iranian, q))
        rows.append(
            Row(
                "wikidata only",
                (a, b),
                (labels.get(a, ""), labels.get(b, "")),
                wikidata_start=start,
            )
        )
    order = {"both": 0, "paper only": 1, "wikidata only": 2}
    return sorted(rows, key=lambda r: (order[r.verdict], r.labels, r.qids))


CSV_COLUMNS = [
    "verdict",
    "city_a",
    "qid_a",
    "city_b",
    "qid_b",
    "agreement",
    "status",
    "paper_date",
    "wikidata_start",
    "year_check",
]


def to_csv(rows: list[Row]) -> str:
    return csvsafe.table(
        CSV_COLUMNS,
        (
            [
                r.verdict,
                r.labels[0],
                r.qids[0],
                r.labels[1],
                r.qids[1],
                r.agreement,
                r.status,
                r.paper_date,
                r.wikidata_start,
                r.year_check,
            ]
            for r in rows
        ),
    )


def to_markdown(rows: list[Row], source: str) -> str:
    count = {
        v: sum(1 for r in rows if r.verdict == v) for v in ("both", "paper only", "wikidata only")
    }
    differ = [r for r in rows if r.year_check == "different year"]
    lines = [
        "# The paper's sister cities vs Wikidata (P190)",
        "",
        f"Wikidata side: {source}. Only pairs whose two cities are linked to Wikidata are compared.",
        "",
        f"- in both: {count['both']}",
        f"- only in the paper: {count['paper only']}",
        f"- only in Wikidata (pairs of the paper's Iranian cities): {count['wikidata only']}",
        f"- signing year differs from the P580 start time: {len(differ)}",
        "",
        "| verdict | city | city | paper date | P580 start | years |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        a = f"{r.labels[0] or r.qids[0]} ({r.qids[0]})"
        b = f"{r.labels[1] or r.qids[1]} ({r.qids[1]})"
        status = " (unofficial)" if r.status == "unofficial" else ""
        lines.append(
            f"| {r.verdict}{status} | {a} | {b} | {r.paper_date} | {r.wikidata_start} | {r.year_check} |"
        )
    return "\n".join(lines) + "\n"


def comparison(
    pairs: Path | None = None,
    endpoint: str | None = None,
    sources: list[Path] | None = None,
    client: WikidataClient | None = None,
):
    """(rows, paper pairs, description of the Wikidata side) for the project graph and its links."""
    if bool(pairs) == bool(endpoint or client):
        raise BadInput("give exactly one of --pairs FILE and --endpoint URL")
    store = graph.load_store(sources if sources is not None else graph.source_files())
    paper = paper_pairs(store)
    cities = linked_cities(store)
    if not cities:
        raise BadInput("no city is linked to Wikidata: run `cityrdf link` first")
    labels: dict[str, str]
    if pairs:
        wikidata, labels, source = read_pairs_file(Path(pairs)), {}, f"pairs file {pairs}"
    else:
        if client is None:
            assert endpoint  # without pairs, an endpoint or a client (checked above)
            client = WikidataClient(endpoint=endpoint)
        iranian = sorted(q for q, (_, is_iranian) in cities.items() if is_iranian)
        partners = sorted({q for p in paper for q in p.qids})
        wikidata, labels = endpoint_pairs(client, sorted(set(iranian) | set(partners)))
        source = f"SPARQL endpoint {client.endpoint}"
    return compare(paper, wikidata, cities, labels), paper, source


def run(
    pairs: Path | None = None,
    endpoint: str | None = None,
    out: Path | None = None,
    sources: list[Path] | None = None,
    client: WikidataClient | None = None,
) -> list[Row]:
    """Compare, print a table, and write comparison.csv and comparison.md into `out`."""
    rows, _, source = comparison(pairs, endpoint, sources, client)
    out = Path(out or current_project().dist_dir / "compare")
    atomic.write_files(
        {out / "comparison.csv": to_csv(rows), out / "comparison.md": to_markdown(rows, source)}
    )
    print_table(rows)
    return rows


def print_table(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="paper vs Wikidata P190")
    for column in ("verdict", "city", "city", "paper date", "P580", "years"):
        table.add_column(column)
    for r in rows:  # Wikidata's labels are outside text: shown escaped, never as markup
        table.add_row(
            *map(
                terminal.cell,
                (
                    r.verdict,
                    r.labels[0] or r.qids[0],
                    r.labels[1] or r.qids[1],
                    r.paper_date,
                    r.wikidata_start,
                    r.year_check,
                ),
            )
        )
    Console().print(table)
