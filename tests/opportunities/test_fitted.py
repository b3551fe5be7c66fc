"""The ranker is fitted once per world layer and kept beside it: a second call reuses it, a changed
input file (one byte) or an unreadable stored fit makes a new one."""

from __future__ import annotations

import os

import pytest

from cityrdf.opportunities import command, fitted
from cityrdf.opportunities.ranker import Ranker


@pytest.fixture
def refits(monkeypatch) -> list[int]:
    """Counts the fits made (the real fit still runs)."""
    made = []
    real = Ranker.fit

    def counted(self, world):
        made.append(1)
        return real(self, world)

    monkeypatch.setattr(Ranker, "fit", counted)
    return made


def test_second_call_reuses_the_stored_fit(world_dir, refits):
    first = fitted.fitted(world_dir)
    assert fitted.model_path(world_dir, "boosted").is_file()
    second = fitted.fitted(world_dir)
    assert len(refits) == 1
    assert second.key == first.key and second.scorer.parameters == first.scorer.parameters
    command.run("tehran", top=3, fmt="csv", world_dir=world_dir)
    assert len(refits) == 1


def test_a_changed_world_file_refits(world_dir, refits):
    first = fitted.fitted(world_dir)
    source = world_dir / "wikipedia.nq"
    source.write_bytes(source.read_bytes() + b"\n")
    second = fitted.fitted(world_dir)
    assert len(refits) == 2 and second.key != first.key
    assert second.inputs["wikipedia.nq"] != first.inputs["wikipedia.nq"]


def test_a_touched_but_unchanged_file_keeps_the_fit(world_dir, refits):
    first = fitted.fitted(world_dir)
    source = world_dir / "wikipedia.nq"
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    assert fitted.fitted(world_dir).key == first.key and len(refits) == 1


def test_a_fit_stored_in_another_layout_is_replaced(world_dir, refits, monkeypatch):
    fitted.fitted(world_dir)
    monkeypatch.setattr(fitted, "LAYOUT", fitted.LAYOUT + 1)
    assert fitted.fitted(world_dir).stats["layout"] == fitted.LAYOUT
    assert len(refits) == 2


def test_an_unreadable_stored_fit_is_replaced(world_dir, refits):
    fitted.model_path(world_dir, "boosted").write_bytes(b"not a pickle")
    made = fitted.fitted(world_dir)
    assert len(refits) == 1 and made.world.graph.number_of_edges() > 10
    assert fitted.fitted(world_dir).key == made.key and len(refits) == 1
