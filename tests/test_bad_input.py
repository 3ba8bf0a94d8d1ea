"""Bad input from the caller: one clear error of ours, at the call, before any request."""

from __future__ import annotations

import math

import pytest

from hfclient import Hailuo, HuggingChat, InferenceProviders
from hfclient.errors import ArgumentError
from hfclient.transport.replay import ReplayTransport

pytestmark = pytest.mark.anyio


def router(transport: ReplayTransport) -> InferenceProviders:
    return InferenceProviders(api_key="hf_x", provider="auto", transport=transport)


@pytest.mark.parametrize(
    ("messages", "why"),
    [
        ("hello", "not a str"),
        ({"role": "user", "content": "hi"}, "not a dict"),
        (["hello"], r"messages\[0\] is a str"),
        ([{"content": "hi"}], r"messages\[0\] needs a role"),
        ([{"role": "user", "content": 3}], r"messages\[0\]\.content is text or a list"),
        ([{"role": "user", "content": ["hi"]}], r"content\[0\] is a str"),
        (None, "not NoneType"),
    ],
)
async def test_messages_of_the_wrong_shape(messages: object, why: str) -> None:
    transport = ReplayTransport([])
    for client in (
        router(transport),
        HuggingChat(hf_chat="c", token="t", transport=transport),
        Hailuo(token="t", device_id="d", uuid="u", transport=transport),
    ):
        kwargs = {} if isinstance(client, Hailuo) else {"model": "org/model"}
        with pytest.raises(ArgumentError, match=why):
            client.stream(messages, **kwargs)  # type: ignore[arg-type]
    assert transport.requests == []


@pytest.mark.parametrize("model", [["org/model"], None, "", 3])
async def test_a_model_that_is_not_a_name(model: object) -> None:
    transport = ReplayTransport([])
    with pytest.raises(ArgumentError, match="model is the name of a model"):
        router(transport).stream([{"role": "user", "content": "hi"}], model=model)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="model is the name of a model"):
        HuggingChat(hf_chat="c", token="t", transport=transport).stream(
            [{"role": "user", "content": "hi"}],
            model=model,  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (None, "base_url is an http"),
        ("router.huggingface.co", "http:// or https:// URL"),
        ("ftp://host", "http:// or https:// URL"),
        ("https://host/v1?x=1", "cannot hold a query"),
        ("https://host/#top", "cannot hold a query or a fragment"),
    ],
)
async def test_a_base_url_that_would_build_wrong_urls(url: object, why: str) -> None:
    with pytest.raises(ArgumentError, match=why):
        InferenceProviders(api_key="hf_x", base_url=url, transport=ReplayTransport([]))  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=why):
        HuggingChat(hf_chat="c", base_url=url, transport=ReplayTransport([]))  # type: ignore[arg-type]


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
async def test_nan_never_goes_out_as_invalid_json(number: float) -> None:
    transport = ReplayTransport([])
    with pytest.raises(ArgumentError, match="NaN or Infinity"):
        router(transport).stream(
            [{"role": "user", "content": "hi"}], model="org/model", temperature=number
        )
    assert transport.requests == []


async def test_an_image_for_hailuo_is_refused_not_dropped() -> None:
    content = [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    ]
    client = Hailuo(token="t", device_id="d", uuid="u", transport=ReplayTransport([]))
    with pytest.raises(ArgumentError, match="'image_url' part cannot go to a web chat"):
        client.stream([{"role": "user", "content": content}])
