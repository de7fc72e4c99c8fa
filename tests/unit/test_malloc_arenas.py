"""`social-scale serve` bounds glibc's malloc arenas before it forks its workers: 16 threads
would otherwise get up to eight arenas per core, each keeping what its threads freed (issue
17, memory). Counted with glibc's own malloc_info in a fresh process, as a worker would be."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's arenas")

PROBE = """
import ctypes, os, sys, tempfile, threading
from social_scale_app.malloc import bound_malloc_arenas
bounded = bound_malloc_arenas() if sys.argv[1] == "bound" else False
barrier = threading.Barrier(16)
def work():
    keep = [bytearray(4096 + n) for n in range(200)]  # malloc's, not pymalloc's, sizes
    barrier.wait()  # all 16 threads hold memory at once
threads = [threading.Thread(target=work) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL("libc.so.6")
libc.fdopen.restype = ctypes.c_void_p
with tempfile.TemporaryFile() as f:
    stream = ctypes.c_void_p(libc.fdopen(os.dup(f.fileno()), b"w"))
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    f.seek(0)
    print(bounded, f.read().decode().count("<heap nr="))
"""


def arenas(mode: str, **env: str) -> tuple[str, int]:
    clean = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run([sys.executable, "-c", PROBE, mode], env={**clean, **env},
                         capture_output=True, text=True, check=True, timeout=60).stdout
    bounded, count = out.split()
    return bounded, int(count)


def test_sixteen_threads_share_two_arenas_once_bounded() -> None:
    assert arenas("bound") == ("True", 2)
    assert arenas("free")[1] > 2  # glibc's default, which this guards against


def test_an_explicit_malloc_arena_max_wins() -> None:
    assert arenas("bound", MALLOC_ARENA_MAX="3") == ("False", 3)

