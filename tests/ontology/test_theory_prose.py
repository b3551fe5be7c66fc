"""ontology/theory-prose.ttl and data/prose-*.ttl: the paper's prose statements, each anchored to its words.

Expected sizes and labels are read off the paper; the anchor tests read the paper's text itself
(../shared/paper, or $CITYRDF_PAPER) and find every quote in it.
"""

import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from cityrdf import coverage
from cityrdf.project import current_project
from cityrdf.rdf.graph import load_store, parse_file
from cityrdf.text import quote_key
from tests.ontology.conftest import CR, CRID

OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
CITO = rdflib.Namespace("http://purl.org/spar/cito/")
PROSE_FILES = [
    current_project().ontology_dir / "theory-prose.ttl",
    current_project().data_dir / "prose-theory-links.ttl",
    current_project().data_dir / "prose-events.ttl",
]
PAPER = Path(
    os.environ.get(
        "CITYRDF_PAPER",
        current_project().root.parent / "shared" / "paper" / "zahrani-rajaei-sister-cities.fa.txt",
    )
)

# Size of every prose scheme, counted in the paper (line numbers of its text file).
SCHEME_SIZES = {
    "research-design": 3,  # question, method (11, 29), hypothesis (29)
    "findings": 5,  # four in the abstract (11), one in the conclusion (232)
    "city-actor-drivers": 4,  # 232
    "public-diplomacy-disciplines": 4,  # 21
    "similarity-criteria": 14,  # 23, 75, 99, 101, 141
    "global-threats": 3,  # 29
    "power-kinds": 2,  # 33, 35
    "ir-approaches": 2,  # 35
    "hard-power-capabilities": 2,  # 35
    "soft-power-aspects": 3,  # 35
    "hard-power-strategies": 3,  # 35
    "soft-power-strategies": 3,  # 35
    "soft-power-weakening-policies": 4,  # 43
    "value-arenas": 3,  # 43
    "soft-power-assets": 4,  # 45
    "public-diplomacy-means": 3,  # 65
    "diplomatic-institutions": 7,  # 65-67
    "twinning-exchange-programmes": 4,  # 73
    "sci-aims": 3,  # 77
    "soft-power-factors": 8,  # 131
    "twinning-sectors": 3,  # 135: «سه بخش اصلی»
    "success-conditions-mojtahedzadeh": 7,  # 137
    "informal-commitments": 4,  # 143-145
    "cooperation-forms": 2,  # 145: «به دو صورت»
    "cultural-diplomacy-exchanges": 6,  # 149
    "value-sources": 5,  # 149-151
    "foreign-policy-pillars": 4,  # 153: three areas and «رکن چهارم»
    "paradiplomacy-partners": 3,  # 159
    "twinning-impact-domains": 5,  # 230
    "iranian-city-strengths": 4,  # 232
    "iran-public-diplomacy-assets": 5,  # 232
    "social-production-outcomes": 7,  # 51
    "propositions": 66,
}
# Where the paper says how many there are, in words.
STATED_COUNTS = {
    "twinning-sectors": "در سه بخش اصلی",
    "cooperation-forms": "میتواند به دو صورت",
    "foreign-policy-pillars": "رکن چهارم سیاست خارجی",
}
# Schemes whose Persian labels are the paper's own words (after restoring its orthography).
VERBATIM_SCHEMES = [
    "soft-power-assets",
    "soft-power-factors",
    "twinning-sectors",
    "hard-power-capabilities",
    "soft-power-aspects",
    "hard-power-strategies",
    "public-diplomacy-disciplines",
    "cultural-diplomacy-exchanges",
    "value-sources",
    "paradiplomacy-partners",
    "iran-public-diplomacy-assets",
    "global-threats",
    "social-production-outcomes",
]
# First line of each part of the paper, and the heading printed there (None: no heading).
PART_STARTS = [
    (1, "abstract", None),
    (19, "introduction", "مقدمه"),
    (31, "framework", "چارچوب تحقیق"),
    (37, "soft-power-sources", "منابع قدرت نرم"),
    (47, "soft-power-traits", "ویژگیهای قدرت نرم"),
    (63, "public-diplomacy-and-soft-power", "رابطه دیپلماسی عمومی و قدرت نرم"),
    (71, "city-twinning", "خواهرخواندگی شهری"),
    (83, "table-partnerships-by-region", "بیشتر مشارکت خواهرخواندهها در جهان"),
    (89, "table-partnerships-by-country", "بیشتر مشارکت خواهرخواندهها توسط کشورها"),
    (97, "formation", "نحوه تشکیل و شکلگیری خواهرخواندگی شهرها"),
    (129, "benefits", "فواید خواهرخواندگی شهرها"),
    (133, "activities", "اقدامات خواهرخواندهها"),
    (139, "capacities", "ظرفیتهای خواهر شهری در دیپلماسی عمومی"),
    (147, "capacity-cultural-diplomacy", "۱- ظرفیت دیپلماسی فرهنگی در خواهرخواندگی شهری"),
    (155, "capacity-economic-political", "۲- ظرفیت خواهر شهری در توسعه اقتصادی سیاسی شهرها"),
    (161, "iran-sister-cities", "خواهر شهرهای ایران"),
    (165, "table-iran-sister-cities", None),
    (175, "iran-sister-cities", None),  # the paragraph after the table
    (177, "tehran-twinning", "خواهرخواندگی تهران"),
    (181, "table-tehran-foreign", "لیست شهرهای خواهرخوانده خارجی تهران"),
    (196, "tehran-advantages", None),  # the paper prints no heading for Tehran's advantages
    (212, "tehran-recommendations", "پیشنهادهایی برای استفاده از ظرفیت خواهرخواندگی شهری تهران"),
    (228, "conclusion", "نتیجهگیری"),
    (234, "references", "منابع فارسی"),
]


