"""The secret scanner: a cassette that holds a credential is never written.

:func:`scan` looks at every string and byte of a cassette (URL, headers,
request body, reason, the response body as one, so a token cut by a chunk
boundary is found too) for the secret values a recording saw and for
anything shaped like a token: a Hugging Face token (``hf_`` and 20 or more
letters and digits), a JWT (``eyJ...eyJ...``) or a bearer credential that is
not a placeholder. A :class:`Finding` names the file, the exchange and the
field, and what was found, never the value itself.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from typing import Final
from urllib.parse import quote, quote_plus

import attrs

from hfclient.transport.cassette import Cassette

__all__ = [
    "MIN_SECRET_LENGTH",
    "TOKEN_SHAPES",
    "Finding",
    "SecretLeakError",
    "check",
    "forms",
    "scan",
]

MIN_SECRET_LENGTH: Final = 8
"""Seen values shorter than this are not searched for (they turn up by chance in any text)."""

TOKEN_SHAPES: Final[tuple[tuple[str, re.Pattern[bytes]], ...]] = (
    ("a Hugging Face token (hf_...)", re.compile(rb"hf_[A-Za-z0-9]{20,}")),
    ("a JWT", re.compile(rb"eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")),
    # A bearer credential: token68 characters, a digit among them, not a <secret:...>
    # placeholder (prose such as "Bearer token required" has no digit).
    (
        "a bearer token",
        re.compile(rb"(?i)bearer\s+(?!<secret:)(?=[A-Za-z._~+/-]*[0-9])[A-Za-z0-9._~+/-]{8,}"),
    ),
)
"""What a credential looks like, whoever's it is: (what to call it, pattern)."""


@attrs.frozen(slots=True)
class Finding:
    """One secret found: where (file, exchange number from 0, field) and what, never the value."""

    field: str
    what: str
    exchange: int | None = None
    source: str | None = None

    def __str__(self) -> str:
        where = [self.source] if self.source else []
        if self.exchange is not None:
            where.append(f"exchange {self.exchange}")
        where.append(self.field)
        return f"{', '.join(where)}: {self.what}"


class SecretLeakError(ValueError):
    """A cassette holds a secret: it is not written. ``findings`` says where."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = tuple(findings)
        lines = "\n".join(f"  {finding}" for finding in self.findings)
        super().__init__(f"the cassette holds secrets, not written:\n{lines}")


def forms(value: str) -> frozenset[str]:
    """The forms secret ``value`` takes as it is, in a URL, in a form and in a JSON string."""
    return frozenset({value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]})


def _forms(secrets: Iterable[str]) -> list[bytes]:
    out = {
        form.encode("utf-8")
        for value in secrets
        if len(value) >= MIN_SECRET_LENGTH
        for form in forms(value)
    }
    return sorted(out, key=len, reverse=True)


def _hits(data: bytes, seen: re.Pattern[bytes] | None) -> Iterator[tuple[int, str]]:
    # (offset, what) of every secret in data.
    if seen is not None:
        for found in seen.finditer(data):
            yield found.start(), "a secret value seen while recording"
    for what, pattern in TOKEN_SHAPES:
        for found in pattern.finditer(data):
            yield found.start(), what


def _fields(cassette: Cassette) -> Iterator[tuple[int | None, str, bytes]]:
    yield None, "service", (cassette.service or "").encode()
    yield None, "fault", (cassette.fault or "").encode()
    for number, exchange in enumerate(cassette.exchanges):
        request, response = exchange.request, exchange.response
        yield number, "request.url", request.url.encode()
        for name, value in request.headers:
            yield number, f"request.headers[{name}]", f"{name}: {value}".encode()
        if request.body is not None:
            yield number, "request.body", request.body
        yield number, "response.reason", response.reason.encode()
        for name, value in response.headers:
            yield number, f"response.headers[{name}]", f"{name}: {value}".encode()


def scan(
    cassette: Cassette, secrets: Iterable[str] = (), *, source: str | os.PathLike[str] | None = None
) -> list[Finding]:
    """Every secret in ``cassette``: the values of ``secrets``, and token-shaped strings.

    ``source`` (the file) is named in each finding.
    """
    forms = _forms(secrets)
    seen = re.compile(b"|".join(re.escape(form) for form in forms)) if forms else None
    where = None if source is None else os.fspath(source)
    findings: list[Finding] = []
    for number, field, data in _fields(cassette):
        findings.extend(Finding(field, what, number, where) for _, what in _hits(data, seen))
    for number, exchange in enumerate(cassette.exchanges):
        chunks = exchange.response.chunks
        starts, offset = [], 0
        for chunk in chunks:
            starts.append(offset)
            offset += len(chunk.data)
        # The body as one: a token cut by a chunk boundary is still a token.
        for at, what in _hits(exchange.response.body, seen):
            index = max(i for i, start in enumerate(starts) if start <= at)
            findings.append(Finding(f"response.chunks[{index}]", what, number, where))
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    # A seen value that is also token-shaped is one finding per field and kind.
    return list(dict.fromkeys(findings))


def check(
    cassette: Cassette, secrets: Iterable[str] = (), *, source: str | os.PathLike[str] | None = None
) -> None:
    """Raise :class:`SecretLeakError` if :func:`scan` finds anything in ``cassette``."""
    findings = scan(cassette, secrets, source=source)
    if findings:
        raise SecretLeakError(findings)
