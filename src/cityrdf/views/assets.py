"""The site's static files: its own (src/cityrdf/static/) and the JavaScript libraries npm installs
from package.json, copied from node_modules when the site is built or served (never kept in git).

Without node_modules (no `npm ci`), pages are still written; their maps say why they are missing.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path

from cityrdf.project import current_project

# package.json sits at the top of the checkout, beside src/; an installed package (no checkout
# around it) uses the node_modules of the project it serves
_CHECKOUT = Path(__file__).resolve().parents[3]
NODE_MODULES: Path | None = (
    _CHECKOUT / "node_modules" if (_CHECKOUT / "package.json").is_file() else None
)
OWN_FILES = ("style.css", "filter.js", "sparql.js", "map.js")
# name in site/static/ -> its file in node_modules
NPM_FILES = {
    "d3-array.min.js": "d3-array/dist/d3-array.min.js",
    "d3-geo.min.js": "d3-geo/dist/d3-geo.min.js",
    "topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
}
# Natural Earth 1:110m countries (world-atlas), wrapped as a script that sets a global, so the map
# also draws on a page opened from file://, where fetch() of a JSON file is refused.
BASEMAP = ("countries-110m.js", "world-atlas/countries-110m.json")
# What a page with a map loads, in order (d3-geo needs d3-array's global)
MAP_SCRIPTS = ("d3-array.min.js", "d3-geo.min.js", "topojson-client.min.js", BASEMAP[0], "map.js")
EDITOR_FILES = ("yasgui.min.css", "yasgui.min.js")


def npm_file(name: str, node_modules: Path) -> bytes | None:
    """A file that npm installed, ready for site/static/ (None if node_modules lacks it)."""
    if name == BASEMAP[0]:
        path = node_modules / BASEMAP[1]
        if not path.is_file():
            return None
        topology = json.loads(path.read_bytes())
        return b"window.cityrdfBasemap = " + json.dumps(topology).encode() + b";\n"
    path = node_modules / NPM_FILES[name]
    return path.read_bytes() if path.is_file() else None


def static_files() -> dict[str, bytes]:
    """Every static file the site has, by name: its own, and those of node_modules that exist."""
    return _static_files(node_modules())


def node_modules() -> Path:
    """Where npm installed the site's JavaScript: the checkout's, else the current project's."""
    return NODE_MODULES if NODE_MODULES is not None else current_project().root / "node_modules"


@cache
def _static_files(node_modules: Path) -> dict[str, bytes]:
    found = {name: (files("cityrdf") / "static" / name).read_bytes() for name in OWN_FILES}
    for name in (*NPM_FILES, BASEMAP[0]):
        data = npm_file(name, node_modules)
        if data is not None:
            found[name] = data
    return found


def has_all(names: tuple[str, ...]) -> bool:
    """Whether every file of `names` can be served (the npm ones need `npm ci` first)."""
    return all(name in static_files() for name in names)
