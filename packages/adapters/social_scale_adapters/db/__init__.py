"""SQL storage with SQLAlchemy 2: engine, column types, tables, unit of work, migrations."""
