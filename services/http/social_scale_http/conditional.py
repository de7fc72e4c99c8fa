"""Conditional GET (RFC 9110 §8.8.3, §13.1.2): an ETag on every GET that renders stored
data, and `304 Not Modified` without running the responder when If-None-Match matches.

The tag is a digest of what shapes the answer: the versions of the stored data the route
reads (DataVersions, kept by database triggers, so every committed write on any instance
changes it), the path and the normalised query, the caller (user id and role), the Accept
header (analytics answer CSV too), the representation (package and API version), the
UTC date (some answers count days) and, for answers that can show an invoice's status, the
next invoice due moment still ahead: an invoice turns `overdue` at its due moment with no
write, and that moment passing changes the tag. Answers that show no invoice status (the
orders, `/auth/me`) leave it out: with many open invoices a due moment passes every
minute or so, and would otherwise revalidate every orders list that often.
The versions are read in their own transaction BEFORE the responder reads the data: a write
committed in between makes the body newer than its tag (the next request gets a 200 again);
a 304 never hides a write.
Tags are weak (`W/`): equal tags promise the same data, not the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from importlib import metadata
from typing import Any
from urllib.parse import parse_qsl

import falcon
from social_scale_adapters.db.data_versions import TRACKED
from social_scale_core.ports.data_versions import DataVersions

# Answers that read nothing but these (every other table's writes leave their tag alone).
LOGS = ("integration_logs",)
# Every other covered GET: all the tracked data except the integration log, which grows
# with each panel call and no other answer shows.
DATA = tuple(name for name in TRACKED if name not in LOGS)
SCOPES = {"/api/v1/api-integrations/logs": LOGS}
# GETs that ask the panel live (or sync from it) rather than read stored data: no tag.
LIVE = frozenset({
    "/api/v1/api-integrations/balance",
    "/api/v1/api-integrations/orders/status",
    "/api/v1/api-integrations/orders/{order_id:int(min=1)}/status",
})
# Answers that show no invoice's status (an order carries only its invoice's id) and no
# figure that counts overdue invoices: the next due moment is not part of their tag.
UNDATED = frozenset({
    "/api/v1/orders",
    "/api/v1/orders/stats",
    "/api/v1/orders/company/{company_id}",
    "/api/v1/orders/{order_id}",
    "/api/v1/auth/me",
})
VARY = "Authorization, Accept"
ANY = "*"
_TAG = re.compile(r'\s*(?:W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*')


def parse_if_none_match(value: str | None) -> frozenset[str] | str | None:
    """The opaque tags of an If-None-Match value (weak or strong alike: §13.1.2 compares
    weakly), `ANY` for `*`, and None when the header is absent or malformed (then it is
    ignored, §13.1: the request is answered as if unconditional)."""
    if value is None or not value.strip():
        return None
    if value.strip() == "*":
        return ANY
    tags: set[str] = set()
    for element in value.split(","):
        if not element.strip():
            continue  # the list rule allows empty elements
        match = _TAG.fullmatch(element)
        if match is None:
            return None
        tags.add(match.group(1))
    return frozenset(tags) or None


def scope_for(uri_template: str | None) -> tuple[str, ...] | None:
    """What stored data the route's answer reads, or None for routes without a tag."""
    if not uri_template or not uri_template.startswith("/api/v1/") or uri_template in LIVE:
        return None
    return SCOPES.get(uri_template, DATA)


def representation() -> str:
    """The version of the code that renders the answers (a deploy changes every tag)."""
    try:
        return metadata.version("social-scale")
    except metadata.PackageNotFoundError:
        return "dev"


class ConditionalGet:
    """Tags authenticated GETs of stored data and answers a matching If-None-Match 304.

    Runs after BearerAuth (so the caller is known and a bad token still gets its 401).
    """

    def __init__(self, versions: DataVersions, now: Callable[[], datetime],
                 api_version: str) -> None:
        self.versions = versions
        self.now = now
        self.representation = f"{representation()}/{api_version}"

    def tag(self, req: falcon.Request, principal: Any, version: int, now: datetime,
            due: datetime | None) -> str:
        query = sorted(parse_qsl(req.query_string, keep_blank_values=True))
        accept = ",".join(sorted(p.strip().lower() for p in (req.accept or "").split(",")))
        key = repr((self.representation, version, req.path, query, principal.id,
                    str(principal.role), accept, now.date().isoformat(),
                    due.isoformat() if due else None))
        return 'W/"' + hashlib.blake2b(key.encode(), digest_size=16).hexdigest() + '"'

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         params: dict[str, Any]) -> None:
        principal = getattr(req.context, "principal", None)
        scope = scope_for(req.uri_template)
        if req.method != "GET" or resource is None or principal is None or scope is None:
            return
        now = self.now()
        dated = scope is DATA and req.uri_template not in UNDATED
        version, due = self.versions.state(scope, now if dated else None)
        tag = self.tag(req, principal, version, now, due)
        req.context.etag = tag
        wanted = parse_if_none_match(req.get_header("If-None-Match"))
        if wanted == ANY:
            req.context.etag_any = True
        elif wanted is not None and tag.removeprefix("W/").strip('"') in wanted:
            resp.status = falcon.HTTP_304
            resp.complete = True  # the responder does not run

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        tag = getattr(req.context, "etag", None)
        status = resp.status_code
        if tag is None or not (status == 304 or (req_succeeded and 200 <= status < 300)):
            return
        if getattr(req.context, "etag_any", False):
            resp.status = falcon.HTTP_304  # `*`: the representation exists
        if resp.status_code == 304:
            resp.data = resp.text = resp.media = resp.stream = None
        resp.set_header("ETag", tag)
        resp.append_header("Vary", VARY)
