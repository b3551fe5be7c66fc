"""The parts of a candidate's score and the acceptance rule (docs/decisions/0002-linking.md).

A candidate in another country is never taken: its score is 0.
"""

NAME_SCORES = {"label": 0.5, "alias": 0.4, "transliteration": 0.3}
COUNTRY_AGREES = 0.3
IS_SETTLEMENT = 0.1
# Wikidata: within geometry.NEAR_KM of the GeoNames point; GeoNames: clearly most populous
LOCATION_AGREES = 0.1
LOCATION_DISAGREES = -0.3
DEFAULT_THRESHOLD = 0.8
AMBIGUITY_MARGIN = 0.1
