"""Where `import pacts` may write: never the input, never a source it did not create, only Turtle.

Judged on the resolved path (symlinks and `..` followed, hard links compared by inode), so a link
that points into data/ is data/. The one place inside the sources an import writes is
data/imported/*.ttl, and an existing file there (or anywhere) is replaced only if it parses as a
file an import wrote (it declares a cr:ImportedFile).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from cityrdf.errors import BadInput
from cityrdf.project import current_project, refuse_overwriting_sources, writing_sources
from cityrdf.rdf.namespaces import CR, CRID, RDF
from cityrdf.text import slug

TURTLE_SUFFIX = ".ttl"


def imported_dir() -> Path:
    return current_project().imported_dir


def output_path(source: Path, out: Path | None) -> Path:
    """The resolved file to write for `source`, or BadInput saying why `out` is refused."""
    if out is None:
        out = imported_dir() / f"{slug(Path(source).stem) or 'table'}.ttl"
    target = Path(out).resolve()
    given = f"--out {out}" + (f" (that is {target})" if str(target) != str(out) else "")
    if Path(source).exists() and target.exists() and os.path.samefile(source, target):
        raise BadInput(f"{given}: that is the input table; write the data file elsewhere")
    for name in (Path(out).name, target.name):
        if not name.lower().endswith(TURTLE_SUFFIX):
            raise BadInput(f"{given}: the data file must be Turtle, named *{TURTLE_SUFFIX}")
    if target.is_dir():
        raise BadInput(f"{given}: is a folder; give a file name ending in {TURTLE_SUFFIX}")
    # refused now, before the table is read, rather than by the write itself
    with writing_sources(imported_dir()):
        refuse_overwriting_sources(Path(out))
    return target


def check_replaceable(target: Path) -> None:
    """BadInput unless `target` is new or a file an earlier import wrote."""
    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink() or not target.is_file() or not written_by_import(target):
        raise BadInput(
            f"--out {target}: exists and was not written by `cityrdf import pacts`; "
            "refusing to replace it (remove it yourself or choose another file)"
        )


def written_by_import(path: Path) -> bool:
    """Whether `path` parses as Turtle and declares an imported table (crid:dataset/import-…)."""
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if (
                quad.predicate == RDF.type
                and quad.object == CR.ImportedFile
                and quad.subject.value.startswith(f"{CRID}dataset/import-")
            ):
                return True
    except (SyntaxError, ValueError, OSError):
        return False
    return False


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary files killed imports left (atomic.replacing's `.NAME.XXXX.tmp`): those
    of any table in data/imported/, those of `target` where it is written elsewhere. Called under
    the project lock, so no import is writing one; returns what was removed."""
    folders = {imported_dir(): f".*{TURTLE_SUFFIX}.*.tmp", target.parent: f".{target.name}.*.tmp"}
    removed = []
    for folder, pattern in folders.items():
        for leftover in sorted(folder.glob(pattern)) if folder.is_dir() else []:
            if leftover.is_file() and not leftover.is_symlink():
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
    return removed
