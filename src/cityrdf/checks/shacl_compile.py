"""SHACL constraints compiled to SPARQL for `fastshacl`: a shape becomes a graph pattern that
matches exactly when a focus node violates it, so shapes nest (sh:node, sh:or, sh:not, qualified
value shapes) by EXISTS; a constraint that is a test of one value node, or of the number of value
nodes, becomes an expression a grouped check evaluates (`shacl_plan`). What this compiler does not
know raises `Unsupported` and is left to pySHACL. Why: docs/decisions/0004-fast-validation.md.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from cityrdf.checks.shapes_graph import Node, ShapesGraph, is_true
from cityrdf.rdf.namespaces import RDF, RDFS, SH, XSD

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
# The prefixes the compiled patterns use
PROLOGUE = f"PREFIX xsd: <{XSD}>\nPREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\n"

VALUES, COUNTS = "values", "counts"  # the kinds of grouped tests

# (kind, pattern, expression, component): a test a grouped check evaluates (`components`)
GroupedTest = tuple[str, str, str, ox.NamedNode]


class Unsupported(Exception):
    """A shape uses a SHACL feature this compiler does not translate; pySHACL validates it."""


class ShapeCompiler:
    """Compiles the constraints of the shapes in one shapes graph to SPARQL for Oxigraph."""

    def __init__(self, shapes: ShapesGraph):
        self.g = shapes
        self._fresh = itertools.count()

    # --- compositional violation patterns ---------------------------------------------------

    def violation(self, shape: Node, focus: str) -> str:
        """A group pattern that has a solution iff `focus` does not conform to `shape`."""
        if self.g.deactivated(shape):
            return "FILTER(false)"
        if self.g.objects(shape, SH.sparql):
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
        tests: list[GroupedTest] | None = None,
    ) -> list[tuple[str, ox.NamedNode]]:
        """(pattern, component) for each constraint of `shape`: the pattern binds `focus` and,
        for a value-node constraint, `value` to each violating value (the focus for node shapes).

        Given `tests` (top-level shapes, where `value` is ?value), the constraints a grouped
        check can evaluate go there instead as (kind, pattern, expression, component): VALUES
        tests, where the expression is true iff ?value violates the constraint once the pattern
        is joined, and COUNTS tests, an expression of ?_n (the number of value nodes) and, for
        sh:uniqueLang, ?_tagged_n and ?_languages_n (those with a language tag, their tags)."""
        path = self.g.value(shape, SH.path)
        for p in self.g.predicates(shape):
            known = p in VALUE_COMPONENTS or p in FOCUS_COMPONENTS or p in NOT_CONSTRAINTS
            if p.value.startswith(str(SH)) and not known and p not in (SH.property, SH.sparql):
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
                    tests.append((COUNTS, "", f"?_n {op} {int(param.value)}", component))
                elif tests is not None and p == SH.uniqueLang:
                    if is_true(param):
                        tests.append((COUNTS, "", "?_tagged_n > ?_languages_n", component))
                else:
                    found.append(
                        (self.focus_violation(shape, p, param, focus, self.path(path)), component)
                    )
        return found

    def value_violation(self, shape: Node, p: ox.NamedNode, param: Node, focus: str, v: str) -> str:
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

    def value_test(self, shape: Node, p: ox.NamedNode, param: Node, v: str) -> str | None:
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
            flag_arg = f", {string(flags.value)}" if flags is not None and flags.value else ""
            return f"(isBlank({v}) || !REGEX(STR({v}), {string(param.value)}{flag_arg}))"
        if p == SH.languageIn:
            ranges = " || ".join(
                f"langMatches(LANG({v}), {string(r.value)})" for r in self.g.items(param)
            )
            return f"!(isLiteral({v}) && ({ranges or 'false'}))"
        if p == SH["in"]:
            allowed = " || ".join(f"sameTerm({v}, {term(i)})" for i in self.g.items(param))
            return f"!({allowed or 'false'})"
        if p in COMPARISONS:
            return f"!COALESCE({v} {COMPARISONS[p]} {term(param)}, false)"
        if p in (SH.minLength, SH.maxLength):
            op = ">=" if p == SH.minLength else "<="
            return f"(isBlank({v}) || !COALESCE(STRLEN(STR({v})) {op} {int(param.value)}, false))"
        if p == SH.node:
            return f"!({self.conforms(param, v)})"
        if p == SH["not"]:
            return f"({self.conforms(param, v)})"
        if p == SH["or"]:
            return f"!({' || '.join(self.conforms(s, v) for s in self.g.items(param)) or 'false'})"
        if p == SH["and"]:
            return f"!({' && '.join(self.conforms(s, v) for s in self.g.items(param)) or 'true'})"
        if p == SH.xone:
            count = " + ".join(f"IF({self.conforms(s, v)}, 1, 0)" for s in self.g.items(param))
            return f"({count or '0'}) != 1"
        return None

    def focus_violation(
        self, shape: Node, p: ox.NamedNode, param: Node, focus: str, path: str
    ) -> str:
        if p == SH.minCount:
            return f"FILTER NOT EXISTS {{ {self.distinct_values(focus, path, int(param.value))} }}"
        if p == SH.maxCount:
            return f"FILTER EXISTS {{ {self.distinct_values(focus, path, int(param.value) + 1)} }}"
        if p == SH.hasValue:
            return f"FILTER NOT EXISTS {{ {focus} {path} {term(param)} }}"
        if p == SH.uniqueLang:
            if not is_true(param):
                return "FILTER(false)"
            a, b = self.var(), self.var()
            # pySHACL compares language tags case-insensitively, as BCP 47 says.
            return (
                f'{focus} {path} {a} , {b} . FILTER(!sameTerm({a}, {b}) && LANG({a}) != "" '
                f"&& LCASE(LANG({a})) = LCASE(LANG({b})))"
            )
        if p in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
            qualified = self.g.value(shape, SH.qualifiedValueShape)
            disjoint = is_true(self.g.value(shape, SH.qualifiedValueShapesDisjoint))
            if qualified is None or disjoint:
                raise Unsupported(f"{shape}: sibling-disjoint or missing sh:qualifiedValueShape")
            if p == SH.qualifiedMinCount:
                return f"FILTER NOT EXISTS {{ {self.distinct_values(focus, path, int(param.value), qualified)} }}"
            return f"FILTER EXISTS {{ {self.distinct_values(focus, path, int(param.value) + 1, qualified)} }}"
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

    # --- helpers ----------------------------------------------------------------------------

    def path(self, path: Node) -> str:
        """A SHACL property path (§2.3.1) in SPARQL syntax."""
        if isinstance(path, ox.NamedNode):
            return term(path)
        if self.g.value(path, RDF.first) is not None:
            return "(" + "/".join(self.path(p) for p in self.g.items(path)) + ")"
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
            return "(" + "|".join(self.path(p) for p in self.g.items(alternatives)) + ")"
        raise Unsupported(f"unknown property path {path}")

    def var(self) -> str:
        return f"?_v{next(self._fresh)}"


def term(node: Node) -> str:
    """`node` in SPARQL syntax: Oxigraph writes a term in N-Triples, whose IRIs and literals
    (escapes included) SPARQL reads as they are."""
    if isinstance(node, ox.BlankNode):
        raise Unsupported(f"a blank node ({node}) as a constraint parameter")
    return str(node)


def string(text: str) -> str:
    """`text` as a SPARQL string literal."""
    return str(ox.Literal(text))
