"""Which candidate becomes a link: curated identifiers win; else a clear winner at or above the
threshold; everything else goes to review (docs/decisions/0002-linking.md)."""

from __future__ import annotations

from pathlib import Path

from cityrdf.links.curated import curated_candidates, curated_notes
from cityrdf.links.geonames import gazetteer_candidates, gazetteer_city
from cityrdf.links.model import Candidate, Decision, Place, accepted_links
from cityrdf.links.scores import AMBIGUITY_MARGIN
from cityrdf.links.wikidata import wikidata_candidates
from cityrdf.sparql.wikidata import WikidataClient, qid


def decide(place: Place, kb: str, candidates: list[Candidate], threshold: float) -> Decision:
    """Curated identifiers win; else a unique best at or above the threshold; else review."""
    candidates = sorted((c for c in candidates if c.kb == kb), key=lambda c: (-c.score, c.target))
    curated = [c for c in candidates if c.curated]
    if curated:
        return Decision(place, kb, curated[0], candidates, "")
    if not candidates:
        return Decision(place, kb, None, [], "no candidate")
    best = candidates[0]
    if best.unconfirmed:
        return Decision(place, kb, None, candidates, "candidates only: " + best.evidence[0])
    if best.score < threshold:
        return Decision(
            place, kb, None, candidates, f"best score {best.score} < threshold {threshold}"
        )
    if len(candidates) > 1 and best.score - candidates[1].score < AMBIGUITY_MARGIN:
        return Decision(
            place,
            kb,
            None,
            candidates,
            f"ambiguous: {best.target} and {candidates[1].target} score alike",
        )
    return Decision(place, kb, best, candidates, "")


def link_places(
    places: list[Place], curated_path: Path, client: WikidataClient | None, threshold: float
) -> list[Decision]:
    """A GeoNames decision for every city and country, then a Wikidata decision for every place
    (the GeoNames points help to score the Wikidata candidates)."""
    curated = curated_candidates(curated_path)
    known = {p.iri for p in places}
    gazetteer_found = gazetteer_candidates(places)
    decisions = []
    for place in (p for p in places if p.kind != "network"):  # GeoNames has no networks
        decisions.append(
            decide(place, "geonames", curated[place.iri] + gazetteer_found[place.iri], threshold)
        )
    points = {
        d.place.iri: (c.lat, c.long)
        for d, c in accepted_links(decisions)
        if c.lat is not None and c.long is not None
    }
    for d, c in accepted_links(decisions):  # curated GeoNames links: the gazetteer's coordinates
        if d.place.iri not in points:
            city = gazetteer_city(c.target)
            if city:
                points[d.place.iri] = (city["latitude"], city["longitude"])
    country_qids = {
        iri: qid(c.target)
        for iri, cs in curated.items()
        if iri in known
        for c in cs
        if c.kb == "wikidata"
    }
    live = wikidata_candidates(places, client, points, country_qids) if client else {}
    notes = curated_notes(curated_path)
    for place in places:
        decision = decide(
            place, "wikidata", curated[place.iri] + live.get(place.iri, []), threshold
        )
        if decision.reason == "no candidate" and notes.get(place.iri):
            decision.reason = notes[place.iri]
        decisions.append(decision)
    return decisions
