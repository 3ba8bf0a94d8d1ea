"""The clients the commands use: one per service, aimed at the service, a server, or a replay."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from hfclient._options import ClientBase, TransportChoice
from hfclient.credentials import ENVIRONMENT

__all__ = ["client_class", "make_client", "on_server", "replay_env", "replaying"]

# A replay matches any credential (cassettes hold placeholders): these fill the missing ones.
_REPLAY_CREDENTIAL = "replayed-credential"


def replay_env(service: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``env`` with every credential variable of ``service`` set (a dummy where it is not)."""
    out = dict(os.environ if env is None else env)
    for name, variable in ENVIRONMENT.items():
        if name.startswith(f"{service}.") and not out.get(variable):
            out[variable] = _REPLAY_CREDENTIAL
    return out


def make_client(
    service: str,
    *,
    base_url: str | None = None,
    hub_url: str | None = None,
    transport: TransportChoice = None,
    env: Mapping[str, str] | None = None,
) -> Any:
    """The async client of ``service``; credentials from ``env`` (default: the environment).

    A missing credential raises ``MissingAuthError`` naming its variable.
    """
    kwargs: dict[str, Any] = {"transport": transport, "env": env}
    if base_url is not None:
        kwargs["base_url"] = base_url
    if hub_url is not None:
        kwargs["hub_url"] = hub_url  # the router's only
    return client_class(service)(**kwargs)


def client_class(service: str) -> Callable[..., Any]:
    """The async client class of ``service``."""
    from hfclient.client import Hailuo, HuggingChat, InferenceProviders

    classes: dict[str, type[ClientBase]] = {
        "router": InferenceProviders,
        "huggingchat": HuggingChat,
        "hailuo": Hailuo,
    }
    return classes[service]


def on_server(url: str, service: str, server: str = "default") -> str:
    """The service's ``server`` URL moved to ``url``, its path kept (HuggingChat's ``/chat``)."""
    from hfclient.transport.matching import SERVICES

    default: str = SERVICES[service].SERVERS[server]
    return url.rstrip("/") + urlsplit(default).path.rstrip("/")


@contextlib.asynccontextmanager
async def replaying(folder: str | None) -> AsyncIterator[str | None]:
    """With ``folder``: a replay server on 127.0.0.1 over its cassettes, yielding its URL."""
    if folder is None:
        yield None
        return
    from hfclient.testing.replay_server import Replayer, ReplayServer, cassettes_in

    async with ReplayServer(Replayer(cassettes_in(folder))) as server:
        yield server.url
