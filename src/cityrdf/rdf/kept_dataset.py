"""The project dataset kept between commands: `cityrdf query` opens it in milliseconds instead of
parsing every source again (docs/decisions/0020-kept-dataset.md).

`.cache/dataset/<digest>/` is an Oxigraph (RocksDB) store holding exactly the quads that
`dataset.load_dataset()` makes: the project graphs, their entailments and the world layer. The
digest is the SHA-256 of every source file's name and bytes, of the code that loads them and of
Oxigraph's version, so a changed file, rule or loader is a new digest, never a stale answer.

- A command that finds its digest opens that store read-only, holding a shared lock on
  `<digest>.lock` for as long as it reads it.
- One that does not loads the sources into memory as before and answers from that. The second
  load of the same sources (`<digest>.loaded` marks the first) also copies the store into a
  folder of its own, renamed into place whole: a killed copy leaves only a `.tmp-*` folder, which
  a later copy removes. The other digests' stores are then removed, each only while no command
  holds its lock.
- Nothing here is needed for an answer: a project folder that cannot be written, a full disk or a
  store that cannot be opened only means the sources are loaded into memory, as before.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from cityrdf.project import current_project
from cityrdf.rdf import dataset, graph, namespaces

log = logging.getLogger(__name__)

# What makes the stored quads, besides the files (the loader, the entailment rules and their
# prefixes): a change here is a new digest.
LOADER_SOURCES = tuple(Path(str(module.__file__)) for module in (dataset, graph, namespaces))
STALE_COPY_SECONDS = 3600  # a `.tmp-*` folder older than this was left by a killed copy
CACHE_ERRORS = (OSError, ValueError, RuntimeError)
# the names of the copies this module makes: it removes nothing else from the folder, which may be
# a link to one that holds other things
DIGEST_NAME = re.compile(r"[0-9a-f]{64}")


@dataclass
class KeptDataset:
    """The project dataset for one command; `lock` (shared) keeps its folder from being removed
    while `store` reads it. `kept` says whether it came from the folder."""

    store: ox.Store
    kept: bool
    lock: IO[str] | None = field(default=None, repr=False)

    def close(self) -> None:
        if self.lock is not None:
            self.lock.close()  # releases the shared lock
            self.lock = None


def folder() -> Path:
    return current_project().cache_dir / "dataset"


def inputs_digest() -> str:
    """The SHA-256 of what `dataset.load_dataset()` reads and of the code that reads it."""
    digest = hashlib.sha256(f"cityrdf dataset 1; pyoxigraph {ox.__version__}\n".encode())
    files = [
        (graph_iri.value, path)
        for graph_iri, paths in dataset.project_sources().items()
        for path in paths
    ]
    files += [("world", path) for path in dataset.world_files()]
    files += [("loader", path) for path in LOADER_SOURCES]
    for role, path in files:
        if not path.is_file():  # opening a named pipe would wait for a writer; the load says why
            raise FileNotFoundError(path)
        with path.open("rb") as stream:
            digest.update(f"{role} {path.name} ".encode())
            digest.update(hashlib.file_digest(stream, "sha256").digest())
    return digest.hexdigest()


def project_dataset() -> KeptDataset:
    """The kept store of the current sources, or the sources loaded into memory (and kept)."""
    try:
        key = inputs_digest()
    except CACHE_ERRORS as err:  # a source that cannot be read: the load says which, and why
        log.debug("no digest: %s", err)
        return KeptDataset(dataset.load_dataset(), kept=False)
    root = folder()
    try:
        kept = _open_kept(root, key)
        if kept is not None:
            return kept
    except CACHE_ERRORS as err:  # a damaged copy: removed (unless read), then made again
        log.debug("kept dataset not opened: %s", err)
        _remove(root, key)
    store = dataset.load_dataset()
    try:
        # kept once no source changed while it was loaded, and only on the second load of the
        # same sources: a copy costs about three loads, which an edit-and-ask loop never repays
        if inputs_digest() == key and _loaded_before(root, key):
            _keep(store, root, key)
    except CACHE_ERRORS as err:
        log.debug("dataset not kept: %s", err)
    return KeptDataset(store, kept=False)


def _loaded_before(root: Path, key: str) -> bool:
    """Whether `key`'s sources were loaded before; marks them loaded (and only them) if not."""
    marker = root / f"{key}.loaded"
    if marker.exists():
        return True
    root.mkdir(parents=True, exist_ok=True)
    for other in root.glob("*.loaded"):
        if DIGEST_NAME.fullmatch(other.stem):
            other.unlink(missing_ok=True)
    marker.touch()
    return False


def _open_kept(root: Path, key: str) -> KeptDataset | None:
    if not (root / key).is_dir():
        return None
    lock = (root / f"{key}.lock").open("a")
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
        store = ox.Store.read_only(str(root / key))  # fails if it was removed meanwhile
    except BaseException:
        lock.close()
        raise
    return KeptDataset(store, kept=True, lock=lock)


def _keep(store: ox.Store, root: Path, key: str) -> None:
    """Copy `store` into `root/key`, whole or not at all; then remove the other digests' stores."""
    root.mkdir(parents=True, exist_ok=True)
    copy = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        disk = ox.Store(str(copy))
        disk.bulk_extend(store.quads_for_pattern(None, None, None, None))
        disk.flush()
        del disk  # closes the RocksDB folder before it is renamed
        os.rename(copy, root / key)
    except BaseException as err:
        shutil.rmtree(copy, ignore_errors=True)
        # the one failure that is no failure: another command's copy of the same digest won
        if not (isinstance(err, OSError) and (root / key).is_dir()):
            raise
    _remove_others(root, key)


def _remove_others(root: Path, key: str) -> None:
    for entry in root.iterdir():
        if entry.name.startswith(".tmp-"):
            if entry.stat().st_mtime < time.time() - STALE_COPY_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_dir() and entry.name != key and DIGEST_NAME.fullmatch(entry.name):
            _remove(root, entry.name)
        elif entry.is_dir() and entry.suffix == ".lock" and DIGEST_NAME.fullmatch(entry.stem):
            shutil.rmtree(entry, ignore_errors=True)  # a folder no command can lock: in the way


def _remove(root: Path, key: str) -> None:
    """Remove the copy `key` unless a command holds its lock (the next copy removes it then)."""
    lock_path = root / f"{key}.lock"
    try:
        with lock_path.open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            shutil.rmtree(root / key, ignore_errors=True)
            lock_path.unlink(missing_ok=True)
    except OSError as err:
        log.debug("%s not removed: %s", root / key, err)