@pytest.fixture(scope="module")
def prose() -> rdflib.Graph:
    # From the parser, not a store: the store rewrites xsd:positiveInteger to xsd:integer.
    triples = [t for f in PROSE_FILES for t in parse_file(f)]
    return rdflib.Graph().parse(
        data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"
    )


@pytest.fixture(scope="module")
def paper_lines() -> list[str]:
    if not PAPER.is_file():
        pytest.skip(f"the paper's text is not at {PAPER} (set CITYRDF_PAPER)")
    return [quote_key(line) for line in PAPER.read_text(encoding="utf-8").split("\n")]


def scheme_iri(slug: str) -> URIRef:
    return CRID[f"scheme/{slug}"]


def members(graph, slug: str) -> list:
    return sorted(graph.subjects(SKOS.inScheme, scheme_iri(slug)))


def part_of_line(line: int) -> str:
    return [part for start, part, _ in PART_STARTS if start <= line][-1]


def anchors(graph) -> list[tuple]:
    """(resource, source part, exact, prefix, suffix) for every text anchor in the prose files."""
    rows = []
    for resource, anchor in graph.subject_objects(CR.textAnchor):
        selector = graph.value(anchor, OA.hasSelector)
        rows.append(
            (
                resource,
                graph.value(anchor, OA.hasSource),
                str(graph.value(selector, OA.exact)),
                str(graph.value(selector, OA.prefix) or ""),
                str(graph.value(selector, OA.suffix) or ""),
            )
        )
    return rows


def occurrences(lines: list[str], text: str) -> list[int]:
    """1-based numbers of the lines holding `text` (already normalised), once per occurrence."""
    return [n for n, line in enumerate(lines, 1) for _ in re.finditer(re.escape(text), line)]


def test_prose_holds_exactly_the_schemes_counted_in_the_paper(prose):
    schemes = {
        str(s).removeprefix(str(CRID) + "scheme/")
        for s in prose.subjects(RDF.type, SKOS.ConceptScheme)
    }
    assert schemes == set(SCHEME_SIZES)


@pytest.mark.parametrize("scheme, size", sorted(SCHEME_SIZES.items()))
def test_scheme_has_as_many_concepts_as_the_paper_names(prose, scheme, size):
    concepts = members(prose, scheme)
    assert len(concepts) == size
    positions = sorted(prose.value(c, CR.position).toPython() for c in concepts)
    assert positions == list(range(1, size + 1))


@pytest.mark.parametrize("scheme, words", sorted(STATED_COUNTS.items()))
def test_the_paper_states_the_count_in_the_anchored_passage(prose, paper_lines, scheme, words):
    [line] = occurrences(paper_lines, quote_key(words))
    scheme_lines = {
        n
        for resource, _, exact, prefix, suffix in anchors(prose)
        if resource == scheme_iri(scheme)
        for n in occurrences(paper_lines, quote_key(prefix + exact + suffix))
    }
    assert line in scheme_lines


