"""The pipeline applies fixes that insert at the same place one per pass, so a module with many
missing declarations needs many passes; it must still converge and write them all."""

from __future__ import annotations

import terrafix
from terrafix.engine.config import Config
from terrafix.engine.pipeline import run


def test_many_missing_variables_are_all_declared_in_one_run(tmp_path):
    names = [f"input_{i:02d}_name" for i in range(30)]
    body = "\n".join(f'  {name} = "${{var.{name}}}"' for name in names)
    (tmp_path / "main.tf").write_text(f"locals {{\n{body}\n}}\n")
    result = run([tmp_path], Config(select=["TF001"]), fix=True)
    assert result.errors == []
    [created] = [f for f in result.changed_files if f.path.name == "variables.tf"]
    declared = [b.label_values[0] for b in terrafix.parse(created.final).body.blocks("variable")]
    assert sorted(declared) == names
    assert "}\n\nvariable" in created.final and "}\nvariable" not in created.final
    assert result.findings == []
