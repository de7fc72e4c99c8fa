"""The services catalog by network (refreshed on demand), its change log, and the
integration log."""

from __future__ import annotations

from datetime import date, datetime, time

import falcon
from social_scale_core.invoicing.pricing import priced
from social_scale_core.panel.catalog import ChangeKind, ChangeQuery, list_changes, refresh_catalog
from social_scale_core.panel.integration_log import list_logs
from social_scale_core.panel.integrations import browse_services
from social_scale_core.panel.records import LogQuery

from social_scale_web.page import Page, see_other
from social_scale_web.paging import Pager


class ServicesPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        listing = browse_services(self.deps.catalog, self.deps.uow)
        network = (req.get_param("network") or "")[:64]
        search = (req.get_param("search") or "").strip().lower()[:200]
        multiplier = self.deps.invoice_policy.default_multiplier
        groups = []
        for name, services in listing.networks:
            if network and name != network:
                continue
            shown = [(s, priced(s.rate, multiplier)) for s in services
                     if not search or search in s.name.lower() or search == str(s.service_id)]
            if shown:
                groups.append((name, shown))
        self.render(req, resp, "services.html", groups=groups, snapshot=listing.snapshot,
                    networks=[n for n, _ in listing.networks], network=network,
                    search=search, multiplier=multiplier)


    def on_post_refresh(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The same use case as `POST /api-integrations/services/refresh`."""
        found = refresh_catalog(self.deps.catalog_ports).changes
        raise see_other("/services?notice=" + ("catalog-changed" if found else
                                                "catalog-refreshed"))


class ChangesPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        pager = Pager.of(req, 50)
        kind = req.get_param("kind") or ""
        service = (req.get_param("service") or "").strip()
        query = ChangeQuery(
            since=self._since(req.get_param("since")),
            service_id=int(service) if service.isdigit() and len(service) < 12 else None,
            kind=ChangeKind(kind) if kind in set(ChangeKind) else None,
            significant=True if req.get_param("significant") == "yes" else None)
        items, total = list_changes(self.deps.catalog_ports, query, pager.limit, pager.offset)
        self.render(req, resp, "catalog_changes.html", changes=items, kinds=list(ChangeKind),
                    pager=pager.with_total(total),
                    filters={k: v for k, v in req.params.items() if isinstance(v, str)})

    def _since(self, value: str | None) -> datetime | None:
        try:
            day = date.fromisoformat(value or "")
        except ValueError:
            return None
        return datetime.combine(day, time(), self.deps.invoice_policy.timezone)


class LogsPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        pager = Pager.of(req, 50)
        success = req.get_param("success")
        query = LogQuery(action=(req.get_param("action") or "")[:32] or None,
                         success={"yes": True, "no": False}.get(success or ""),
                         company_id=(req.get_param("companyId") or "")[:64] or None)
        items, total = list_logs(self.deps.uow, query, pager.limit, pager.offset)
        self.render(req, resp, "logs.html", entries=items, pager=pager.with_total(total),
                    filters={k: v for k, v in req.params.items() if isinstance(v, str)})
