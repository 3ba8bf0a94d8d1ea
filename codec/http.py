"""Request values: what to send, as a pure value that ``hfclient`` puts on the wire."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Final
from urllib.parse import unquote_plus

import attrs

__all__ = [
    "ALWAYS_SECRET_HEADERS",
    "RESPONSE_SECRET_HEADERS",
    "FormPart",
    "HttpRequest",
    "encode_multipart",
    "first_header",
    "join_url",
    "json_body",
    "masked_headers",
    "query_string",
]

ALWAYS_SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "token"}
)
"""Request header names whose values are credentials whatever a spec says."""
RESPONSE_SECRET_HEADERS: Final = frozenset({"set-cookie", "set-cookie2"})
"""Response headers that hand out credentials (a new session cookie)."""
_MASK: Final = "<redacted>"


@attrs.frozen(slots=True, repr=False)
class HttpRequest:
    """One HTTP request to send.

    ``headers`` keeps order and repeats. ``secret_headers`` names (lowercase)
    the headers that carry credentials; with the usual credential headers
    they are masked in ``repr`` so a request can be logged safely.
    ``secret_query`` names (as the spec writes them, case-sensitive) the query
    parameters whose values identify the user or device; ``repr`` masks
    their values in ``url`` too.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    secret_headers: frozenset[str] = frozenset()
    secret_query: frozenset[str] = frozenset()

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        return first_header(self.headers, name)

    def is_secret(self, name: str) -> bool:
        """Whether header ``name`` carries a credential."""
        lowered = name.lower()
        return lowered in ALWAYS_SECRET_HEADERS or lowered in self.secret_headers

    def redacted_url(self) -> str:
        """``url`` with the values of the ``secret_query`` parameters masked."""
        base, sep, rest = self.url.partition("?")
        if not sep or not self.secret_query:
            return self.url
        query, hash_, fragment = rest.partition("#")
        secret = {_form_encode(name) for name in self.secret_query}
        shown = []
        for item in query.split("&"):
            key, eq, _ = item.partition("=")
            shown.append(f"{key}={_MASK}" if eq and key in secret else item)
        return f"{base}?{'&'.join(shown)}{hash_}{fragment}"

    def secret_values(self) -> frozenset[str]:
        """The credential values this request carries, as a server could echo them.

        Each secret header's value whole, without its scheme (``Bearer``), and
        each cookie's value; each ``secret_query`` parameter's value, decoded.
        """
        values: set[str] = set()
        for key, value in self.headers:
            if not self.is_secret(key):
                continue
            values.add(value)
            scheme, space, credential = value.partition(" ")
            if space and scheme.isalpha():
                values.add(credential)
            if key.lower() == "cookie":
                values.update(pair.partition("=")[2].strip() for pair in value.split(";"))
        if self.secret_query:
            _, _, rest = self.url.partition("?")
            secret = {_form_encode(name) for name in self.secret_query}
            for item in rest.partition("#")[0].split("&"):
                key, eq, value = item.partition("=")
                if eq and key in secret:
                    values.add(_form_decode(value))
        return frozenset(v for v in values if v)

    def __repr__(self) -> str:
        shown = masked_headers(self.headers, ALWAYS_SECRET_HEADERS | self.secret_headers)
        return (
            f"HttpRequest(method={self.method!r}, url={self.redacted_url()!r}, headers={shown!r}, "
            f"body=<{len(self.body)} bytes>)"
        )


def masked_headers(
    headers: Iterable[tuple[str, str]], secret: frozenset[str]
) -> tuple[tuple[str, str], ...]:
    """``headers`` with the value of every header named in ``secret`` (lowercase) masked."""
    return tuple((key, _MASK if key.lower() in secret else value) for key, value in headers)


def json_body(value: object) -> bytes:
    """``value`` as compact UTF-8 JSON, the way ``JSON.stringify`` writes it in a browser."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def first_header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of header ``name`` in ``headers`` (case-insensitive), or ``None``."""
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


def join_url(base_url: str, path: str) -> str:
    """``base_url`` and an absolute ``path`` with exactly one slash between them."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def query_string(params: Iterable[tuple[str, str]]) -> str:
    """Form-encode ``params`` in the given order, as browsers' ``URLSearchParams`` do.

    Order matters: Hailuo signs the exact query it receives
    (protocols/hailuo.md §4).
    """
    return "&".join(f"{_form_encode(key)}={_form_encode(value)}" for key, value in params)


# application/x-www-form-urlencoded keeps only these bytes (WHATWG URL, urlencoded serializer).
_FORM_SAFE: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._")


def _form_decode(text: str) -> str:
    return unquote_plus(text)


def _form_encode(text: str) -> str:
    # Not urllib's quote_plus: that keeps "~", which URLSearchParams escapes.
    return "".join(
        chr(byte) if byte in _FORM_SAFE else "+" if byte == 0x20 else f"%{byte:02X}"
        for byte in text.encode("utf-8")
    )


@attrs.frozen(slots=True, repr=False)
class FormPart:
    """One part of a ``multipart/form-data`` body."""

    name: str
    value: bytes
    filename: str | None = None
    content_type: str | None = None

    def __repr__(self) -> str:
        return (
            f"FormPart(name={self.name!r}, filename={self.filename!r}, "
            f"content_type={self.content_type!r}, value=<{len(self.value)} bytes>)"
        )


def encode_multipart(parts: Sequence[FormPart], boundary: str) -> tuple[bytes, str]:
    """Encode ``parts`` as ``multipart/form-data``; return the body and its Content-Type.

    The boundary is the caller's (codec has no randomness); it must not occur
    in any part.
    """
    if not boundary or len(boundary) > 70:
        raise ValueError("a multipart boundary has 1 to 70 characters (RFC 2046)")
    delimiter = b"--" + boundary.encode("ascii")
    out: list[bytes] = []
    for part in parts:
        if delimiter in part.value:
            raise ValueError(f"multipart boundary occurs inside part {part.name!r}")
        disposition = f'form-data; name="{_quote_param(part.name)}"'
        if part.filename is not None:
            disposition += f'; filename="{_quote_param(part.filename)}"'
        out.append(delimiter + b"\r\n")
        out.append(f"Content-Disposition: {disposition}\r\n".encode())
        if part.content_type is not None:
            out.append(f"Content-Type: {part.content_type}\r\n".encode())
        out.append(b"\r\n" + part.value + b"\r\n")
    out.append(delimiter + b"--\r\n")
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def _quote_param(value: str) -> str:
    # WHATWG form encoding: escape the quote and line breaks, keep UTF-8 as is.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
