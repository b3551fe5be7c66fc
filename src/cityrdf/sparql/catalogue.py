"""The stored research questions: every `queries/*.rq`, with its grlc-style `#+` header read.

The header is YAML after the `#+ ` markers (as grlc reads it): `summary`, `tags` (a list of
TAGS), `title` and `question` ({en, fa}), `params` ({name: {type, doc}}) and `columns`
({name: meaning}).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from cityrdf.errors import BadInput
from cityrdf.fs.textfile import read_text
from cityrdf.project import current_project

PARAM_TYPES = {
    "iri": "an IRI, <...> or a prefixed name such as crid:city/tehran",
    "city": "a city's English label (any case) or its IRI",
    "literal": "a plain string",
    "integer": "an integer",
}
# What a question is about, for grouping the catalogue (grlc's `tags`)
TAGS = {
    "pacts": "twinning agreements",
    "dates": "when pacts were signed, in either calendar",
    "places": "cities and countries",
    "networks": "memberships of city networks",
    "titles": "the titles cities hold",
    "numbers": "the paper's figures and tables",
    "theory": "the paper's lists of concepts",
    "argument": "claims and what the paper offers for them",
    "provenance": "where in the paper, or in which work, a fact comes from",
    "world": "other sources of pairs beside the paper",
    "suggestions": "suggested partners",
    "tehran": "the paper's case of Tehran",
    "links": "links to Wikidata and GeoNames",
}


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    summary: str
    title: dict[str, str]
    question: dict[str, str]
    params: tuple[Param, ...]
    columns: dict[str, str]
    text: str
    tags: tuple[str, ...] = ()


def read_query(path: Path) -> StoredQuery:
    """One `.rq` file with its header; BadInput if the header is not the catalogue's form."""
    path = Path(path)
    text = read_text(path, "query file")
    header_lines = [line[3:] for line in text.splitlines() if line.startswith("#+ ")]
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as err:
        raise BadInput(f"{path}: unreadable #+ header: {str(err).splitlines()[0]}") from None
    if not isinstance(header, dict):
        raise BadInput(f"{path}: the #+ header must be YAML key: value lines")
    params = []
    for name, spec in (header.get("params") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        if spec.get("type") not in PARAM_TYPES:
            known = ", ".join(PARAM_TYPES)
            raise BadInput(f"{path}: parameter {name!r} needs a type, one of {known}")
        params.append(Param(str(name), spec["type"], str(spec.get("doc", ""))))
    tags = header.get("tags") or []
    unknown = [str(tag) for tag in tags if tag not in TAGS] if isinstance(tags, list) else [tags]
    if unknown:
        raise BadInput(f"{path}: tags must be a list of {', '.join(TAGS)}; not {unknown[0]!r}")
    return StoredQuery(
        name=path.stem,
        path=path,
        summary=str(header.get("summary", "")),
        tags=tuple(str(tag) for tag in tags),
        title=dict(header.get("title") or {}),
        question=dict(header.get("question") or {}),
        params=tuple(params),
        columns={str(k): str(v) for k, v in (header.get("columns") or {}).items()},
        text=text,
    )


def discover(folder: Path | None = None) -> dict[str, StoredQuery]:
    """Every stored question in the folder (not the QC checks under `qc/`), by name."""
    folder = current_project().queries_dir if folder is None else Path(folder)
    return {path.stem: read_query(path) for path in sorted(folder.glob("*.rq"))}


def find(name_or_file: str, folder: Path | None = None) -> StoredQuery:
    """A stored question by name, or any `.rq` file by path; unknown names suggest the closest."""
    if name_or_file.endswith(".rq"):
        return read_query(Path(name_or_file))
    folder = current_project().queries_dir if folder is None else Path(folder)
    named = folder / f"{name_or_file}.rq"
    # one file read, not the whole catalogue's headers; only a plain name, as `discover` lists them
    plain = name_or_file not in ("", ".", "..") and Path(name_or_file).name == name_or_file
    if plain and named.is_file():
        return read_query(named)
    catalogue = discover(folder)
    if name_or_file in catalogue:
        return catalogue[name_or_file]
    close = difflib.get_close_matches(name_or_file, list(catalogue), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `cityrdf queries` lists them"
    raise BadInput(f"unknown query {name_or_file!r}{hint}")
