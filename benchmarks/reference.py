"""The hand-tuned yardstick of the read path (issue 17): the work of the project's
`GET /api/v1/orders?limit=50` and `GET /api/v1/auth/me`, with the same answers, written the
shortest fast way. Run: REFERENCE_DSN=... JWT_SECRET=... python -m benchmarks.reference PORT.

psycopg with one autocommit connection per thread, orjson, PyJWT, and the gunicorn settings
of `social-scale serve`. Per orders page: the JWT verified (HS256, its claims required), the
session checked as the project's revocation rule wants (the user exists, the token's `sid`
family is theirs and none of it is revoked: read on every request, no cache), the total read
as the project reads it (rollup + pending deltas), a page of 50 with each order's invoice id,
serialised. `/auth/me`: the JWT and that one indexed lookup.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import datetime
from decimal import Decimal
from typing import Any

import falcon
import jwt
import orjson
import psycopg
from gunicorn.app.base import BaseApplication
from social_scale_app.gunicorn_app import options

_REQUIRED = ["sub", "iat", "exp", "jti", "typ", "sid"]
# The user, if the session `sid` is theirs and alive: one statement on two indexes.
SESSION_USER = """
SELECT u.id, u.email, u.name, u.role, u.created_at FROM users u
WHERE u.id = %(uid)s
  AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = %(sid)s)
  AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = %(sid)s
                  AND (t.revoked_at IS NOT NULL OR t.user_id <> %(uid)s))"""
TOTAL = """
SELECT (SELECT coalesce(sum(orders), 0) FROM analytics_rollup
        WHERE grain = 'month' AND dim = 'status')
     + (SELECT coalesce(sum(orders), 0) FROM analytics_deltas)"""
PAGE = """
SELECT o.id, o.company_id, o.provider_id, o.api_order_id, o.service_id, o.service_name,
       o.service_type, o.network, o.link, o.quantity, o.runs, o.interval, o.cost, o.charge,
       o.currency, o.status, o.provider_status, o.start_count, o.remains,
       coalesce((SELECT i.id FROM invoices i WHERE i.order_id = o.id AND i.kind = 'invoice'
                 LIMIT 1),
                (SELECT l.invoice_id FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
                 WHERE l.order_id = o.id AND i.kind = 'invoice' LIMIT 1)),
       o.allow_below_cost, o.refill_id, o.refill_status, o.error_message, o.created_at,
       o.updated_at, o.completed_at
FROM orders o ORDER BY o.created_at DESC, o.id LIMIT %(limit)s OFFSET %(offset)s"""
FIELDS = ("id", "companyId", "providerId", "apiOrderId", "service", "serviceName",
          "serviceType", "network", "link", "quantity", "runs", "interval", "cost", "charge",
          "currency", "status", "providerStatus", "startCount", "remains", "invoiceId",
          "allowBelowCost", "refillId", "refillStatus", "errorMessage", "createdAt",
          "updatedAt", "completedAt")
_MONEY = (12, 13)  # BIGINT of 10^-8 units, shown with at least 4 decimals
_TIMES = (24, 25, 26)


def money(units: int | None) -> str | None:
    if units is None:
        return None
    amount = Decimal(units).scaleb(-8)
    exponent = amount.normalize().as_tuple().exponent
    return f"{amount:.{max(4, -exponent if isinstance(exponent, int) else 0)}f}"


def moment(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def unauthorized() -> falcon.HTTPUnauthorized:
    return falcon.HTTPUnauthorized(title="Invalid or expired access token.")


class Reference:
    def __init__(self, dsn: str, secret: str) -> None:
        self.dsn, self.secret = dsn, secret
        self.local = threading.local()

    def conn(self) -> psycopg.Connection[Any]:
        conn = getattr(self.local, "conn", None)
        if conn is None or conn.closed:
            conn = psycopg.connect(self.dsn, autocommit=True,
                                   options="-c timezone=UTC -c jit=off")
            self.local.conn = conn
        return conn

    def user(self, req: falcon.Request) -> tuple[Any, ...]:
        scheme, _, token = (req.get_header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer":
            raise unauthorized()
        try:
            claims = jwt.decode(token.strip(), self.secret, algorithms=["HS256"],
                                options={"require": _REQUIRED})
        except jwt.PyJWTError:
            raise unauthorized() from None
        if claims.get("typ") != "access" or claims["exp"] <= time.time():
            raise unauthorized()
        row = self.conn().execute(SESSION_USER, {"uid": claims["sub"],
                                                 "sid": claims["sid"]}).fetchone()
        if row is None:
            raise unauthorized()
        return row

    def on_get_me(self, req: falcon.Request, resp: falcon.Response) -> None:
        uid, email, name, role, created = self.user(req)
        resp.data = orjson.dumps({"user": {"id": uid, "email": email, "name": name,
                                           "role": role, "createdAt": moment(created)}})
        resp.content_type = falcon.MEDIA_JSON

    def on_get_orders(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.user(req)
        limit = req.get_param_as_int("limit", min_value=1, max_value=200, default=50)
        offset = req.get_param_as_int("offset", min_value=0, default=0)
        conn = self.conn()
        total = conn.execute(TOTAL).fetchone()[0]  # type: ignore[index]
        items = []
        for row in conn.execute(PAGE, {"limit": limit, "offset": offset}):
            values = list(row)
            for i in _MONEY:
                values[i] = money(values[i])
            for i in _TIMES:
                values[i] = moment(values[i])
            items.append(dict(zip(FIELDS, values, strict=True)))
        resp.data = orjson.dumps({"items": items, "total": int(total), "limit": limit,
                                  "offset": offset})
        resp.content_type = falcon.MEDIA_JSON


def create_reference(dsn: str, secret: str) -> falcon.App:  # type: ignore[type-arg]
    app = falcon.App()
    ref = Reference(dsn, secret)
    app.add_route("/api/v1/orders", ref, suffix="orders")
    app.add_route("/api/v1/auth/me", ref, suffix="me")
    return app


class _ReferenceGunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: dict[str, Any], dsn: str, secret: str) -> None:
        self.settings, self.dsn, self.secret = settings, dsn, secret
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_reference(self.dsn, self.secret)


if __name__ == "__main__":
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    _ReferenceGunicorn(options("127.0.0.1", int(sys.argv[1]), workers),
                       os.environ["REFERENCE_DSN"], os.environ["JWT_SECRET"]).run()
