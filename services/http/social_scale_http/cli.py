"""`social-scale`: serve, migrate (and later simulator, worker, reconcile)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from social_scale_http.settings import ConfigError, Settings

Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, tuple[str, Command, Callable[[argparse.ArgumentParser], None]]] = {}


def command(name: str, help_text: str, args: Callable[[argparse.ArgumentParser], None] = (
        lambda p: None)) -> Callable[[Command], Command]:
    def decorate(fn: Command) -> Command:
        COMMANDS[name] = (help_text, fn, args)
        return fn

    return decorate


def _migrate(settings: Settings) -> None:
    from social_scale_adapters.db.engine import make_engine
    from social_scale_adapters.db.migrate import upgrade

    if settings.sqlite_path is not None:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


@command("migrate", "apply the database migrations")
def migrate_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    _migrate(settings)
    print("migrate: the database schema is up to date")
    return 0


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, help="port (default: PORT, 3000)")
    p.add_argument("--host", default="0.0.0.0", help="interface (default: all)")
    p.add_argument("--workers", type=int, help="workers (default: WEB_CONCURRENCY)")


@command("serve", "run the HTTP API under gunicorn", _serve_args)
def serve_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    from social_scale_http.gunicorn_app import run

    settings.resolved_jwt_secret()
    if settings.sqlite_path is not None or settings.app_env != "production":
        _migrate(settings)
    if settings.sandbox:
        print("*** SANDBOX MODE: FAMPAGE_API_KEY is not set; the built-in Fampage simulator "
              "stands in for the real panel. No real orders will be placed. ***", flush=True)
    port = ns.port or settings.port
    print(f"serve: http://127.0.0.1:{port}  (API docs: http://127.0.0.1:{port}/docs)", flush=True)
    run(host=ns.host, port=port, workers=ns.workers or settings.web_concurrency)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="social-scale", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, _fn, add_args) in COMMANDS.items():
        add_args(sub.add_parser(name, help=help_text))
    ns = parser.parse_args(argv)
    try:
        settings = Settings()
        settings.check_production()
        return COMMANDS[ns.command][1](ns, settings)
    except ConfigError as exc:
        print(f"social-scale: configuration error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # pydantic's ValidationError for bad env values, among others
        if type(exc).__name__ == "ValidationError":
            print(f"social-scale: configuration error: {_first_line(exc)}", file=sys.stderr)
            return 2
        raise


def _first_line(exc: Any) -> str:
    errors = exc.errors()
    if errors:
        field = ".".join(str(p) for p in errors[0]["loc"]).upper()
        return f"{field}: {errors[0]['msg']}"
    return str(exc).splitlines()[0]


if __name__ == "__main__":
    sys.exit(main())
