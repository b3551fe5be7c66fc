"""The plan of fastshacl's run: which SELECT queries validate a shapes graph, each returning a row
per violation, and which shapes pySHACL validates instead (`Plan.fallback`). The constraints of
targeted shapes that share their targets and path become one SELECT per kind, with a flag per
constraint; the others, and the SHACL-SPARQL constraints, one SELECT each.
Why: docs/decisions/0004-fast-validation.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from cityrdf.checks.shacl_compile import (
    PROLOGUE,
    VALUES,
    GroupedTest,
    ShapeCompiler,
    Unsupported,
    term,
)
from cityrdf.checks.shapes_graph import Node, Resource, ShapesGraph
from cityrdf.rdf.namespaces import RDF, RDFS, SH, XSD

# A SPARQL constraint's equivalent for all focus nodes at once, where $this is not pre-bound
WHOLE_GRAPH_SELECT = ox.NamedNode("https://w3id.org/cityrdf/shapes#wholeGraphSelect")
TRUE = ox.Literal("true", datatype=XSD.boolean)  # a failed test's flag in a grouped check's row


@dataclass(frozen=True)
class Test:
    """What a row of a check's answer reports: a result of this constraint, if `flag` (a variable
    the query binds to true or false) is None or true in that row."""

    shape: Node
    component: ox.NamedNode
    path: Node | None
    severity: Node
    messages: tuple[Node, ...]
    flag: str | None = None


@dataclass(frozen=True)
class Flagged:
    """A test in a grouped check: `expression` is true when it fails, once `pattern` is joined."""

    pattern: str
    expression: str
    test: Test


@dataclass
class Check:
    """One SELECT that returns a row per violation: ?this, and ?value (and ?path) where bound,
    and the constraints (`tests`) the row violates."""

    query: str
    tests: tuple[Test, ...]
    targets: str  # the focus nodes' pattern: a check whose targets match nothing is skipped
    # The same check for a few focus nodes, where it tests each one's value nodes: the text before
    # and after the group that binds ?this, which fastshacl fills with the focus nodes as VALUES.
    # Oxigraph then looks up the values of each one, where it joins the subquery of focus nodes
    # by reading every triple of the path's predicate: 0.4–0.9 s a shape on a dozen nodes with
    # 200 k imported agreements, under 5 ms so.
    few: tuple[str, str] | None = None

    def for_focus_nodes(self, nodes: list[Node]) -> Check:
        """This check on exactly `nodes` as its focus nodes (it must have a form for a few)."""
        assert self.few is not None
        focus = f"{{ VALUES ?this {{ {' '.join(map(str, nodes))} }} }}"
        return replace(self, query=focus.join(self.few))


@dataclass
class Plan:
    checks: list[Check] = field(default_factory=list)
    fallback: dict[Resource, str] = field(default_factory=dict)  # shape -> why pySHACL validates it


def plan(shapes: ox.Store) -> Plan:
    """The plan for the shapes graph in `shapes`'s default graph."""
    return Planner(ShapesGraph(shapes)).plan()


