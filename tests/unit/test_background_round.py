"""The background round: every step runs each round; only the sync's failure backs the
runner off; the heartbeat records the round's first failure."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from social_scale_adapters.db.engine import make_engine
from social_scale_adapters.db.heartbeats import latest_beat
from social_scale_app.background.round import BackgroundRound, Step
from social_scale_core.clock import FrozenClock
from social_scale_core.errors import ProviderUnavailable
from sqlalchemy import Engine


@pytest.fixture
def engine(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    shutil.copy(sqlite_template, tmp_path / "round.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'round.db'}")
    yield engine
    engine.dispose()


def _round(engine: Engine, steps: list[Step]) -> BackgroundRound:
    clock = FrozenClock(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    return BackgroundRound(steps, engine, clock, "worker", name="host/1")


def test_a_failing_job_is_logged_and_the_others_still_run(engine: Engine) -> None:
    ran: list[str] = []

    def outbox() -> None:
        raise OSError("smtp down")

    background = _round(engine, [Step("sync", lambda: ran.append("sync"), backs_off=True),
                                 Step("outbox", outbox), Step("alerts", lambda: ran.append("a"))])
    background()  # no raise: the sync went fine, so no back-off
    assert ran == ["sync", "a"]
    beat = latest_beat(engine)
    assert beat is not None and beat.last_error == "OSError: smtp down" and beat.rounds == 1


def test_a_failing_sync_raises_after_the_other_jobs_ran(engine: Engine) -> None:
    ran: list[str] = []

    def sync() -> None:
        raise ProviderUnavailable("panel down")

    background = _round(engine, [Step("sync", sync, backs_off=True),
                                 Step("outbox", lambda: ran.append("outbox"))])
    with pytest.raises(ProviderUnavailable):
        background()
    assert ran == ["outbox"]  # mail goes out while the panel is down
    background.steps[0] = Step("sync", lambda: 3, backs_off=True)
    background()
    beat = latest_beat(engine)
    assert beat is not None and beat.last_error is None and beat.rounds == 2
    assert beat.last_ok_at is not None and background.results["sync"] == 3
