"""``Timeout`` and the ``timeout=`` shorthand (the httpx convention)."""

from __future__ import annotations

import math

import pytest

from hfclient import Timeout
from hfclient.timeouts import DEFAULT_TIMEOUT, as_timeout


def test_a_number_sets_connect_read_and_pool_but_not_total() -> None:
    assert as_timeout(5) == Timeout(connect=5.0, read=5.0, pool=5.0, total=None)


def test_none_is_no_limit_at_all() -> None:
    assert as_timeout(None) == Timeout(connect=None, read=None, pool=None, total=None)


def test_a_timeout_passes_through() -> None:
    given = Timeout(read=3, total=100)
    assert as_timeout(given) is given
    assert given.connect == DEFAULT_TIMEOUT.connect


@pytest.mark.parametrize("bad", [0, -1, math.nan])
def test_non_positive_or_nan_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        Timeout(read=bad)


def test_a_string_is_refused() -> None:
    with pytest.raises(TypeError, match="number of seconds"):
        Timeout(connect="10")  # type: ignore[arg-type]
