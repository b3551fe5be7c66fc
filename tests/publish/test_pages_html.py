"""Every page of the published project site: valid HTML for the Nu HTML Checker (vnu), and every
Persian run marked lang="fa" dir="rtl" (WCAG 3.1.2). The site is the real project's, published
into a temporary folder."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import html5lib

ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def vnu_jar() -> Path:
    """vnu.jar from the npm package `vnu-jar` (.ci/install-system-deps installs it globally)."""
    npm = shutil.which("npm")
    assert npm, "npm is missing: run .ci/install-system-deps"
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=True)
    jar = Path(root.stdout.strip()) / "vnu-jar" / "build" / "dist" / "vnu.jar"
    assert jar.is_file(), f"{jar} is missing: run .ci/install-system-deps (npm install -g vnu-jar)"
    return jar


def unmarked_persian(page: Path) -> list[str]:
    """Persian text whose nearest `lang` is not "fa" or nearest `dir` is not "rtl"."""
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    parents = {child: parent for parent in tree.iter() for child in parent}
    found = []

    def nearest(element, attribute):
        while element is not None:
            if element.get(attribute) is not None:
                return element.get(attribute)
            element = parents.get(element)
        return None

    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        # an element's own text, and the text after it (which belongs to its parent)
        for text, owner in ((element.text, element), (element.tail, parents.get(element))):
            if not text or not ARABIC_SCRIPT.search(text) or owner is None:
                continue
            if nearest(owner, "lang") != "fa" or nearest(owner, "dir") != "rtl":
                found.append(f"<{owner.tag}>: {text.strip()[:40]}")
    return found


def test_every_persian_run_on_every_page_is_marked_fa_and_rtl(project_site):
    pages = sorted(project_site.rglob("*.html"))
    assert len(pages) > 500
    problems = {
        str(page.relative_to(project_site)): bad
        for page in pages
        if (bad := unmarked_persian(page))
    }
    assert not problems, (
        f"{len(problems)} pages with unmarked Persian, e.g. {next(iter(problems.items()))}"
    )


def test_the_check_finds_persian_in_an_english_element(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><title>t</title><p>Cities · شهرها</p>'
        '<p lang="fa">تهران</p><p lang="fa" dir="rtl">تهران</p>',
        encoding="utf-8",
    )
    assert unmarked_persian(page) == ["<p>: Cities · شهرها", "<p>: تهران"]


def test_every_page_has_its_language_on_html(project_site):
    for page in project_site.rglob("*.html"):
        root = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
        assert root.get("lang") == "en", page


def test_nu_html_checker_finds_no_error_on_any_page(project_site):
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--errors-only", "--skip-non-html", str(project_site)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr[:3000]


def test_nu_html_checker_does_report_errors(tmp_path):
    """The check above could fail: vnu reports a duplicate ID in a page like ours."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>t</title><p id="a">x</p><p id="a">y</p>',
        encoding="utf-8",
    )
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--errors-only", str(tmp_path / "bad.html")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode != 0 and "Duplicate ID" in result.stderr


def test_ontology_page_names_the_ontology_iri_and_each_term_once(project_site):
    html = (project_site / "ontology.html").read_text(encoding="utf-8")
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    ids = [e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")]
    assert len(ids) == len(set(ids))
    assert "https://w3id.org/cityrdf/ontology</code>" in html
    assert "scheme/quantities</code>" not in html  # schemes have pages of their own
    for term in ("City", "TwinningAgreement", "signingDate", "party"):
        assert term in ids
    assert "OWL 2" in html and "xsd:gYear" in html  # the datatype note
    # titles of two languages each in an element of its own, not run together
    h1 = tree.find(".//h1")
    assert "".join(h1.itertext()) == "cityrdf: sister cities and city diplomacy"
    persian = [e for e in tree.iter() if isinstance(e.tag, str) and e.get("class") == "title-fa"]
    assert [(e.get("lang"), e.get("dir"), e.text) for e in persian] == [
        ("fa", "rtl", "cityrdf: شهرهای خواهرخوانده و دیپلماسی شهری")
    ]
