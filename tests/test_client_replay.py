"""The async clients and the sync facade, end to end over the in-process replay transport."""

from __future__ import annotations

import anyio
import pytest

from hfclient.client import Hailuo, HuggingChat, InferenceProviders
from hfclient.completion import Completion
from hfclient.credentials import Secret, from_env
from hfclient.errors import FixtureMissError, MissingAuthError, ReadError, StreamServiceError
from hfclient.events import Conversation, Event, TextDelta
from hfclient.sync import SyncInferenceProviders
from hfclient.transport.cassette import RESET, Exchange
from hfclient.transport.replay import ReplayTransport
from tests.conftest import DATA

EXAMPLES = DATA / "examples"
MAPPING_URL = (
    "https://huggingface.co/api/models/meta-llama/Llama-3.3-70B-Instruct"
    "?expand%5B%5D=inferenceProviderMapping"
)
ROUTER_STREAM = (EXAMPLES / "hf-router.stream.sse").read_bytes()
HAILUO_STREAM = (EXAMPLES / "hailuo.stream.sse").read_bytes()
MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]


def chunks(body: bytes, size: int = 300) -> tuple[bytes, ...]:
    return tuple(body[i : i + size] for i in range(0, len(body), size))


def router_exchanges() -> list[Exchange]:
    return [
        Exchange.of(
            "GET", MAPPING_URL, 200, (), ((EXAMPLES / "hf-router.mapping.json").read_bytes(),)
        ),
        Exchange.of(
            "POST",
            "https://router.huggingface.co/cerebras/v1/chat/completions",
            200,
            (("Content-Type", "text/event-stream"),),
            chunks(ROUTER_STREAM),
        ),
    ]


def test_router_complete() -> None:
    async def main() -> Completion:
        async with InferenceProviders(
            api_key="hf_x", transport=ReplayTransport(router_exchanges())
        ) as client:
            return await client.complete(MESSAGES, model="llama-3.3-70b", max_tokens=64)

    completion = anyio.run(main)
    assert completion.text == "\n\nLet me check the weather in Paris."
    assert completion.reasoning.startswith("Okay, the user wants")
    assert completion.finish_reason == "tool_calls"
    assert [c.name for c in completion.tool_calls] == ["get_weather"]
    assert completion.usage is not None
    assert completion.usage.total_tokens == 262
    assert completion.provider is not None
    assert completion.provider.provider == "cerebras"


def test_router_stream_yields_deltas_in_order() -> None:
    async def main() -> list[Event]:
        client = InferenceProviders(api_key="hf_x", transport=ReplayTransport(router_exchanges()))
        return [event async for event in client.stream(MESSAGES, model="llama-3.3-70b")]

    events = anyio.run(main)
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text == "\n\nLet me check the weather in Paris."


def test_router_mapping_is_fetched_once_per_client() -> None:
    exchanges = router_exchanges()
    exchanges.append(exchanges[1])  # a second call needs only the chat request

    async def main() -> None:
        client = InferenceProviders(api_key="hf_x", transport=ReplayTransport(exchanges))
        for _ in range(2):
            await client.complete(MESSAGES, model="meta-llama/Llama-3.3-70B-Instruct")

    anyio.run(main)


def test_a_reset_mid_stream_surfaces_after_the_text_that_arrived() -> None:
    exchanges = router_exchanges()
    exchanges[1] = Exchange.of(
        "POST",
        exchanges[1].request.url,
        200,
        exchanges[1].response.headers,
        chunks(ROUTER_STREAM)[:10],
        RESET,
    )
    seen: list[Event] = []

    async def main() -> None:
        client = InferenceProviders(api_key="hf_x", transport=ReplayTransport(exchanges))
        async for event in client.stream(MESSAGES, model="llama-3.3-70b"):
            seen.append(event)

    with pytest.raises(ReadError):
        anyio.run(main)
    assert seen


