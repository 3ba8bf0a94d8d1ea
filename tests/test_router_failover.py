"""RouterMachine retries and failover: max_retries, connection failures, the errors users catch."""

from __future__ import annotations

import logging

import pytest

from hfclient.errors import (
    AllProvidersFailedError,
    ConnectError,
    HTTPStatusError,
    MissingAuthError,
    OverloadedError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    TransportError,
    TransportTimeout,
)
from hfclient.events import Finished
from tests.machine_helpers import Scripted, drive
from tests.test_protocol_router import error, machine, mapping_ok, stream_ok

LIVE = ["cerebras", "groq", "fireworks-ai", "together", "novita", "hf-inference"]


def providers_tried(run: object) -> list[str]:
    return [r.url.split("/")[3] for r in run.requests[1:]]  # type: ignore[attr-defined]


def test_max_retries_sets_how_often_one_provider_is_tried_again() -> None:
    answers = [mapping_ok, error(503), error(503), error(503), stream_ok]
    run = drive(machine(max_retries=2), answers)
    assert run.error is None
    assert providers_tried(run) == ["cerebras", "cerebras", "cerebras", "groq"]
    assert run.delays[1:] == [0.0, 1.0, 2.0, 0.0]  # the backoff doubles


def test_max_retries_zero_moves_on_at_once() -> None:
    run = drive(machine(max_retries=0), [mapping_ok, error(429), stream_ok])
    assert run.error is None
    assert providers_tried(run) == ["cerebras", "groq"]


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        machine(max_retries=-1)


def test_a_connection_failure_retries_then_moves_on() -> None:
    refused = ConnectError("connection refused")
    run = drive(machine(), [mapping_ok, refused, TransportTimeout("timed out"), stream_ok])
    assert run.error is None
    assert providers_tried(run) == ["cerebras", "cerebras", "groq"]
    assert run.delays[1:] == [0.0, 1.0, 0.0]
    assert isinstance(run.events[-1], Finished)


def test_the_hub_lookup_is_retried_too_then_its_error_raised() -> None:
    run = drive(machine(), [ConnectError("refused"), ConnectError("refused again")])
    assert isinstance(run.error, ConnectError)
    assert str(run.error) == "refused again"
    assert run.delays == [0.0, 1.0]
    answers = [error(503), error(429, b"{}", ("Retry-After", "4")), mapping_ok, stream_ok]
    run = drive(machine(max_retries=2), answers)
    assert run.error is None
    assert run.delays == [0.0, 1.0, 4.0, 0.0]  # the providers' retries start afresh
    assert run.requests[3].url.startswith("https://router.huggingface.co/cerebras/")


def test_a_connection_failure_on_the_auto_route_retries_then_raises() -> None:
    run = drive(machine(provider="auto"), [ConnectError("a"), ConnectError("b")])
    assert isinstance(run.error, ConnectError)
    assert str(run.error) == "b"
    assert len(run.requests) == 2


def test_every_provider_rate_limited_is_a_rate_limit_error_with_the_smallest_wait() -> None:
    waits = ["7", "7", "3", "3", "9", "9", "5", "5", "4", "4", "8", "8"]
    answers = [mapping_ok] + [error(429, b"{}", ("Retry-After", w)) for w in waits]
    run = drive(machine(), answers)
    assert isinstance(run.error, AllProvidersFailedError)
    assert isinstance(run.error, RateLimitError)
    assert run.error.retry_after == 3.0
    assert [a.provider for a in run.error.attempts] == [p for p in LIVE for _ in range(2)]
    assert all(a.error_class is RateLimitError for a in run.error.attempts)


def test_every_provider_out_of_credits_is_a_payment_error() -> None:
    run = drive(machine(), [mapping_ok] + [error(402)] * len(LIVE))
    assert isinstance(run.error, AllProvidersFailedError)
    assert isinstance(run.error, PaymentRequiredError)
    assert type(run.error).__name__ == "AllProvidersFailedPaymentRequiredError"
    again = drive(machine(), [mapping_ok] + [error(402)] * len(LIVE))
    assert type(again.error) is type(run.error)  # one class per kind


