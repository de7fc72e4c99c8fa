"""Mounts the console into the service's Falcon app: its routes, static files and gate."""

from __future__ import annotations

from importlib import resources

import falcon

from social_scale_web.balance import BalanceCache
from social_scale_web.deps import ConsoleDeps
from social_scale_web.page import ConsoleGate
from social_scale_web.pages import (
    alerts,
    analytics,
    auth,
    catalog,
    companies,
    dashboard,
    invoices,
    mass_order,
    new_order,
)
from social_scale_web.pages import orders as order_pages
from social_scale_web.views import Views, make_environment

STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


class StaticFiles:
    """The console's own CSS and scripts, from the package (nothing from other origins)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        suffix = name[name.rfind("."):] if "." in name else ""
        folder = resources.files("social_scale_web") / "static"
        if suffix not in STATIC_TYPES or "/" in name or name.startswith("."):
            raise falcon.HTTPNotFound()
        path = folder / name
        if not path.is_file():
            raise falcon.HTTPNotFound()
        resp.content_type = STATIC_TYPES[suffix]
        resp.data = path.read_bytes()
        resp.cache_control = ["public", "max-age=300"]


def mount(app: falcon.App, deps: ConsoleDeps) -> None:  # type: ignore[type-arg]
    """Add the console's pages at `/` (the API keeps `/api/v1`, the docs `/docs`)."""
    views = Views(make_environment(deps.invoice_policy.timezone), deps.sandbox)
    app.add_middleware(ConsoleGate(deps, views))
    balance = BalanceCache(deps.provider)
    app.add_route("/static/{name}", StaticFiles())
    app.add_route("/", dashboard.DashboardPage(deps, views, balance=balance))
    app.add_route("/login", auth.LoginPage(deps, views))
    app.add_route("/setup", auth.SetupPage(deps, views))
    app.add_route("/logout", auth.LogoutPage(deps, views))
    account = auth.AccountPage(deps, views)
    app.add_route("/account", account)
    app.add_route("/account/password", account, suffix="password")
    app.add_route("/account/sign-out-everywhere", account, suffix="everywhere")
    app.add_route("/companies", companies.CompaniesPage(deps, views))
    company_form = companies.CompanyFormPage(deps, views)
    app.add_route("/companies/new", company_form)
    app.add_route("/companies/{company_id}/edit", company_form)
    company = companies.CompanyPage(deps, views)
    app.add_route("/companies/{company_id}", company)
    app.add_route("/companies/{company_id}/delete", company, suffix="delete")
    _orders(app, deps, views, balance)
    app.add_route("/invoices", invoices.InvoicesPage(deps, views))
    app.add_route("/invoices/register", invoices.RegisterPage(deps, views))
    invoice = invoices.InvoicePage(deps, views)
    app.add_route("/invoices/{invoice_id}", invoice)
    app.add_route("/invoices/{invoice_id}/status", invoice, suffix="status")
    app.add_route("/invoices/{invoice_id}/pdf", invoice, suffix="pdf")
    app.add_route("/invoices/{invoice_id}/send", invoice, suffix="send")
    alert_page = alerts.AlertsPage(deps, views)
    app.add_route("/alerts", alert_page)
    app.add_route("/alerts/{alert_id}/ack", alert_page, suffix="ack")
    services = catalog.ServicesPage(deps, views)
    app.add_route("/services", services)
    app.add_route("/services/refresh", services, suffix="refresh")
    app.add_route("/services/changes", catalog.ChangesPage(deps, views))
    app.add_route("/logs", catalog.LogsPage(deps, views))
    reports = analytics.AnalyticsPage(deps, views)
    app.add_route("/analytics", reports)
    app.add_route("/analytics/companies.csv", reports, suffix="companies_csv")
    app.add_route("/companies/{company_id}/orders.csv", reports, suffix="company_csv")


def _orders(app: falcon.App, deps: ConsoleDeps, views: Views,  # type: ignore[type-arg]
            balance: BalanceCache) -> None:
    listing = order_pages.OrdersPage(deps, views)
    app.add_route("/orders", listing)
    app.add_route("/orders/sync", listing, suffix="sync")
    new = new_order.NewOrderPage(deps, views, balance=balance)
    app.add_route("/orders/new", new)
    app.add_route("/orders/new/preview", new, suffix="preview")
    mass = mass_order.MassOrderPage(deps, views)
    app.add_route("/orders/mass", mass)
    app.add_route("/orders/mass/{batch_id}", mass, suffix="batch")
    order = order_pages.OrderPage(deps, views)
    app.add_route("/orders/{order_id}", order)
    for action in ("sync", "refill", "cancel", "resolve"):
        app.add_route(f"/orders/{{order_id}}/{action}", order, suffix=action)
