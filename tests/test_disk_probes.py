"""What a module's analysis looks at beyond its own files is recorded as probes, and the probes
tell whether the disk still answers as it did: a kept result is only as good as that."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rulekit import LAMBDA_WITH_LOCAL_ZIP

from terrafix.engine.config import Config
from terrafix.engine.pipeline import Scope, analyse
from terrafix.engine.rules import select_rules
from terrafix.model import Module, disk
from terrafix.model.disk import Probe, probes_still_hold, recording
from terrafix.model.fragments import fragment_reason
from terrafix.model.project_callers import find_callers
from transforms.destroyability._guards import auto_loaded_value
from transforms.naming._callers import local_callers

CHILD = """\
variable "name" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}
"""
CALLER = """\
module "child" {
  source = "./modules/child"
  name   = "fixed"
}
"""
MIXIN = """\
locals {
  tags = merge(local.common_tags, { Owner = var.owner })
}
"""
README = "These files are meant to be copied into other modules.\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def load(directory: Path) -> Module:
    return Module.from_texts(
        directory, {p: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.tf"))}
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_recording_notes_reads_existence_and_listings(tmp_path):
    tf = write(tmp_path / "main.tf", "locals {}\n")
    write(tmp_path / "b.auto.tfvars", "a = 1\n")
    with recording() as probes:
        assert disk.read_text(tf) == "locals {}\n"
        assert disk.exists(tmp_path / "missing.zip") is False
        assert disk.is_dir(tmp_path) is True
        assert disk.glob(tmp_path, "*.tfvars") == [tmp_path / "b.auto.tfvars"]
        assert disk.listdir(tmp_path) == ["b.auto.tfvars", "main.tf"]
        with pytest.raises(FileNotFoundError):
            disk.read_text(tmp_path / "README.md")
    assert probes == {
        Probe("read", str(tf), sha256(tf)),
        Probe("exists", str(tmp_path / "missing.zip"), False),
        Probe("is_dir", str(tmp_path), True),
        Probe("glob", str(tmp_path / "*.tfvars"), ("b.auto.tfvars",)),
        Probe("listdir", str(tmp_path), ("b.auto.tfvars", "main.tf")),
        Probe("read", str(tmp_path / "README.md"), "FileNotFoundError"),
    }
    assert probes_still_hold(probes)
    disk.exists(tmp_path / "other")  # after the block: not noted
    assert len(probes) == 6


def test_reads_decode_as_open_does_whether_recorded_or_not(tmp_path):
    path = tmp_path / "README"
    path.write_bytes(b"line one\r\nbad \xff byte\rend\n")
    plain = [
        disk.read_text(path, errors="replace"),
        disk.read_text(path, newline="", errors="replace"),
    ]
    with recording():
        noted = [
            disk.read_text(path, errors="replace"),
            disk.read_text(path, newline="", errors="replace"),
        ]
    with open(path, encoding="utf-8", errors="replace") as handle:
        assert plain[0] == noted[0] == handle.read()
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        assert plain[1] == noted[1] == handle.read()
    with pytest.raises(UnicodeDecodeError), recording() as probes:
        disk.read_text(path)
    assert probes == {Probe("read", str(path), sha256(path))}


def test_an_enclosing_recording_gets_the_probes_of_an_inner_one(tmp_path):
    with recording() as outer:
        with recording() as inner:
            disk.exists(tmp_path / "a")
        disk.exists(tmp_path / "b")
    assert inner == {Probe("exists", str(tmp_path / "a"), False)}
    assert outer == inner | {Probe("exists", str(tmp_path / "b"), False)}


def test_editing_a_callers_file_breaks_the_probes_of_its_child(tmp_path):
    write(tmp_path / "main.tf", CALLER)
    child = write(tmp_path / "modules" / "child" / "main.tf", CHILD).parent
    with recording() as probes:
        callers = local_callers(load(child))
    assert [caller.directory for caller, _ in callers] == [tmp_path]
    assert probes_still_hold(probes)
    write(tmp_path / "modules" / "other" / "main.tf", "locals {}\n")  # not looked at
    assert probes_still_hold(probes)
    write(tmp_path / "main.tf", CALLER.replace('"fixed"', "var.name"))
    assert not probes_still_hold(probes)


def test_adding_an_auto_tfvars_breaks_the_probes(tmp_path):
    write(tmp_path / "main.tf", 'variable "keep" {\n  default = true\n}\n')
    module = load(tmp_path)  # the run's own files; a variable file added later is seen on disk
    with recording() as probes:
        assert auto_loaded_value(module, "keep") is None
    assert probes_still_hold(probes)
    write(tmp_path / "prod.auto.tfvars", "keep = false\n")
    assert not probes_still_hold(probes)
    assert auto_loaded_value(module, "keep").path == tmp_path / "prod.auto.tfvars"


def test_deleting_a_readme_breaks_the_probes_of_a_fragment(tmp_path):
    folder = write(tmp_path / "tagging" / "tags.tf", MIXIN).parent
    readme = write(folder / "README.md", README)
    with recording() as probes:
        assert "README.md says" in fragment_reason(load(folder), tmp_path)
    assert probes_still_hold(probes)
    readme.unlink()
    assert not probes_still_hold(probes)
    assert fragment_reason(load(folder), tmp_path) is None


def test_a_repository_walk_answered_from_memory_notes_the_same_probes(tmp_path):
    (tmp_path / ".git").mkdir()
    child = write(tmp_path / "modules" / "child" / "main.tf", CHILD).parent
    write(tmp_path / "live" / "main.tf", CALLER.replace("./modules", "../modules"))
    with recording() as first:
        assert find_callers(child) == (tmp_path / "live",)
    with recording() as again:  # the walk is remembered for the run
        assert find_callers(child) == (tmp_path / "live",)
    assert again == first
    assert Probe("exists", str(tmp_path / ".git"), True) in first
    assert probes_still_hold(first)
    write(tmp_path / "stage" / "main.tf", CALLER.replace("./modules", "../modules"))
    assert not probes_still_hold(first)


def _tf004(module: Module) -> list[str]:
    config = Config(profile="ephemeral", select=["TF004"])
    scope = Scope([rule() for rule in select_rules(config.select, config.ignore)], config)
    return [finding.rule for finding in analyse(module, scope)]


def test_an_analysis_depends_on_the_package_a_lambda_points_at(tmp_path):
    folder = write(tmp_path / "service" / "main.tf", LAMBDA_WITH_LOCAL_ZIP).parent
    elsewhere = write(tmp_path / "other" / "main.tf", "locals {}\n")
    module = load(folder)
    with recording() as probes:
        assert _tf004(module) == ["TF004"]
    elsewhere.write_text("locals {\n  changed = true\n}\n", encoding="utf-8")
    assert probes_still_hold(probes)
    (folder / "shipped.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    assert not probes_still_hold(probes)
    assert _tf004(module) == []


def test_a_walk_notes_each_folder_its_links_and_the_folders_it_could_not_list(tmp_path):
    write(tmp_path / "real" / "main.tf", "locals {}\n")
    (tmp_path / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    with recording() as probes:
        walked = [(Path(folder).name, sorted(dirs)) for folder, dirs, _ in disk.walk(tmp_path)]
        assert list(disk.walk(tmp_path / "gone")) == []
    assert walked == [(tmp_path.name, ["linked", "real"]), ("real", [])]  # links not descended
    assert Probe("walk", str(tmp_path), (("linked", "real"), (), ("linked",))) in probes
    assert Probe("walk", str(tmp_path / "gone"), "FileNotFoundError") in probes
    assert probes_still_hold(probes)
    (tmp_path / "linked").unlink()
    (tmp_path / "linked").mkdir()  # a folder of the same name, which a walk enters
    assert not probes_still_hold(probes)
    (tmp_path / "linked").rmdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    assert probes_still_hold(probes)
    (tmp_path / "gone").mkdir()
    assert not probes_still_hold(probes)