class Planner:
    """Turns the targeted shapes of one shapes graph into checks, compiled by `ShapeCompiler`."""

    def __init__(self, shapes: ShapesGraph):
        self.g = shapes
        self.compiler = ShapeCompiler(shapes)

    def plan(self) -> Plan:
        """The checks of every targeted shape, grouped where they share targets and path."""
        plan = Plan()
        grouped: dict[tuple[str, str, str], list[Flagged]] = {}
        for shape in sorted(self.g.targeted_shapes(), key=str):
            targets = self.target_pattern(shape, "?this")
            tests: dict[tuple[str, str], list[Flagged]] = {}
            try:
                plan.checks += self.checks(shape, targets, tests)
            except Unsupported as why:
                plan.fallback[shape] = str(why)
                continue
            for (kind, values), found in tests.items():
                grouped.setdefault((kind, targets, values), []).extend(found)
        # The tests of every shape with the same targets and path, in one scan of the values
        for (kind, targets, values), found in grouped.items():
            plan.checks.append(self.grouped_check(kind, targets, values, found))
        return plan

    def grouped_check(self, kind: str, targets: str, values: str, found: list[Flagged]) -> Check:
        """One query for the `found` tests on the value nodes `values` binds for the focus nodes
        `targets` binds: a row per focus (and value) node with a flag per test, true if the test
        fails; rows where none fails are left out."""
        flags = [f"?_f{i}" for i in range(len(found))]
        binds = " ".join(
            f"BIND(COALESCE({f.expression}, false) AS {flag})" for flag, f in zip(flags, found)
        )
        where = f"{binds} FILTER({' || '.join(flags)})"
        focus = distinct(targets)
        if kind == VALUES:
            projection = "?this ?value" if values else "?this (?this AS ?value)"
            joins = " ".join(f.pattern for f in found)
            where = f"{values} {joins} {where}"
        else:  # COUNTS: focus constraints on the number of value nodes and their languages
            counts = "(COUNT(DISTINCT ?value) AS ?_n)"
            tagged = ""
            if any(f.test.component == SH.UniqueLangConstraintComponent for f in found):
                # The value nodes with a language tag, and the tag in lower case (pySHACL compares
                # tags case-insensitively, as BCP 47 says); unbound for the others, as COUNT skips
                # unbound variables (not an expression's errors: those unbind the whole count).
                tagged = (
                    'BIND(IF(LANG(?value) != "", ?value, ?_untagged) AS ?_tagged) '
                    'BIND(IF(LANG(?value) != "", LCASE(LANG(?value)), ?_untagged) AS ?_language)'
                )
                counts += (
                    " (COUNT(DISTINCT ?_tagged) AS ?_tagged_n)"
                    " (COUNT(DISTINCT ?_language) AS ?_languages_n)"
                )
            projection = "?this"
            where = (
                f"{{ SELECT ?this {counts} WHERE {{ {focus} OPTIONAL {{ {values} {tagged} }} }} "
                f"GROUP BY ?this }} {where}"
            )
        select = f"{PROLOGUE}SELECT DISTINCT {projection} {' '.join(flags)} WHERE {{ "
        tests = tuple(replace(f.test, flag=flag[1:]) for flag, f in zip(flags, found))
        if kind != VALUES:
            return Check(f"{select}{where} }}", tests, targets)
        return Check(f"{select}{focus} {where} }}", tests, targets, (select, f" {where} }}"))

    def target_pattern(self, shape: Node, focus: str) -> str:
        """A group binding `focus` to each focus node of `shape` (SHACL §2.1.3), once or more."""
        classes = set(self.g.objects(shape, SH.targetClass))
        if self.g.is_class(shape):
            classes.add(shape)
        parts = [
            f"{{ {focus} {RDF.type}/{RDFS.subClassOf}* {term(c)} }}"
            for c in sorted(classes, key=str)
        ]
        parts += [
            f"{{ VALUES {focus} {{ {term(n)} }} }}" for n in self.g.objects(shape, SH.targetNode)
        ]
        parts += [f"{{ {focus} {term(p)} [] }}" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {term(p)} {focus} }}" for p in self.g.objects(shape, SH.targetObjectsOf)]
        return f"{{ {' UNION '.join(parts)} }}"

    def checks(
        self, shape: Node, targets: str, tests: dict[tuple[str, str], list[Flagged]]
    ) -> list[Check]:
        """The top-level checks of `shape` on the focus nodes `targets` binds to ?this. The
        constraints that are a test of one value node, or of the number of value nodes, go to
        `tests` instead, by kind and the pattern that binds the value nodes to ?value."""
        if self.g.deactivated(shape):
            return []
        severity = self.g.value(shape, SH.severity) or SH.Violation
        messages = tuple(self.g.objects(shape, SH.message))
        path = self.g.value(shape, SH.path)
        found = []
        projection = "?this ?value" if path is not None else "?this (?this AS ?value)"
        grouped: list[GroupedTest] = []
        values = "" if path is None else f"?this {self.compiler.path(path)} ?value ."
        for pattern, component in self.compiler.components(shape, "?this", "?value", grouped):
            select = f"{PROLOGUE}SELECT DISTINCT {projection} WHERE {{ "
            query = f"{select}{distinct(targets)} {pattern} }}"
            # A test of each value node has a form for a few focus nodes (Check.few)
            few = (select, f" {pattern} }}") if pattern.startswith(values) else None
            test = Test(shape, component, path, severity, messages)
            found.append(Check(query, (test,), targets, few))
        for kind, pattern, expression, component in grouped:
            test = Test(shape, component, path, severity, messages)
            tests.setdefault((kind, values), []).append(Flagged(pattern, expression, test))
        for constraint in self.g.objects(shape, SH.sparql):
            found.append(self.sparql_check(shape, constraint, targets, path, severity, messages))
        for prop in self.g.objects(shape, SH.property):
            found += self.checks(prop, targets, tests)
        return found

    # --- SHACL-SPARQL (§5) ------------------------------------------------------------------

    def sparql_check(
        self,
        shape: Node,
        constraint: Node,
        targets: str,
        path: Node | None,
        severity: Node,
        messages: tuple[Node, ...],
    ) -> Check:
        """A SHACL-SPARQL constraint (§5) of `shape` as one query for all its focus nodes."""
        # A shape may give an equivalent query for all focus nodes at once (decision 0004).
        select = self.g.value(constraint, WHOLE_GRAPH_SELECT) or self.g.value(constraint, SH.select)
        if select is None or self.g.deactivated(constraint):
            raise Unsupported(f"{shape}: SPARQL constraint without sh:select")
        text = select.value
        head, brace, body = text.partition("{")
        if not brace or "$this" not in head and "?this" not in head:
            raise Unsupported(f"{shape}: the SPARQL constraint does not select $this")
        if any(word in text.upper() for word in ("$PATH", "$SHAPESGRAPH", "$CURRENTSHAPE")):
            raise Unsupported(f"{shape}: SPARQL constraint uses $PATH or $shapesGraph")
        # Binding $this to the focus nodes first in the WHERE group is the pre-binding of §5.3.1
        # for these queries, in one query instead of one per focus node.
        query = f"{self.prefixes(constraint)}{head}{brace} {distinct(targets)} {body}"
        own = tuple(self.g.objects(constraint, SH.message)) or messages
        test = Test(shape, SH.SPARQLConstraintComponent, path, severity, own)
        return Check(query, (test,), targets)

    def prefixes(self, constraint: Node) -> str:
        """PREFIX lines of the constraint's sh:prefixes declarations (SHACL §5.2.1)."""
        lines = []
        for ontology in self.g.objects(constraint, SH.prefixes):
            for declaration in self.g.objects(ontology, SH.declare):
                prefix = self.g.value(declaration, SH.prefix)
                namespace = self.g.value(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise Unsupported(f"{constraint}: a prefix declaration lacks its parts")
                lines.append(f"PREFIX {prefix.value}: <{namespace.value}>\n")
        return "".join(lines)


def distinct(targets: str) -> str:
    """A subquery binding ?this to each focus node that `targets` binds, once."""
    return f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}"
