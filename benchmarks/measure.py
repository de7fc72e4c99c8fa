"""Measuring tools: processes, readiness, wrk, latency samples, percentiles, RSS."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Proc:
    """A child process in its own group, its output in a log file, stopped on `stop()`."""

    def __init__(self, args: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(
                list(args), env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    def wait_http(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{url}: exited\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(url, timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{url}: not ready\n{self.log.read_text()[-3000:]}")

    def children(self) -> list[int]:
        """Pids whose parent is this process (gunicorn's workers)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.popen.pid:
                    found.append(int(entry.name))
        return sorted(found)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "social_scale_app.cli", *args]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(url: str, seconds: int, connections: int = 16, threads: int = 2,
        headers: dict[str, str] | None = None, script: Path | None = None
        ) -> tuple[float, int, str]:
    """(requests/second, requests made, wrk's report); `script`: a wrk Lua script."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        args += ["-s", str(script)]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    made = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    return rps, made, out


ROUNDS = 3


def best_of(targets: Sequence[tuple[str, dict[str, str] | None]], seconds: int,
            rounds: int = ROUNDS) -> list[tuple[float, int, str, list[float]]]:
    """wrk on each (url, headers) in turn, `rounds` times over: for each target (its best
    requests/second, requests made in all, the best round's report, every round's figure).

    Rounds, because one wrk run is a draw: gunicorn's workers share one listening socket,
    and wrk's connections, opened at once, can all land on one worker (measured: 16 of 16
    on one worker halves the throughput of a two-worker app, 8 and 8 is the full figure);
    the connections stay where they landed for the whole run. Interleaved, so that every
    target meets the same load on the box; the best round is each one's fair draw."""
    found: list[tuple[float, int, str, list[float]]] = [(0.0, 0, "", []) for _ in targets]
    for _ in range(rounds):
        for n, (url, headers) in enumerate(targets):
            rps, made, report = wrk(url, seconds, headers=headers)
            best, total, best_report, every = found[n]
            found[n] = (max(best, rps), total + made, report if rps > best else best_report,
                        [*every, rps])
    return found


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(call: Callable[[], httpx.Response]) -> float:
    """Milliseconds one successful call took."""
    t0 = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code >= 400:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
    return elapsed
