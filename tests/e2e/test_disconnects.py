"""Lost database connections under load (issue 17): gunicorn on a real socket over its own
PostgreSQL database, whose backends are terminated again and again while clients read and
write. Reads still answer (run once more on a fresh connection); writes are never repeated
behind the client's back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.panel import admin_client, new_company, private_postgres

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
KILL_BACKENDS = text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def test_reads_survive_killed_backends_and_writes_are_not_repeated(
        live_server: Callable[..., str]) -> None:
    with private_postgres() as url:
        if url is None:
            from tests.conftest import _postgres_unavailable

            _postgres_unavailable("no PostgreSQL server answers")
        assert url is not None
        base = live_server(DATABASE_URL=url, COMPANY_CREATE_LIMIT_PER_HOUR="1000")
        api = admin_client(base)
        new_company(api, "Seed Corp")
        token = api.headers["Authorization"]
        killer = create_engine(url, isolation_level="AUTOCOMMIT")
        stop, killed = threading.Event(), []

        def kill() -> None:
            with killer.connect() as conn:
                while not stop.is_set():
                    time.sleep(0.25)
                    killed.append(int(conn.execute(KILL_BACKENDS).scalar_one()))

        def read(n: int) -> list[int]:
            statuses = []
            with httpx.Client(base_url=f"{base}/api/v1", timeout=30,
                              headers={"Authorization": token}) as client:
                while not stop.is_set():
                    path = "/orders?limit=50" if n % 2 else "/auth/me"
                    statuses.append(client.get(path).status_code)
            return statuses

        def write(n: int) -> int:
            time.sleep(0.1 * n)
            return api.post("/companies", json={"name": f"Written {n}"}).status_code

        with ThreadPoolExecutor(12) as pool:
            murder = pool.submit(kill)
            readers = [pool.submit(read, n) for n in range(6)]
            writes = list(pool.map(write, range(25)))
            time.sleep(1)
            stop.set()
            reads = [status for r in readers for status in r.result()]
            murder.result()
        killer.dispose()

        assert sum(killed) >= 5, killed  # the app's connections were really cut, often
        assert reads and set(reads) == {200}, sorted(set(reads))
        assert set(writes) <= {201, 503}, writes  # a cut write: 503, never a 500
        names = [c["name"] for c in api.get("/companies", params={"limit": 200}).json()["items"]]
        written = [name for name in names if name.startswith("Written ")]
        assert len(written) == len(set(written))  # no write ran twice
        assert len(written) >= writes.count(201)  # each 201 is stored
