"""Display names, in English and Persian, of the standard vocabularies' terms our pages show as a
property or a type (skos:inScheme, bibo:AcademicArticle …), and of gazetteer entries. Our own terms are named in the
ontology; these are not ours to label in the data, so a page names them here and still links each
to its vocabulary."""

from __future__ import annotations

import re

from cityrdf.rdf.namespaces import (
    BIBO,
    CITO,
    DCTERMS,
    FABIO,
    FOAF,
    GN,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SCHEMA,
    SEMAPV,
    SKOS,
    SSSOM,
    WD,
)

# IRI -> (English, Persian)
VOCABULARY_LABELS: dict[str, tuple[str, str]] = {
    term.value: names
    for term, names in {
        RDF.type: ("type", "نوع"),
        RDFS.label: ("label", "برچسب"),
        RDFS.comment: ("comment", "توضیح"),
        RDFS.seeAlso: ("see also", "همچنین ببینید"),
        OWL.sameAs: ("same as", "همان"),
        # a mapping's annotations (SSSOM in OWL): the statement they are about, and how it was made
        OWL.Axiom: ("annotated statement", "گزارهٔ حاشیه‌دار"),
        OWL.annotatedSource: ("statement subject", "موضوع گزاره"),
        OWL.annotatedProperty: ("statement property", "ویژگی گزاره"),
        OWL.annotatedTarget: ("statement value", "مقدار گزاره"),
        SSSOM.confidence: ("confidence", "اطمینان"),
        SSSOM.mapping_date: ("mapping date", "تاریخ نگاشت"),
        SSSOM.mapping_tool: ("mapping tool", "ابزار نگاشت"),
        SSSOM.mapping_justification: ("mapping justification", "دلیل نگاشت"),
        SEMAPV.LexicalMatching: ("name match", "تطبیق نام"),
        SEMAPV.ManualMappingCuration: ("manual curation", "بازبینی دستی"),
        PROV.wasDerivedFrom: ("derived from", "برگرفته از"),
        PROV.wasAssociatedWith: ("associated with", "مرتبط با"),
        PROV.generated: ("generated", "پدیدآورد"),
        SKOS.prefLabel: ("preferred label", "برچسب ترجیحی"),
        SKOS.altLabel: ("other label", "برچسب دیگر"),
        SKOS.hiddenLabel: ("hidden label", "برچسب پنهان"),
        SKOS.notation: ("notation", "نماد"),
        SKOS.definition: ("definition", "تعریف"),
        SKOS.scopeNote: ("scope note", "یادداشت دامنه"),
        SKOS.editorialNote: ("editorial note", "یادداشت ویرایشی"),
        SKOS.example: ("example", "نمونه"),
        SKOS.inScheme: ("in scheme", "در طرح مفهومی"),
        SKOS.topConceptOf: ("top concept of", "مفهوم بالای"),
        SKOS.hasTopConcept: ("top concepts", "مفهوم‌های بالا"),
        SKOS.broader: ("broader", "گسترده‌تر"),
        SKOS.narrower: ("narrower", "محدودتر"),
        SKOS.related: ("related", "مرتبط"),
        SKOS.member: ("member", "عضو"),
        SKOS.exactMatch: ("exact match", "هم‌تای دقیق"),
        SKOS.closeMatch: ("close match", "هم‌تای نزدیک"),
        SKOS.relatedMatch: ("related match", "هم‌تای مرتبط"),
        SKOS.Concept: ("concept", "مفهوم"),
        SKOS.ConceptScheme: ("concept scheme", "طرح مفهومی"),
        SKOS.Collection: ("collection", "مجموعه"),
        DCTERMS.creator: ("creator", "پدیدآورنده"),
        DCTERMS.publisher: ("publisher", "ناشر"),
        DCTERMS.source: ("source", "منبع"),
        DCTERMS["title"]: ("title", "عنوان"),
        DCTERMS.isPartOf: ("part of", "بخشی از"),
        DCTERMS.issued: ("issued", "تاریخ انتشار"),
        DCTERMS.subject: ("subject", "موضوع"),
        DCTERMS.language: ("language", "زبان"),
        DCTERMS.bibliographicCitation: ("bibliographic citation", "مشخصات کتاب‌شناختی"),
        CITO.cites: ("cites", "استناد به"),
        CITO.citesAsEvidence: ("cites as evidence", "استناد به‌عنوان شاهد"),
        CITO.citesAsDataSource: ("cites as data source", "استناد به‌عنوان منبع داده"),
        QB.dataSet: ("data set", "مجموعهٔ داده"),
        QB.structure: ("structure", "ساختار"),
        QB.component: ("component", "جزء"),
        QB.codeList: ("code list", "فهرست کدها"),
        QB.DataSet: ("data set", "مجموعهٔ داده"),
        QB.DataStructureDefinition: ("data structure", "ساختار داده"),
        QB.Observation: ("observation", "مشاهده"),
        ORG.member: ("member", "عضو"),
        ORG.organization: ("organisation", "سازمان"),
        ORG.Membership: ("membership", "عضویت"),
        ORG.FormalOrganization: ("organisation", "سازمان"),
        FOAF.Person: ("person", "شخص"),
        FOAF.Agent: ("agent", "کنشگر"),
        SCHEMA.url: ("web address", "نشانی وب"),
        SCHEMA.containedInPlace: ("lies in", "واقع در"),
        SCHEMA.translator: ("translator", "مترجم"),
        SCHEMA.jobTitle: ("position", "سمت"),
        SCHEMA.alumniOf: ("studied at", "دانش‌آموختهٔ"),
        SCHEMA.affiliation: ("affiliation", "وابستگی سازمانی"),
        SCHEMA.hasCredential: ("credential", "مدرک"),
        BIBO.Article: ("article", "مقاله"),
        BIBO.AcademicArticle: ("journal article", "مقالهٔ علمی"),
        BIBO.Book: ("book", "کتاب"),
        BIBO.Document: ("document", "سند"),
        BIBO.Report: ("report", "گزارش"),
        BIBO.Thesis: ("thesis", "پایان‌نامه"),
        BIBO.Webpage: ("web page", "صفحهٔ وب"),
        BIBO.Website: ("website", "وب‌گاه"),
        FABIO.ResearchPaper: ("research paper", "مقالهٔ پژوهشی"),
    }.items()
}


# a city's or country's entry in a gazetteer: "GeoNames 112931", "Wikidata Q3616"
GAZETTEER_ENTRY = re.compile(f"({re.escape(str(GN))}|{re.escape(str(WD))})([0-9]+|Q[0-9]+)/?")
GAZETTEERS = {str(GN): "GeoNames", str(WD): "Wikidata"}


def vocabulary_labels(iri: str) -> dict[str, str]:
    """{"en": …, "fa": …} for a standard term a page shows or a gazetteer's entry, or {} for any
    other IRI."""
    if found := GAZETTEER_ENTRY.fullmatch(iri):
        return {"": f"{GAZETTEERS[found.group(1)]} {found.group(2)}"}
    names = VOCABULARY_LABELS.get(iri)
    return {"en": names[0], "fa": names[1]} if names else {}
