"""A read meets a lost connection: it runs again in a fresh unit, up to READ_ATTEMPTS in
all (a fresh connection can be cut too while the database sheds its backends), then the
loss reaches the caller as StorageUnavailable (503)."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import pytest
from social_scale_core.errors import StorageUnavailable
from social_scale_core.ports.uow import READ_ATTEMPTS, read_retrying


def flaky(failures: int) -> tuple[list[int], Any]:
    tries: list[int] = []

    def read(_: object) -> str:
        tries.append(1)
        if len(tries) <= failures:
            raise StorageUnavailable()
        return "answer"

    return tries, read


@pytest.mark.parametrize("failures", range(READ_ATTEMPTS))
def test_a_read_is_answered_when_a_fresh_connection_holds(failures: int) -> None:
    tries, read = flaky(failures)
    assert read_retrying(nullcontext, read) == "answer"
    assert len(tries) == failures + 1


def test_a_connection_lost_on_every_attempt_is_unavailable() -> None:
    tries, read = flaky(READ_ATTEMPTS)
    with pytest.raises(StorageUnavailable):
        read_retrying(nullcontext, read)
    assert len(tries) == READ_ATTEMPTS == 3
