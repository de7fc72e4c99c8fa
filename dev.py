#!/usr/bin/env python3
"""Bootstrap: `python3 dev.py serve` runs the service, `python3 dev.py test` runs every check.

Needs only Python 3.11+: it creates `.venv`, installs the project into it (again whenever
pyproject.toml changes) and runs the command there. Extra arguments are passed through.
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
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("dev.py: installing dependencies into .venv (first run takes a minute)", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[{extras}]" if extras else str(ROOT)], check=True)
    stamp.write_text(digest)


def run(cmd: list[str]) -> int:
    print("dev.py: $ " + " ".join(cmd), flush=True)
    return subprocess.call([str(BIN / cmd[0]), *cmd[1:]], cwd=ROOT)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"serve", "test", "shell"}:
        print("usage: python3 dev.py serve|test [args...]", file=sys.stderr)
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
