"""`cityrdf opportunities CITY`: ranked, explained partner suggestions from the world layer.

The city is a slug of the paper (`tehran`), a QID (`Q3616`), a full IRI or an English label. The
ranker is fitted once per world layer (part of its own pacts hidden as the target) and kept beside
it (`fitted.py`); the suggestions go to `world/suggestions.nq` and are printed as a table, CSV or
JSON.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from cityrdf import terminal
from cityrdf.errors import BadInput
from cityrdf.fs import csvsafe
from cityrdf.opportunities import fitted, record
from cityrdf.opportunities.criteria import CRITERIA, UNMEASURED
from cityrdf.opportunities.scorer import KINDS
from cityrdf.opportunities.suggest import Suggestion, suggest
from cityrdf.opportunities.twin_graph import World
from cityrdf.project import current_project
from cityrdf.rdf.namespaces import CRID, WD
from cityrdf.text import words_key

CONTRIBUTION = "contribution:"  # one column per criterion: its share of the model's log-odds
COLUMNS = (
    "rank",
    "candidate",
    "qid",
    "labelFa",
    "labelEn",
    "labelDe",
    "country",
    "lat",
    "lon",
    "sharedPartners",
    "km",
    "populationRatio",
    "probability",
    *(CONTRIBUTION + c.slug for c in CRITERIA),
    "flags",
    "evidence",
)
NOTES = (
    (
        "probability: of held-out pairs the model scored alike, the share that were pacts the "
        "graph hid (Platt calibration); a rate among all candidates, so small numbers are expected"
    ),
    (
        "contribution: each criterion's exact Shapley share of the model's log-odds for the pair "
        "over typical non-partner pairs; positive pushes the pair up"
    ),
    "twinning-activity (how many partners both have) is no criterion of the paper",
    "labelDe: the 2016 Wikidata crawl's German name, where no source gives an English one",
)
FORMATS = ("table", "csv", "json")


def find_city(world: World, name: str) -> str:
    """The key of the city `name` designates, or BadInput in one line."""
    wanted = name.strip()
    for key in (wanted, f"{CRID}city/{wanted.lower()}", f"{CRID}city/wd/{wanted.upper()}"):
        if key in world.graph:
            return key
    if wanted.upper().startswith("Q"):
        qid = f"{WD}{wanted.upper()}"
        by_qid = [k for k in world.keys if world.city(k).qid == qid]
        if by_qid:
            return by_qid[0]
    by_label = sorted(
        k
        for k in world.keys
        if world.city(k).label and words_key(world.city(k).label) == words_key(wanted)
    )
    if len(by_label) == 1:
        return by_label[0]
    if len(by_label) > 1:
        raise BadInput(
            f"{name!r} names {len(by_label)} cities; give one IRI: {', '.join(by_label[:5])}"
        )
    raise BadInput(
        f"unknown city {name!r}: give a slug (tehran), a QID (Q3616), an IRI or an English label"
    )


def run(
    city: str,
    top: int = 10,
    fmt: str = "table",
    country: str | None = None,
    exclude_existing: bool = True,
    model: str = "boosted",
    world_dir: Path | None = None,
    out: Path | None = None,
) -> str:
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if model not in KINDS:
        raise BadInput(f"unknown model {model!r} (expected one of {', '.join(KINDS)})")
    if top < 1:
        raise BadInput(f"--top must be at least 1, not {top}")
    fit = fitted.fitted(world_dir, model)
    world = fit.world
    key = find_city(world, city)
    country_key = find_country(world, country) if country else None
    found = suggest(world, fit.scorer, key, top, country_key, exclude_existing, table=fit.table)
    folder = current_project().world_dir if world_dir is None else world_dir
    record.write(
        out or folder / "suggestions.nq", key, found, fit.scorer.parameters, fit.weights, fit.inputs
    )
    return render(found, fmt, world.city(key).label, fit.weights)


def find_country(world: World, name: str) -> str:
    for key in world.keys:
        c = world.city(key)
        if c.country and (
            c.country == name
            or c.country == f"{CRID}country/{name.lower()}"
            or words_key(c.country_label or "") == words_key(name)
        ):
            return c.country
    raise BadInput(f"unknown country {name!r}: give a slug (turkey), an IRI or an English name")


def number(value: float | None, digits: int, sign: str = "") -> str:
    return "" if value is None else f"{value:{sign}.{digits}f}"


def rows(found: list[Suggestion]) -> list[dict[str, str]]:
    return [
        {
            "rank": str(s.rank),
            "candidate": s.candidate,
            "qid": (s.qid or "").rsplit("/", 1)[-1],
            "labelFa": s.label_fa,
            "labelEn": s.label if s.label_language == "en" else "",
            "labelDe": s.label if s.label_language == "de" else "",
            "country": s.country_label or s.country or "",
            "lat": number(s.lat, 4),
            "lon": number(s.lon, 4),
            "sharedPartners": str(s.shared_partners),
            "km": number(s.km, 0),
            "populationRatio": number(s.population_ratio, 3),
            "probability": f"{s.probability:.4f}",
            **{
                CONTRIBUTION + c.slug: number(s.contributions.get(c.slug), 3, "+") for c in CRITERIA
            },
            "flags": "; ".join(s.flags),
            "evidence": "; ".join(s.evidence),
        }
        for s in found
    ]


def render(found: list[Suggestion], fmt: str, city_label: str, weights: dict[str, float]) -> str:
    table = rows(found)
    notes = [*NOTES, *(f"not measured: {reason}" for _, reason in UNMEASURED)]
    if fmt == "json":
        return (
            json.dumps(
                {
                    "city": city_label,
                    "suggestions": table,
                    "criterionWeights": weights,
                    "notes": notes,
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csvsafe.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([row[c] for c in COLUMNS] for row in table)
        return buffer.getvalue()
    lines = [f"Suggested partners for {city_label} (predictions, not facts):"]
    for row in table:
        name = " · ".join(n for n in (row["labelEn"] or row["labelDe"], row["labelFa"]) if n)
        lines.append(
            f"{row['rank']:>3}. {name} ({row['country']})  probability {row['probability']}"
        )
        parts = sorted(
            ((c, float(row[CONTRIBUTION + c.slug] or 0)) for c in CRITERIA),
            key=lambda item: -abs(item[1]),
        )
        lines.append(
            "     contributions: "
            + ", ".join(f"{c.label_en} {v:+.2f}" for c, v in parts if abs(v) >= 0.01)
        )
        lines.append(f"     evidence: {row['evidence']}")
        if row["flags"]:
            lines.append(f"     flags: {row['flags']}")
    lines += ["", "Notes:"] + [f"  {n}" for n in notes]
    # names come from outside sources: nothing in them may act on the terminal
    return "\n".join(map(terminal.shown, lines)) + "\n"
