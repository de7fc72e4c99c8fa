"""The Alembic migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

import ast
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from social_scale_adapters.db.engine import make_engine
from social_scale_adapters.db.migrate import MIGRATIONS, downgrade, upgrade
from social_scale_adapters.db.tables import metadata
from sqlalchemy import Column, Engine, MetaData, String, Table, create_engine, inspect, text
from sqlalchemy.engine import make_url


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrated_schema_matches_the_tables_in_code(engine: Engine) -> None:
    assert _diff(engine) == []


def test_migrations_go_down_and_up_again(engine: Engine) -> None:
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {t.name for t in metadata.sorted_tables} <= set(inspect(engine).get_table_names())
    assert _diff(engine) == []


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    server = request.getfixturevalue("pg_url")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"ss_empty_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(server).set(database=name).render_as_string(False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_an_empty_database_upgraded_to_head_matches_the_code(empty_engine: Engine) -> None:
    """The drift check: a table or column changed in code without a migration fails here."""
    assert inspect(empty_engine).get_table_names() == []
    upgrade(empty_engine)
    assert _diff(empty_engine) == []


def test_the_drift_check_sees_a_model_change_without_migration(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    changed = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(changed)
    Table("background_runs", changed, Column("note", String(10)), extend_existing=True)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, changed)
    assert [(d[0], d[3].name) for d in diff] == [("add_column", "note")]


VERSIONS = MIGRATIONS / "versions"


def test_migrations_are_frozen_they_import_no_application_code() -> None:
    """A migration must do the same thing forever: no import of social_scale_* modules
    (their tables, constants and SQL change with the code); copy what it needs."""
    offenders = []
    for path in sorted(VERSIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("social_scale")]
    assert offenders == []
