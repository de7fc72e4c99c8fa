"""The OpenAPI document and the Swagger UI page that reads it (assets served locally)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import falcon
from openapi_ui_bundles import swagger_ui

from social_scale_http.api import operation

_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui-standalone-preset.js": "application/javascript",
    "favicon-32x32.png": "image/png",
}
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Social Scale API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/docs/assets/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs/assets/init.js"></script></body></html>
"""
_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "BaseLayout",
  persistAuthorization: true});
"""


class OpenApiResource:
    def __init__(self, document: Callable[[], dict[str, Any]]) -> None:
        self._document = document

    @operation("This OpenAPI 3.1 document", tags=("docs",), public=True, hidden=True)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self._document()


class DocsResource:
    @operation("Interactive API docs", tags=("docs",), public=True, hidden=True)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = _PAGE

    @operation("Docs page assets", tags=("docs",), public=True, hidden=True)
    def on_get_asset(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        if name == "init.js":
            resp.content_type = "application/javascript"
            resp.text = _INIT
            return
        if name not in _ASSETS:
            raise falcon.HTTPNotFound()
        resp.content_type = _ASSETS[name]
        resp.cache_control = ["public", "max-age=86400"]
        resp.data = (Path(swagger_ui.static_path) / name).read_bytes()
