"""The one rule for sign-in redirects, and how redirects and pages become errors."""

from __future__ import annotations

import pytest

from codec._generated.router import OPERATIONS
from hfclient.errors import HTTPStatusError, MissingAuthError
from hfclient.exchange import ResponseStarted
from hfclient.protocol._status import (
    error_for_status,
    is_login_location,
    is_unexpected_page,
    redirect_target,
)
from tests.machine_helpers import Scripted, drive
from tests.test_protocol_router import machine


@pytest.mark.parametrize(
    ("location", "login"),
    [
        ("https://huggingface.co/login?next=%2Fchat", True),
        ("/login", True),
        ("https://example.com/oauth/authorize?x=1", True),
        ("https://example.com/auth/signin", True),
        ("https://huggingface.co/api/models/a/b", False),
        ("/api/models/org/loginhelper", False),
        ("https://huggingface.co/blog/authoring", False),
    ],
)
def test_is_login_location(location: str, login: bool) -> None:
    assert is_login_location(location) is login


def test_redirect_target_resolves_relative_locations() -> None:
    here = "https://huggingface.co/api/models/a/b?expand=x"
    assert redirect_target(here, "/api/models/c/d") == "https://huggingface.co/api/models/c/d"
    assert redirect_target(here, "  ") is None
    assert redirect_target(here, None) is None


def test_a_redirect_error_names_the_location() -> None:
    operation = OPERATIONS["chat_completions"]
    login = ResponseStarted(302, (("Location", "https://huggingface.co/login"),))
    error = error_for_status(operation, login, b"", now=0.0, hint="pass api_key=")
    assert isinstance(error, MissingAuthError)
    assert str(error) == (
        "HTTP 302: redirected to https://huggingface.co/login: the session is not logged in"
        " (pass api_key=)"
    )
    bare = error_for_status(operation, ResponseStarted(308), b"", now=0.0)
    assert type(bare) is HTTPStatusError
    assert "redirected (no Location)" in str(bare)


def test_pages_are_unexpected_unless_the_operation_lists_html() -> None:
    html = ResponseStarted(200, (("Content-Type", "Text/HTML; charset=utf-8"),))
    assert is_unexpected_page(OPERATIONS["chat_completions"], html)
    assert not is_unexpected_page(OPERATIONS["chat_completions"], ResponseStarted(200))


def test_the_hub_lookup_does_not_follow_a_redirect_to_its_login_page() -> None:
    moved = Scripted(302, (("Location", "/login?next=/api/models/a/b"),), [b""])
    run = drive(machine(), [moved])
    assert isinstance(run.error, MissingAuthError)
    assert len(run.requests) == 1
    assert "redirected to /login?next=/api/models/a/b: the session is not logged in" in str(
        run.error
    )
