"""`social-scale reconcile` and `social-scale analytics-rebuild`: what needs a person."""

from __future__ import annotations

import argparse
import json
from typing import Any

import structlog
from social_scale_wiring.settings import Settings

from social_scale_app.commands.registry import command

log = structlog.get_logger("social_scale.cli")


def _reconcile_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stale-minutes", type=int, default=5, metavar="N",
                   help="a `submitting` order older than N minutes lost its answer "
                   "(default: 5)")
    p.add_argument("--json", action="store_true", help="print one JSON document "
                   '({"count": N, "orders": [...]}) instead of the table, for scripts')


def _as_json(item: Any) -> dict[str, Any]:
    return {"orderId": item.order_id, "status": item.status, "companyId": item.company_id,
            "serviceId": item.service_id, "link": item.link,
            "createdAt": item.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "errorMessage": item.error_message}


@command("reconcile", "list orders needing review (unknown, stale submitting)",
         _reconcile_args)
def reconcile_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """List the orders a person must resolve: `unknown` (the panel's answer to `add` was
    lost: look the order up at the panel, then PUT /api/v1/orders/{id}/status with the
    apiOrderId found there, or `failed`) and `submitting` orders older than
    --stale-minutes. Exits 0 whether or not any is found."""
    from social_scale_app.sync_wiring import reconcile

    items = reconcile(settings, ns.stale_minutes)
    if ns.json:
        print(json.dumps({"count": len(items), "orders": [_as_json(i) for i in items]}))
        return 0
    for item in items:
        when = item.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"{item.order_id}  {item.status:<10}  {when}  company {item.company_id}  "
              f"service {item.service_id}  {item.link}  {item.error_message or ''}".rstrip())
    print(f"reconcile: {len(items)} order(s) need review; resolve each with "
          "PUT /api/v1/orders/{id}/status", flush=True)
    return 0


@command("analytics-rebuild", "recompute the analytics rollup from the orders and invoices "
         "(after a bulk load that bypassed its triggers)")
def analytics_rebuild_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """Recompute the analytics rollup from every order and invoice in one transaction:
    needed only after rows were loaded with the rollup triggers off."""
    from social_scale_adapters.db.analytics.rollup import rebuild
    from social_scale_adapters.db.engine import make_engine
    from sqlalchemy.orm import Session

    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            rebuild(session)
    finally:
        engine.dispose()
    log.info("analytics_rebuilt", message="the rollup matches the orders and invoices")
    return 0
