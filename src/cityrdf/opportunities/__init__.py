"""International cooperation opportunities: partner suggestions explained by the paper's
criteria. `model` (the in-memory graph), `features`, `criteria`, `ranker`, `store` (from the RDF
store), `suggest`, `record` (the suggestions graph), `command` (the CLI verb), `evaluation` and
`reference` (the temporal benchmark).
"""
