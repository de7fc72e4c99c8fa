"""social-scale: the backend of a social-media growth agency (Fampage orders, invoices,
analytics). Settings come from the environment and .env (see README, "Configuration")."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import structlog
from social_scale_http import logs
from social_scale_wiring.settings import ConfigError, Settings

from social_scale_app.commands import database as _database  # noqa: F401 - registers
from social_scale_app.commands import review as _review  # noqa: F401 - registers
from social_scale_app.commands.registry import COMMANDS, command

log = structlog.get_logger("social_scale.cli")
__all__ = ["COMMANDS", "command", "main"]


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


@command("migrate", "apply the database migrations (the release step on PostgreSQL)")
def migrate_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """Upgrade the database at DATABASE_URL to the newest schema revision; safe to run
    again (nothing to do when it is current). Run it before starting a new release."""
    _migrate(settings)
    log.info("migrated", message="the database schema is up to date")
    return 0


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, help="TCP port to listen on (default: PORT, 3000)")
    p.add_argument("--host", help="interface to bind (default: HOST, 127.0.0.1; 0.0.0.0 for "
                   "all, e.g. in a container)")
    p.add_argument("--workers", type=int, help="gunicorn worker processes (default: "
                   "WEB_CONCURRENCY, 2)")


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
    from social_scale_app.admin import admin_exists

    if not settings.bootstrap_required or settings.admin_bootstrap_token is not None:
        return
    if admin_exists(settings):
        return
    log.warning("no_admin_yet", message="register is closed without a bootstrap token. "
                "Create one with `social-scale create-admin --email you@example.com --name "
                "You`, or set ADMIN_BOOTSTRAP_TOKEN (32+ bytes) and send it as "
                "X-Bootstrap-Token to POST /api/v1/auth/register.")


@command("serve", "run the HTTP API under gunicorn", _serve_args)
def serve_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """Run the REST API under gunicorn (WEB_CONCURRENCY workers of WEB_THREADS threads).
    On SQLite it migrates first and, with SYNC_IN_SERVE=auto, runs the background sync in
    one of its workers; without FAMPAGE_API_KEY it starts the sandbox panel."""
    _metrics_dir()
    from social_scale_app.gunicorn_app import run

    settings.resolved_jwt_secret()
    if settings.sqlite_path is not None or settings.app_env != "production":
        _migrate(settings)
    if settings.sandbox:
        log.warning("sandbox_mode", message="FAMPAGE_API_KEY is not set; the built-in Fampage "
                    "simulator stands in for the real panel. No real orders will be placed.")
    port = ns.port or settings.port
    host = ns.host or settings.host
    # The workers read their settings from the environment: they must know the real bind
    # (register needs the bootstrap token on anything but loopback).
    os.environ["HOST"] = host
    settings = settings.model_copy(update={"host": host})
    shown = f"[{host}]" if ":" in host else host
    log.info("serving", url=f"http://{shown}:{port}", docs=f"http://{shown}:{port}/docs",
             background=_background_mode(settings))
    _say_how_to_create_the_admin(settings)
    panel = None
    if settings.sandbox:
        from social_scale_app import sandbox

        panel = sandbox.start_panel(settings)
    try:
        run(host=host, port=port, workers=ns.workers or settings.web_concurrency,
            threads=settings.web_threads)
    finally:
        if panel is not None:
            sandbox.stop_panel(panel, settings)
    return 0


def _background_mode(settings: Settings) -> str:
    from social_scale_wiring.sync_config import runs_in_serve

    return "in serve" if runs_in_serve(settings) else "separate `social-scale worker`"


def _simulator_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=9000, help="port (default: 9000)")
    p.add_argument("--host", default="127.0.0.1", help="interface (default: 127.0.0.1)")
    p.add_argument("--api-key", help="key clients must send (default: FAMPAGE_API_KEY "
                   "or 'sim-key')")
    p.add_argument("--seed", type=int, default=0, help="seed of flags and order fates")
    p.add_argument("--variant", choices=["fampage", "standard"], default="fampage",
                   help="answer like Fampage (default) or like other SMM panels")
    p.add_argument("--fault", action="append", default=[], metavar="ACTION=KIND[:ARG][*N]",
                   help="inject a fault, e.g. add=timeout, status=500, balance=latency:300")
    p.add_argument("--speed", type=float, default=1.0, help="clock speed factor (60: a "
                   "minute per second)")
    p.add_argument("--balance", default="1000000", help="starting balance")
    p.add_argument("--rate-limit", type=int, default=None, metavar="N",
                   help="answer HTTP 429 beyond N calls a minute per key, as the panel "
                   "does (default: no limit)")
    p.add_argument("--currency", default="INR", help="currency of the balance (default: INR)")
    p.add_argument("--hold", action="store_true", help="hold every add until "
                   "POST /_control/hold {\"hold\": false}")
    p.add_argument("--no-control", action="store_true", help="disable /_control/*")
    p.add_argument("--verbose", action="store_true", help="log every request")
    p.add_argument("--state-file", help="keep the panel's books in this JSON file across "
                   "restarts")


@command("simulator", "serve the Fampage panel simulator over a real socket", _simulator_args)
def simulator_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """A faithful stand-in for the Fampage panel's API v2 on HOST:PORT (catalog, balance,
    orders progressing with time, refills, cancels, injected faults); point
    FAMPAGE_BASE_URL at it."""
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
            faults=ns.fault, rate_limit=ns.rate_limit,
        )
    except (ValueError, InvalidOperation) as exc:
        print(f"social-scale simulator: {exc}", file=sys.stderr)
        return 2
    if ns.hold:
        sim.state.hold_adds()
    server = SimulatorServer(sim, ns.host, ns.port, verbose=ns.verbose)
    books = _state_file(sim, ns.state_file)
    log.info("simulator_serving", url=server.url, variant=ns.variant, seed=ns.seed,
             speed=ns.speed, faults=ns.fault, rate_limit=ns.rate_limit)
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
    p.add_argument("--metrics-port", type=int, help="serve /health/live, /health/ready and "
                   "/metrics on WORKER_METRICS_HOST:PORT (default: WORKER_METRICS_PORT)")


@command("worker", "run the background round: sync open orders, refills, invoice "
         "adjustments (SYNC_INTERVAL)", _worker_args)
def worker_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """Repeat the background round every SYNC_INTERVAL (with jitter, backing off while
    the panel fails) until SIGTERM: the status sync of open orders, their refills and
    the invoice adjustments of partial and canceled orders. On PostgreSQL run it as its
    own service (several may share one database); on SQLite `serve` does this itself."""
    from social_scale_app.sync_wiring import run_worker

    if settings.sandbox and not settings.sandbox_panel_url:
        from social_scale_app.sandbox import shared_panel_url

        url = shared_panel_url(settings)
        if url is None:
            print("social-scale worker: sandbox mode (no FAMPAGE_API_KEY) and no running "
                  "`social-scale serve` sandbox panel found; start `serve` first",
                  file=sys.stderr)
            return 2
        settings = settings.model_copy(update={"sandbox_panel_url": url})
    return run_worker(settings, once=ns.once, metrics_port=ns.metrics_port)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    from social_scale_adapters.db.migrate import head_revision

    try:
        release = dist_version("social-scale")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        release = "unknown"
    return (f"social-scale {release} (schema {head_revision()}, Python "
            f"{sys.version.split()[0]})")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="social-scale", description=__doc__)
    top.add_argument("--version", action="version", version=version(),
                     help="print the release and the schema revision it needs, then exit")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND",
                             help="what to run (`social-scale COMMAND --help` for more)")
    for name, (help_text, fn, add_args) in COMMANDS.items():
        add_args(sub.add_parser(name, help=help_text, description=fn.__doc__ or help_text))
    return top


def _create_admin_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--email", required=True, help="the administrator's email")
    p.add_argument("--name", required=True, help="the administrator's name")


@command("create-admin", "create the SUPER_ADMIN from the shell (password from a prompt or "
         "stdin)", _create_admin_args)
def create_admin_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """Create the single SUPER_ADMIN account from the shell; the password is read from a
    prompt (or from stdin when piped). Refused when an administrator already exists."""
    from social_scale_app.admin import create_admin, read_password

    if settings.sqlite_path is not None or not settings.is_production:
        _migrate(settings)
    return create_admin(settings, ns.email, ns.name, read_password())


def main(argv: list[str] | None = None) -> int:
    logs.configure()  # LOG_LEVEL/LOG_FORMAT from the environment, before anything logs
    ns = parser().parse_args(argv)
    try:
        settings = Settings()
        settings.check_production()
        logs.configure(settings.log_level, settings.log_format)
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
