"""Heartbeats of the background runners (`social-scale worker`, the runner inside `serve`):
one row per runner, rewritten after every round, so that any process's `/health/ready`
can tell whether the background work runs and how it went."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import frozen
from sqlalchemy import Column, Engine, Integer, String, Table, Text, delete, insert, select

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import UTCDateTime

background_runs = Table(
    "background_runs",
    metadata,
    Column("runner", String(128), primary_key=True),
    Column("mode", String(16), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("beat_at", UTCDateTime(), nullable=False),
    Column("last_ok_at", UTCDateTime(), nullable=True),
    Column("last_error", Text(), nullable=True),
    Column("rounds", Integer(), nullable=False),
)
FORGET_AFTER = timedelta(days=1)  # rows of runners gone this long are dropped


@frozen
class Beat:
    """`runner`: host/pid; `mode`: `worker` or `serve`; `beat_at`: end of the last round;
    `last_error`: the last round's failure (None when it succeeded)."""

    runner: str
    mode: str
    started_at: datetime
    beat_at: datetime
    last_ok_at: datetime | None
    last_error: str | None
    rounds: int


def record_beat(engine: Engine, beat: Beat) -> None:
    """Replace the runner's row (and forget runners silent for a day), in one transaction."""
    with engine.begin() as conn:
        conn.execute(delete(background_runs).where(
            (background_runs.c.runner == beat.runner)
            | (background_runs.c.beat_at < beat.beat_at - FORGET_AFTER)))
        conn.execute(insert(background_runs).values(
            runner=beat.runner, mode=beat.mode, started_at=beat.started_at,
            beat_at=beat.beat_at, last_ok_at=beat.last_ok_at,
            last_error=(beat.last_error or None) and beat.last_error[:2000],
            rounds=beat.rounds))


def latest_beat(engine: Engine) -> Beat | None:
    """The most recent heartbeat of any runner, or None when none ever ran."""
    with engine.connect() as conn:
        row = conn.execute(select(background_runs).order_by(
            background_runs.c.beat_at.desc()).limit(1)).mappings().first()
    return Beat(**row) if row is not None else None