def test_every_new_resource_is_anchored_and_traced_to_the_parts_it_quotes(prose):
    parts = {CRID[f"work/zahrani-rajaei/part/{p}"] for _, p, _ in PART_STARTS}
    resources = set(prose.subjects(RDF.type, SKOS.ConceptScheme)) | set(
        prose.subjects(RDF.type, CR.HistoricalEvent)
    )
    resources |= {
        c
        for c in prose.subjects(RDF.type, SKOS.Concept)
        if (c, SKOS.inScheme, CRID["scheme/data-issues"]) not in prose
    }
    problems = []
    for r in resources:
        sources = set()
        for anchor in prose.objects(r, CR.textAnchor):
            selector = prose.value(anchor, OA.hasSelector)
            if (anchor, RDF.type, OA.SpecificResource) not in prose or (
                selector,
                RDF.type,
                OA.TextQuoteSelector,
            ) not in prose:
                problems.append((r, "anchor shape"))
            sources.add(prose.value(anchor, OA.hasSource))
        if not sources:
            problems.append((r, "no cr:textAnchor"))
        elif not sources <= parts or sources != set(prose.objects(r, PROV.wasDerivedFrom)):
            problems.append((r, "hasSource vs wasDerivedFrom", sources))
    assert problems == []


def test_every_quote_is_found_once_in_the_part_it_names(prose, paper_lines):
    problems = []
    for resource, source, exact, prefix, suffix in anchors(prose):
        found = occurrences(paper_lines, quote_key(prefix + exact + suffix))
        if len(found) != 1:
            problems.append((resource, exact, "found at lines", found))
            continue
        # whether a prefix or suffix is needed is `cityrdf coverage`'s call: it also sees a quote
        # that a page break splits over two lines (tests/coverage)
        if source != CRID[f"work/zahrani-rajaei/part/{part_of_line(found[0])}"]:
            problems.append((resource, exact, "in part", part_of_line(found[0]), "not", source))
    assert problems == []


def test_quotes_differ_from_the_printed_text_only_by_restored_zwnj(prose):
    # Any reader's normalisation that drops ZWNJ finds them: spaces, letters and digits as printed.
    if not PAPER.is_file():
        pytest.skip(f"the paper's text is not at {PAPER} (set CITYRDF_PAPER)")
    printed = PAPER.read_text(encoding="utf-8")
    problems = [
        (resource, text)
        for resource, _, exact, prefix, suffix in anchors(prose)
        for text in (exact, prefix, suffix)
        if text.replace("\u200c", "") not in printed
    ]
    assert problems == []


def test_part_starts_are_the_papers_headings(paper_lines):
    for line, _, heading in PART_STARTS:
        if heading is not None:
            assert paper_lines[line - 1] == quote_key(heading), line


def test_quotes_keep_standard_persian_orthography(prose):
    # The plain text lost its ZWNJs; a quote restores them (e.g. «پیمان‌های», not «پیمانهای»).
    # «می» glued to a verb, or «ها» glued to a letter that joins the next one
    lost = re.compile(
        r"^(می[اآبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی]\S*|\S*[بپتثجچحخسشصضطظعغفقکگلمنهی]ها(ی|یی)?)$"
    )
    exceptions = {"میان", "میزان", "میلادی"}
    problems = []
    for resource, _, exact, prefix, suffix in anchors(prose):
        for text in (exact, prefix, suffix):
            if "\u064a" in text or "\u0643" in text:
                problems.append((resource, text, "Arabic yeh or kaf"))
            for word in text.split():
                word = word.strip("،؛.:()«»")
                if word not in exceptions and lost.match(word):
                    problems.append((resource, word, "ZWNJ lost"))
    assert problems == []


@pytest.mark.parametrize("scheme", VERBATIM_SCHEMES)
def test_persian_labels_are_the_papers_words(prose, paper_lines, scheme):
    text = "".join(paper_lines)
    for concept in members(prose, scheme):
        [label] = [o for o in prose.objects(concept, SKOS.prefLabel) if o.language == "fa"]
        assert quote_key(label) in text, label


