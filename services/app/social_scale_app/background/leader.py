"""Who among the gunicorn workers (or app instances) runs the background round: the one
holding a lock the operating system or the database frees when its holder dies, so a
restarted or killed worker hands the work on without anyone cleaning up."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import Engine, text

# pg_advisory_lock key of the background round: "socscale" read as a 64-bit number.
ADVISORY_KEY = int.from_bytes(b"socscale", "big") >> 1


class Leader(Protocol):
    """`acquire` never blocks: True when this process now holds (or held) the lead."""

    def acquire(self) -> bool: ...

    def release(self) -> None: ...


class FileLeader:
    """An exclusive `flock` on a file beside the SQLite database: one holder per machine,
    released by the kernel when the holding process exits, however it exits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class AdvisoryLeader:
    """A PostgreSQL session-level advisory lock held on one dedicated connection: one
    holder across every instance on the database, freed when that connection ends."""

    def __init__(self, engine: Engine, key: int = ADVISORY_KEY) -> None:
        self._engine, self._key = engine, key
        self._conn: Any = None

    def acquire(self) -> bool:
        if self._conn is not None:
            if self._alive():
                return True
            self.release()
        conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                    {"k": self._key}).scalar())
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def _alive(self) -> bool:
        try:
            self._conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def release(self) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(Exception):
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
        with contextlib.suppress(Exception):
            self._conn.close()
        self._conn = None
