"""The pages made from a whole RDF document: the shapes page keeps the order the shapes' authors
wrote, as the page names no blank node and so is the same on every run without a canonical order."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from cityrdf import publish
from cityrdf.rdf import graph
from cityrdf.rdf.canonical import canonical
from cityrdf.web.site import Settings, Site

SH = "http://www.w3.org/ns/shacl#"
STEPS = ("signing", "ratification", "renewal")


def property_shapes(order: tuple[str, ...]) -> str:
    """A node shape whose property shapes differ only in their path and message, in `order`."""
    properties = " ,\n    ".join(
        f'[ sh:path ex:{step} ; sh:maxCount 1 ; sh:message "{step}-once"@en ]' for step in order
    )
    return (
        f"@prefix sh: <{SH}> .\n@prefix ex: <https://w3id.org/cityrdf/ontology#> .\n"
        "<https://w3id.org/cityrdf/shapes#StepShape> a sh:NodeShape ;\n"
        f"    sh:targetClass ex:Agreement ;\n    sh:property {properties} .\n"
    )


def canonical_order(path: Path) -> tuple[str, ...]:
    """The steps in the order the canonical form lists the property shapes."""
    ordered = canonical(graph.parse_file(path))
    messages = [t.object.value for t in ordered if t.predicate.value == SH + "message"]
    return tuple(m.removesuffix("-once") for m in messages)


def in_page(html: str) -> tuple[str, ...]:
    return tuple(re.findall(r"(signing|ratification|renewal)-once", html))


def published_shapes_page(project: Path) -> str:
    out = Path(tempfile.mkdtemp(dir=project)) / "site"
    publish.write_site(out, graph.load_store(), None)
    return (out / "shapes" / "index.html").read_text(encoding="utf-8")


def served_shapes_page(project: Path) -> str:
    return Site(graph.load_store(), Settings()).shapes_html


@pytest.mark.parametrize("page", [published_shapes_page, served_shapes_page])
def test_the_shapes_page_lists_property_shapes_in_the_order_of_their_file(tiny_project, page):
    shapes = tiny_project / "shapes" / "steps.ttl"
    shapes.write_text(property_shapes(STEPS), encoding="utf-8")
    written = tuple(reversed(canonical_order(shapes)))  # an order the canonical form does not keep
    shapes.write_text(property_shapes(written), encoding="utf-8")
    assert canonical_order(shapes) != written
    shown = page(tiny_project)
    assert in_page(shown) == written
    assert page(tiny_project) == shown  # the sources read again: fresh blank nodes, same page
