"""A cookie-keeping TestClient for the console's pages (its sign-in fixtures are in
tests/http/conftest.py, shared by every console test file)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from falcon import testing

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Browser:
    """A TestClient that keeps cookies and reads each page's CSRF token."""

    def __init__(self, client: testing.TestClient) -> None:
        self.client = client
        self.cookies: dict[str, str] = {}

    def _keep(self, result: testing.Result) -> testing.Result:
        for name, cookie in result.cookies.items():
            if cookie.value:
                self.cookies[name] = cookie.value
            else:
                self.cookies.pop(name, None)
        return result

    def headers(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def get(self, path: str) -> testing.Result:
        return self._keep(self.client.simulate_get(path, headers=self.headers()))

    def post(self, path: str, data: dict[str, Any], csrf_from: str | None = None) -> Any:
        if csrf_from is not None:
            page = self.get(csrf_from)
            found = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert found, page.text
            data = {"csrf": found.group(1), **data}
        return self._keep(self.client.simulate_post(
            path, body=urlencode(data, doseq=True), headers={**FORM, **self.headers()}))
