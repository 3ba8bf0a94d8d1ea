"""The error tree: one root, useful messages, no credentials anywhere."""

from __future__ import annotations

import pytest

from codec.errors import CodecError
from hfclient import errors
from hfclient.translate.errors import error_kind


def test_every_public_error_is_an_hfclient_error() -> None:
    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, errors.HfClientError), name


def test_decode_error_is_both_trees() -> None:
    source = CodecError("invalid JSON", offset=12, line=b"{x", events=[1])
    error = errors.DecodeError.from_codec(source)
    assert isinstance(error, CodecError)
    assert isinstance(error, errors.HfClientError)
    assert (error.offset, error.line, error.events) == (12, b"{x", [1])
    assert error.__cause__ is source


def test_http_status_error_message() -> None:
    error = errors.RateLimitError(
        "Model is overloaded", status=429, provider="together", retry_after=2.0
    )
    assert str(error) == "HTTP 429 from together: Model is overloaded"
    assert error.retry_after == 2.0
    assert isinstance(error, errors.HTTPStatusError)
    assert "retry_after=2.0" in repr(error)


def test_missing_auth_before_any_request_has_no_status() -> None:
    error = errors.MissingAuthError("set HF_TOKEN or pass api_key=")
    assert error.status is None
    assert str(error) == "set HF_TOKEN or pass api_key="


def test_all_providers_failed_lists_each_attempt() -> None:
    error = errors.AllProvidersFailedError(
        "every provider failed",
        attempts=[
            errors.ProviderAttempt("cerebras", 402, "credits"),
            errors.ProviderAttempt("groq", 503, "overloaded"),
        ],
    )
    assert str(error) == "every provider failed (cerebras: 402 credits; groq: 503 overloaded)"
    assert (error.status, error.provider) == (503, "groq")


def test_transport_timeout_is_also_a_builtin_timeout() -> None:
    with pytest.raises(TimeoutError):
        raise errors.TransportTimeout("read timed out from 127.0.0.1:1")


def test_fixture_miss_lists_near_misses() -> None:
    error = errors.FixtureMissError("no recorded POST /v1/chat", near_misses=["POST /v2/chat"])
    assert str(error).splitlines() == [
        "no recorded POST /v1/chat",
        "near misses:",
        "  POST /v2/chat",
    ]


@pytest.mark.parametrize(
    ("kwargs", "kind"),
    [
        ({"status": 401}, "auth"),
        ({"status": 402}, "payment"),
        ({"status": 429}, "rate_limit"),
        ({"status": 503}, "overloaded"),
        ({"status": 422}, "validation"),
        ({"status": 410}, "gone"),
        ({"status": 403}, "forbidden"),
        ({"status": 404}, "not_found"),
        ({"status": 502}, "server"),
        ({"status": 599}, "server"),
        ({"status": 418}, "unknown"),
        ({"error_type": "overloaded"}, "overloaded"),
        ({"message": "You have exceeded your monthly included credits"}, "payment"),
        ({"message": "You are sending too many messages. Try again later."}, "rate_limit"),
        ({"message": "You have to be logged in."}, "auth"),
        ({"message": "Model not available anymore"}, "model_not_supported"),
        ({"message": "something else"}, "unknown"),
        ({"status": 500, "message": "Model is overloaded"}, "overloaded"),
    ],
)
def test_error_kinds(kwargs: dict[str, object], kind: str) -> None:
    assert error_kind(**kwargs) == kind  # type: ignore[arg-type]
