"""SHACL Core and SHACL-SPARQL evaluated as SPARQL on the embedded Oxigraph store.

Every shape compiles to a graph pattern that matches exactly when a focus node violates it, so
shapes nest (sh:or, sh:xone, sh:not, sh:node, qualified value shapes) by EXISTS. The constraints of
targeted shapes that share their targets and path run as one SELECT per kind (tests of each value
node; counts of the value nodes), with a flag per constraint; the others as one SELECT each.
A shape using anything this compiler does not know is validated by pySHACL instead, never skipped.
Why: docs/decisions/0004-fast-validation.md. Spec: https://www.w3.org/TR/shacl/.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH
from rdflib.term import Node

from cityrdf.checks.shacl_compile import PROLOGUE, TRUE, Check, ShapeCompiler
from cityrdf.rdf.rdflib_bridge import rdflib_term
from cityrdf.sparql.results import select


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, with rdflib terms (those of the shapes graph for shape and path);
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


def validate(store: ox.Store, shapes: rdflib.Graph) -> list[ValidationResult]:
    """The validation results of `store`'s default graph against `shapes`, as pySHACL would
    report them with inference "none" and advanced features on."""
    plan = ShapeCompiler(shapes).plan()
    # A class or predicate with no instance in the data: its shapes' checks would find nothing.
    targets = {check.targets for check in plan.checks}
    matched = {t for t in targets if store.query(f"{PROLOGUE}ASK {{ {t} }}")}
    # Oxigraph releases the GIL while it evaluates, so the checks run side by side on every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        checks = [check for check in plan.checks if check.targets in matched]
        found = pool.map(lambda check: run_check(store, check), checks)
        results = [result for check_results in found for result in check_results]
    if plan.fallback:
        results += pyshacl_results(store, shapes, only=set(plan.fallback))
    return sorted(set(results), key=lambda r: tuple(str(x) for x in r.key()))


def run_check(store: ox.Store, check: Check) -> list[ValidationResult]:
    solutions = select(store, check.query)
    variables = {v.value for v in solutions.variables}
    found = []
    for row in solutions:
        focus = rdflib_term(row["this"])
        value = rdflib_term(row["value"]) if "value" in variables else None
        row_path = rdflib_term(row["path"]) if "path" in variables else None
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
    store: ox.Store, shapes: rdflib.Graph, only: set[Node] | None = None
) -> list[ValidationResult]:
    """pySHACL's results on the store; with `only`, the other shapes lose their targets first."""
    import pyshacl

    if only is not None:
        kept = rdflib.Graph()
        targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        for s, p, o in shapes:
            if p in targets and s not in only:
                continue
            kept.add((s, p, o))
        shapes = kept
    data = rdflib.Graph()
    data.parse(
        data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt"
    )
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return [
        ValidationResult(
            report.value(r, SH.focusNode),
            report.value(r, SH.resultPath),
            report.value(r, SH.value),
            report.value(r, SH.sourceConstraintComponent),
            report.value(r, SH.sourceShape),
            report.value(r, SH.resultSeverity),
            tuple(report.objects(r, SH.resultMessage)),
        )
        # Only the report's own results: pySHACL also types the nested sh:detail results.
        for r in report.objects(None, SH.result)
    ]
