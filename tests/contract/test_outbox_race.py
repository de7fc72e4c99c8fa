"""The outbox under concurrent drains (the worker and serve's in-process round at once):
every delivery is sent exactly once, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from social_scale_core.clock import FrozenClock
from social_scale_core.delivery.deps import DeliveryPorts, DeliverySettings
from social_scale_core.delivery.drain import drain_outbox
from social_scale_core.delivery.model import Delivery, DeliveryKind, OutgoingMail
from sqlalchemy import Engine

AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


class CountingTransport:
    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self._lock = threading.Lock()

    def deliver(self, mail: OutgoingMail) -> None:
        with self._lock:
            self.sent[mail.message_id] += 1


def test_parallel_drains_send_each_mail_once(engine: Engine, uow_factory: Callable) -> None:  # type: ignore[type-arg]
    with uow_factory() as uow:
        for n in range(40):
            uow.outbox.add(Delivery(id=f"d{n:02d}", kind=DeliveryKind.ALERT, to=("a@b.example",),
                                    cc=(), message_id=f"<d{n:02d}@t>", queued_at=AT,
                                    next_attempt_at=AT, message=f"[SS] alert {n}\n\nbody"))
        uow.commit()
    transport = CountingTransport()
    ports = DeliveryPorts(uow=uow_factory, clock=FrozenClock(AT), transport=transport,
                          renderer=None,  # type: ignore[arg-type]  # alerts need no PDF
                          settings=DeliverySettings(batch=5))
    threads = 1 if engine.dialect.name == "sqlite" else 4
    with ThreadPoolExecutor(4) as pool:
        attempted = sum(pool.map(lambda _: drain_outbox(ports), range(threads)))
    if threads == 1:  # SQLite: one writer; drain twice more to show nothing is left
        attempted += drain_outbox(ports) + drain_outbox(ports)
    assert attempted == 40
    assert set(transport.sent) == {f"<d{n:02d}@t>" for n in range(40)}
    assert set(transport.sent.values()) == {1}
    with uow_factory() as uow:
        assert uow.outbox.claim_due(AT, 100, AT) == []
