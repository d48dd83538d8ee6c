"""Folder listings are kept while the folder's stamp stays the same: rules list the same folders
(a module's own, its parents) once per module of a run, and a long-running language server must
still see a file added or removed since."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from terrafix.model import disk
from terrafix.model.disk import Probe, recording

HOUR_NS = 3600 * 10**9


def settle(folder: Path, age_ns: int) -> None:
    """Give ``folder`` a modification time ``age_ns`` in the past, as an unchanged folder has."""
    status = folder.stat()
    os.utime(folder, ns=(status.st_atime_ns, status.st_mtime_ns - age_ns))


@pytest.fixture
def settled_at_once(monkeypatch):
    """Keep even a folder changed a moment ago (the tests set its modification time)."""
    monkeypatch.setattr(disk, "_SETTLED_NS", -HOUR_NS)


def test_a_listing_is_what_pathlib_globs_whether_recorded_or_not(tmp_path):
    for name in ("b.tf", "a.tf", ".hidden.tf", "notes.md", "x.tfvars"):
        (tmp_path / name).write_text("")
    (tmp_path / "dir.tf").mkdir()
    expected = sorted(tmp_path.glob("*.tf"))
    assert disk.glob(tmp_path, "*.tf") == expected
    assert disk.glob(tmp_path, "*.tf") == expected
    with recording():
        assert disk.glob(tmp_path, "*.tf") == expected


def test_a_file_added_to_a_listed_folder_is_listed(tmp_path, settled_at_once):
    (tmp_path / "main.tf").write_text("")
    settle(tmp_path, 2 * HOUR_NS)
    assert disk.glob(tmp_path, "*.tf") == [tmp_path / "main.tf"]
    (tmp_path / "extra.tf").write_text("")
    settle(tmp_path, HOUR_NS)  # a later time than the listing saw, as an edit leaves
    assert disk.glob(tmp_path, "*.tf") == [tmp_path / "extra.tf", tmp_path / "main.tf"]
    (tmp_path / "main.tf").unlink()
    assert disk.glob(tmp_path, "*.tf") == [tmp_path / "extra.tf"]


def test_a_folder_changed_just_before_it_was_listed_is_listed_again(tmp_path):
    before = tmp_path.stat()
    assert disk.glob(tmp_path, "*.tf") == []
    (tmp_path / "main.tf").write_text("")
    os.utime(tmp_path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same clock tick
    assert disk.glob(tmp_path, "*.tf") == [tmp_path / "main.tf"]


def test_a_listing_from_memory_is_noted_as_a_look(tmp_path, settled_at_once):
    (tmp_path / "a.tfvars").write_text("")
    settle(tmp_path, HOUR_NS)
    assert disk.glob(tmp_path, "*.tfvars") == [tmp_path / "a.tfvars"]
    with recording() as probes:
        assert disk.glob(tmp_path, "*.tfvars") == [tmp_path / "a.tfvars"]
    assert probes == {Probe("glob", str(tmp_path / "*.tfvars"), ("a.tfvars",))}
    (tmp_path / "b.tfvars").write_text("")
    assert not disk.probes_still_hold(probes)


def test_a_missing_folder_lists_nothing(tmp_path):
    assert disk.glob(tmp_path / "gone", "*.tf") == []
    with recording() as probes:
        assert disk.glob(tmp_path / "gone", "*.tf") == []
    assert probes == {Probe("glob", str(tmp_path / "gone" / "*.tf"), ())}


@pytest.mark.parametrize("pattern", ["*.tf", "*", ".*", "?.tf", "[ab]*.tf", "*.TF", "a.tf"])
def test_a_folders_names_match_as_pathlib_globs_them(tmp_path, pattern):
    for name in ("a.tf", "b.tf", ".hidden.tf", "c.tfvars", "B.TF", "x.tf.bak"):
        (tmp_path / name).write_text("")
    (tmp_path / "folder.tf").mkdir()
    (tmp_path / "gone.tf").symlink_to(tmp_path / "missing")
    expected = tuple(sorted(p.name for p in tmp_path.glob(pattern)))
    assert disk._glob(tmp_path / pattern) == expected
    assert disk._glob(tmp_path / "missing" / pattern) == ()
    assert disk._glob(tmp_path / "a.tf" / pattern) == ()
