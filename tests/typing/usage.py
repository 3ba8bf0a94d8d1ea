"""How users call hfclient, checked by ``mypy --strict`` (pyproject's mypy ``files``).

Never run: the calls would need credentials. mypy proves the public API is
typed end to end: a missing ``model=`` or a wrong type is an error here.
"""

from __future__ import annotations

import logging

from hfclient import (
    Completion,
    EventStream,
    HuggingChat,
    InferenceProviders,
    SyncHailuo,
    SyncInferenceProviders,
    Timeout,
)
from hfclient.errors import (
    AllProvidersFailedError,
    HfClientError,
    PaymentRequiredError,
    RateLimitError,
    TransportTimeout,
)
from hfclient.events import Conversation, Elicitation, Event, ReasoningDelta, TextDelta
from hfclient.serialization import from_json, to_json

MESSAGES = [{"role": "user", "content": "Hello"}]

logging.getLogger("hfclient").setLevel(logging.DEBUG)


async def async_usage() -> str:
    async with InferenceProviders(timeout=Timeout(connect=5, read=30), max_retries=2) as client:
        quick = client.with_options(timeout=10, headers={"X-Trace": "1"}, max_retries=0)
        try:
            answer: Completion = await quick.complete(MESSAGES, model="org/model", max_tokens=64)
        except RateLimitError as error:
            wait: float | None = error.retry_after
            return f"wait {wait}"
        except (PaymentRequiredError, AllProvidersFailedError, TransportTimeout) as error:
            partial = error.partial
            return "" if partial is None else partial.text
        events: EventStream = client.stream(MESSAGES, model="org/model:fastest")
        async with events:
            async for event in events:
                if isinstance(event, TextDelta | ReasoningDelta):
                    print(event.text, end="")
        catalogue = await client.models()
        tools = [m.id for m in catalogue if m.supports_tools and (m.context_length or 0) > 32_000]
        mapping = await client.provider_mapping("org/model")
        live = [entry.provider for entry in mapping if entry.status == "live"]
        whole = await client.complete(MESSAGES, model="org/model:cerebras", stream=False)
        return answer.text + whole.text + ",".join(tools + live)


async def huggingchat_usage() -> Conversation | None:
    async with HuggingChat(timeout=Timeout(read=45)) as chat:
        first = await chat.complete(MESSAGES, model="org/model")
        if first.conversation is None:
            return None
        saved = to_json(first.conversation)
        again = await chat.complete(
            MESSAGES, model="org/model", conversation=from_json(Conversation, saved)
        )
        return again.conversation


async def huggingchat_turn_usage() -> list[str]:
    async with HuggingChat(era="2026-08-21", stop_on_close=True) as chat:
        names = [server.name for server in await chat.mcp_servers()]
        seen: list[Event] = []
        handle: Conversation | None = None
        async with chat.stream(MESSAGES, model="org/model", tools=names, reattach=True) as events:
            async for event in events:
                seen.append(event)
                if isinstance(event, Conversation):
                    handle = event
                elif isinstance(event, Elicitation) and handle is not None:
                    resume: bool = await chat.answer_elicitation(
                        handle, event.id, action="accept", content={"space": "me/x"}
                    )
                    if resume:
                        async with chat.resume_elicitation(handle, event.id, tools=names) as more:
                            seen += [e async for e in more]
        if handle is not None:
            await chat.stop(handle, seen_content_length=12)
            async with chat.resume(handle, seen=seen) as rest:
                seen += [e async for e in rest]
        return names


def sync_usage() -> str:
    with SyncInferenceProviders(provider="auto", headers={"X-Team": "bots"}) as client:
        text = client.complete(MESSAGES, model="org/model", bill_to="my-org").text
        text += ",".join(model.id for model in client.models())
        with client.with_options(timeout=5).stream(MESSAGES, model="org/model") as events:
            for event in events:
                if isinstance(event, TextDelta):
                    text += event.text
    with SyncHailuo() as hailuo:
        try:
            text += hailuo.complete(MESSAGES).text
        except HfClientError as error:
            text += str(error)
    return text
