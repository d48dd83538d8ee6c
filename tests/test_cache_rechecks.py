"""A warm run asks the disk again whether each kept result's probes hold, sharing one status
per path: it must answer every probe exactly as the look that recorded it, or a kept result
would outlive what it saw."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from terrafix.cli import main
from terrafix.model import disk
from terrafix.model.disk import Rechecks, observe, recording

STATUS_KINDS = ("exists", "is_file", "is_dir", "stamp")


def _places(tmp_path: Path) -> list[Path]:
    """A file, a folder, nothing, a path under a file, a broken link, a link loop, links to a
    file and a folder."""
    (tmp_path / "main.tf").write_text("locals {}\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "to_file").symlink_to(tmp_path / "main.tf")
    (tmp_path / "to_folder").symlink_to(tmp_path / "folder", target_is_directory=True)
    names = ["main.tf", "folder", "missing", "main.tf/inside", "broken", "loop"]
    return [tmp_path / name for name in [*names, "to_file", "to_folder"]]


def _stored(probes) -> list:
    """Probes as a cache entry holds them: through JSON."""
    return json.loads(json.dumps(sorted(probes)))


def test_rechecks_answer_each_status_kind_as_the_recording_look_did(tmp_path: Path):
    for path in _places(tmp_path):
        for kind in STATUS_KINDS:
            answer = Rechecks()._observe(kind, str(path))
            assert answer == observe(kind, str(path)), (kind, path.name)


def test_a_path_the_system_cannot_take_is_no_answer_for_a_stamp(tmp_path: Path):
    odd = str(tmp_path / "a\0b")
    assert [Rechecks()._observe(kind, odd) for kind in STATUS_KINDS[:3]] == [False] * 3
    with pytest.raises(ValueError):
        Rechecks().hold([["stamp", odd, "FileNotFoundError"]])


def _recorded(tmp_path: Path) -> list:
    main_tf, folder = tmp_path / "main.tf", tmp_path / "folder"
    with recording() as probes:
        disk.exists(tmp_path / ".git")
        disk.is_file(main_tf)
        disk.is_dir(folder)
        disk.stamp(main_tf)
        disk.read_text(main_tf)
        disk.glob(folder, "*.tf")
    return _stored(probes)


def test_stored_probes_hold_until_the_disk_changes(tmp_path: Path):
    _places(tmp_path)
    assert Rechecks().hold(_recorded(tmp_path))

    stored = _recorded(tmp_path)
    os.utime(tmp_path / "main.tf", ns=(0, 12_345))  # same text, another time
    assert not Rechecks().hold(stored)

    stored = _recorded(tmp_path)
    (tmp_path / "folder" / "extra.tf").write_text("locals {}\n")  # a file added
    assert not Rechecks().hold(stored)

    stored = _recorded(tmp_path)
    (tmp_path / ".git").mkdir()  # a repository begins above
    assert not Rechecks().hold(stored)

    stored = _recorded(tmp_path)
    (tmp_path / "main.tf").unlink()  # removed
    assert not Rechecks().hold(stored)


def test_one_run_asks_each_path_once(tmp_path: Path):
    _places(tmp_path)
    stored = _recorded(tmp_path)
    rechecks = Rechecks()
    assert rechecks.hold(stored)
    (tmp_path / "main.tf").unlink()  # within one run the first answer stands
    assert rechecks.hold(stored)
    assert not Rechecks().hold(stored)


MODULE = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs-${var.environment}"\n}\n'


def _check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("output", ["text", "json", "sarif"])
def test_an_entry_names_the_modules_texts_and_answers_as_a_fresh_run(tmp_path: Path, output):
    module, cache = tmp_path / "module", tmp_path / "cache"
    module.mkdir()
    (module / "main.tf").write_text(MODULE)
    options = ["--format", output, "--cache-dir", str(cache), str(module)]
    fresh = _check("--format", output, "--no-cache", str(module))
    assert _check(*options) == fresh
    [entry] = cache.rglob("results-v*/*/*.json")
    assert json.dumps(MODULE) not in entry.read_text()  # the job's text, not stored again
    assert _check(*options) == fresh  # answered from the entry
    (module / "main.tf").write_text(MODULE.replace("logs-", "audit-"))
    changed = _check(*options)
    assert changed == _check("--format", output, "--no-cache", str(module))
    assert changed != fresh or output == "text"
