"""Operator alerts: the open ones (or all), and acknowledging one."""

from __future__ import annotations

import falcon
from social_scale_core.alerts.raising import acknowledge, list_alerts

from social_scale_web.page import Page, see_other
from social_scale_web.paging import Pager

PAGE_SIZE = 50
BACK = {"dashboard": "/", "alerts": "/alerts", "all": "/alerts?show=all"}


class AlertsPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        pager = Pager.of(req, PAGE_SIZE)
        open_only = req.get_param("show") != "all"
        alerts, total = list_alerts(self.deps.alerts(), open_only, pager.limit, pager.offset)
        self.render(req, resp, "alerts.html", alerts=alerts, open_only=open_only,
                    pager=pager.with_total(total))

    def on_post_ack(self, req: falcon.Request, resp: falcon.Response, alert_id: str) -> None:
        acknowledge(self.deps.alerts(), alert_id)
        back = BACK.get(self.form(req).text("back", 20) or "", "/alerts")
        raise see_other(back + ("&" if "?" in back else "?") + "notice=alert-acked")
