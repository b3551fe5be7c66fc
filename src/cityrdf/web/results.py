"""SPARQL query results in the four formats of SPARQL 1.1 (JSON, XML, CSV, TSV), with the RDF 1.2
triple terms of SPARQL 1.2 results (`"type": "triple"`, `<triple>`, `<<( s p o )>>`)."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TRIPLE_PARTS = ("subject", "predicate", "object")


def json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {k: json_term(getattr(term, k)) for k in TRIPLE_PARTS},
    }


def json_results(variables: list[str], rows: list) -> bytes:
    bindings = [{v: json_term(row[v]) for v in variables if row[v] is not None} for row in rows]
    return json.dumps(
        {"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False
    ).encode()


def xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    parts = "".join(f"<{k}>{xml_term(getattr(term, k))}</{k}>" for k in TRIPLE_PARTS)
    return f"<triple>{parts}</triple>"


def xml_results(variables: list[str], rows: list) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>\n<results>")
    for row in rows:
        out.append("<result>")
        out += [
            f"<binding name={quoteattr(v)}>{xml_term(row[v])}</binding>"
            for v in variables
            if row[v] is not None
        ]
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode()


def nt_term(term) -> str:
    """A term in N-Triples 1.2 syntax: a triple term as `<<( s p o )>>`, nested as deep as it is."""
    if isinstance(term, ox.Triple):
        return "<<( " + " ".join(nt_term(getattr(term, k)) for k in TRIPLE_PARTS) + " )>>"
    return str(term)


def csv_cell(term) -> str:
    """SPARQL CSV: IRIs and literals by their value, blank nodes as `_:id`, triple terms in
    N-Triples syntax (CSV has no other way to write them)."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        return nt_term(term)
    return term.value


def csv_results(variables: list[str], rows: list) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # SPARQL 1.1 CSV: RFC 4180 line ends
    writer.writerow(variables)
    writer.writerows([csv_cell(row[v]) for v in variables] for row in rows)
    return buffer.getvalue().encode()


def tsv_results(variables: list[str], rows: list) -> bytes:
    # SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax, tabs and newlines escaped
    lines = ["\t".join("?" + v for v in variables)]
    for row in rows:
        cells = ("" if row[v] is None else nt_term(row[v]) for v in variables)
        lines.append("\t".join(c.replace("\t", "\\t").replace("\n", "\\n") for c in cells))
    return ("\n".join(lines) + "\n").encode()


def boolean_result(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    return (
        f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
    ).encode()


SOLUTION_WRITERS = {
    "json": json_results,
    "xml": xml_results,
    "csv": csv_results,
    "tsv": tsv_results,
}