@pytest.mark.parametrize(
    "scheme, printed_citation, work",
    [
        ("soft-power-assets", "صدرپور و همکاران، ۱۳۹۵: ۱۷۱", "sadrpour-1395"),
        ("soft-power-factors", "موسوی جشنی، ۱۳۹۳: ۱۷۱", "mousavi-jeshni-1393"),
        ("success-conditions-mojtahedzadeh", "مجتهد زاده، ۱۳۸۹: ۱۱۲", "mojtahedzadeh-1389"),
        ("sci-aims", "زینلی، ۱۳۸۷: ۱۱۰", "zeinali-1387"),
        ("foreign-policy-pillars", "گیلبوآ، ۱۳۸۸: ۵۶", "gilboa-1388"),
        ("public-diplomacy-means", "Nye, 2008: 95", "nye-2008"),
        ("diplomatic-institutions", "رحمانی، ۱۳۹۴: ۶۹", "rahmani-1394"),
        ("informal-commitments", "همان، ۹۲", "mousavi-shafaei-1389"),
    ],
)
def test_scheme_cites_the_work_the_paper_cites_in_its_passage(
    prose, paper_lines, scheme, printed_citation, work
):
    assert (scheme_iri(scheme), CITO.citesAsEvidence, CRID[f"work/{work}"]) in prose
    citation_lines = set(occurrences(paper_lines, quote_key(printed_citation)))
    anchored_lines = set()
    for concept in [scheme_iri(scheme), *members(prose, scheme)]:
        for resource, _, exact, prefix, suffix in anchors(prose):
            if resource == concept:
                anchored_lines |= set(occurrences(paper_lines, quote_key(prefix + exact + suffix)))
    # the citation closes the passage: on the last line the list is anchored in
    assert max(anchored_lines) in citation_lines


def test_the_two_sets_of_success_conditions_are_linked_where_they_agree(prose):
    second = CRID["concept/success-conditions-mojtahedzadeh/clear-goals"]
    first = CRID["concept/success-conditions/clear-goals"]
    assert (second, SKOS.exactMatch, first) in prose
    close = set(
        prose.subjects(SKOS.closeMatch, CRID["concept/success-conditions/municipal-support"])
    )
    assert close == {
        CRID["concept/success-conditions-mojtahedzadeh/city-council-support"],
        CRID["concept/success-conditions-mojtahedzadeh/direct-participation-of-departments"],
    }


def test_ambiguous_list_boundaries_are_flagged_with_the_printed_words(prose):
    flagged = set(prose.subjects(CR.hasIssue, CRID["concept/data-issues/ambiguous-list-boundary"]))
    assert flagged == {
        CRID["concept/soft-power-assets/political-values-and-institutions"],
        CRID["concept/sci-aims/mutual-benefit-programmes"],
    }
    for resource in flagged:
        [note] = [o for o in prose.objects(resource, SKOS.editorialNote) if o.language == "en"]
        assert "«" in note  # quotes what the paper prints


def test_dated_examples_carry_the_year_the_paper_prints(prose):
    nye = CRID["event/nye-soft-power-theory-1990"]
    assert prose.value(nye, CR.year) == Literal(
        "1990", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")
    )
    assert (nye, PROV.generated, CRID["work/nye-1990"]) in prose
    # a decade, not a year: no cr:year, said in the note
    decade = CRID["event/us-racial-discrimination-1950s"]
    assert prose.value(decade, CR.year) is None
    assert any("1950s" in note for note in prose.objects(decade, SKOS.editorialNote))


# --- The prose read sentence by sentence, the citations, and the lists' order ----------------------

# Sentences that only announce what follows (a table, the next section) and state nothing.
ANNOUNCEMENTS = {
    "برخی از مهمترین خواهرخواندههای شهرهای ایران در جدول زیر آمده است:",
    "در ادامه به بررسی خواهرخواندگی تهران پرداخته خواهد شد.",
}


@pytest.fixture(scope="module")
def project():
    return load_store()


@pytest.fixture(scope="module")
def printed() -> list[str]:
    if not PAPER.is_file():
        pytest.skip(f"the paper's text is not at {PAPER} (set CITYRDF_PAPER)")
    return PAPER.read_text(encoding="utf-8").split("\n")


