"""Keep a simulator's books in a JSON file, so the sandbox panel survives a restart."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from social_scale_adapters.fampage.simulator.state import SimOrder, SimRefill, SimState


def _order_to_json(order: SimOrder) -> dict[str, Any]:
    return {
        "order_id": order.order_id, "service": int(order.service["service"]),
        "link": order.link, "quantity": order.quantity, "charge": str(order.charge),
        "created_at": order.created_at.isoformat(),
        "pending_for": order.pending_for.total_seconds(),
        "run_for": order.run_for.total_seconds(), "partial_remains": order.partial_remains,
        "start_count": order.start_count, "raw_status": order.raw_status,
        "remains": order.remains, "final": order.final, "frozen": order.frozen,
        "cancel_at": order.cancel_at.isoformat() if order.cancel_at else None,
        "params": order.params,
    }


def _order_from_json(data: dict[str, Any], services: dict[int, dict[str, Any]]) -> SimOrder:
    return SimOrder(
        order_id=int(data["order_id"]), service=services[int(data["service"])],
        link=data["link"], quantity=int(data["quantity"]), charge=Decimal(data["charge"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        pending_for=timedelta(seconds=data["pending_for"]),
        run_for=timedelta(seconds=data["run_for"]), partial_remains=data["partial_remains"],
        start_count=int(data["start_count"]), raw_status=data["raw_status"],
        remains=int(data["remains"]), final=bool(data["final"]), frozen=bool(data["frozen"]),
        cancel_at=datetime.fromisoformat(data["cancel_at"]) if data["cancel_at"] else None,
        params=dict(data.get("params") or {}),
    )


def dump_state(state: SimState) -> dict[str, Any]:
    with state.lock:
        return {
            "balance": str(state._balance),
            "next_id": state._next_id,
            "orders": [_order_to_json(o) for o in state.orders.values()],
            "refills": [{"refill_id": r.refill_id, "order_id": r.order_id,
                         "created_at": r.created_at.isoformat()} for r in state.refills.values()],
        }


def load_state(state: SimState, data: dict[str, Any]) -> None:
    with state.lock:
        state._balance = Decimal(data["balance"])
        state._next_id = int(data["next_id"])
        state.orders = {o["order_id"]: _order_from_json(o, state.services) for o in data["orders"]}
        state.refills = {
            r["refill_id"]: SimRefill(r["refill_id"], r["order_id"],
                                      datetime.fromisoformat(r["created_at"]))
            for r in data["refills"]
        }


class StateFile:
    """Loads the books from `path` at start and writes them back every `interval` seconds."""

    def __init__(self, state: SimState, path: Path, interval: float = 1.0) -> None:
        self.state, self.path, self.interval = state, path, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def load(self) -> bool:
        if not self.path.exists():
            return False
        load_state(self.state, json.loads(self.path.read_text()))
        return True

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(dump_state(self.state)))
        os.replace(tmp, self.path)  # atomic: a crash never leaves half a file

    def start(self) -> StateFile:
        self._thread = threading.Thread(target=self._loop, daemon=True, name="sim-state-file")
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.save()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.save()
