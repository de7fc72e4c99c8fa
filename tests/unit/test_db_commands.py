"""`social-scale db ...`: Alembic's commands, the way its users expect them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from social_scale_adapters.db.migrate import MIGRATIONS, head_revision, revision_ids
from social_scale_app.cli import main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "ops.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    assert main(["migrate"]) == 0
    return db


def test_current_history_downgrade_and_upgrade(
        database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = head_revision()
    capsys.readouterr()
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.strip() == f"{head} (head)"
    assert main(["db", "history"]) == 0
    history = capsys.readouterr().out
    assert f"-> {head} (head)" in history
    assert "<base> -> 0001" in history
    assert main(["db", "downgrade", "-1"]) == 0
    assert main(["db", "current"]) == 0
    assert "(head)" not in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"{head} (head)")


def test_autogenerate_finds_nothing_to_do_and_writes_a_frozen_script(
        database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rev = f"{max(int(r) for r in revision_ids()) + 1:04d}"
    assert main(["db", "revision", "--autogenerate", "-m", "check drift"]) == 0
    script = MIGRATIONS / "versions" / f"{rev}_check_drift.py"
    try:
        text = script.read_text()
    finally:
        script.unlink()
    assert f"revision = '{rev}'" in text and f"down_revision = '{head_revision()}'" in text
    assert "op." not in text.split("def upgrade", 1)[1]  # the schema matches the code
    assert "social_scale" not in text


def test_a_bad_revision_is_one_line(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "downgrade", "nonsense"]) == 2
    assert capsys.readouterr().err.startswith("social-scale db downgrade: ")


def test_every_command_and_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    from social_scale_app.cli import parser

    def check(prefix: str, command: argparse.ArgumentParser) -> None:
        assert command.description, f"`{prefix} --help` says nothing"
        for action in command._actions:
            assert action.help, f"`{prefix} {action.option_strings or action.dest}`: no help"
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    check(f"{prefix} {name}", sub)

    check("social-scale", parser())