def test_every_sentence_of_the_prose_holds_an_anchor(project, printed):
    text = coverage.NormalisedText(printed)
    spans = []
    for a in coverage.anchors(project):
        for hit in text.find_all(coverage.normalise(a.prefix + a.exact + a.suffix)):
            start = hit + len(coverage.normalise(a.prefix))
            spans.append((start, start + len(coverage.normalise(a.exact))))
    first_offset = {}
    for offset, line in enumerate(text.line_of):
        first_offset.setdefault(line, offset)
    bare = []
    for unit in coverage.split_units(printed):
        if unit.kind not in ("paragraph", "list-item"):
            continue
        body = " ".join(printed[n - 1] for n in unit.lines or [unit.line])
        for sentence in re.split(r"(?<=[.؟?!])\s+", body):
            folded = coverage.normalise(sentence)
            if len(folded) < 15 or sentence.strip() in ANNOUNCEMENTS:  # 15: not a bare item number
                continue
            # a short sentence may recur: take its first occurrence in this unit; a sentence that a
            # page break's footnote cuts in two is looked up by its first words
            start = next(
                min(hits)
                for width in (len(folded), 40, 12)
                if (
                    hits := [
                        h for h in text.find_all(folded[:width]) if h >= first_offset[unit.line]
                    ]
                )
            )
            if not any(a < start + len(folded) and b > start for a, b in spans):
                bare.append((unit.line, sentence[:60]))
    assert bare == []


def unit_of_line(printed: list[str], line: int):
    [unit] = [u for u in coverage.split_units(printed) if line in (u.lines or [u.line])]
    return unit


@pytest.mark.parametrize(
    "resource, printed_citation, work",
    [
        (
            "propositions/soft-power-rose-with-post-classical-theories",
            "خاشعی و امازاده جعفر، ۱۳۹۰: ۵۶",
            "khashei-emamzadeh-jafar-1390",
        ),
        ("propositions/soft-power-grows-with-new-instruments", "بیات، ۱۳۸۹: ۱۰۶", "bayat-1385"),
        (
            "propositions/local-governments-hold-city-media-digital-diplomacy",
            "بصیرت و جلیلی، ۱۳۹۳: ۵۵",
            "basirat-jalili-1393",
        ),
        (
            "propositions/first-twinning-aimed-at-uniting-citizens",
            "زینلی، ۱۳۸۷: ۱۱۰",
            "zeinali-1387",
        ),
        (
            "propositions/eisenhower-idea-aimed-at-friendship",
            "fwsistercities, 2015",
            "fwsistercities-2015",
        ),
        (
            "propositions/twins-use-each-others-capacities",
            "قورچی و امانی، ۱۳۸۸: ۶۸",
            "ghourchi-amani-1388",
        ),
        (
            "propositions/twins-use-each-others-capacities",
            "موسوی شفیعی، ۱۳۸۹: ۸۹",
            "mousavi-shafaei-1389",
        ),
        (
            "propositions/cultural-diplomacy-transfers-values",
            "موسوی شفايي، ۱۳۸۹",
            "mousavi-shafaei-1389",
        ),
        ("propositions/cultural-planning-promotes-values", "گیلبوآ، ۱۳۸۸: ۵۶", "gilboa-1388"),
        ("propositions/local-governments-use-paradiplomacy", "Sassen, 2010:10", "sassen-2010"),
        ("propositions/tehran-has-many-advantages", "YIC,1394", "yjc-1394"),
        (
            "power-kinds/hard-power",
            "خاشعی و امازاده جعفر، ۱۳۹۰: ۵۶",
            "khashei-emamzadeh-jafar-1390",
        ),
        ("power-kinds/soft-power", "صدرپور و همکاران، ۱۳۹۵: ۱۷۱", "sadrpour-1395"),
        ("diplomacy-kinds/formal", "کوهکن، نزاکتی، ۲۰۱۳:۱۳۹۳", "kouhkan-nezakati-1393"),
        ("diplomacy-kinds/informal", "کوهکن، نزاکتی، ۲۰۱۳:۱۳۹۳", "kouhkan-nezakati-1393"),
        ("diplomacy-kinds/media-and-digital", "بصیرت و جلیلی، ۱۳۹۳: ۵۵", "basirat-jalili-1393"),
        ("benefits/understanding-friendship-trust", "زینلی، ۱۳۸۷: ۱۱۰", "zeinali-1387"),
        ("benefits/humanitarian-aims-and-peace", "قورچی و امانی، ۱۳۸۸: ۷۵", "ghourchi-amani-1388"),
    ],
)
def test_a_statement_cites_the_next_citation_of_its_paragraph(
    project, printed, resource, printed_citation, work
):
    iri = CRID[f"concept/{resource}"]
    ask = f"ASK {{ <{iri}> <{CITO.citesAsEvidence}> <{CRID[f'work/{work}']}> }}"
    assert project.query(ask)
    text = coverage.NormalisedText(printed)
    citations = text.find_all(coverage.normalise(printed_citation))
    anchored = [
        text.find_all(coverage.normalise(a.prefix + a.exact + a.suffix))[0]
        for a in coverage.anchors(project)
        if a.resource == str(iri)
    ]

    def next_citation_in_paragraph(start: int) -> bool:
        unit = unit_of_line(printed, text.line_of[start]).line
        after = [c for c in citations if c > start]
        return bool(after) and unit_of_line(printed, text.line_of[min(after)]).line == unit

    # one of the statement's passages is followed, in its own paragraph, by the citation
    assert any(next_citation_in_paragraph(start) for start in anchored)


