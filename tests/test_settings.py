"""resolve_config: the one way the CLI, the bot and the editors turn a config file and their own
choices into a run's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from terrafix.engine.config import ConfigError
from terrafix.engine.settings import resolve_config


def test_choices_go_over_the_nearest_config_file(tmp_path: Path):
    (tmp_path / ".terrafix.toml").write_text(
        'profile = "ephemeral"\nignore = ["TF012"]\nselect = ["TF001"]\n'
    )
    module = tmp_path / "stacks" / "app"
    module.mkdir(parents=True)
    from_file = resolve_config(module)
    assert (from_file.profile, from_file.select, from_file.ignore) == (
        "ephemeral",
        ["TF001"],
        ["TF012"],
    )
    chosen = resolve_config(
        module, select=["TF005,TF006", "name-prefix-locals"], ignore=["TF013"], profile="production"
    )
    assert chosen.select == ["TF005", "TF006", "name-prefix-locals"]
    assert chosen.ignore == ["TF012", "TF013"]
    assert chosen.profile == "production" and chosen.source == tmp_path / ".terrafix.toml"


def test_an_unknown_rule_name_is_refused(tmp_path: Path):
    with pytest.raises(ConfigError, match="no rule is called 'TF999'"):
        resolve_config(tmp_path, select=["TF001,TF999"])
    assert resolve_config(tmp_path, select=["TF00"]).select == ["TF00"]  # a family prefix
