"""Scrubbing recorded exchanges, default-deny: what a cassette may keep of a request and response.

A recording keeps only the headers the spec's ``record.headers`` allows for
the request's operation (``content-type`` when no operation is known), on
the request and on the response. Credential headers (``authorization``,
``cookie``, ``token``, ``set-cookie``, ... and the request's own
``secret_headers``, which the spec's ``auth`` and ``secret`` declarations
fill) are kept with their values as stable placeholders (``Bearer
<secret:token>``, ``hf-chat=<secret:hf-chat>``), as are the request's
``secret_query`` parameters (Hailuo's ``device_id`` and ``uuid``). Every
secret value seen is also replaced wherever else it shows up: in the URL, in
the request body, in kept header values and in the response body (an echo of
the token in an error body), even across chunk boundaries.

Stable: within one :class:`Scrubber` (one cassette) the same value always
becomes the same placeholder, and two values never share one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final
from urllib.parse import unquote_plus

import attrs

from codec.http import ALWAYS_SECRET_HEADERS, RESPONSE_SECRET_HEADERS, HttpRequest
from hfclient.transport.cassette import (
    FRAMING_HEADERS,
    PLACEHOLDER,
    Cassette,
    Chunk,
    Exchange,
    Request,
    placeholder,
)
from hfclient.transport.matching import operation_of

# Shorter values are scrubbed where they are (header, query), not searched for elsewhere:
# a short string turns up by chance in any text, and replacing it would garble it.
from hfclient.transport.scan import MIN_SECRET_LENGTH, forms

__all__ = [
    "DEFAULT_RECORD_HEADERS",
    "Scrubber",
    "scrub_cassette",
]

DEFAULT_RECORD_HEADERS: Final = ("content-type",)
"""What a recording keeps of a request no spec operation describes (the spec's default)."""

# Placeholder names use these characters only (docs/cassette-format.md).
_NAME_UNSAFE: Final = re.compile(r"[^a-z0-9_.-]+")
# The credential headers named after what they hold, not after the header.
_HEADER_NAMES: Final = {"authorization": "token", "proxy-authorization": "proxy-token"}
_SCHEME: Final = re.compile(r"([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +(.+)")


def _name(text: str) -> str:
    name = _NAME_UNSAFE.sub("-", text.lower()).strip("-._")
    return name or "secret"


class Scrubber:
    """Turns the secrets of requests and responses into placeholders, for one cassette.

    ``service`` names the spec whose operations say which headers to keep.
    ``secrets`` maps placeholder names to values the caller knows are secret
    (the credentials it passed the client): they are replaced wherever they
    occur, even where no header or query parameter carried them.
    """

    def __init__(self, *, service: str | None = None, secrets: Mapping[str, str] = {}) -> None:
        self._service = service
        self._by_value: dict[str, str] = {}  # value -> placeholder
        self._taken: set[str] = set()
        self._pattern: re.Pattern[bytes] | None = None
        self._replacement: dict[bytes, bytes] = {}
        for name, value in secrets.items():
            self.secret(value, name)

    @property
    def seen(self) -> frozenset[str]:
        """Every secret value seen so far (for the scanner; never shown)."""
        return frozenset(self._by_value)

    def secret(self, value: str, name: str) -> str:
        """The placeholder of secret ``value``: the one it has, else a new one named ``name``."""
        if not value or PLACEHOLDER.fullmatch(value):
            return value
        known = self._by_value.get(value)
        if known is not None:
            return known
        base, number = _name(name), 1
        wanted = base
        while wanted in self._taken:  # another value has that name: this one gets the next
            number += 1
            wanted = f"{base}-{number}"
        self._taken.add(wanted)
        self._by_value[value] = text = placeholder(wanted)
        self._pattern = None
        return text

    # -- values anywhere ----------------------------------------------------------

    def _compiled(self) -> re.Pattern[bytes] | None:
        if self._pattern is None and self._by_value:
            replacement: dict[bytes, bytes] = {}
            for value, text in self._by_value.items():
                if len(value) < MIN_SECRET_LENGTH:
                    continue
                for form in forms(value):
                    replacement.setdefault(form.encode("utf-8"), text.encode("ascii"))
            if replacement:
                # Longest first: a value that contains another is replaced whole.
                ordered = sorted(replacement, key=len, reverse=True)
                self._pattern = re.compile(b"|".join(re.escape(form) for form in ordered))
                self._replacement = replacement
        return self._pattern

    def data(self, data: bytes) -> bytes:
        """``data`` with every secret value seen so far replaced by its placeholder."""
        pattern = self._compiled()
        if pattern is None:
            return data
        return pattern.sub(lambda m: self._replacement[m.group()], data)

    def text(self, text: str) -> str:
        """``text`` with every secret value seen so far replaced by its placeholder."""
        return self.data(text.encode("utf-8")).decode("utf-8")

    def chunks(self, chunks: Sequence[Chunk]) -> tuple[Chunk, ...]:
        """``chunks`` scrubbed as one body: a value cut by a chunk boundary is found too.

        A replaced value goes whole into the chunk it began in; a chunk left
        empty (it held only the middle of a secret) is dropped.
        """
        pattern = self._compiled()
        joined = b"".join(chunk.data for chunk in chunks)
        matches = [] if pattern is None else list(pattern.finditer(joined))
        if not matches:
            return tuple(chunks)
        out: list[Chunk] = []
        start, done, index = 0, 0, 0  # done: how far into joined the output has got
        for chunk in chunks:
            end = start + len(chunk.data)
            piece = bytearray()
            cursor = max(start, done)
            while index < len(matches) and matches[index].start() < end:
                found = matches[index]
                piece += joined[cursor : found.start()]
                piece += self._replacement[found.group()]
                cursor = found.end()
                index += 1
            if cursor < end:
                piece += joined[cursor:end]
                cursor = end
            done, start = cursor, end
            if piece:
                out.append(Chunk(bytes(piece), chunk.at))
        return tuple(out)

    # -- requests and responses ---------------------------------------------------

    def allowed(self, method: str, url: str) -> frozenset[str]:
        """The header names (lower-case) a recording of ``method url`` may keep."""
        operation = operation_of(method, url, self._service)
        kept = operation.info.record_headers if operation is not None else DEFAULT_RECORD_HEADERS
        return frozenset(name.lower() for name in kept)

    def request(self, request: HttpRequest) -> Request:
        """``request`` scrubbed: the recorded :class:`~hfclient.transport.cassette.Request`."""
        allowed = self.allowed(request.method, request.url)
        # Credentials first, so that every later value search knows them.
        headers = []
        for name, value in request.headers:
            lowered = name.lower()
            if request.is_secret(lowered):
                headers.append((lowered, self._credential(lowered, value)))
            elif lowered in allowed:
                headers.append((lowered, value))
        url = self._url(request.url, request.secret_query)
        kept = tuple((name, self.text(value)) for name, value in headers)
        return Request(request.method, self.text(url), kept, self.data(request.body))

    def response_headers(
        self,
        method: str,
        url: str,
        headers: Iterable[tuple[str, str]],
        *,
        status: int | None = None,
    ) -> tuple[tuple[str, str], ...]:
        """The response ``headers`` a recording of ``method url`` keeps, scrubbed.

        Framing headers never: the body is stored decoded. A redirect keeps
        its ``location`` (scrubbed like any value): it means nothing without it.
        """
        allowed = self.allowed(method, url) - FRAMING_HEADERS
        if status is not None and 300 <= status < 400:
            allowed |= {"location"}
        out = []
        for name, value in headers:
            lowered = name.lower()
            if lowered in RESPONSE_SECRET_HEADERS:
                out.append((lowered, self._set_cookie(value)))
            elif lowered in ALWAYS_SECRET_HEADERS:
                out.append((lowered, self._credential(lowered, value)))
            elif lowered in allowed:
                out.append((lowered, value))
        return tuple((name, self.text(value)) for name, value in out)

    def _credential(self, name: str, value: str) -> str:
        if name in ("cookie", "cookie2"):
            return "; ".join(self._cookie(pair) for pair in value.split(";") if pair.strip())
        if name in _HEADER_NAMES:
            found = _SCHEME.fullmatch(value.strip())
            if found is not None:  # "Bearer <secret:token>": the scheme is no secret
                return f"{found.group(1)} {self.secret(found.group(2), _HEADER_NAMES[name])}"
            return self.secret(value, _HEADER_NAMES[name])
        return self.secret(value, name)

    def _cookie(self, pair: str) -> str:
        key, eq, value = pair.strip().partition("=")
        if not eq:
            return self.secret(key, "cookie")
        return f"{key}={self.secret(value, key)}"

    def _set_cookie(self, value: str) -> str:
        first, sep, attributes = value.partition(";")
        return self._cookie(first) + sep + attributes  # Path, Expires, ... are no secret

    def _url(self, url: str, secret_query: frozenset[str]) -> str:
        base, sep, rest = url.partition("?")
        if not sep:
            return url
        query, hash_, fragment = rest.partition("#")
        items = []
        for item in query.split("&"):
            key, eq, value = item.partition("=")
            name = unquote_plus(key).removesuffix("[]")
            if eq and name in secret_query:
                # The decoded value is the secret; the placeholder goes in as is.
                items.append(f"{key}={self.secret(unquote_plus(value), name)}")
            else:
                items.append(item)
        return f"{base}?{'&'.join(items)}{hash_}{fragment}"


def scrub_cassette(cassette: Cassette, *, secrets: Mapping[str, str] = {}) -> Cassette:
    """A cassette recorded elsewhere (vcrpy's, say) scrubbed as a recording is.

    Requests first, so every credential they carry is known before the
    bodies are searched for it; then each response's headers and chunks.
    """
    scrubber = Scrubber(service=cassette.service, secrets=secrets)
    requests = []
    for exchange in cassette.exchanges:
        sent = exchange.request
        body = sent.body if sent.body is not None else b""
        scrubbed = scrubber.request(HttpRequest(sent.method, sent.url, sent.headers, body))
        requests.append(attrs.evolve(scrubbed, body=None) if sent.body is None else scrubbed)
    exchanges = []
    for exchange, request in zip(cassette.exchanges, requests, strict=True):
        response = exchange.response
        sent = exchange.request
        headers = scrubber.response_headers(
            sent.method, sent.url, response.headers, status=response.status
        )
        response = attrs.evolve(response, headers=headers, chunks=scrubber.chunks(response.chunks))
        exchanges.append(Exchange(request, response))
    return attrs.evolve(cassette, exchanges=tuple(exchanges))