def test_every_provider_overloaded_is_also_a_server_error() -> None:
    run = drive(machine(max_retries=0), [mapping_ok] + [error(503)] * len(LIVE))
    assert isinstance(run.error, OverloadedError)
    assert isinstance(run.error, ServerError)
    assert isinstance(run.error, AllProvidersFailedError)


def test_every_provider_unreachable_is_also_a_connect_error() -> None:
    run = drive(machine(max_retries=0), [mapping_ok] + [ConnectError("refused")] * len(LIVE))
    assert isinstance(run.error, AllProvidersFailedError)
    assert isinstance(run.error, ConnectError)
    assert [a.status for a in run.error.attempts] == [None] * len(LIVE)
    assert "cerebras: no status refused" in str(run.error)


def test_mixed_failures_are_a_plain_all_providers_failed_error() -> None:
    answers = [mapping_ok, error(402), error(429), error(429)] + [error(402)] * 4
    run = drive(machine(), answers)
    assert type(run.error) is AllProvidersFailedError
    statuses = [a.status for a in run.error.attempts]
    assert statuses == [402, 429, 429, 402, 402, 402, 402]
    assert [a.error_class for a in run.error.attempts][:2] == [
        PaymentRequiredError,
        RateLimitError,
    ]


def test_a_pinned_providers_402_is_a_payment_required_error() -> None:
    run = drive(machine(provider="groq"), [mapping_ok, error(402)])
    assert isinstance(run.error, PaymentRequiredError)
    assert run.error.provider == "groq"
    assert run.error.status == 402


def test_retries_and_failovers_are_logged_at_info_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="hfclient")
    answers = [mapping_ok, error(429, b"{}", ("Retry-After", "2")), error(500), stream_ok]
    run = drive(machine(api_key="hf_planted_secret"), answers)
    assert run.error is None
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert lines == [
        "retrying cerebras after HTTP 429 in 2.00 s (retry 1 of 1)",
        "provider cerebras failed (HTTP 500); trying groq",
    ]
    assert "hf_planted_secret" not in caplog.text


def test_nothing_is_sent_again_once_the_answer_started() -> None:
    cut = Scripted(200, (("Content-Type", "text/event-stream"),), [stream_ok.chunks[0]])
    run = drive(machine(), [mapping_ok, cut])
    assert run.error is not None
    assert len(run.requests) == 2  # a truncated answer is not retried


def test_an_html_page_on_the_router_says_so() -> None:
    page = Scripted(200, (("Content-Type", "text/html; charset=utf-8"),), [b"<!doctype html>hi"])
    run = drive(machine(), [mapping_ok, page])
    assert isinstance(run.error, HTTPStatusError)
    assert run.error.status == 200
    assert "an HTML page, not the API" in str(run.error)
    assert "/cerebras/v1/chat/completions" in str(run.error)
    assert run.events == []


def test_a_redirect_to_a_login_page_is_missing_auth_naming_it() -> None:
    login = "https://huggingface.co/login?next=%2Fv1%2Fchat%2Fcompletions"
    moved = Scripted(302, (("Location", login),), [b""])
    run = drive(machine(provider="auto"), [moved])
    assert isinstance(run.error, MissingAuthError)
    assert f"redirected to {login}: the session is not logged in" in str(run.error)


def test_another_redirect_names_its_location() -> None:
    moved = Scripted(301, (("Location", "https://elsewhere.example/v1"),), [b""])
    run = drive(machine(provider="auto"), [moved])
    assert type(run.error) is HTTPStatusError
    assert "redirected to https://elsewhere.example/v1" in str(run.error)


def test_failures_of_related_kinds_share_their_common_class() -> None:
    answers = [mapping_ok, error(503), error(500), error(502)] + [error(500)] * 3
    run = drive(machine(max_retries=0), answers)
    assert isinstance(run.error, AllProvidersFailedError)
    assert isinstance(run.error, ServerError)
    assert not isinstance(run.error, OverloadedError)
    failures = [ConnectError("refused"), TransportTimeout("timed out")] * 3
    run = drive(machine(max_retries=0), [mapping_ok, *failures])
    assert isinstance(run.error, TransportError)
    assert not isinstance(run.error, ConnectError)
