"""The example systemd units in deploy/ run commands that exist, with options they take."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from social_scale_app.cli import parser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def _commands(unit: Path) -> list[list[str]]:
    out = []
    for line in unit.read_text().splitlines():
        key, _, value = line.partition("=")
        if key in {"ExecStart", "ExecStartPre"}:
            argv = shlex.split(value)
            assert argv[0].endswith("/bin/social-scale"), line
            out.append(argv[1:])
    return out


def test_there_are_units_for_the_api_the_worker_and_backups() -> None:
    names = {u.name for u in UNITS}
    assert {"social-scale-web.service", "social-scale-worker.service",
            "social-scale-backup.service"} <= names
    assert "ExecStartPre=/opt/social-scale/bin/social-scale migrate" in (
        DEPLOY / "social-scale-web.service").read_text()  # the release step


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_each_unit_command_parses(unit: Path) -> None:
    commands = _commands(unit)
    assert commands, f"{unit.name} runs nothing"
    for argv in commands:
        try:
            parser().parse_args(argv)
        except SystemExit as exc:  # argparse refused the command line
            pytest.fail(f"{unit.name}: `social-scale {' '.join(argv)}` is refused ({exc})")