def test_a_request_nobody_recorded_is_a_fixture_miss() -> None:
    async def main() -> None:
        client = InferenceProviders(api_key="hf_x", transport=ReplayTransport([]))
        await client.complete(MESSAGES, model="x/y")

    with pytest.raises(FixtureMissError, match="no recorded exchange for GET"):
        anyio.run(main)


def test_credentials_come_from_arguments_or_the_environment_only() -> None:
    with pytest.raises(MissingAuthError, match="HF_TOKEN"):
        InferenceProviders(env={}, transport=ReplayTransport([]))
    client = InferenceProviders(env={"HF_TOKEN": "hf_from_env"}, transport=ReplayTransport([]))
    assert "hf_from_env" not in repr(vars(client))
    with pytest.raises(MissingAuthError, match="HF_CHAT_COOKIE"):
        HuggingChat(env={}, transport=ReplayTransport([]))
    with pytest.raises(MissingAuthError, match="HAILUO_TOKEN"):
        Hailuo(env={}, transport=ReplayTransport([]))
    assert from_env("hailuo.uuid", None, {"HAILUO_UUID": "u"}) == Secret("u")


def test_secret_is_masked() -> None:
    secret = Secret("hf_abc")
    assert "hf_abc" not in repr(secret)
    assert "hf_abc" not in str(secret)
    assert "hf_abc" not in f"{secret}"
    assert secret.reveal() == "hf_abc"


def hailuo_exchange() -> Exchange:
    url = (
        "https://www.hailuo.ai/v4/api/chat/msg?device_platform=web&biz_id=2&app_id=3001"
        "&version_code=22201&lang=en&uuid=u-1&device_id=d-1&os_name=Windows&browser_name=chrome"
        "&cpu_core_num=8&browser_language=en-US&browser_platform=Win32&screen_width=1920"
        "&screen_height=1080&unix="
    )
    return Exchange.of("POST", url, 200, (), chunks(HAILUO_STREAM))


def test_hailuo_conversation_continues_over_two_turns() -> None:
    # The signed query ends with the current time: match the recorded prefix.
    transport = ReplayTransport(
        [hailuo_exchange(), hailuo_exchange()],
        match=lambda exchange, request: request.url.startswith(exchange.request.url),
    )

    async def main() -> tuple[Completion, Completion]:
        client = Hailuo(token="t0k", device_id="d-1", uuid="u-1", transport=transport)
        first = await client.complete([{"role": "user", "content": "Hello?"}])
        history = [
            {"role": "user", "content": "Hello?"},
            {"role": "assistant", "content": first.text},
            {"role": "user", "content": "And goodbye?"},
        ]
        second = await client.complete(history, conversation=first.conversation)
        return first, second

    first, second = anyio.run(main)
    assert first.conversation == Conversation("hailuo", chat_id="312345678901234567")
    assert first.title == "Saying hello in Chinese"
    assert second.text == first.text
    form = transport.requests[1].body
    assert b'name="chatID"\r\n\r\n312345678901234567\r\n' in form
    assert b'name="msgContent"\r\n\r\nAnd goodbye?\r\n' in form


def test_in_band_error_makes_complete_raise() -> None:
    body = (EXAMPLES / "hf-router.stream-error.sse").read_bytes()
    exchanges = router_exchanges()
    exchanges[1] = Exchange.of("POST", exchanges[1].request.url, 200, (), (body,))

    async def main() -> None:
        client = InferenceProviders(api_key="hf_x", transport=ReplayTransport(exchanges))
        await client.complete(MESSAGES, model="llama-3.3-70b")

    with pytest.raises(StreamServiceError, match="validation: Input validation error"):
        anyio.run(main)


def test_sync_facade() -> None:
    with SyncInferenceProviders(
        api_key="hf_x", transport=ReplayTransport(router_exchanges())
    ) as client:
        assert client.complete(MESSAGES, model="llama-3.3-70b").finish_reason == "tool_calls"
    with (
        SyncInferenceProviders(
            api_key="hf_x", transport=ReplayTransport(router_exchanges())
        ) as client,
        client.stream(MESSAGES, model="llama-3.3-70b") as stream,
    ):
        events = list(stream)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)).endswith("Paris.")
