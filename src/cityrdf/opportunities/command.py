"""`cityrdf opportunities CITY`: ranked, explained partner suggestions from the world layer.

The city is a slug of the paper (`tehran`), a QID (`Q3616`), a full IRI or an English label. The
ranker is fitted on the world graph at hand (part of its own pacts hidden as the target), the
suggestions go to `world/suggestions.nq` and are printed as a table, CSV or JSON.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from cityrdf import csvsafe, paths, terminal
from cityrdf.errors import BadInput
from cityrdf.namespaces import CRID, WD
from cityrdf.opportunities import record, store
from cityrdf.opportunities.criteria import UNMEASURED
from cityrdf.opportunities.model import World
from cityrdf.opportunities.ranker import KINDS, Ranker
from cityrdf.opportunities.reference import fold
from cityrdf.opportunities.suggest import Suggestion, suggest

COLUMNS = ("candidate", "candidateLabel", "country", "score", "criteria", "evidence")
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
        k for k in world.keys if world.city(k).label and fold(world.city(k).label) == fold(wanted)
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
    loaded = store.load(world_dir)
    world = store.world_model(loaded)
    key = find_city(world, city)
    country_key = find_country(world, country) if country else None
    ranker = Ranker(kind=model).fit(world)
    weights = ranker.criterion_weights(world)
    found = suggest(world, ranker, key, top, country_key, exclude_existing)
    folder = paths.WORLD_DIR if world_dir is None else world_dir
    record.write(
        out or folder / "suggestions.nq", key, found, ranker, weights, store.world_files(world_dir)
    )
    return render(found, fmt, world.city(key).label, weights)


def find_country(world: World, name: str) -> str:
    for key in world.keys:
        c = world.city(key)
        if c.country and (
            c.country == name
            or c.country == f"{CRID}country/{name.lower()}"
            or fold(c.country_label or "") == fold(name)
        ):
            return c.country
    raise BadInput(f"unknown country {name!r}: give a slug (turkey), an IRI or an English name")


def rows(found: list[Suggestion]) -> list[dict[str, str]]:
    return [
        {
            "candidate": s.candidate,
            "candidateLabel": s.label,
            "country": s.country_label or s.country or "",
            "score": f"{s.score:.4f}",
            "criteria": "; ".join(f"{c.label_en} ({c.label_fa})" for c in s.criteria),
            "evidence": "; ".join(s.evidence),
        }
        for s in found
    ]


def render(found: list[Suggestion], fmt: str, city_label: str, weights: dict[str, float]) -> str:
    table = rows(found)
    notes = [f"not measured: {reason}" for _, reason in UNMEASURED]
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
        writer = csvsafe.dict_writer(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
        return buffer.getvalue()
    lines = [f"Suggested partners for {city_label} (predictions, not facts):"]
    for n, row in enumerate(table, start=1):
        lines.append(f"{n:>3}. {row['candidateLabel']} ({row['country']})  score {row['score']}")
        lines.append(f"     criteria: {row['criteria']}")
        lines.append(f"     evidence: {row['evidence']}")
    lines += ["", "Notes:"] + [f"  {n}" for n in notes]
    # names come from outside sources: nothing in them may act on the terminal
    return "\n".join(map(terminal.shown, lines)) + "\n"
