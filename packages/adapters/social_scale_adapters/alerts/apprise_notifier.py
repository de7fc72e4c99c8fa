"""Alerts pushed through apprise to every URL in ALERT_URLS (Telegram, Slack, Discord,
plain JSON webhooks and the rest apprise knows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog

log = structlog.get_logger("social_scale.alerts")


def _apprise() -> Any:
    # Imported when first used: apprise and its plugins hold about 17 MB in each process,
    # and a deployment with no ALERT_URLS never needs them (issue 17, memory).
    import apprise

    return apprise.Apprise()


class AppriseNotifier:
    """AlertNotifier over apprise; with no URLs it has nothing to do and succeeds."""

    def __init__(self, urls: Sequence[str]) -> None:
        self._apprise = _apprise() if urls else None
        self._count = 0
        for url in urls:
            if self._apprise is not None and self._apprise.add(url):
                self._count += 1
            else:  # never log the URL itself: it often holds a bot token
                log.error("alert_url_invalid", scheme=url.partition(":")[0])

    def notify(self, title: str, body: str) -> bool:
        if not self._count or self._apprise is None:
            return True
        sent = bool(self._apprise.notify(title=title, body=body))
        if not sent:
            log.warning("alert_push_failed", channels=self._count)
        return sent


def check_urls(urls: Sequence[str]) -> list[str]:
    """The URLs apprise cannot use (for a start-up check)."""
    return [url for url in urls if _apprise().add(url) is False]
