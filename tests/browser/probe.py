"""Runs probe.mjs (puppeteer-core driving Debian's Chromium) on pages at desktop and phone widths."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from cityrdf.views import assets as site_assets

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PROBE = Path(__file__).with_name("probe.mjs")
AXE = site_assets.NODE_MODULES / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": [1280, 900], "phone": [390, 844]}


def probe(pages: list[dict], origin: str) -> list[dict]:
    """One finding per page and viewport: screenshot taken (ARTIFACTS/{name}-{viewport}.png), page
    height, maps and maps drawn, elements off-screen sideways, the results table's literals (value,
    lines, cut), axe-core's violations, and requests to anything outside `origin`. A page is
    {"name", "url"} and, optionally, "waitFor" (a CSS selector to wait for before the checks) and
    "query" with "columns" (a query the SPARQL editor runs first, and its number of variables)."""
    node = shutil.which("node")
    assert node, "node is missing: run .ci/install-system-deps"
    assert AXE.is_file(), f"{AXE} is missing: run npm ci"
    ARTIFACTS.mkdir(exist_ok=True)
    job = {
        "chromium": str(CHROMIUM),
        "axe": str(AXE),
        "out": str(ARTIFACTS),
        "origin": origin,
        "viewports": VIEWPORTS,
        "pages": pages,
    }
    done = subprocess.run(
        [node, str(PROBE)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def serious(report: list[dict]) -> dict[str, list[dict]]:
    """The serious and critical axe-core violations, by page and viewport."""
    found = {
        f"{r['name']} ({r['viewport']})": [
            v for v in r["axe"] if v["impact"] in ("serious", "critical")
        ]
        for r in report
    }
    return {page: violations for page, violations in found.items() if violations}
