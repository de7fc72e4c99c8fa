"""Apply the Alembic migrations programmatically (used by `social-scale migrate` and tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    config = alembic_config_for_scripts()
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`; safe to call when it is already there."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def head_revision() -> str:
    """The newest revision the code ships."""
    head = ScriptDirectory.from_config(alembic_config_for_scripts()).get_current_head()
    return head or "base"


def revision_ids() -> list[str]:
    """Every revision id the code ships."""
    script = ScriptDirectory.from_config(alembic_config_for_scripts())
    return [rev.revision for rev in script.walk_revisions()]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def alembic_config_for_scripts() -> Config:
    """A configuration that reads the migration scripts without touching a database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # New scripts are named like the others: 0015_what_it_does.py
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return config
