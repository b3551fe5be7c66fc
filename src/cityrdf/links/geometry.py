"""Points and distances: WKT points as Wikidata gives them, great-circle kilometres between them."""

from __future__ import annotations

import math
import re

# Two positions of one place: a Wikidata item within this distance of the GeoNames point agrees.
NEAR_KM = 50.0


def wkt_point(wkt: str) -> tuple[float, float] | None:
    """(lat, long) of a WKT `Point(long lat)`, or None."""
    match = re.search(r"Point\(\s*([-\d.eE+]+)\s+([-\d.eE+]+)\s*\)", wkt or "")
    return (float(match.group(2)), float(match.group(1))) if match else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, long) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))
