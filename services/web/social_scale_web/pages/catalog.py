"""The services catalog by network, and the integration log."""

from __future__ import annotations

import falcon
from social_scale_core.integration_log import LogQuery, list_logs
from social_scale_core.integrations import browse_services
from social_scale_core.invoicing.pricing import priced

from social_scale_web.page import Page
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
