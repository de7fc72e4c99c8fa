"""Alert collaborators from the settings: thresholds, notifier, the price-change port."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from email.utils import parseaddr

from social_scale_adapters.alerts.apprise_notifier import AppriseNotifier, check_urls
from social_scale_core.alerts.model import AlertThresholds, PriceChange
from social_scale_core.money import to_decimal
from social_scale_core.panel.catalog.lookup import significant_changes
from social_scale_core.panel.catalog.model import ChangeKind
from social_scale_core.panel.catalog.refresh import CatalogPorts

from social_scale_wiring.settings import ConfigError, Settings


class CatalogChangeFeed:
    """PriceChangeFeed over the catalog's change log (issue 15): its significant rate
    changes (rises of at least PRICE_ALERT_PERCENT)."""

    def __init__(self, catalog: CatalogPorts) -> None:
        self._catalog = catalog

    def significant_since(self, since: datetime) -> Sequence[PriceChange]:
        return [PriceChange(c.service_id, c.name, to_decimal(c.old or "0"),
                            to_decimal(c.new or "0"), c.percent or Decimal(0), c.detected_at)
                for c in significant_changes(self._catalog, since)
                if c.kind is ChangeKind.RATE]


def build_thresholds(settings: Settings) -> AlertThresholds:
    return AlertThresholds(
        balance_below=settings.alert_balance_below, balance_days=settings.alert_balance_days,
        sync_stall_seconds=settings.alert_sync_stall.total_seconds(),
        order_stall_seconds=settings.alert_order_stall.total_seconds(),
    )


def build_notifier(settings: Settings) -> AppriseNotifier:
    """ConfigError names how many ALERT_URLS apprise cannot use (never the URLs: tokens)."""
    bad = check_urls(settings.alert_urls)
    if bad:
        schemes = ", ".join(sorted({url.partition(":")[0] for url in bad}))
        raise ConfigError(f"ALERT_URLS: {len(bad)} URL(s) apprise cannot use (scheme {schemes})")
    return AppriseNotifier(settings.alert_urls)


def alert_recipients(settings: Settings) -> tuple[str, ...]:
    return (settings.alert_email,) if settings.alert_email else ()


def mail_domain(settings: Settings) -> str:
    return parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "socialscale.local"
