"""Which of the paper's concepts each feature speaks for, and which concepts no data can measure.

Concept IRIs are those of `ontology/theory.ttl` (formation routes, success conditions) and
`ontology/theory-prose.ttl` (the similarity criteria); their labels are read from the ontology,
never repeated here. A test checks that every IRI below exists there.
"""

from __future__ import annotations

from dataclasses import dataclass

from cityrdf.rdf.namespaces import CRID

ROUTE = f"{CRID}concept/formation-routes/"
CONDITION = f"{CRID}concept/success-conditions/"
EXISTING_RELATIONS = f"{ROUTE}existing-municipal-relations"
TRADE = f"{ROUTE}trade-relations"
HISTORICAL_GEOGRAPHIC = f"{ROUTE}historical-or-ancestral-ties"
PERSONAL_EXPERIENCE = f"{ROUTE}personal-experience"
IMMIGRANTS = f"{ROUTE}immigrant-communities"
COMMONALITIES = f"{CONDITION}shared-ties"
SIMILARITY = f"{CRID}concept/similarity-criteria/"
SIMILAR_GEOGRAPHY = f"{SIMILARITY}geography"
SIMILAR_POPULATION = f"{SIMILARITY}population"
SAME_NAME = f"{SIMILARITY}same-name"
SIMILAR_FESTIVALS = f"{SIMILARITY}similar-festivals"


@dataclass(frozen=True)
class Criterion:
    """A group of features read as one of the paper's criteria (`concepts` empty: none fits)."""

    slug: str
    label_en: str
    label_fa: str
    features: tuple[str, ...]
    concepts: tuple[str, ...]


CRITERIA = (
    Criterion(
        "shared-partners",
        "shared partners",
        "خواهرشهرهای مشترک",
        ("common_neighbours", "adamic_adar", "adamic_adar_relative", "jaccard"),
        (EXISTING_RELATIONS,),
    ),
    Criterion(
        "twinning-activity",
        "how active both are in twinning (no criterion of the paper)",
        "فعالیت هر دو در خواهرخواندگی (بیرون از معیارهای مقاله)",
        ("preferential_attachment", "candidate_degree"),
        (),
    ),
    Criterion(
        "country-ties",
        "ties between the two countries' cities",
        "پیوندهای شهرهای دو کشور",
        (
            "country_affinity",
            "country_affinity_relative",
            "partners_in_country",
            "candidate_partners_in_country",
            "same_country",
        ),
        (HISTORICAL_GEOGRAPHIC, COMMONALITIES),
    ),
    Criterion(
        "distance", "distance", "فاصله", ("distance",), (HISTORICAL_GEOGRAPHIC, SIMILAR_GEOGRAPHY)
    ),
    Criterion(
        "population",
        "similar population",
        "جمعیت مشابه",
        ("population_similarity",),
        (SIMILAR_POPULATION, COMMONALITIES),
    ),
    Criterion(
        "shared-networks",
        "members of the same networks",
        "عضویت در شبکه‌های مشترک",
        ("shared_networks",),
        (EXISTING_RELATIONS, COMMONALITIES),
    ),
    Criterion(
        "shared-titles", "the same titles", "عنوان‌های مشترک", ("shared_titles",), (COMMONALITIES,)
    ),
    Criterion("same-name", "the same name", "هم‌نامی", ("same_name",), (SAME_NAME,)),
)

# What the paper names that no source of the graph measures: said in the output, never guessed.
UNMEASURED = (
    (PERSONAL_EXPERIENCE, "no data on study, work abroad or marriage between two cities"),
    (IMMIGRANTS, "no data on immigrant communities"),
    (TRADE, "no data on trade between cities"),
    (SIMILAR_FESTIVALS, "no data on festivals"),
)


def concept_iris() -> set[str]:
    """Every concept this module names."""
    return {i for c in CRITERIA for i in c.concepts} | {i for i, _ in UNMEASURED if i}
