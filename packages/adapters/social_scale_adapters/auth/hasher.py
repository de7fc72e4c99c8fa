"""PasswordHasher on argon2-cffi (argon2id), with a strong and a cheap (test) profile, and
a bound on how many hashes one process computes at once."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Literal

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from social_scale_core.auth.ports import PasswordHasher
from social_scale_core.errors import Overloaded

Profile = Literal["strong", "fast"]
# "strong" is argon2-cffi's RFC 9106 low-memory default (64 MiB, 3 passes); "fast" only
# exists so that test suites can hash hundreds of passwords in a second.
# (time_cost, memory_cost in KiB, parallelism)
_PARAMS: dict[str, tuple[int, int, int]] = {"strong": (3, 65536, 4), "fast": (1, 8, 1)}


class Argon2Hasher:
    """Hashes with argon2id; verifies any argon2 hash, and says when one needs upgrading."""

    def __init__(self, profile: Profile = "strong") -> None:
        self.profile = profile
        time_cost, memory_cost, parallelism = _PARAMS[profile]
        self._argon = _Argon2(time_cost=time_cost, memory_cost=memory_cost,
                              parallelism=parallelism, type=Type.ID)

    def hash(self, password: str) -> str:
        return self._argon.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        if stored_hash is None:
            # Same work as a real check, so unknown accounts cannot be told apart by timing.
            stored_hash = self._dummy_hash
        try:
            return self._argon.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self._argon.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    @cached_property
    def _dummy_hash(self) -> str:
        return self._argon.hash("not a password of anyone")


class BoundedHasher:
    """At most `limit` hashes or verifications at once in this process (each strong one
    takes 64 MiB and a core for a while). A caller waits up to `wait` seconds for a slot,
    then gets Overloaded (503 with Retry-After) instead of queueing behind a flood."""

    def __init__(self, inner: PasswordHasher, limit: int, wait: float = 2.0) -> None:
        self.inner = self._inner = inner
        self._slots = threading.BoundedSemaphore(limit)
        self._wait = wait

    def _acquire(self) -> None:
        if not self._slots.acquire(timeout=self._wait):
            raise Overloaded(1, "Too many password checks at once; try again shortly.")

    def hash(self, password: str) -> str:
        self._acquire()
        try:
            return self._inner.hash(password)
        finally:
            self._slots.release()

    def verify(self, stored_hash: str | None, password: str) -> bool:
        self._acquire()
        try:
            return self._inner.verify(stored_hash, password)
        finally:
            self._slots.release()

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._inner.needs_rehash(stored_hash)
