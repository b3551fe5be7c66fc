"""The ranker of one world layer, fitted once and kept beside it (`world/opportunities-KIND.pickle`)
for as long as the files it was fitted on are unchanged, so that a city is answered in seconds.

The key is the SHA-256 of every input (the world layer's N-Quads files and the project graph's
sources) with the model's kind and the layout of what is stored: a changed byte refits.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import pickle
from dataclasses import dataclass
from pathlib import Path

from cityrdf.fs import atomic
from cityrdf.opportunities import store
from cityrdf.opportunities.features import PairFeatures
from cityrdf.opportunities.scorer import Scorer
from cityrdf.opportunities.twin_graph import World
from cityrdf.project import current_project
from cityrdf.rdf import graph

LAYOUT = 7  # raise when Fitted or what it holds changes shape: older files are then refitted
log = logging.getLogger(__name__)


@dataclass
class Fitted:
    """A world, its feature matrices, the ranker fitted on it and the inputs they came from."""

    key: str
    inputs: dict[str, str]  # world file name → "sha256:…", as the provenance records them
    world: World
    table: PairFeatures
    scorer: Scorer  # no scikit-learn object: loading this must not import it (scorer.py)
    weights: dict[str, float]  # criterion → share of average precision lost when shuffled
    stats: dict[str, object] | None = None  # layout, kind, path → (size, mtime_ns) of every input


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def model_path(world_dir: Path | None, kind: str) -> Path:
    folder = current_project().world_dir if world_dir is None else world_dir
    return folder / f"opportunities-{kind}.pickle"


def key_of(inputs: dict[str, str], kind: str) -> str:
    project = {f"{p.parent.name}/{p.name}": sha256(p) for p in graph.source_files()}
    text = json.dumps(
        {"layout": LAYOUT, "kind": kind, "world": inputs, "project": project}, sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()


@contextlib.contextmanager
def collection_paused():
    """Unpickling makes a million small objects; the cyclic collector would walk them again and
    again (it doubles the load time) while none of them can be garbage yet."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def stats_of(files: list[Path], kind: str) -> dict[str, object]:
    """Size and modification time of each file (with the layout and kind): when none changed,
    the digests are as stored (git's index makes the same bet)."""
    return {
        "layout": LAYOUT,
        "kind": kind,
        **{str(f): (f.stat().st_size, f.stat().st_mtime_ns) for f in files},
    }


def fitted(world_dir: Path | None = None, kind: str = "boosted") -> Fitted:
    """The stored fit when its key matches the inputs as they are now, else a new fit (stored)."""
    files = store.world_files(world_dir)
    stats = stats_of(files + graph.source_files(), kind)
    path = model_path(world_dir, kind)
    kept = None
    if path.is_file():
        try:
            with path.open("rb") as f, collection_paused():
                kept = pickle.load(f)  # written by this module only, beside the world layer
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError) as err:
            log.info("refitting: %s is unreadable (%s)", path, err)
    if isinstance(kept, Fitted) and getattr(kept, "stats", None) == stats:
        return kept
    inputs = {f.name: sha256(f) for f in files}
    key = key_of(inputs, kind)
    if isinstance(kept, Fitted) and kept.key == key:  # touched, not changed
        kept.stats = stats
        atomic.write_bytes(path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        return kept
    world = store.world_model(store.load(world_dir))  # BadInput when there is no world layer
    made = fit_world(world, kind)
    made.key, made.inputs, made.stats = key, inputs, stats
    atomic.write_bytes(path, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
    return made


def fit_world(world: World, kind: str = "boosted") -> Fitted:
    """A fit of a world held in memory (nothing stored)."""
    from cityrdf.opportunities.ranker import Ranker  # scikit-learn: only when fitting

    ranker = Ranker(kind=kind).fit(world)
    weights = ranker.criterion_weights(world)
    return Fitted("", {}, world, PairFeatures(world), Scorer.of(ranker), weights)
