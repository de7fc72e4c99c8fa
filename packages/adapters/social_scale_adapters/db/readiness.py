"""What `/health/ready` reads from the database besides a ping: the last panel call."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen
from sqlalchemy import Engine, select

from social_scale_adapters.db.panel.integration_logs import integration_logs


@frozen
class LastCall:
    """The latest panel call in the integration log; `reachable`: the panel answered (an
    HTTP status below 500, even to refuse), as opposed to a time-out, a cut or a 5xx."""

    action: str
    at: datetime
    reachable: bool


def last_panel_call(engine: Engine) -> LastCall | None:
    t = integration_logs.c
    with engine.connect() as conn:
        row = conn.execute(select(t.action, t.created_at, t.status_code)
                           .order_by(t.created_at.desc()).limit(1)).first()
    if row is None:
        return None
    return LastCall(action=row.action, at=row.created_at,
                    reachable=row.status_code is not None and row.status_code < 500)
