"""`cityrdf world validate`: each world graph alone against shapes/world/*.ttl (fastshacl).

The world graphs are validated one by one in a store of their own, so a source's city or country
must be described in that source's graph; the project graph's validation is `cityrdf validate`.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cityrdf.checks import fastshacl
from cityrdf.errors import BadInput
from cityrdf.project import current_project
from cityrdf.rdf.graph import load_file, load_store
from cityrdf.text import plural
from cityrdf.validate import Finding, compact


def shapes() -> ox.Store:
    """shapes/world/*.ttl (of the current project, looked up at call time)."""
    return load_store(sorted((current_project().shapes_dir / "world").glob("*.ttl")), entail=False)


def validate_world(files: list[Path] | None = None) -> dict[str, list[Finding]]:
    """Findings per world graph IRI (an empty list when the graph conforms)."""
    files = sorted(current_project().world_dir.glob("*.nq")) if files is None else files
    if not files:
        raise BadInput(
            f"no world graphs: {current_project().world_dir}/*.nq (run `cityrdf world import`)"
        )
    shape_graph = shapes()
    found: dict[str, list[Finding]] = {}
    for path in files:
        dataset = ox.Store()
        load_file(dataset, Path(path))  # BOM, FILE:LINE:COLUMN, an empty file: one line each
        unnamed = sum(1 for _ in dataset.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if unnamed:
            raise BadInput(
                f"{path}: {plural(unnamed, 'statement')} in no named graph: every statement of "
                "a world graph is in its source's graph"
            )
        # in IRI order: the store's own order changes with how the file was read
        for graph in sorted(dataset.named_graphs(), key=lambda g: g.value):
            alone = ox.Store()
            alone.extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                for q in dataset.quads_for_pattern(None, None, None, graph)
            )
            found[graph.value] = [
                Finding(
                    "shacl",
                    r.severity.value.rsplit("#", 1)[-1] if r.severity else "",
                    r.focus_node.value if r.focus_node else "",
                    " ".join(m.value for m in r.messages),
                    compact(r.component.value) if r.component else "",
                    compact(r.result_path.value) if r.result_path is not None else "",
                    r.value.value if r.value is not None else "",
                    path.name,
                )
                for r in fastshacl.validate(alone, shape_graph)
            ]
    return found
