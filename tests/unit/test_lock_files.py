"""The two lock files: `requirements-runtime.lock` (production: what the service imports)
is the runtime part of `requirements.lock` (development and CI: runtime and test), with the
same versions and hashes, and holds none of the test dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)")


def pins(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """name -> (version, its hashes) of a uv/pip-compile lock file."""
    found: dict[str, tuple[str, frozenset[str]]] = {}
    name = version = ""
    hashes: set[str] = set()
    for line in [*path.read_text().splitlines(), ""]:
        pin = _PIN.match(line)
        if pin or not line.startswith(" "):
            if name:
                found[name] = (version, frozenset(hashes))
            name, version, hashes = "", "", set()
            if pin:
                name, version = canonicalize_name(pin.group(1)), pin.group(2)
        hashes.update(re.findall(r"--hash=(sha256:[0-9a-f]+)", line))
    return found


def declared(extra: str | None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    items = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {canonicalize_name(Requirement(item).name) for item in items}


def test_the_runtime_lock_is_the_full_locks_runtime_part_to_the_hash() -> None:
    runtime, full = pins(ROOT / "requirements-runtime.lock"), pins(ROOT / "requirements.lock")
    assert declared(None) <= runtime.keys()
    for name, (version, hashes) in runtime.items():
        assert name in full, name
        assert full[name] == (version, hashes), name
        assert hashes, name


def test_no_test_dependency_reaches_production() -> None:
    runtime = pins(ROOT / "requirements-runtime.lock")
    # pillow is both: the tests read rendered pages with it, and reportlab draws with it.
    tools = declared("test") - declared(None) - {"pillow"}
    assert tools and not tools & runtime.keys(), tools & runtime.keys()
    # What they bring with them stays out too (werkzeug, rich and pygments cost every
    # worker memory: dependency-injector and structlog import them when present).
    assert not {"werkzeug", "rich", "pygments", "pytest"} & runtime.keys()
