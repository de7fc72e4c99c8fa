"""`social-scale`: serve, migrate, simulator, worker, reconcile, analytics-rebuild."""

from __future__ import annotations

import argparse
import os
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
        settings.sqlite_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
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
    p.add_argument("--host", help="interface (default: HOST, 127.0.0.1; 0.0.0.0 for all)")
    p.add_argument("--workers", type=int, help="workers (default: WEB_CONCURRENCY)")


def _metrics_dir() -> None:
    """Prometheus multiprocess mode for the gunicorn workers: a fresh directory (or the
    PROMETHEUS_MULTIPROC_DIR given, emptied), set before any metric is created."""
    import os
    import tempfile
    from pathlib import Path

    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    path = Path(given) if given else Path(tempfile.mkdtemp(prefix="social-scale-metrics-"))
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)


def _say_how_to_create_the_admin(settings: Settings) -> None:
    """With no admin yet and register closed to the network, say how to make one."""
    from social_scale_http.admin import admin_exists

    if not settings.bootstrap_required or settings.admin_bootstrap_token is not None:
        return
    if admin_exists(settings):
        return
    print("serve: no administrator yet, and register is closed without a bootstrap token. "
          "Create one with `social-scale create-admin --email you@example.com --name You`, "
          "or set ADMIN_BOOTSTRAP_TOKEN (32+ bytes) and send it as X-Bootstrap-Token to "
          "POST /api/v1/auth/register.", flush=True)


@command("serve", "run the HTTP API under gunicorn", _serve_args)
def serve_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    _metrics_dir()
    from social_scale_http.gunicorn_app import run

    settings.resolved_jwt_secret()
    if settings.sqlite_path is not None or settings.app_env != "production":
        _migrate(settings)
    if settings.sandbox:
        print("*** SANDBOX MODE: FAMPAGE_API_KEY is not set; the built-in Fampage simulator "
              "stands in for the real panel. No real orders will be placed. ***", flush=True)
    port = ns.port or settings.port
    host = ns.host or settings.host
    # The workers read their settings from the environment: they must know the real bind
    # (register needs the bootstrap token on anything but loopback).
    os.environ["HOST"] = host
    settings = settings.model_copy(update={"host": host})
    shown = f"[{host}]" if ":" in host else host
    print(f"serve: http://{shown}:{port}  (API docs: http://{shown}:{port}/docs)", flush=True)
    _say_how_to_create_the_admin(settings)
    panel = None
    if settings.sandbox:
        from social_scale_http import sandbox

        panel = sandbox.start_panel(settings)
    try:
        run(host=host, port=port, workers=ns.workers or settings.web_concurrency,
            threads=settings.web_threads)
    finally:
        if panel is not None:
            sandbox.stop_panel(panel, settings)
    return 0


def _simulator_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=9000, help="port (default: 9000)")
    p.add_argument("--host", default="127.0.0.1", help="interface (default: 127.0.0.1)")
    p.add_argument("--api-key", help="key clients must send (default: FAMPAGE_API_KEY "
                   "or 'sim-key')")
    p.add_argument("--seed", type=int, default=0, help="seed of flags and order fates")
    p.add_argument("--variant", choices=["fampage", "standard"], default="fampage")
    p.add_argument("--fault", action="append", default=[], metavar="ACTION=KIND[:ARG][*N]",
                   help="inject a fault, e.g. add=timeout, status=500, balance=latency:300")
    p.add_argument("--speed", type=float, default=1.0, help="clock speed factor (60: a "
                   "minute per second)")
    p.add_argument("--balance", default="1000000", help="starting balance")
    p.add_argument("--currency", default="INR")
    p.add_argument("--hold", action="store_true", help="hold every add until "
                   "POST /_control/hold {\"hold\": false}")
    p.add_argument("--no-control", action="store_true", help="disable /_control/*")
    p.add_argument("--verbose", action="store_true", help="log every request")
    p.add_argument("--state-file", help="keep the panel's books in this JSON file across "
                   "restarts")


