"""Rendering: the Jinja environment, its filters, and writing a page into a response."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

import falcon
from jinja2 import Environment, PackageLoader, select_autoescape

from social_scale_web import formatting

HTML = "text/html; charset=utf-8"
# `?notice=` codes after a redirect: fixed texts, so no link can put its own words here.
NOTICES = {
    "admin-created": "The administrator account is ready. Sign in with it.",
    "signed-out": "You are signed out.",
    "signed-out-everywhere": "Every session of this account has ended, this one too.",
    "password-changed": "Password changed. Sign in again with the new one.",
    "saved": "Saved.", "deleted": "The company was deleted; its orders and invoices stay.",
    "placed": "The order was placed at the panel.",
    "synced": "Status synced from the panel.",
    "synced-some": "Synced; some orders could not be synced (see their pages).",
    "nothing-selected": "Select at least one order to sync.",
    "refill-requested": "Refill requested at the panel.",
    "cancel-requested": "Cancel requested at the panel; the next sync shows the outcome.",
    "resolved": "The order was resolved.", "status-changed": "Invoice status changed.",
    "mail-queued": "The invoice mail is queued; the delivery history below shows when it "
                   "leaves.",
    "catalog-refreshed": "The catalog was refreshed from the panel: nothing changed.",
    "catalog-changed": "The catalog was refreshed from the panel; its changes are in the "
                       "change log.",
    "batch-placed": "The mass order was placed: each line's outcome is below.",
    "alert-acked": "Alert acknowledged. It stays open until its condition clears.",
}


def make_environment(zone: tzinfo) -> Environment:
    env = Environment(
        loader=PackageLoader("social_scale_web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True, lstrip_blocks=True,
    )
    times = formatting.Times(zone)
    env.filters.update(
        money=formatting.money, number=formatting.number, percent=formatting.percent,
        when=times.when, day=times.day, age=formatting.age,
    )
    return env


class Views:
    """Renders templates with what every page needs (the operator, CSRF, banner)."""

    def __init__(self, env: Environment, sandbox: bool) -> None:
        self.env = env
        self.sandbox = sandbox

    def render(self, req: falcon.Request, resp: falcon.Response, template: str,
               status: int = 200, **context: Any) -> None:
        session = getattr(req.context, "console", None)
        base: dict[str, Any] = {
            "session": session, "user": session.user if session else None,
            "csrf": getattr(req.context, "csrf", ""), "sandbox": self.sandbox,
            "path": req.path, "errors": {}, "form": {},
            "notice": NOTICES.get(req.get_param("notice") or ""),
        }
        resp.content_type = HTML
        resp.status = falcon.code_to_http_status(status)
        resp.text = self.env.get_template(template).render({**base, **context})
