"""`cityrdf build`: validate the project graph, then write it as Turtle, N-Triples, JSON-LD and RDF/XML.

The output directory is filled in a staging sibling and exchanged with the old one in one step only
when every file is written (`atomic.swap_dir`), so a failed or killed build leaves the previous
`dist/` as it was, and never no `dist/` at all.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox

from cityrdf import __version__, validate
from cityrdf.errors import BadInput, NotConforming
from cityrdf.fs import atomic
from cityrdf.project import current_project
from cityrdf.rdf import dates, graph
from cityrdf.rdf import documents as rdf_documents
from cityrdf.rdf.canonical import canonical

BASENAME = "cityrdf"
FORMATS = ("nt", "ttl", "rdf", "jsonld")
MANIFEST = "manifest.json"
BUILD_FILES = {f"{BASENAME}.{ext}" for ext in FORMATS} | {MANIFEST}


def build(out: Path | None = None, reason: bool = True) -> dict:
    """Validate, then write the merged graph to `out` (default dist/). Returns the manifest."""
    project = current_project()
    out = Path(out) if out else project.dist_dir
    files = graph.source_files()
    if not files:
        raise BadInput(f"{project.root}: no ontology/*.ttl or data/*.ttl to build from")
    store = graph.load_store(files)
    # HermiT runs in its own process while this one checks and writes: the build waits for the
    # longer of the two. The files go to a staging folder that replaces `out` only if all passed.
    staged = None
    try:
        with validate.start_reasoner(store, files, reason) as verdict:
            report = validate.validate_store(store, files, reason=False)
            staged = stage_dist(store, out, files) if report.conforms else None
            report = validate.add_reasoner(report, verdict)
        if not report.conforms:
            print(report.to_text(), file=sys.stderr)
            raise NotConforming(f"build: {report.summary()}; nothing written to {out}")
        assert staged is not None  # staged once the checks before the reasoner's passed
        staging, manifest = staged
        atomic.swap_dir(staging, out)
        return manifest
    finally:
        if staged:
            shutil.rmtree(staged[0], ignore_errors=True)


def stage_dist(store: ox.Store, out: Path, files: list[Path]) -> tuple[Path, dict]:
    """A staging sibling of `out` holding the new build (and other verbs' artefacts from `out`)."""
    staging = atomic.staging_dir(out)
    try:
        if out.is_dir():  # other verbs' artefacts in dist/ survive a rebuild
            shutil.copytree(
                out, staging, dirs_exist_ok=True, ignore=lambda _, names: BUILD_FILES & set(names)
            )
        return staging, write_serialisations(store, staging, files)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_serialisations(store: ox.Store, directory: Path, files: list[Path]) -> dict:
    """The build's four files, written as the published documents are (`rdf_documents`): Oxigraph
    writes N-Triples, Turtle (one prefix per folder of `id/`) and RDF/XML; the JSON-LD is compacted
    to a context. The store keeps `xsd:integer` for the sources' integer subtypes: they come back."""
    triples = canonical(
        rdf_documents.SourceDatatypes(files).restore(
            quad.triple for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        )
    )
    for ext in FORMATS:
        (directory / f"{BASENAME}.{ext}").write_bytes(rdf_documents.serialize(triples, ext))
    manifest = {
        "generator": f"cityrdf {__version__}",
        "built": dates.run_time().isoformat(),
        "triples": len(triples),
        "files": {
            path.name: {"bytes": path.stat().st_size, "sha256": _sha256(path)}
            for path in sorted(directory.glob(f"{BASENAME}.*"))
        },
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
