"""The project a command works on: the folder with the sources (ontology, shapes, data, queries) and,
beside them, the built artefacts; found from $CITYRDF_HOME or the working directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from cityrdf.errors import BadInput

HOME_VARIABLE = "CITYRDF_HOME"
# What makes a folder a cityrdf project: the core ontology file, which no other project has, and
# the data folder beside it.
MARKER_FILE = Path("ontology") / "cityrdf.ttl"
MARKER_FOLDER = Path("data")
# The one licence of everything the project publishes: dumps, documents, nanopublications and the
# SSSOM mapping set alike, so no two copies of the same statements carry different terms.
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Project:
    """A project folder and where each of its parts lives."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def links_dir(self) -> Path:
        return self.data_dir / "links"

    @property
    def imported_dir(self) -> Path:
        """Where `cityrdf import` writes its data files."""
        return self.data_dir / "imported"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def qc_dir(self) -> Path:
        return self.queries_dir / "qc"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def world_dir(self) -> Path:
        """The world layer (`cityrdf world import`), built from outside sources."""
        return self.root / "world"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache"

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """$CITYRDF_HOME; else the first folder from `start` (the working directory) upwards that
        holds ontology/cityrdf.ttl and data/; else the checkout this package is installed from
        (an editable install). BadInput when there is none."""
        home = os.environ.get(HOME_VARIABLE)
        if home:
            root = Path(home).resolve()
            if not root.is_dir():
                raise BadInput(f"{HOME_VARIABLE}={home}: no such folder")
            return cls(root)
        start = (Path.cwd() if start is None else Path(start)).resolve()
        checkout = Path(__file__).resolve().parents[2]
        for folder in (start, *start.parents, checkout):
            if is_project(folder):
                return cls(folder)
        raise BadInput(
            f"no cityrdf project in {start} or above (a folder with {MARKER_FILE} and "
            f"{MARKER_FOLDER}/): run inside one or set {HOME_VARIABLE}"
        )


# The folders people write by hand. No command replaces them or a file in them, whatever path it is
# given, but for the files a verb itself makes there (`writing_sources`).
SOURCE_FOLDERS = ("data", "ontology", "shapes", "queries")
# The checkout's code and history: no command writes its output among them either.
CODE_FOLDERS = ("src", "tests", ".git")
_made_by_the_verb: ContextVar[tuple[Path, ...]] = ContextVar("cityrdf_sources_made", default=())


@contextmanager
def writing_sources(*made: Path) -> Iterator[None]:
    """Let the block write these files or folders among the sources: the files `link` makes in
    data/links/, `import pacts`'s data/imported/."""
    token = _made_by_the_verb.set(tuple(Path(p).resolve() for p in made))
    try:
        yield
    finally:
        _made_by_the_verb.reset(token)


def refuse_overwriting_sources(target: Path) -> None:
    """BadInput when writing `target` (a file, or a folder replaced whole) would replace a source of
    the current project or its code: a file in a source or code folder, such a folder, or a folder
    holding one. The path is judged where it leads, through symbolic links."""
    try:
        project = current_project()
    except BadInput:  # outside any project: no sources to protect
        return
    root = project.root.resolve()
    where = Path(target).resolve()
    named = f"{target}" + (f" (that is {where})" if Path(target).absolute() != where else "")
    for name in SOURCE_FOLDERS + CODE_FOLDERS:
        source = (root / name).resolve()  # a source folder may be a link to one elsewhere
        kind = "a source folder" if name in SOURCE_FOLDERS else "a folder of the code"
        if source.is_relative_to(where):
            raise BadInput(f"{named}: would replace {source}, {kind}; write elsewhere")
        if where.is_relative_to(source) and not any(
            where.is_relative_to(made) for made in _made_by_the_verb.get()
        ):
            raise BadInput(f"{named}: is in {source}, {kind}; write elsewhere")


def is_project(folder: Path) -> bool:
    return (folder / MARKER_FILE).is_file() and (folder / MARKER_FOLDER).is_dir()


_active: ContextVar[Project | None] = ContextVar("cityrdf_project", default=None)


def current_project() -> Project:
    """The project in use (`use`), else the one `Project.find` finds from the working directory.

    A thread does not inherit the project in use (a context variable): code that runs in other
    threads sees `Project.find`'s, which is why tests set CITYRDF_HOME along with `use`."""
    return _active.get() or Project.find()


@contextmanager
def use(project: Project) -> Iterator[Project]:
    """Make `project` the current one for the block."""
    token = _active.set(project)
    try:
        yield project
    finally:
        _active.reset(token)
