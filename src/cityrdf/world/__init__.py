"""The world layer: outside sources of sister-city pairs (Wikidata, Wikipedia) beside the paper.

By concern: `sources` and `live` read the sources, `names` and `resolve` (telling namesakes apart
with `namesakes`, reading the crawl's items with `crawl_items`, keeping what it found in `records`)
turn their places into one city resource each, `reconcile` makes one agreement per pair attested
by each source's records, `metadata` describes each source's named graph, `run` is the
`cityrdf world import` verb.
"""
