#!/usr/bin/env python3
"""Bootstrap: `python3 dev.py serve` runs the service, `python3 dev.py test` runs every check.

Needs only Python 3.11+: it creates `.venv`, installs the exact versions of
`requirements.lock` into it (hashes checked; again whenever the lock or pyproject.toml
changes), then the project itself, and runs the command there. Extra arguments are passed
through. `SOCIAL_SCALE_VENV` picks another virtualenv.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SOCIAL_SCALE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
LOCK = ROOT / "requirements.lock"
USAGE = """usage: python3 dev.py COMMAND [args...]

  serve [args]   run the service (`social-scale serve`; e.g. --port 8000)
  test [args]    every check: import contracts, ruff, mypy, then pytest (args go to pytest)
  shell [cmd]    run a command inside the virtualenv (default: python), e.g.
                 `python3 dev.py shell social-scale --help`"""

CHECKS = [
    ["lint-imports"],
    ["ruff", "check", "."],
    ["mypy"],
]


def ensure_venv(extras: str) -> None:
    """Create the virtualenv and (re)install the project when its definition changed."""
    if not (BIN / "python").exists():
        print(f"dev.py: creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".social-scale-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes()
                            + extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("dev.py: installing dependencies into .venv (first run takes a minute)", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    # The lock holds the runtime and the test dependencies: one set of versions everywhere.
    subprocess.run([*pip, "--require-hashes", "-r", str(LOCK)], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    stamp.write_text(digest)


def run(cmd: list[str]) -> int:
    print("dev.py: $ " + " ".join(cmd), flush=True)
    return subprocess.call([str(BIN / cmd[0]), *cmd[1:]], cwd=ROOT)


def main(argv: list[str]) -> int:
    if argv and argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    if not argv or argv[0] not in {"serve", "test", "shell"}:
        print(USAGE, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "serve":
        ensure_venv("")
        return run(["social-scale", "serve", *rest])
    ensure_venv("test")
    if command == "shell":
        return run(rest or ["python"])
    for check in CHECKS:
        code = run(check)
        if code:
            return code
    return run(["pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
