"""`social-scale db ...` (Alembic, the way its users expect), `backup` and `restore`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import structlog
from social_scale_wiring.settings import Settings

from social_scale_app.commands.registry import command

log = structlog.get_logger("social_scale.cli")


@contextmanager
def _alembic(settings: Settings) -> Iterator[Any]:
    from social_scale_adapters.db.engine import make_engine
    from social_scale_adapters.db.migrate import alembic_config

    if settings.sqlite_path is not None:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        yield alembic_config(engine)
    finally:
        engine.dispose()


def _db_args(p: argparse.ArgumentParser) -> None:
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB",
                             help="revision, current, history, upgrade or downgrade")
    rev = verbs.add_parser("revision", help="write a new migration script",
                           description="Write a new migration under db/migrations/versions, "
                           "numbered after the head; with --autogenerate its operations are "
                           "the difference between the database (at head) and the tables "
                           "in code. Review it before committing.")
    rev.add_argument("-m", "--message", required=True, help="what the migration does")
    rev.add_argument("--autogenerate", action="store_true",
                     help="fill it from the difference between the schema and the code")
    rev.add_argument("--rev-id", help="revision id (default: the head's number plus one)")
    verbs.add_parser("current", help="print the revision the database is at",
                     description="Print the revision the database at DATABASE_URL is at.")
    hist = verbs.add_parser("history", help="list the migrations, newest first",
                            description="List every migration script, newest first.")
    hist.add_argument("-v", "--verbose", action="store_true", help="full details")
    up = verbs.add_parser("upgrade", help="upgrade to a revision (default: head)",
                          description="Upgrade the database to REVISION (default: head); "
                          "`social-scale migrate` is `db upgrade head`.")
    up.add_argument("revision", nargs="?", default="head", help="target (default: head)")
    down = verbs.add_parser("downgrade", help="downgrade to a revision",
                            description="Downgrade the database to REVISION (an id, `-1` "
                            "for one step, `base` for nothing). Data in dropped tables and "
                            "columns is lost: take a `backup` first.")
    down.add_argument("revision", help="target: a revision id, -1, or base")


def _next_rev_id() -> str:
    """One more than the highest numbered revision (numbers need not follow the chain)."""
    from social_scale_adapters.db.migrate import revision_ids

    numbers = [int(rev) for rev in revision_ids() if rev.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def _revision(config: Any, ns: argparse.Namespace) -> None:
    from alembic import command as alembic

    alembic.revision(config, message=ns.message, autogenerate=ns.autogenerate,
                     rev_id=ns.rev_id or _next_rev_id())


def _verbs() -> dict[str, Callable[[Any, argparse.Namespace], None]]:
    from alembic import command as alembic

    return {
        "revision": _revision,
        "current": lambda config, ns: alembic.current(config),
        "history": lambda config, ns: alembic.history(config, verbose=ns.verbose),
        "upgrade": lambda config, ns: alembic.upgrade(config, ns.revision),
        "downgrade": lambda config, ns: alembic.downgrade(config, ns.revision),
    }


@command("db", "migrations, Alembic style: revision, current, history, upgrade, downgrade",
         _db_args)
def db_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """Alembic's commands on the project's migrations and DATABASE_URL."""
    from alembic.util import CommandError

    with _alembic(settings) as config:
        config.print_stdout = _print
        try:
            _verbs()[ns.verb](config, ns)
        except CommandError as exc:
            print(f"social-scale db {ns.verb}: {exc}", file=sys.stderr)
            return 2
    return 0


def _print(text: str, *args: Any) -> None:
    print(text % args if args else text)


def _backup_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", required=True, type=Path, metavar="FILE",
                   help="where to write the backup (a SQLite file, or a pg_dump archive)")


@command("backup", "write a consistent backup of the database to a file", _backup_args)
def backup_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """Back up the database at DATABASE_URL while the service runs: SQLite through its
    online backup API (a plain database file), PostgreSQL through pg_dump in custom format
    (needs the PostgreSQL client tools). Restore it with `social-scale restore`."""
    from social_scale_adapters.db.backup import BackupError, backup

    try:
        backup(settings.database_url, ns.to)
    except BackupError as exc:
        print(f"social-scale backup: {exc}", file=sys.stderr)
        return 2
    log.info("backup_written", file=str(ns.to), bytes=ns.to.stat().st_size)
    return 0


def _restore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="source", required=True, type=Path, metavar="FILE",
                   help="a file written by `social-scale backup`")
    p.add_argument("--yes", action="store_true",
                   help="confirm that the database's current content is to be replaced")


@command("restore", "replace the database with a backup (stop serve and worker first)",
         _restore_args)
def restore_cmd(ns: argparse.Namespace, settings: Settings) -> int:
    """Replace everything in the database at DATABASE_URL with a backup made by
    `social-scale backup` (SQLite: copied in through the backup API; PostgreSQL:
    pg_restore --clean in one transaction). Stop `serve` and `worker` first, then run
    `social-scale migrate` if the backup is from an older release."""
    from social_scale_adapters.db.backup import BackupError, restore

    if not ns.yes:
        print("social-scale restore: this replaces the whole database; add --yes to go on",
              file=sys.stderr)
        return 2
    try:
        restore(settings.database_url, ns.source)
    except BackupError as exc:
        print(f"social-scale restore: {exc}", file=sys.stderr)
        return 2
    log.info("restored", file=str(ns.source))
    return 0
