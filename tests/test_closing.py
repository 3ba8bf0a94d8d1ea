"""``best_effort``: cleanup on the way out is shielded, bounded, and never raises its failure."""

from __future__ import annotations

import anyio
import pytest

from hfclient._closing import best_effort
from hfclient.errors import ConnectError

pytestmark = pytest.mark.anyio

SECRET = "hf_planted_secret_value"


async def test_the_work_runs_to_its_end_though_the_caller_is_cancelled() -> None:
    done: list[str] = []

    async def work() -> None:
        await anyio.sleep(0.05)
        done.append("deleted")

    with anyio.CancelScope() as scope:
        scope.cancel()  # the caller is being cancelled already
        await best_effort(work, within=5, failed=done.append)
    assert done == ["deleted"]


async def test_work_that_takes_too_long_is_given_up_and_said_so() -> None:
    said: list[str] = []
    with anyio.fail_after(5):
        await best_effort(lambda: anyio.sleep(60), within=0.05, failed=said.append)
    assert said == ["no answer within 0.05 s"]


async def test_an_expected_failure_is_reported_not_raised() -> None:
    said: list[str] = []

    async def work() -> None:
        raise ConnectError("could not connect to 127.0.0.1:1")

    await best_effort(work, within=5, failed=said.append)
    assert said == ["ConnectError: could not connect to 127.0.0.1:1"]


async def test_a_foreign_error_is_named_by_its_type_only() -> None:
    # Its message is not ours: it could hold anything, a credential included.
    said: list[str] = []

    async def work() -> None:
        raise RuntimeError(f"token={SECRET}")

    await best_effort(work, within=5, failed=said.append)
    assert said == ["RuntimeError"]


async def test_errors_outside_the_expected_ones_still_raise() -> None:
    async def work() -> None:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        await best_effort(work, within=5, failed=print, errors=ConnectError)
