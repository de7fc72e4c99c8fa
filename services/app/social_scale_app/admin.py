"""`social-scale create-admin`: the first administrator made from the shell, not the network."""

from __future__ import annotations

import getpass
import sys

from social_scale_core.auth import accounts
from social_scale_core.errors import AdminExists, ValidationFailed
from social_scale_wiring.container import Container
from social_scale_wiring.settings import Settings


def read_password() -> str:
    """Twice from a prompt on a terminal; otherwise the first line of stdin (for scripts:
    `printf '%s\\n' "$PW" | social-scale create-admin ...`), never from the command line."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        print("social-scale create-admin: the passwords differ", file=sys.stderr)
        raise SystemExit(1)
    return first


def _container(settings: Settings) -> Container:
    from dependency_injector import providers

    container = Container()
    container.settings.override(providers.Object(settings))
    return container


def admin_exists(settings: Settings) -> bool:
    """True when the database has the administrator (False if it cannot be read yet)."""
    container = _container(settings)
    try:
        with container.uow() as uow:
            return uow.users.any_exists()
    except Exception:  # e.g. not migrated yet: then there is no admin either
        return False
    finally:
        container.engine().dispose()


def create_admin(settings: Settings, email: str, name: str, password: str) -> int:
    """Create the admin under the password policy; print what happened; the exit status."""
    container = _container(settings)
    try:
        user = accounts.create_admin(container.auth(), email, password, name)
    except ValidationFailed as exc:
        for error in exc.errors:
            print(f"social-scale create-admin: {error.field} {error.message}", file=sys.stderr)
        return 1
    except AdminExists:
        print("social-scale create-admin: the administrator already exists", file=sys.stderr)
        return 1
    finally:
        container.engine().dispose()
    print(f"create-admin: created {user.email} (SUPER_ADMIN); log in with POST "
          "/api/v1/auth/login", flush=True)
    return 0
