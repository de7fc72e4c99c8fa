"""Browser fixtures: Playwright on the system's Chromium (no browser download).

Without /usr/bin/chromium (or CHROMIUM_PATH) the browser tests skip, unless
REQUIRE_BROWSER=1 (set by .ci/run), where they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else shutil.which("chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        path, reason = None, f"playwright is not installed ({exc})"
    else:
        reason = "no Chromium at /usr/bin/chromium (apt-get install chromium)"
    if path is None:
        if REQUIRE_BROWSER:
            pytest.fail(f"a browser is required here (REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=path, headless=True,
                                      args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield launched
        launched.close()


class Watch:
    """Every request a page makes and every console error it logs."""

    def __init__(self) -> None:
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.expected: list[str] = []

    def expect(self, text: str) -> None:
        """The next console error containing `text` is expected (Chromium logs every 4xx
        page load, e.g. a form re-rendered with its messages as 422)."""
        self.expected.append(text)

    def _console(self, text: str) -> None:
        for i, expected in enumerate(self.expected):
            if expected in text:
                del self.expected[i]
                return
        self.errors.append(text)

    def attach(self, context: Any) -> None:
        def route(r: Any) -> None:
            if urlsplit(r.request.url).hostname not in ("127.0.0.1", None) and not \
                    r.request.url.startswith("data:"):
                self.foreign.append(r.request.url)
                r.abort()
            else:
                r.continue_()

        context.route("**/*", route)
        context.on("page", self.page)

    def page(self, page: Any) -> None:
        page.on("console", lambda m: m.type == "error" and self._console(m.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def check(self) -> None:
        assert self.foreign == [], f"requests left 127.0.0.1: {self.foreign}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.expected == [], f"expected errors that did not happen: {self.expected}"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
