"""Recording one's own live exchange into a cassette: what ``hfclient record`` runs.

One call of a service's client (``complete`` with one user message) goes
through a :class:`~hfclient.transport.recording.RecordingTransport` over the
default transport; the credentials are the user's own, read from the
environment as the clients read them (:data:`hfclient.credentials.ENVIRONMENT`),
and they are never written: the cassette is scrubbed, then scanned, then saved.
An answer that failed (an error status, a broken stream) is saved too: a
recorded failure is a fixture as well.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final, Literal

from codec import hailuo as hailuo_spec
from codec import huggingchat as huggingchat_spec
from codec import router as router_spec
from hfclient.client import Hailuo, HuggingChat, InferenceProviders
from hfclient.completion import Completion
from hfclient.credentials import ENVIRONMENT, from_env
from hfclient.transport.anyio_h11 import AnyioH11Transport
from hfclient.transport.recording import RecordingTransport

__all__ = ["SERVICES", "Service", "known_secrets", "record"]

Service = Literal["router", "huggingchat", "hailuo"]
SERVICES: Final[tuple[Service, ...]] = ("router", "huggingchat", "hailuo")
"""The services ``hfclient record`` can record."""


def known_secrets(service: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The user's credentials for ``service`` in ``env``, by placeholder name (``api_key``)."""
    found = {}
    for name in ENVIRONMENT:
        owner, _, credential = name.partition(".")
        secret = from_env(name, None, env) if owner == service else None
        if secret is not None:
            found[credential] = secret.reveal()
    return found


async def record(
    service: Service,
    prompt: str,
    out: str | os.PathLike[str],
    *,
    model: str | None = None,
    provider: str | None = None,
    base_url: str | None = None,
    hub_url: str | None = None,
    fault: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Completion:
    """Ask ``service`` ``prompt`` once, recording the exchanges into the cassette ``out``.

    ``base_url`` (and the router's ``hub_url``) point the client at another
    server, e.g. one of a test's on 127.0.0.1. The cassette is written even
    when the call fails, then the failure is raised; a secret left in it
    raises :class:`~hfclient.transport.scan.SecretLeakError` and nothing is
    written.
    """
    if service in ("router", "huggingchat") and not model:
        raise ValueError(f"recording {service} needs a model")
    recording = RecordingTransport(
        AnyioH11Transport(),
        service=service,
        secrets=known_secrets(service, env),
        owns_inner=True,
        fault=fault,
    )
    messages = [{"role": "user", "content": prompt}]
    try:
        if service == "router":
            router = InferenceProviders(
                provider=provider,
                base_url=base_url or router_spec.SERVERS["default"],
                hub_url=hub_url or router_spec.SERVERS["hub"],
                transport=recording,
                env=env,
            )
            async with router:
                return await router.complete(messages, model=str(model))
        if service == "huggingchat":
            chat = HuggingChat(
                base_url=base_url or huggingchat_spec.SERVERS["default"],
                transport=recording,
                env=env,
            )
            async with chat:
                return await chat.complete(messages, model=str(model))
        hailuo = Hailuo(
            base_url=base_url or hailuo_spec.SERVERS["default"], transport=recording, env=env
        )
        async with hailuo:
            return await hailuo.complete(messages)
    finally:
        await recording.aclose()
        if recording.exchanges:
            recording.save(out)
