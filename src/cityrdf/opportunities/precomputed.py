"""Suggestions for every city of the paper, made at publish time for the city pages: written to
`world/suggestions.nq` (published with the world layer) and handed to the site model."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from cityrdf.opportunities import fitted, record, store
from cityrdf.opportunities.suggest import suggest
from cityrdf.project import current_project
from cityrdf.rdf.namespaces import CR, RDF


def paper_cities(project: ox.Store) -> list[str]:
    """The cities of the project graph (the paper's, in its default graph)."""
    found = project.quads_for_pattern(None, RDF.type, CR.City, ox.DefaultGraph())
    return sorted({q.subject.value for q in found if isinstance(q.subject, ox.NamedNode)})


def for_paper_cities(
    project: ox.Store, world_dir: Path | None = None, top: int = 10
) -> ox.Store | None:
    """The suggestions graph for every paper city the world layer holds, or None without a world
    layer. The ranker is the stored fit when the inputs are unchanged (`fitted.py`)."""
    if not store.world_files(world_dir):
        return None
    fit = fitted.fitted(world_dir)
    found = {
        city: suggest(fit.world, fit.scorer, city, top, table=fit.table)
        for city in paper_cities(project)
        if city in fit.world.graph
    }
    path = (current_project().world_dir if world_dir is None else world_dir) / "suggestions.nq"
    record.write_all(path, found, fit.scorer.parameters, fit.weights, fit.inputs, "paper-cities")
    suggestions = ox.Store()
    suggestions.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return suggestions
