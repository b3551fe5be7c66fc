"""SHACL shapes compiled to SPARQL for `fastshacl`: every shape becomes a graph pattern that matches
exactly when a focus node violates it; the constraints of targeted shapes that share their targets
and path become one SELECT per kind, with a flag per constraint. What this compiler does not know is
left to pySHACL (`Plan.fallback`). Why: docs/decisions/0004-fast-validation.md.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

# A SPARQL constraint's equivalent for all focus nodes at once, where $this is not pre-bound
WHOLE_GRAPH_SELECT = URIRef("https://w3id.org/cityrdf/shapes#wholeGraphSelect")

# SHACL §4: the parameters each constraint component reads; anything else with the sh: namespace
# on a shape (except the ones in NOT_CONSTRAINTS) is a component this compiler does not know.
NOT_CONSTRAINTS = {
    SH[name]
    for name in [
        "path",
        "message",
        "severity",
        "name",
        "description",
        "order",
        "group",
        "deactivated",
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "qualifiedValueShape",
        "qualifiedValueShapesDisjoint",
        "flags",
        "defaultValue",
        "declare",
        "prefixes",
    ]
}
VALUE_COMPONENTS = {  # parameter -> component, for constraints tested on each value node
    SH[p]: SH[c + "ConstraintComponent"]
    for p, c in [
        ("class", "Class"), ("datatype", "Datatype"), ("nodeKind", "NodeKind"),
        ("pattern", "Pattern"), ("languageIn", "LanguageIn"), ("in", "In"),
        ("minInclusive", "MinInclusive"), ("maxInclusive", "MaxInclusive"),
        ("minExclusive", "MinExclusive"), ("maxExclusive", "MaxExclusive"),
        ("minLength", "MinLength"), ("maxLength", "MaxLength"), ("node", "Node"),
        ("or", "Or"), ("and", "And"), ("not", "Not"), ("xone", "Xone"),
        ("lessThan", "LessThan"), ("lessThanOrEquals", "LessThanOrEquals"),
    ]
}  # fmt: skip
FOCUS_COMPONENTS = {  # parameter -> component, for constraints on the set of value nodes
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent,
}
COMPARISONS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
# Literals whose lexical form is not in their datatype's lexical space are not of that datatype
# (SHACL §4.1.2); these are the checks rdflib (and so pySHACL) applies.
_INTEGER = r"^[+-]?[0-9]+$"
WELL_FORMED: dict[Node, str] = {
    XSD.integer: f'REGEX(STR({{v}}), "{_INTEGER}")',
    XSD.positiveInteger: f'(REGEX(STR({{v}}), "{_INTEGER}") && xsd:integer(STR({{v}})) > 0)',
    XSD.nonNegativeInteger: f'(REGEX(STR({{v}}), "{_INTEGER}") && xsd:integer(STR({{v}})) >= 0)',
    XSD.decimal: r'REGEX(STR({v}), "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$")',
    XSD.boolean: 'REGEX(STR({v}), "^(true|false|1|0)$")',
    XSD.date: "isLiteral(xsd:date(STR({v})))",
    XSD.dateTime: "isLiteral(xsd:dateTime(STR({v})))",
}
TRUE = ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean)))
PROLOGUE = f"PREFIX xsd: <{XSD}>\nPREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\n"


class Unsupported(Exception):
    """A shape uses a SHACL feature this compiler does not translate; pySHACL validates it."""


@dataclass(frozen=True)
class Test:
    """What a row of a check's answer reports: a result of this constraint, if `flag` (a variable
    the query binds to true or false) is None or true in that row."""

    shape: Node
    component: URIRef
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


VALUES, COUNTS = "values", "counts"  # the kinds of grouped checks


@dataclass
class Check:
    """One SELECT that returns a row per violation: ?this, and ?value (and ?path) where bound,
    and the constraints (`tests`) the row violates."""

    query: str
    tests: tuple[Test, ...]
    targets: str  # the focus nodes' pattern: a check whose targets match nothing is skipped


@dataclass
class Plan:
    checks: list[Check] = field(default_factory=list)
    fallback: dict[Node, str] = field(default_factory=dict)  # shape -> why pySHACL validates it


class ShapeCompiler:
    """Compiles the shapes of one rdflib shapes graph to SPARQL for Oxigraph."""

    def __init__(self, shapes: rdflib.Graph):
        self.g = shapes
        self._fresh = itertools.count()

    # --- the plan ---------------------------------------------------------------------------

    def plan(self) -> Plan:
        plan = Plan()
        grouped: dict[tuple[str, str, str], list[Flagged]] = {}
        for shape in sorted(self.targeted_shapes(), key=str):
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
        if kind == VALUES:
            projection = "?this ?value" if values else "?this (?this AS ?value)"
            joins = " ".join(f.pattern for f in found)
            where = f"{targets} {values} {joins} {where}"
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
                f"{{ SELECT ?this {counts} WHERE {{ {targets} OPTIONAL {{ {values} {tagged} }} }} "
                f"GROUP BY ?this }} {where}"
            )
        query = f"{PROLOGUE}SELECT DISTINCT {projection} {' '.join(flags)} WHERE {{ {where} }}"
        tests = tuple(replace(f.test, flag=flag[1:]) for flag, f in zip(flags, found))
        return Check(query, tests, targets)

    def targeted_shapes(self) -> set[Node]:
        shapes = {
            s
            for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
            for s in self.g.subjects(p, None)
        }
        # SHACL §2.1.3.3: a shape that is also a class targets its instances.
        for kind in (SH.NodeShape, SH.PropertyShape):
            for s in self.g.subjects(RDF.type, kind):
                if (s, RDF.type, RDFS.Class) in self.g or (s, RDF.type, OWL.Class) in self.g:
                    shapes.add(s)
        return {s for s in shapes if not self.deactivated(s)}

    def target_pattern(self, shape: Node, focus: str) -> str:
        classes = set(self.g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g:
            classes.add(shape)
        parts = [
            f"{{ {focus} <{RDF.type}>/<{RDFS.subClassOf}>* {term(c)} }}"
            for c in sorted(classes, key=str)
        ]
        parts += [
            f"{{ VALUES {focus} {{ {term(n)} }} }}" for n in self.g.objects(shape, SH.targetNode)
        ]
        parts += [f"{{ {focus} {term(p)} [] }}" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {term(p)} {focus} }}" for p in self.g.objects(shape, SH.targetObjectsOf)]
        return f"{{ SELECT DISTINCT {focus} WHERE {{ {' UNION '.join(parts)} }} }}"

    def checks(
        self, shape: Node, targets: str, tests: dict[tuple[str, str], list[Flagged]]
    ) -> list[Check]:
        """The top-level checks of `shape` on the focus nodes `targets` binds to ?this. The
        constraints that are a test of one value node, or of the number of value nodes, go to
        `tests` instead, by kind and the pattern that binds the value nodes to ?value."""
        if self.deactivated(shape):
            return []
        severity = self.g.value(shape, SH.severity) or SH.Violation
        messages = tuple(self.g.objects(shape, SH.message))
        path = self.g.value(shape, SH.path)
        found = []
        projection = "?this ?value" if path is not None else "?this (?this AS ?value)"
        grouped: list[tuple[str, str, str, URIRef]] = []
        for pattern, component in self.components(shape, "?this", "?value", grouped):
            query = f"{PROLOGUE}SELECT DISTINCT {projection} WHERE {{ {targets} {pattern} }}"
            found.append(Check(query, (Test(shape, component, path, severity, messages),), targets))
        values = "" if path is None else f"?this {self.path(path)} ?value ."
        for kind, pattern, expression, component in grouped:
            test = Test(shape, component, path, severity, messages)
            tests.setdefault((kind, values), []).append(Flagged(pattern, expression, test))
        for constraint in self.g.objects(shape, SH.sparql):
            found.append(self.sparql_check(shape, constraint, targets, path, severity, messages))
        for prop in self.g.objects(shape, SH.property):
            found += self.checks(prop, targets, tests)
        return found

    # --- compositional violation patterns ---------------------------------------------------

    def violation(self, shape: Node, focus: str) -> str:
        """A group pattern that has a solution iff `focus` does not conform to `shape`."""
        if self.deactivated(shape):
            return "FILTER(false)"
        if any(True for _ in self.g.objects(shape, SH.sparql)):
            raise Unsupported(f"nested shape {shape} has sh:sparql")
        branches = [pattern for pattern, _ in self.components(shape, focus, self.var())]
        branches += [self.violation(prop, focus) for prop in self.g.objects(shape, SH.property)]
        if not branches:
            return "FILTER(false)"
        return " UNION ".join(f"{{ {b} }}" for b in branches)

    def conforms(self, shape: Node, focus: str) -> str:
        """A SPARQL expression true iff `focus` conforms to `shape`."""
        return f"NOT EXISTS {{ {self.violation(shape, focus)} }}"

    def components(
        self,
        shape: Node,
        focus: str,
        value: str,
        tests: list[tuple[str, str, str, URIRef]] | None = None,
    ) -> list[tuple[str, URIRef]]:
        """(pattern, component) for each constraint of `shape`: the pattern binds `focus` and,
        for a value-node constraint, `value` to each violating value (the focus for node shapes).

        Given `tests` (top-level shapes, where `value` is ?value), the constraints a grouped
        check can evaluate go there instead as (kind, pattern, expression, component): VALUES
        tests, where the expression is true iff ?value violates the constraint once the pattern
        is joined, and COUNTS tests, an expression of ?_n (the number of value nodes) and, for
        sh:uniqueLang, ?_tagged_n and ?_languages_n (those with a language tag, their tags)."""
        path = self.g.value(shape, SH.path)
        for p in set(self.g.predicates(shape, None)):
            known = p in VALUE_COMPONENTS or p in FOCUS_COMPONENTS or p in NOT_CONSTRAINTS
            if str(p).startswith(str(SH)) and not known and p not in (SH.property, SH.sparql):
                raise Unsupported(f"{shape} uses {p}, which fastshacl does not compile")
        # A node shape's only value node is the focus node itself (SHACL §2.1).
        values, value = (
            ("", focus) if path is None else (f"{focus} {self.path(path)} {value} .", value)
        )
        found = []
        for p, component in VALUE_COMPONENTS.items():
            for param in self.g.objects(shape, p):
                test = self.value_test(shape, p, param, value)
                if tests is not None and test is not None:
                    tests.append((VALUES, "", test, component))
                    continue
                if tests is not None and p == SH["class"]:
                    # OPTIONAL/!BOUND, not FILTER NOT EXISTS (same meaning): Oxigraph runs a NOT
                    # EXISTS once per row, 60 times slower on a 200 k-row import's parties.
                    typed = self.var()
                    pattern = (
                        f"OPTIONAL {{ {value} rdf:type/rdfs:subClassOf* {term(param)} . "
                        f"BIND(true AS {typed}) }}"
                    )
                    tests.append((VALUES, pattern, f"!BOUND({typed})", component))
                    continue
                found.append(
                    (f"{values} {self.value_violation(shape, p, param, focus, value)}", component)
                )
        for p, component in FOCUS_COMPONENTS.items():
            for param in self.g.objects(shape, p):
                if path is None:
                    if p != SH.hasValue:
                        raise Unsupported(f"{shape}: {p} on a node shape")
                    found.append((f"FILTER(!sameTerm({focus}, {term(param)}))", component))
                elif tests is not None and p in (SH.minCount, SH.maxCount):
                    op = "<" if p == SH.minCount else ">"
                    tests.append((COUNTS, "", f"?_n {op} {int(str(param))}", component))
                elif tests is not None and p == SH.uniqueLang:
                    if isinstance(param, Literal) and param.value is True:
                        tests.append((COUNTS, "", "?_tagged_n > ?_languages_n", component))
                else:
                    found.append(
                        (self.focus_violation(shape, p, param, focus, self.path(path)), component)
                    )
        return found

    def value_violation(self, shape: Node, p: URIRef, param: Node, focus: str, v: str) -> str:
        test = self.value_test(shape, p, param, v)
        if test is not None:
            return f"FILTER({test})"
        if p == SH["class"]:
            # Only nested shapes come here (a top-level sh:class is a grouped test), inside an
            # EXISTS that Oxigraph evaluates once per row anyway: there a NOT EXISTS is the
            # faster of the two (a fifth less than OPTIONAL/!BOUND on the text anchors).
            return f"FILTER NOT EXISTS {{ {v} rdf:type/rdfs:subClassOf* {term(param)} }}"
        if p in (SH.lessThan, SH.lessThanOrEquals):
            other, op = self.var(), "<" if p == SH.lessThan else "<="
            return f"{focus} {term(param)} {other} . FILTER(!COALESCE({v} {op} {other}, false))"
        raise Unsupported(f"{shape}: {p}")  # pragma: no cover (VALUE_COMPONENTS lists the above)

    def value_test(self, shape: Node, p: URIRef, param: Node, v: str) -> str | None:
        """The expression true iff the value node `v` violates the constraint `p` = `param`, for
        the constraints that are such an expression (the others need a pattern: None)."""
        if p == SH.datatype:
            ok = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {term(param)})"
            if param in WELL_FORMED:
                ok += " && COALESCE(" + WELL_FORMED[param].format(v=v) + ", false)"
            return f"!({ok})"
        if p == SH.nodeKind:
            if param not in NODE_KINDS:
                raise Unsupported(f"{shape}: unknown sh:nodeKind {param}")
            return f"!{NODE_KINDS[param].format(v=v)}"
        if p == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            flag_arg = f", {string(str(flags))}" if flags else ""
            return f"(isBlank({v}) || !REGEX(STR({v}), {string(str(param))}{flag_arg}))"
        if p == SH.languageIn:
            ranges = " || ".join(
                f"langMatches(LANG({v}), {string(str(r))})" for r in self.items(param)
            )
            return f"!(isLiteral({v}) && ({ranges or 'false'}))"
        if p == SH["in"]:
            allowed = " || ".join(f"sameTerm({v}, {term(i)})" for i in self.items(param))
            return f"!({allowed or 'false'})"
        if p in COMPARISONS:
            return f"!COALESCE({v} {COMPARISONS[p]} {term(param)}, false)"
        if p in (SH.minLength, SH.maxLength):
            op = ">=" if p == SH.minLength else "<="
            return f"(isBlank({v}) || !COALESCE(STRLEN(STR({v})) {op} {int(str(param))}, false))"
        if p == SH.node:
            return f"!({self.conforms(param, v)})"
        if p == SH["not"]:
            return f"({self.conforms(param, v)})"
        if p == SH["or"]:
            return f"!({' || '.join(self.conforms(s, v) for s in self.items(param)) or 'false'})"
        if p == SH["and"]:
            return f"!({' && '.join(self.conforms(s, v) for s in self.items(param)) or 'true'})"
        if p == SH.xone:
            count = " + ".join(f"IF({self.conforms(s, v)}, 1, 0)" for s in self.items(param))
            return f"({count or '0'}) != 1"
        return None

    def focus_violation(self, shape: Node, p: URIRef, param: Node, focus: str, path: str) -> str:
        if p == SH.minCount:
            return f"FILTER NOT EXISTS {{ {self.distinct_values(focus, path, int(str(param)))} }}"
        if p == SH.maxCount:
            return f"FILTER EXISTS {{ {self.distinct_values(focus, path, int(str(param)) + 1)} }}"
        if p == SH.hasValue:
            return f"FILTER NOT EXISTS {{ {focus} {path} {term(param)} }}"
        if p == SH.uniqueLang:
            if not (isinstance(param, Literal) and param.value is True):
                return "FILTER(false)"
            a, b = self.var(), self.var()
            # pySHACL compares language tags case-insensitively, as BCP 47 says.
            return (
                f'{focus} {path} {a} , {b} . FILTER(!sameTerm({a}, {b}) && LANG({a}) != "" '
                f"&& LCASE(LANG({a})) = LCASE(LANG({b})))"
            )
        if p in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
            qualified = self.g.value(shape, SH.qualifiedValueShape)
            if qualified is None or self.g.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(
                True
            ):
                raise Unsupported(f"{shape}: sibling-disjoint or missing sh:qualifiedValueShape")
            if p == SH.qualifiedMinCount:
                return f"FILTER NOT EXISTS {{ {self.distinct_values(focus, path, int(str(param)), qualified)} }}"
            return f"FILTER EXISTS {{ {self.distinct_values(focus, path, int(str(param)) + 1, qualified)} }}"
        raise Unsupported(f"{shape}: {p}")  # pragma: no cover

    def distinct_values(self, focus: str, path: str, n: int, qualified: Node | None = None) -> str:
        """`n` pairwise different value nodes (each conforming to `qualified`, if given)."""
        if n <= 0:
            return ""
        names = [self.var() for _ in range(n)]
        parts = [f"{focus} {path} {x} ." for x in names]
        if qualified is not None:
            parts += [f"FILTER({self.conforms(qualified, x)})" for x in names]
        different = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        if different:
            parts.append(f"FILTER({' && '.join(different)})")
        return " ".join(parts)

    # --- SHACL-SPARQL (§5) ------------------------------------------------------------------

    def sparql_check(self, shape, constraint, targets, path, severity, messages) -> Check:
        # A shape may give an equivalent query for all focus nodes at once (decision 0004).
        select = self.g.value(constraint, WHOLE_GRAPH_SELECT) or self.g.value(constraint, SH.select)
        if select is None or self.deactivated(constraint):
            raise Unsupported(f"{shape}: SPARQL constraint without sh:select")
        text = str(select)
        head, brace, body = text.partition("{")
        if not brace or "$this" not in head and "?this" not in head:
            raise Unsupported(f"{shape}: the SPARQL constraint does not select $this")
        if any(word in text.upper() for word in ("$PATH", "$SHAPESGRAPH", "$CURRENTSHAPE")):
            raise Unsupported(f"{shape}: SPARQL constraint uses $PATH or $shapesGraph")
        # Binding $this to the focus nodes first in the WHERE group is the pre-binding of §5.3.1
        # for these queries, in one query instead of one per focus node.
        query = f"{self.prefixes(constraint)}{head}{brace} {targets} {body}"
        own = tuple(self.g.objects(constraint, SH.message)) or messages
        test = Test(shape, SH.SPARQLConstraintComponent, path, severity, own)
        return Check(query, (test,), targets)

    def prefixes(self, constraint: Node) -> str:
        lines = []
        for ontology in self.g.objects(constraint, SH.prefixes):
            for declaration in self.g.objects(ontology, SH.declare):
                prefix = self.g.value(declaration, SH.prefix)
                namespace = self.g.value(declaration, SH.namespace)
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
        return "".join(lines)

    # --- helpers ----------------------------------------------------------------------------

    def path(self, path: Node) -> str:
        """A SHACL property path (§2.3.1) in SPARQL syntax."""
        if isinstance(path, URIRef):
            return term(path)
        if (path, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(p) for p in self.items(path)) + ")"
        for p, fmt in (
            (SH.inversePath, "^({})"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = self.g.value(path, p)
            if inner is not None:
                return fmt.format(self.path(inner))
        alternatives = self.g.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(p) for p in self.items(alternatives)) + ")"
        raise Unsupported(f"unknown property path {path}")

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    def deactivated(self, shape: Node) -> bool:
        return self.g.value(shape, SH.deactivated) == Literal(True)

    def var(self) -> str:
        return f"?_v{next(self._fresh)}"


def term(node: Node) -> str:
    if isinstance(node, BNode):
        raise Unsupported(f"a blank node ({node}) as a constraint parameter")
    if isinstance(node, Literal) and not node.language and node.datatype is None:
        return string(str(node))
    if isinstance(node, Literal):
        suffix = f"@{node.language}" if node.language else f"^^<{node.datatype}>"
        return string(str(node)) + suffix
    return f"<{node}>"


def string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


# --- running ----------------------------------------------------------------------------------
