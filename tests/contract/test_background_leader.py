"""One leader at a time for the background round: a file lock on SQLite, an advisory lock
on PostgreSQL; released on exit so that the next process takes over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from social_scale_adapters.db.engine import make_engine
from social_scale_app.background.leader import AdvisoryLeader, FileLeader


def test_one_file_leader_at_a_time(tmp_path: Path) -> None:
    first, second = FileLeader(tmp_path / "db.lock"), FileLeader(tmp_path / "db.lock")
    assert first.acquire() and first.acquire()  # holding it: still the leader
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_a_dead_holder_frees_the_file_lead(tmp_path: Path) -> None:
    lock = tmp_path / "db.lock"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; "
        "from social_scale_app.background.leader import FileLeader; "
        f"leader = FileLeader(Path({str(lock)!r})); assert leader.acquire(); "
        "print('held', flush=True); "
        "time.sleep(60)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not FileLeader(lock).acquire()
    finally:
        holder.kill()
        holder.wait(10)
    successor = FileLeader(lock)
    assert successor.acquire()  # the kernel released the killed holder's lock
    successor.release()


@pytest.mark.postgres
def test_one_advisory_leader_across_connections(pg_url: str) -> None:
    one, two = make_engine(pg_url), make_engine(pg_url)
    try:
        first, second = AdvisoryLeader(one, key=4242), AdvisoryLeader(two, key=4242)
        assert first.acquire() and first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
        second.release()
        third = AdvisoryLeader(one, key=4242)
        assert third.acquire()
        one.dispose()  # the holder's connection ends: the database frees the lock
        third._conn.invalidate()
        assert second.acquire()
        second.release()
    finally:
        one.dispose()
        two.dispose()