@pytest.mark.parametrize(
    "resource",
    [
        "scheme/soft-power-sources",  # its paragraph cites nothing
        "concept/benefits/soft-power-instrument",  # «بنابراین»: the authors' own inference
        "concept/propositions/public-diplomacy-instrument-of-soft-power",  # «بنابراین»
        "concept/propositions/globalisation-lifts-city-networks",  # no citation after it
    ],
)
def test_an_uncited_passage_or_an_inference_carries_no_citation_link(project, resource):
    assert not project.query(f"ASK {{ <{CRID[resource]}> <{CITO.citesAsEvidence}> ?work }}")


def test_the_event_of_eisenhowers_idea_cites_the_work_that_closes_its_paragraph(project):
    event = CRID["event/eisenhower-sister-city-initiative-1956"]
    work = CRID["work/fwsistercities-2015"]
    assert project.query(f"ASK {{ <{event}> <{CITO.citesAsEvidence}> <{work}> }}")


def test_dated_lists_flag_exactly_the_items_out_of_their_order(project):
    rows = project.query(
        """
        PREFIX cr: <https://w3id.org/cityrdf/ontology#>
        SELECT ?list ?entry ?position ?date ?flag WHERE {
          ?entry cr:inList ?list ; cr:position ?position .
          ?agreement cr:attestedBy ?entry ; cr:signingDate ?date .
          OPTIONAL { ?entry cr:hasIssue ?flag .
                     FILTER(?flag = <https://w3id.org/cityrdf/id/concept/data-issues/order-break>) }
        } ORDER BY ?list ?position
        """
    )
    lists: dict[str, list[tuple[str, int, bool]]] = {}
    for row in rows:
        year = int(row["date"].value[:4])
        lists.setdefault(row["list"].value, []).append(
            (row["entry"].value, year, row["flag"] is not None)
        )
    for items in lists.values():
        # the longest run that keeps the order of years: what is outside it is out of order
        best: list[list[int]] = []
        for i, (_, year, _) in enumerate(items):
            longest = max((best[j] for j in range(i) if items[j][1] <= year), key=len, default=[])
            best.append([*longest, i])
        kept = set(max(best, key=len, default=[]))
        out_of_order = {entry for i, (entry, _, _) in enumerate(items) if i not in kept}
        assert {entry for entry, _, flagged in items if flagged} == out_of_order
    flagged = {e for items in lists.values() for e, _, f in items if f}
    assert flagged == {str(CRID["list/tehran-foreign/5"]), str(CRID["list/isfahan/4"])}


def test_citations_of_a_work_about_territorial_disputes_are_flagged_off_topic(project):
    off_topic = CRID["concept/data-issues/cited-work-off-topic"]
    flagged = {
        row["r"].value
        for row in project.query(f"SELECT ?r WHERE {{ ?r <{CR.hasIssue}> <{off_topic}> }}")
    }
    work = CRID["work/mojtahedzadeh-1389"]
    citing = {
        row["r"].value
        for row in project.query(f"SELECT ?r WHERE {{ ?r <{CITO.citesAsEvidence}> <{work}> }}")
    }
    assert flagged == citing and len(citing) == 4
    for resource in flagged:
        notes = [
            row["n"].value
            for row in project.query(
                f"SELECT ?n WHERE {{ <{resource}> <{SKOS.editorialNote}> ?n }}"
            )
        ]
        assert any("منازعات سرزمینی" in n for n in notes)  # quotes the title it is cited under
