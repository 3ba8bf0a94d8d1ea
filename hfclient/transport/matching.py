"""Whether a request matches a recorded one: on meaning, not bytes.

The rule of a recorded request is its operation's ``record.match`` in the
spec (found by method and path template among the service's servers), as
the cassette's :class:`~hfclient.transport.cassette.MatchRule` changes it;
a URL no spec knows gets ``method, path, query, body``. Entries:

- ``method``; ``path`` (percent-decoded);
- ``query``: the parsed multi-map, order ignored, ``key[]`` the same as ``key``;
  ``query.<name>`` one parameter's values;
- ``header.<name>``: one header's values (headers count only when named);
- ``body``: the whole body by meaning (JSON parsed, multipart by its parts,
  a JSON part parsed); ``body.<path>``: dotted keys into the JSON body, or a
  multipart part name then keys into it (``body.data.inputs``).

A recorded string holding a secret placeholder (``<secret:token>``) matches
any value in its place. :func:`mismatches` says why a request does not
match, one reason per entry (``body.model is 'a', recorded 'b'``), and
never shows the value of a credential header or a secret query parameter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from types import ModuleType
from typing import Final
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

import attrs

from codec import hailuo, huggingchat, router
from codec.http import ALWAYS_SECRET_HEADERS, HttpRequest
from codec.specinfo import OperationInfo, StreamInfo
from hfclient.transport.cassette import PLACEHOLDER, MatchRule, Request

__all__ = [
    "DEFAULT_RULE",
    "SERVICES",
    "Operation",
    "find_operation",
    "find_operations",
    "mismatches",
    "parse_body",
    "rule_for",
]

SERVICES: Final[Mapping[str, ModuleType]] = {
    "router": router,
    "huggingchat": huggingchat,
    "hailuo": hailuo,
}
"""The codec module of each service: its ``SERVERS``, ``OPERATIONS`` and ``STREAMS``."""

DEFAULT_RULE: Final = ("method", "path", "query", "body")
"""The rule of a request no spec operation describes (the spec's own default)."""

_MASK: Final = "<redacted>"
_SHOWN: Final = 60  # characters of a value a reason shows


class _Missing:
    def __repr__(self) -> str:
        return "missing"


MISSING: Final = _Missing()
"""A value a request does not have (a reason shows it as ``missing``)."""


@attrs.frozen(slots=True)
class Operation:
    """The spec operation a URL belongs to: its service, its info and its stream's, if any."""

    service: str
    info: OperationInfo
    stream: StreamInfo | None = None


@cache
def _templates(service: str) -> tuple[tuple[str, str, re.Pattern[str], int], ...]:
    # (host, operation name, path pattern, literal length) for every server x operation.
    module = SERVICES[service]
    out = []
    for server in module.SERVERS.values():
        parts = urlsplit(server)
        prefix = parts.path.rstrip("/")
        for name, info in module.OPERATIONS.items():
            template = prefix + info.path
            pieces = re.split(r"\{[^}]+\}", template)
            # A path parameter may hold slashes (model ids, the router's {route}).
            pattern = re.compile("[^?#]+".join(re.escape(piece) for piece in pieces))
            out.append((parts.netloc.lower(), name, pattern, sum(map(len, pieces))))
    return tuple(out)


def find_operation(method: str, url: str, service: str | None = None) -> Operation | None:
    """The operation of ``service`` (or of any service) that ``method url`` is a call of.

    The most specific template wins: the one with the most fixed characters;
    of twins (same method and path, e.g. a streamed and a JSON answer), the
    first the spec declares.
    """
    found = find_operations(method, url, service)
    return found[0] if found else None


def find_operations(method: str, url: str, service: str | None = None) -> list[Operation]:
    """Every operation ``method url`` may be a call of, with the most specific template, in
    spec order (twins differ by body, e.g. ``stream``, and by what they answer)."""
    parts = urlsplit(url)
    host, path = parts.netloc.lower(), parts.path
    best: list[Operation] = []
    best_weight = -1
    for name in (service,) if service is not None else tuple(SERVICES):
        if name not in SERVICES:
            continue
        module = SERVICES[name]
        for server_host, op_name, pattern, weight in _templates(name):
            info = module.OPERATIONS[op_name]
            if server_host != host or info.method != method.upper():
                continue
            if weight < best_weight or pattern.fullmatch(path) is None:
                continue
            if weight > best_weight:
                best, best_weight = [], weight
            stream = module.STREAMS.get(info.stream) if info.stream else None
            operation = Operation(name, info, stream)
            if operation not in best:  # one operation on two servers is still one
                best.append(operation)
    return best


def operation_of(method: str, url: str, service: str | None = None) -> Operation | None:
    """The spec operation of ``method url``, also when the URL is on another host.

    A recording against a server of one's own (``base_url=http://127.0.0.1:...``)
    is still of the spec's operation: with ``service`` given, the path is
    tried on each of the service's servers too.
    """
    found = find_operation(method, url, service)
    if found is not None or service is None or service not in SERVICES:
        return found
    parts = urlsplit(url)
    for server in SERVICES[service].SERVERS.values():
        base = urlsplit(server)
        for path in (base.path.rstrip("/") + parts.path, parts.path):
            moved = urlunsplit((base.scheme, base.netloc, path, parts.query, ""))
            found = find_operation(method, moved, service)
            if found is not None:
                return found
    return None


def rule_for(
    recorded: Request, *, service: str | None = None, override: MatchRule | None = None
) -> tuple[str, ...]:
    """What a replayed request must equal to match ``recorded``.

    A recording against a server of one's own is still of its service's
    operation when the cassette names the service (:func:`operation_of`).
    """
    operation = operation_of(recorded.method, recorded.url, service)
    rule = operation.info.match_on if operation is not None else DEFAULT_RULE
    return override.apply(rule) if override is not None else tuple(rule)


def mismatches(recorded: Request, request: HttpRequest, rule: Sequence[str]) -> list[str]:
    """Why ``request`` does not match ``recorded`` under ``rule``: one reason each; [] matches."""
    reasons: list[str] = []
    got, want = _View.of_request(request), _View.of_recorded(recorded)
    for entry in rule:
        head, _, rest = entry.partition(".")
        if head == "method":
            if got.method != want.method:
                reasons.append(f"method is {got.method}, recorded {want.method}")
        elif head == "path":
            if got.path != want.path:
                reasons.append(f"path is {_show(got.path)}, recorded {_show(want.path)}")
        elif head == "query":
            reasons.extend(_query_reasons(got, want, rest or None, request.secret_query))
        elif head == "header":
            secret = rest.lower() in ALWAYS_SECRET_HEADERS or request.is_secret(rest)
            reason = _diff(entry, want.header(rest), got.header(rest))
            if reason is not None:
                reasons.append(f"{entry} differs" if secret else reason)
        elif head == "body" and recorded.body is not None:
            reason = _diff(entry, want.body_at(rest), got.body_at(rest))
            if reason is not None:
                reasons.append(reason)
    return reasons


# A miss on method or path weighs more than any number of field misses.
_ELSEWHERE: Final = 100


def nearest(
    misses: Sequence[tuple[Request, Sequence[str], Sequence[str]]], limit: int
) -> list[str]:
    """The ``limit`` closest misses, each as ``METHOD /path: reason; reason``.

    Each miss is a recorded request, its :func:`mismatches`, and notes that
    are said but not weighed (e.g. "not the next exchange"); recorded order
    breaks ties.
    """

    def weight(reasons: Sequence[str]) -> int:
        return sum(_ELSEWHERE if r.startswith(("method ", "path ")) else 1 for r in reasons)

    ranked = sorted(enumerate(misses), key=lambda item: (weight(item[1][1]), item[0]))
    return [
        f"{shown_target(recorded)}: {'; '.join([*reasons, *notes]) or 'matches'}"
        for _, (recorded, reasons, notes) in ranked[:limit]
    ]


def shown_target(recorded: Request) -> str:
    """``METHOD /path`` of a recorded request: no host, and no query (it may hold placeholders)."""
    path = recorded.url.split("?", 1)[0]
    _, _, rest = path.partition("://")
    return f"{recorded.method} /{rest.partition('/')[2]}" if rest else f"{recorded.method} {path}"


def _query_reasons(got: _View, want: _View, name: str | None, secret: frozenset[str]) -> list[str]:
    names = [name] if name is not None else sorted(set(got.query) | set(want.query))
    out = []
    for key in names:
        mine, theirs = got.query.get(key, []), want.query.get(key, [])
        if not _same_multiset(theirs, mine):
            if key in secret:
                out.append(f"query.{key} differs")
            else:
                out.append(f"query.{key} is {_show(mine)}, recorded {_show(theirs)}")
    return out


# -- views of a request: parsed once ----------------------------------------------


@attrs.frozen(slots=True)
class _View:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: tuple[tuple[str, str], ...]
    body: object

    @classmethod
    def of_request(cls, request: HttpRequest) -> _View:
        return cls._make(request.method, request.url, request.headers, request.body)

    @classmethod
    def of_recorded(cls, recorded: Request) -> _View:
        return cls._make(recorded.method, recorded.url, recorded.headers, recorded.body or b"")

    @classmethod
    def _make(
        cls, method: str, url: str, headers: tuple[tuple[str, str], ...], body: bytes
    ) -> _View:
        parts = urlsplit(url)
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        return cls(
            method.upper(),
            unquote(parts.path) or "/",
            _multimap(parts.query),
            headers,
            parse_body(body, content_type),
        )

    def header(self, name: str) -> list[str] | _Missing:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values if values else MISSING

    def body_at(self, path: str) -> object:
        value = self.body
        for key in path.split(".") if path else ():
            if isinstance(value, dict):
                value = value.get(key, MISSING)
            elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
                value = value[int(key)]
            else:
                return MISSING
        return value


def _multimap(query: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        # PHP/Rails style "key[]" is the same parameter as "key".
        out.setdefault(key.removesuffix("[]"), []).append(value)
    return out


def parse_body(body: bytes, content_type: str | None) -> object:
    """``body`` by meaning: JSON parsed, a multipart body as ``{part: value}``, else bytes.

    A multipart part is JSON when it parses as a JSON object or array, else
    text when it is UTF-8. Repeated parts (files) become a list.
    """
    media = (content_type or "").split(";")[0].strip().lower()
    boundary = _boundary(content_type, body)
    if boundary is not None:
        return _multipart(body, boundary)
    if media.endswith("json") or body[:1] in (b"{", b"["):
        try:
            return json.loads(body)
        except ValueError:
            pass
    if media == "application/x-www-form-urlencoded":
        return dict(_multimap(body.decode("utf-8", "replace")))
    return body


def _boundary(content_type: str | None, body: bytes) -> str | None:
    if content_type is not None:
        found = re.search(r'boundary="?([^";]+)"?', content_type)
        if found and content_type.lower().startswith("multipart/"):
            return found.group(1)
    # A recording that kept no Content-Type: a body that opens with a delimiter line.
    sniffed = re.match(rb"--([!-~]{1,70})\r\n[Cc]ontent-[Dd]isposition:", body)
    return sniffed.group(1).decode("ascii") if sniffed else None


def _multipart(body: bytes, boundary: str) -> dict[str, object]:
    parts: dict[str, list[object]] = {}
    for raw in body.split(b"--" + boundary.encode("ascii"))[1:]:
        if raw.startswith(b"--"):
            break
        head, _, value = raw.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        if name is None:
            continue
        parts.setdefault(name.group(1).decode("utf-8", "replace"), []).append(
            _part_value(value.removesuffix(b"\r\n"))
        )
    return {name: values[0] if len(values) == 1 else values for name, values in parts.items()}


def _part_value(value: bytes) -> object:
    if value[:1] in (b"{", b"["):
        try:
            return json.loads(value)
        except ValueError:
            pass
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value


# -- comparing values ---------------------------------------------------------------


@cache
def _placeholder_pattern(recorded: str) -> re.Pattern[str] | None:
    pieces = PLACEHOLDER.split(recorded)
    if len(pieces) == 1:
        return None
    # split() interleaves the names: literal, name, literal, ... Each name stands for any text.
    return re.compile(".*".join(re.escape(text) for text in pieces[::2]), re.DOTALL)


def _same(recorded: object, actual: object) -> bool:
    if isinstance(recorded, str):
        pattern = _placeholder_pattern(recorded)
        if pattern is not None:
            if PLACEHOLDER.fullmatch(recorded):
                return actual is not MISSING  # a whole scrubbed value: anything there matches
            return isinstance(actual, str) and pattern.fullmatch(actual) is not None
    if isinstance(recorded, dict) and isinstance(actual, dict):
        return recorded.keys() == actual.keys() and all(
            _same(value, actual[key]) for key, value in recorded.items()
        )
    if isinstance(recorded, list) and isinstance(actual, list):
        return len(recorded) == len(actual) and all(map(_same, recorded, actual))
    if isinstance(recorded, bool) or isinstance(actual, bool):
        return type(recorded) is type(actual) and recorded == actual  # JSON true is not 1
    numbers = isinstance(recorded, int | float) and isinstance(actual, int | float)
    return (numbers or type(recorded) is type(actual)) and recorded == actual


def _same_multiset(recorded: list[str], actual: list[str]) -> bool:
    if len(recorded) != len(actual):
        return False
    left = list(actual)
    for value in recorded:
        for index, candidate in enumerate(left):
            if _same(value, candidate):
                del left[index]
                break
        else:
            return False
    return True


def _diff(path: str, recorded: object, actual: object) -> str | None:
    """The first place ``actual`` differs from ``recorded``, as a reason; ``None``: equal."""
    if _same(recorded, actual):
        return None
    if isinstance(recorded, dict) and isinstance(actual, dict):
        for key in [*recorded, *(k for k in actual if k not in recorded)]:
            reason = _diff(f"{path}.{key}", recorded.get(key, MISSING), actual.get(key, MISSING))
            if reason is not None:
                return reason
    if isinstance(recorded, list) and isinstance(actual, list):
        if len(recorded) != len(actual):
            return f"{path} has {len(actual)} items, recorded {len(recorded)}"
        for index, (mine, theirs) in enumerate(zip(actual, recorded, strict=True)):
            reason = _diff(f"{path}[{index}]", theirs, mine)
            if reason is not None:
                return reason
    return f"{path} is {_show(actual)}, recorded {_show(recorded)}"


def _show(value: object) -> str:
    if value is MISSING:
        return "missing"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    text = (
        repr(value)
        if isinstance(value, str)
        else json.dumps(value, ensure_ascii=False, default=lambda v: f"<{len(v)} bytes>")
    )
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
