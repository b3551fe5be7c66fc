"""SHACL Core and SHACL-SPARQL evaluated as SPARQL on the embedded Oxigraph store.

Every shape compiles to a graph pattern that matches exactly when a focus node violates it, so
shapes nest (sh:or, sh:xone, sh:not, sh:node, qualified value shapes) by EXISTS. The constraints of
targeted shapes that share their targets and path run as one SELECT per kind (tests of each value
node; counts of the value nodes), with a flag per constraint; the others as one SELECT each.
A shape using anything this compiler does not know is validated by pySHACL instead, never skipped.
Why: docs/decisions/0004-fast-validation.md. Spec: https://www.w3.org/TR/shacl/.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import pyoxigraph as ox

from cityrdf.checks.shacl_compile import PROLOGUE
from cityrdf.checks.shacl_plan import TRUE, Check, plan
from cityrdf.checks.shapes_graph import TARGETS, GraphView, Node
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import SH
from cityrdf.rdf.rdflib_bridge import rdflib_term, to_rdflib
from cityrdf.sparql.results import select

# pySHACL's report, read back: one row per top-level result (pySHACL also types the nested
# sh:detail results sh:ValidationResult, but only the report's own are its sh:result)
REPORT_RESULTS = f"""PREFIX sh: <{SH}>
SELECT ?result ?focus ?path ?value ?component ?shape ?severity WHERE {{
  [] sh:result ?result .
  OPTIONAL {{ ?result sh:focusNode ?focus }}
  OPTIONAL {{ ?result sh:resultPath ?path }}
  OPTIONAL {{ ?result sh:value ?value }}
  OPTIONAL {{ ?result sh:sourceConstraintComponent ?component }}
  OPTIONAL {{ ?result sh:sourceShape ?shape }}
  OPTIONAL {{ ?result sh:resultSeverity ?severity }}
}}"""


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, with Oxigraph terms (those of the shapes graph for shape and path);
    None where pySHACL's report leaves a value out."""

    focus_node: Node | None
    result_path: Node | None
    value: Node | None
    component: Node | None
    source_shape: Node | None
    severity: Node | None
    messages: tuple[Node, ...] = ()

    def key(self) -> tuple:
        """What two validators must agree on (messages are free text)."""
        return (
            self.focus_node,
            self.result_path,
            self.value,
            self.component,
            self.source_shape,
            self.severity,
        )


def validate(
    store: ox.Store, shapes: ox.Store, queries: Executor | None = None
) -> list[ValidationResult]:
    """The validation results of `store`'s default graph against the shapes graph in `shapes`'s
    default graph, as pySHACL would report them with inference "none" and advanced features on;
    the checks run in `queries` (graph.query_threads)."""
    checks_plan = plan(shapes)
    # A class or predicate with no instance in the data: its shapes' checks would find nothing.
    # With a few instances, a check that has a form for a few runs on them as VALUES.
    focus = {t: focus_nodes(store, t) for t in {check.targets for check in checks_plan.checks}}
    checks = [
        check.for_focus_nodes(focus[check.targets])
        if check.few is not None and few_named(focus[check.targets])
        else check
        for check in checks_plan.checks
        if focus[check.targets]
    ]
    with graph.query_threads(queries) as pool:  # `queries`: shared with the QC queries
        found = pool.map(lambda check: run_check(store, check), checks)
        results = [result for check_results in found for result in check_results]
    if checks_plan.fallback:
        results += pyshacl_results(store, shapes, only=set(checks_plan.fallback))
    return sorted(set(results), key=lambda r: tuple(str(x) for x in r.key()))


# Up to this many focus nodes a check runs on them as VALUES (Check.few); each lookup of a hub's
# types costs up to 0.3 ms in Oxigraph's memory store, so at worst 0.3 s a check.
FEW_FOCUS_NODES = 1000


def focus_nodes(store: ox.Store, targets: str) -> list[Node]:
    """The focus nodes `targets` binds, up to FEW_FOCUS_NODES + 1 of them."""
    query = f"{PROLOGUE}SELECT DISTINCT ?this WHERE {{ {targets} }} LIMIT {FEW_FOCUS_NODES + 1}"
    return [row["this"] for row in select(store, query)]


def few_named(nodes: list[Node]) -> bool:
    """At most FEW_FOCUS_NODES nodes, none blank (VALUES cannot name a blank node of the data)."""
    return len(nodes) <= FEW_FOCUS_NODES and not any(isinstance(n, ox.BlankNode) for n in nodes)


def run_check(store: ox.Store, check: Check) -> list[ValidationResult]:
    solutions = select(store, check.query)
    variables = {v.value for v in solutions.variables}
    found = []
    for row in solutions:
        focus = row["this"]
        value = row["value"] if "value" in variables else None
        row_path = row["path"] if "path" in variables else None
        for test in check.tests:
            if test.flag is not None and row[test.flag] != TRUE:
                continue
            found.append(
                ValidationResult(
                    focus,
                    row_path if row_path is not None else test.path,
                    value,
                    test.component,
                    test.shape,
                    test.severity,
                    test.messages,
                )
            )
    return found


def pyshacl_results(
    store: ox.Store, shapes: ox.Store, only: set[Node] | None = None
) -> list[ValidationResult]:
    """pySHACL's results on the store; with `only`, the other shapes lose their targets first.

    pySHACL reads rdflib graphs: the shapes go over term by term, keeping their blank nodes'
    labels, and its report comes back through N-Triples, which keeps them too, so a result names
    the very property shape fastshacl names."""
    import pyshacl
    import rdflib  # pySHACL's graphs: the reference engine's input

    shapes_graph = rdflib.Graph()
    for q in shapes.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if only is not None and q.predicate in TARGETS and q.subject not in only:
            continue
        shapes_graph.add(
            (rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object))  # type: ignore[arg-type]
        )
    _, report, _ = pyshacl.validate(
        to_rdflib(store),
        shacl_graph=shapes_graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    read = ox.Store()
    read.extend(ox.parse(report.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES))
    return [
        ValidationResult(
            row["focus"],
            row["path"],
            row["value"],
            row["component"],
            row["shape"],
            row["severity"],
            tuple(GraphView(read).objects(row["result"], SH.resultMessage)),
        )
        for row in select(read, REPORT_RESULTS)
    ]
