"""HTML pages of the site (resource pages, index pages, stored questions), rendered with Jinja2.

`publish` writes them to files with relative links; `serve` renders them per request with
root-relative links; `Linker` is the only difference between the two.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import asdict, dataclass, field
from importlib.resources import files

import jinja2
import pyoxigraph as ox
from markupsafe import Markup, escape

from cityrdf.rdf.namespaces import CR, ONTOLOGY_IRI, ORG, PREFIXES, RDF, SKOS
from cityrdf.text import persian_digits
from cityrdf.views import assets as site_assets
from cityrdf.views.document import DocumentPage
from cityrdf.views.parts import MapPoint, Term
from cityrdf.views.resource import RDF_FORMATS, SiteModel

# Pages that are a folder's index: their HTML is `{section}/index.html`.
FOLDER_PAGES = ("shapes", "ontology/index")
SHAPES_NS = "https://w3id.org/cityrdf/shapes#"
# Said on the ontology page and in docs/model.md.
DATATYPE_NOTE = (
    "Dates use xsd:date, xsd:gYearMonth and xsd:gYear, the precisions the paper prints. These three "
    "are not in OWL 2's datatype map, so an OWL 2 DL profile checker reports them (and only them); "
    "reasoners must be told to accept them (HermiT: --ignoreUnsupportedDatatypes), and the SHACL "
    "shapes check their lexical forms."
)


@dataclass
class Linker:
    """Turns a site path (`id/city/tehran`) into an href from the page being rendered.

    mode "relative": a static site that works from any folder, even file:// (default);
    mode "absolute": a static site whose links start with `base_url`;
    mode "server": root-relative extensionless links, for `cityrdf serve` and its content negotiation.
    """

    current: str = "index"
    mode: str = "relative"
    base_url: str = ""

    def file_for(self, path: str, suffix: str = ".html") -> str:
        if suffix == ".html" and path in FOLDER_PAGES:
            return f"{path.removesuffix('/index')}/index.html"
        return path + suffix

    def __call__(self, path: str, suffix: str = ".html") -> str:
        if self.mode == "server":
            if path == "index" and suffix == ".html":
                return "/"
            return "/" + path + ("" if suffix == ".html" else suffix)
        target = self.file_for(path, suffix)
        if self.mode == "absolute":
            return self.base_url + target
        here = posixpath.dirname(self.file_for(self.current))
        return posixpath.relpath(target, here or ".")

    def asset(self, name: str) -> str:
        return self(f"static/{name}", "")


@dataclass
class IndexPage:
    name: str
    title_en: str
    title_fa: str
    headers: tuple[str, ...]
    rows: list[list]
    map_points: list[MapPoint] = field(default_factory=list)


# Arabic-script letters (Persian included); a run is letters joined by spaces, ZWNJ, digits and the
# punctuation Persian text uses, so «پیمان‌های خواهرخواندگی، ۱۳۹۴» is one run.
PERSIAN_LETTER = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"
PERSIAN_RUN = re.compile(
    f"[{PERSIAN_LETTER}](?:[{PERSIAN_LETTER}\u200c\u200f\\s0-9()«».,:!?\\-–]*[{PERSIAN_LETTER}])?"
)


# a literal a Persian page writes in Persian digits: 164, 2.5, 2013-12-18, 1394-02
NUMBER_OR_DATE = re.compile(r"-?[0-9]+(?:[.:-][0-9]+)*")


def fa_runs(text) -> Markup:
    """`text`, escaped, with every Persian run in <span lang="fa" dir="rtl">."""
    escaped = str(escape(text))
    return Markup(
        PERSIAN_RUN.sub(lambda m: f'<span lang="fa" dir="rtl">{m.group(0)}</span>', escaped)
    )


def map_json(points: list[MapPoint], href: Linker) -> Markup:
    """The points of a page's map as JSON for its `<script type="application/json">`, with links
    made relative to the page. ASCII escapes keep Persian names data, not text of the page, and
    `</` is escaped so no name can end the script element."""
    data = [{**asdict(p), "href": href(p.href) if p.href else None} for p in points]
    text = json.dumps(data).replace("</", "<\\/")
    return Markup(text)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(files("cityrdf") / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fa_runs"] = fa_runs
    env.filters["map_json"] = map_json
    env.filters["fa_digits"] = lambda value: persian_digits(str(value))
    # what the query page's script needs of each stored question
    env.filters["map_questions"] = lambda questions: [
        {"name": q["name"], "title": q["title"].get("en") or q["summary"] or q["name"],
         "query": q["query"]}
        for q in questions
    ]  # fmt: skip
    env.tests["persian"] = lambda text: bool(PERSIAN_RUN.search(str(text)))
    env.tests["number_or_date"] = lambda text: bool(NUMBER_OR_DATE.fullmatch(str(text)))
    return env


class Pages:
    """Renders every page of the site from one SiteModel."""

    def __init__(
        self, model: SiteModel, mode: str = "relative", base_url: str = "", sparql: bool = False
    ):
        self.model = model
        self.mode = mode
        self.base_url = base_url
        self.sparql = sparql  # the live server has a query page; a static site does not
        self.env = environment()

    def _render(self, template: str, current: str, **context) -> str:
        href = Linker(current, self.mode, self.base_url)
        return self.env.get_template(template).render(
            href=href,
            current=current,
            sparql=self.sparql,
            rdf_formats=list(RDF_FORMATS),
            map_scripts=site_assets.MAP_SCRIPTS
            if site_assets.has_all(site_assets.MAP_SCRIPTS)
            else (),
            **context,
        )

    def resource(self, iri: str) -> str:
        view = self.model.view(iri)
        return self._render("resource.html", view.path, view=view)

    def home(self, indexes: list[IndexPage]) -> str:
        return self._render("home.html", "index", indexes=indexes)

    def index(self, page: IndexPage) -> str:
        return self._render("index_list.html", page.name, page=page)

    def questions(self, questions: list[dict[str, str]]) -> str:
        return self._render("questions.html", "questions", questions=questions)

    def ontology(self, triples: list[ox.Triple], current: str = "ontology") -> str:
        """The ontology page (at `ontology.html`, and at `ontology/index.html` with current
        "ontology/index"): every term with its labels, notes and axioms, anchored by local name."""
        doc = DocumentPage(triples, names=self.model.labels).view(ONTOLOGY_IRI)
        return self._render(
            "document.html", current, doc=doc, title="Ontology", formats_path="ontology",
            term_pages=True, extra_notes=[DATATYPE_NOTE],
        )  # fmt: skip

    def shapes(self, triples: list[ox.Triple]) -> str:
        page = DocumentPage(triples, names=self.model.labels)
        page.anchors = {s.value for s in page.iri_subjects() if s.value.startswith(SHAPES_NS)}
        return self._render(
            "document.html", "shapes", doc=page.view(None), title="SHACL shapes",
            formats_path=None, term_pages=False, extra_notes=[],
        )  # fmt: skip

    def query_page(self, questions: list[dict[str, str]]) -> str:
        """The query page: YASGUI with a tab per stored question and the project's prefixes, or
        (without the npm files) a plain form."""
        return self._render(
            "sparql.html",
            "sparql",
            questions=questions,
            editor=site_assets.has_all(site_assets.EDITOR_FILES),
            prefixes=PREFIXES,
        )

    # The index pages: each is a table with a client-side filter.
    def index_pages(self) -> list[IndexPage]:
        m = self.model
        t = m.term

        def values(iri: str, prop) -> list[Term]:
            return [t(o) for o in m.objects(ox.NamedNode(iri), prop)]

        def count_incoming(iri: str, prop) -> int:
            return sum(1 for _ in m.store.quads_for_pattern(None, prop, ox.NamedNode(iri)))

        def node(iri: str) -> Term:
            return t(ox.NamedNode(iri))

        cities = [
            [node(c), values(c, CR.country), count_incoming(c, CR.party)]
            for c in m.instances(CR.City.value)
        ]
        pacts = [
            [node(a), values(a, CR.party), values(a, CR.status), values(a, CR.signingDate)]
            for a in m.instances(CR.TwinningAgreement.value)
        ]
        networks = [
            [node(n), count_incoming(n, ORG.organization)]
            for n in m.instances(CR.CityNetwork.value)
        ]
        concepts = [[node(c), values(c, SKOS.inScheme)] for c in m.instances(SKOS.Concept.value)]
        everything = [[node(r), values(r, RDF.type)] for r in m.resources()]
        return [
            IndexPage(
                "cities",
                "Cities",
                "شهرها",
                ("city", "country", "pacts"),
                cities,
                [
                    p
                    for c in m.instances(CR.City.value)
                    if (p := m.map_point(ox.NamedNode(c), "linked"))
                ],
            ),
            IndexPage(
                "pacts",
                "Twinning agreements",
                "پیمان‌های خواهرخواندگی",
                ("agreement", "parties", "status", "signed"),
                pacts,
            ),
            IndexPage(
                "networks", "City networks", "شبکه‌های شهری", ("network", "members"), networks
            ),
            IndexPage("concepts", "Concepts", "مفهوم‌ها", ("concept", "scheme"), concepts),
            IndexPage("resources", "All resources", "همهٔ منابع", ("resource", "types"), everything),
        ]
