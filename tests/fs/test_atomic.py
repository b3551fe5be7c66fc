"""`atomic.write_files`: several files replaced all or nothing."""

import pytest

from cityrdf.fs import atomic


def test_several_files_are_written_whole_text_and_bytes(tmp_path):
    first, second = tmp_path / "a" / "first.ttl", tmp_path / "second.tsv"
    atomic.write_files({first: "تهران\n", second: b"\x00bytes"})
    assert first.read_text(encoding="utf-8") == "تهران\n" and second.read_bytes() == b"\x00bytes"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "first.ttl", "second.tsv"]


def test_a_file_that_cannot_be_written_leaves_every_file_as_it_was(tmp_path):
    kept = tmp_path / "kept.ttl"
    kept.write_text("the previous links\n", encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(OSError):  # the second file's folder is a plain file
        atomic.write_files({kept: "new links\n", blocker / "review.csv": "x\n"})
    assert kept.read_text(encoding="utf-8") == "the previous links\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.ttl", "not-a-folder"]
