"""The command line refuses bad configuration with one clear line."""

from __future__ import annotations

import pytest
from social_scale_app.cli import main


def test_production_without_secret_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("JWT_SECRET", raising=False)
    monkeypatch.setenv("FAMPAGE_API_KEY", "k")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "social-scale: configuration error: "
        "JWT_SECRET must be set to a random value in production"
    )


def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JWT_ACCESS_TOKEN_EXPIRY", "forever")
    assert main(["migrate"]) == 2
    assert "JWT_ACCESS_TOKEN_EXPIRY" in capsys.readouterr().err


def test_simulator_refuses_a_bad_fault_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["simulator", "--fault", "add=explode"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("social-scale simulator: unknown fault kind 'explode'")
