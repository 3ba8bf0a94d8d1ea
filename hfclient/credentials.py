"""Credentials as the user gives them: held in a type whose repr never shows the value.

They come only from arguments or the documented environment variables; the
library never invents, fetches or logs in for one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final

__all__ = ["ENVIRONMENT", "Secret", "from_env"]

# The environment variables each credential is read from when no argument gives it.
ENVIRONMENT: Final[Mapping[str, str]] = {
    "router.api_key": "HF_TOKEN",
    "huggingchat.hf_chat": "HF_CHAT_COOKIE",
    "huggingchat.token": "HF_CHAT_TOKEN_COOKIE",
    "hailuo.token": "HAILUO_TOKEN",
    "hailuo.device_id": "HAILUO_DEVICE_ID",
    "hailuo.uuid": "HAILUO_UUID",
}


class Secret:
    """A credential. ``reveal()`` gives the value; ``repr``/``str`` never do."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise ValueError("a credential is a non-empty string")
        self._value = value

    def reveal(self) -> str:
        """The value, for the one place that sends it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('<redacted>')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret is not pickled: pass the credential again")


def from_env(
    name: str, given: str | Secret | None, env: Mapping[str, str] | None = None
) -> Secret | None:
    """``given`` as a Secret, else the environment variable of credential ``name``, else None."""
    if isinstance(given, Secret):
        return given
    if given:
        return Secret(given)
    value = (os.environ if env is None else env).get(ENVIRONMENT[name], "")
    return Secret(value) if value else None
