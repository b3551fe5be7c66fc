"""Where the resources of a page are: each city's coordinates and population from the place it
matches (GeoNames), the points of a page's map, and the cities a resource links to."""

from __future__ import annotations

from functools import cached_property

import pyoxigraph as ox

from cityrdf.rdf.namespaces import CRID, DBO, GEO, OWL, PROV, RDF, SKOS
from cityrdf.views.parts import CITY, MapPoint, Place, Term
from cityrdf.views.terms import SUGGESTIONS_GRAPH, TermReader

# a resource that more triples point at is a hub (a status, a scheme, the paper)
HUB_LINKS = 40


class PlaceReader(TermReader):
    """The map's half of the site model: places and the cities near a resource."""

    @cached_property
    def places(self) -> dict[str, Place]:
        """Each resource's coordinates and population, read from the place it is an exact match
        (or owl:sameAs) of."""
        found = {}
        matches = [
            q
            for predicate in (SKOS.exactMatch, OWL.sameAs)
            for q in self.store.quads_for_pattern(None, predicate, None)
        ]
        for q in matches:
            if (
                isinstance(q.subject, ox.Triple)
                or q.subject.value in found
                or not isinstance(q.object, ox.NamedNode)
            ):
                continue
            lat, long = self.one(q.object, GEO.lat), self.one(q.object, GEO.long)
            if lat is None or long is None:
                continue
            population = self.one(q.object, DBO.populationTotal)
            retrieved = self.one(q.object, PROV.generatedAtTime)
            found[q.subject.value] = Place(
                float(lat.value),
                float(long.value),
                int(population.value) if population is not None else None,
                Term(q.object.value),
                retrieved.value[:10] if retrieved is not None else None,
            )
        return found

    def map_point(self, node: ox.NamedNode, role: str) -> MapPoint | None:
        place = self.places.get(node.value)
        if place is None:
            return None
        t = self.term(node)
        return MapPoint(t.label("en"), t.labels.get("fa", ""), place.lat, place.long, t.path, role)

    def is_city(self, node) -> bool:
        return next(self.store.quads_for_pattern(node, RDF.type, CITY), None) is not None

    def cities_near(self, node: ox.NamedNode) -> list[ox.NamedNode]:
        """The cities a resource links to, directly or through one node that is not a city (a
        pact's parties, a network's members through their memberships, a country's cities)."""
        found: dict[str, ox.NamedNode] = {}

        def neighbours(n):
            for q in self.store.quads_for_pattern(n, None, None):
                if isinstance(q.object, ox.NamedNode) and q.predicate != RDF.type:
                    yield q.object
            for q in self.store.quads_for_pattern(None, None, n):
                if isinstance(q.subject, ox.NamedNode) and q.graph_name != SUGGESTIONS_GRAPH:
                    yield q.subject

        for first in neighbours(node):
            if self.is_city(first):
                found[first.value] = first
            elif first.value.startswith(str(CRID)) and first.value not in self._hubs:
                for second in neighbours(first):
                    if second != node and self.is_city(second):
                        found[second.value] = second
        found.pop(node.value, None)
        return sorted(found.values(), key=lambda n: n.value)

    @cached_property
    def _hubs(self) -> frozenset[str]:
        """Resources that link to a great many others (a status, a scheme, the paper): going
        through them would put every city on every map."""
        counts: dict[str, int] = {}
        for q in self.store.quads_for_pattern(None, None, None):
            if isinstance(q.object, ox.NamedNode):
                counts[q.object.value] = counts.get(q.object.value, 0) + 1
        return frozenset(iri for iri, n in counts.items() if n > HUB_LINKS)
