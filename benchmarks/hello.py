"""A bare Falcon "hello" app under the very gunicorn settings of `social-scale serve`:
the yardstick of the read-API ratio. Run: python -m benchmarks.hello PORT."""

from __future__ import annotations

import sys
from typing import Any

import falcon
from gunicorn.app.base import BaseApplication
from social_scale_app.gunicorn_app import options


class Hello:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"hello": "world"}


def create_hello() -> falcon.App:  # type: ignore[type-arg]
    app = falcon.App()
    app.add_route("/hello", Hello())
    return app


class _HelloGunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_hello()


if __name__ == "__main__":
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    _HelloGunicorn(options("127.0.0.1", int(sys.argv[1]), workers)).run()
