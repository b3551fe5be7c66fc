"""The link layer (`cityrdf link`): the project's cities, countries and networks linked to Wikidata and
GeoNames, with evidence (docs/decisions/0002-linking.md).

By concern: `model` holds the places, candidates and decisions; `places` reads what to link;
`curated`, `geonames` and `wikidata` find candidates, scored by the parts in `scores` (distances in
`geometry`); `decide` takes one decision per place and knowledge base; `rdf`, `mapping_set` and
`review` write the files; `command` is the verb.
"""

from cityrdf.links.command import LinkReport, print_summary, run

__all__ = ["LinkReport", "print_summary", "run"]