@command("simulator", "serve the Fampage panel simulator over a real socket", _simulator_args)
def simulator_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    import contextlib
    from decimal import Decimal, InvalidOperation

    from social_scale_adapters.fampage.simulator import ScaledClock, create_simulator
    from social_scale_adapters.fampage.simulator.server import SimulatorServer

    key = ns.api_key or (
        settings.fampage_api_key.get_secret_value() if settings.fampage_api_key else "sim-key"
    )
    try:
        sim = create_simulator(
            api_key=key, seed=ns.seed, clock=ScaledClock(ns.speed), variant=ns.variant,
            balance=Decimal(ns.balance), currency=ns.currency, control=not ns.no_control,
            faults=ns.fault,
        )
    except (ValueError, InvalidOperation) as exc:
        print(f"social-scale simulator: {exc}", file=sys.stderr)
        return 2
    if ns.hold:
        sim.state.hold_adds()
    server = SimulatorServer(sim, ns.host, ns.port, verbose=ns.verbose)
    books = _state_file(sim, ns.state_file)
    print(f"simulator: {server.url} ({ns.variant}, seed {ns.seed}, speed x{ns.speed:g}); "
          f"faults: {', '.join(ns.fault) or 'none'}", flush=True)
    _stop_on_sigterm()
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the way to stop it
            server.serve_forever()
    finally:
        if books is not None:
            books.stop()
    return 0


def _state_file(sim: Any, path: str | None) -> Any:
    if not path:
        return None
    from pathlib import Path

    from social_scale_adapters.fampage.simulator.persistence import StateFile

    books = StateFile(sim.state, Path(path))
    books.load()
    return books.start()


def _stop_on_sigterm() -> None:
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def _worker_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true", help="one pass over the open orders, "
                   "then exit (for cron and tests)")
    p.add_argument("--metrics-port", type=int, help="serve this worker's Prometheus "
                   "metrics on 127.0.0.1:PORT")


@command("worker", "keep open orders in sync with the panel (SYNC_INTERVAL, SYNC_BATCH_SIZE)",
         _worker_args)
def worker_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    from social_scale_http.sync_wiring import run_worker

    if settings.sandbox and not settings.sandbox_panel_url:
        from social_scale_http.sandbox import shared_panel_url

        url = shared_panel_url(settings)
        if url is None:
            print("social-scale worker: sandbox mode (no FAMPAGE_API_KEY) and no running "
                  "`social-scale serve` sandbox panel found; start `serve` first",
                  file=sys.stderr)
            return 2
        settings = settings.model_copy(update={"sandbox_panel_url": url})
    return run_worker(settings, once=ns.once, metrics_port=ns.metrics_port)


def _reconcile_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stale-minutes", type=int, default=5, help="a `submitting` order older "
                   "than this lost its answer (default: 5)")


@command("reconcile", "list orders needing review (unknown, stale submitting)",
         _reconcile_args)
def reconcile_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    from social_scale_http.sync_wiring import reconcile

    items = reconcile(settings, ns.stale_minutes)
    for item in items:
        when = item.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"{item.order_id}  {item.status:<10}  {when}  company {item.company_id}  "
              f"service {item.service_id}  {item.link}  {item.error_message or ''}".rstrip())
    print(f"reconcile: {len(items)} order(s) need review; resolve each with "
          "PUT /api/v1/orders/{id}/status", flush=True)
    return 0


@command("analytics-rebuild", "recompute the analytics rollup from the orders and invoices "
         "(after a bulk load that bypassed its triggers)")
def analytics_rebuild_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    from social_scale_adapters.db.engine import make_engine
    from social_scale_adapters.db.rollup import rebuild
    from sqlalchemy.orm import Session

    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            rebuild(session)
    finally:
        engine.dispose()
    print("analytics-rebuild: the rollup matches the orders and invoices", flush=True)
    return 0


def _create_admin_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--email", required=True, help="the administrator's email")
    p.add_argument("--name", required=True, help="the administrator's name")


@command("create-admin", "create the SUPER_ADMIN from the shell (password from a prompt or "
         "stdin)", _create_admin_args)
def create_admin_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    from social_scale_http.admin import create_admin, read_password

    if settings.sqlite_path is not None or not settings.is_production:
        _migrate(settings)
    return create_admin(settings, ns.email, ns.name, read_password())


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
