"""The drift check: what recorded answers carry that the spec does not describe.

:func:`check` decodes every exchange of every cassette (ours and vcrpy's)
with the spec's own decoders and reports, grouped and counted:

- ``unknown``: a stream event the spec does not describe, or whose payload
  does not fit it (``codec.values.Unknown``, with its reason);
- ``extra``: a wire key a record kept in ``extra`` (by event type and path);
- ``mismatched``: an optional value that did not fit its type (``mismatched``);
- ``status``: an error status the exchange's operation does not name;
- ``content-type``: a success labelled with a media type the operation does not name;
- ``undecodable``: a body that does not decode at all (broken framing, bad JSON);
- ``no-operation``: a request no operation of the spec describes.

A fault cassette (one with ``fault:``) holds its fault on purpose: its
statuses and broken bodies are not drift, but what its decoded events carry
still is. Paths name a record's fields by their Python names (the codec's
``snake_case`` of the wire key), ending in the wire key itself; ``[]`` is any
item of a list.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

import attrs

from codec import superjson
from codec.errors import CodecError
from codec.framing import NDJSONDecoder, ServerSentEvent, SSEDecoder
from codec.values import Mismatched, Unknown
from hfclient.transport.cassette import Cassette, Exchange, load
from hfclient.transport.matching import SERVICES, Operation, find_operations, operation_of

__all__ = ["DriftGroup", "DriftKind", "DriftReport", "Finding", "check", "check_cassette"]

DriftKind: TypeAlias = Literal[
    "unknown", "extra", "mismatched", "status", "content-type", "undecodable", "no-operation"
]

_WHERE_SHOWN: Final = 3  # locations kept per group: enough to open one


@attrs.frozen(slots=True)
class Finding:
    """One thing the spec does not describe, at one exchange of one cassette.

    ``event`` is the wire record's class (``ChatCompletionChunk``) or, for an
    ``unknown`` event, its tag; ``path`` where in it; ``detail`` the reason,
    the status or the media type.
    """

    kind: DriftKind
    service: str | None
    operation: str | None
    event: str | None
    path: str | None
    detail: str | None
    cassette: str
    exchange: int

    @property
    def where(self) -> str:
        """``cassette#exchange`` (counting from 1)."""
        return f"{self.cassette}#{self.exchange + 1}"


@attrs.frozen(slots=True)
class DriftGroup:
    """Findings alike but for where they were: how many, and the first few places."""

    kind: DriftKind
    service: str | None
    operation: str | None
    event: str | None
    path: str | None
    detail: str | None
    count: int
    where: tuple[str, ...]

    def describe(self) -> str:
        """One line: what drifted, where in the spec it belongs, how often."""
        scope = "/".join(part for part in (self.service, self.operation) if part)
        what = {
            "unknown": f"unknown event {self.event}" + (f": {self.detail}" if self.detail else ""),
            "extra": f"{self.event}: key {self.path} not in the spec",
            "mismatched": f"{self.event}: {self.path} does not fit: {self.detail}",
            "status": f"status {self.detail} is not named by the operation",
            "content-type": f"content type {self.detail} is not named by the operation",
            "undecodable": f"body does not decode: {self.detail}",
            "no-operation": f"no operation describes {self.detail}",
        }[self.kind]
        return f"{scope or '?'}: {what} ({self.count}x, e.g. {self.where[0]})"


@attrs.frozen(slots=True)
class DriftReport:
    """What :func:`check` found over ``cassettes`` cassettes and ``exchanges`` exchanges."""

    cassettes: int
    exchanges: int
    groups: tuple[DriftGroup, ...]

    @property
    def clean(self) -> bool:
        """Whether the spec describes everything the cassettes hold."""
        return not self.groups

    def text(self) -> str:
        """The report for people: a verdict line, then one line per group."""
        checked = f"{self.cassettes} cassettes, {self.exchanges} exchanges"
        if self.clean:
            return f"no drift: {checked}\n"
        total = sum(group.count for group in self.groups)
        lines = [f"drift: {total} findings in {len(self.groups)} groups ({checked})"]
        lines += [f"  {group.describe()}" for group in self.groups]
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        """The report for machines."""
        return {
            "clean": self.clean,
            "cassettes": self.cassettes,
            "exchanges": self.exchanges,
            "groups": [attrs.asdict(group) for group in self.groups],
        }


def check(paths: Iterable[str | os.PathLike[str]]) -> DriftReport:
    """The drift of every cassette at ``paths`` (files, or folders searched for ``*.yaml``).

    A file that is not a cassette raises ``ValueError`` naming it.
    """
    from hfclient.testing.replay_server import cassette_files

    findings: list[Finding] = []
    cassettes = exchanges = 0
    for path in paths:
        root = Path(path)
        for file in cassette_files(root) if root.is_dir() else [root]:
            try:
                cassette = load(file)
            except ValueError as exc:
                raise ValueError(f"{file} is not a cassette: {exc}") from None
            cassettes += 1
            exchanges += len(cassette.exchanges)
            findings += check_cassette(cassette, str(file))
    return DriftReport(cassettes, exchanges, group(findings))


def group(findings: Iterable[Finding]) -> tuple[DriftGroup, ...]:
    """``findings`` grouped by all but their place, most frequent first."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        key = (
            finding.kind,
            finding.service,
            finding.operation,
            finding.event,
            finding.path,
            finding.detail,
        )
        groups.setdefault(key, []).append(finding)
    out = [
        DriftGroup(
            kind=items[0].kind,
            service=items[0].service,
            operation=items[0].operation,
            event=items[0].event,
            path=items[0].path,
            detail=items[0].detail,
            count=len(items),
            where=_first_places(items),
        )
        for items in groups.values()
    ]
    return tuple(sorted(out, key=lambda g: (-g.count, g.kind, str(g.service), str(g.event))))


def _first_places(items: Sequence[Finding]) -> tuple[str, ...]:
    places: list[str] = []
    for item in items:
        if item.where not in places:
            places.append(item.where)
        if len(places) == _WHERE_SHOWN:
            break
    return tuple(places)


def check_cassette(cassette: Cassette, source: str = "<cassette>") -> list[Finding]:
    """The findings of every exchange of ``cassette`` (``source`` names it in them)."""
    out: list[Finding] = []
    for index, exchange in enumerate(cassette.exchanges):
        out += _Exchange(cassette, exchange, source, index).findings()
    return out


@attrs.define
class _Exchange:
    cassette: Cassette
    exchange: Exchange
    source: str
    index: int
    found: list[Finding] = attrs.field(factory=list)
    operation: Operation | None = None

    def add(
        self,
        kind: DriftKind,
        *,
        event: str | None = None,
        path: str | None = None,
        detail: str | None = None,
    ) -> None:
        op = self.operation
        self.found.append(
            Finding(
                kind,
                op.service if op else self.cassette.service,
                op.info.name if op else None,
                event,
                path,
                detail,
                self.source,
                self.index,
            )
        )

    def findings(self) -> list[Finding]:
        request, response = self.exchange.request, self.exchange.response
        media = _media_type(response.headers)
        # An error answer is JSON whichever twin was called: only a success tells them apart.
        label = media if 200 <= response.status < 300 else None
        self.operation = _operation(request.method, request.url, self.cassette.service, label)
        faulty = self.cassette.fault is not None
        if self.operation is None:
            self.add("no-operation", detail=f"{request.method} {_path(request.url)}")
            return self.found
        info = self.operation.info
        status = response.status
        if not 200 <= status < 400:
            if status not in info.errors and not faulty:
                self.add("status", detail=str(status))
            return self.found
        if status >= 300:
            return self.found  # a redirect: the HTTP layer follows it
        if info.content_types and media not in info.content_types:
            self.add("content-type", detail=media or "(none)")
        try:
            self.decode(response.body, media)
        except CodecError as exc:
            if not faulty:
                self.add("undecodable", detail=exc.message)
        return self.found

    def decode(self, body: bytes, media: str | None) -> None:
        op = self.operation
        assert op is not None
        module = SERVICES[op.service]
        if op.stream is not None:
            decode = getattr(module, f"decode_{op.stream.name}")
            framer: NDJSONDecoder | SSEDecoder = (
                NDJSONDecoder() if op.stream.framing == "ndjson" else SSEDecoder()
            )
            for frame in [*framer.feed(body), *framer.close()]:
                self.walk(decode(frame), None)
        elif op.info.response == "json" and op.info.response_type:
            try:
                data = json.loads(body)
            except ValueError as exc:
                raise CodecError(f"not JSON: {exc}") from None
            if op.info.response_envelope == "superjson":
                data = superjson.deserialize(data)
            elif op.info.response_envelope is not None:
                return  # sveltekit-data: its own readers check it (codec.legacy)
            record = getattr(module, op.info.response_type)
            if not isinstance(data, dict):
                self.add("unknown", event=op.info.response_type, detail="not a JSON object")
                return
            try:
                self.walk(record.from_wire(data), None)
            except Exception as exc:  # the codec's Mismatch: a required field does not fit
                self.add("unknown", event=op.info.response_type, detail=str(exc))

    def walk(self, value: object, event: str | None, path: str = "") -> None:
        if isinstance(value, Unknown):
            self.add("unknown", event=_tag(value.raw) or value.record, detail=value.reason)
            return
        if isinstance(value, list | tuple):
            for item in value:
                self.walk(item, event, f"{path}[]")
            return
        if isinstance(value, Mapping):
            for key, item in value.items():
                self.walk(item, event, _join(path, str(key)))
            return
        if not attrs.has(type(value)) or isinstance(value, ServerSentEvent):
            return
        event = event or type(value).__name__
        for key in getattr(value, "extra", None) or ():
            self.add("extra", event=event, path=_join(path, key))
        mismatched: Mapping[str, Mismatched] = getattr(value, "mismatched", None) or {}
        for key, kept in mismatched.items():
            self.add("mismatched", event=event, path=_join(path, key), detail=kept.reason)
        record: Any = type(value)
        for field in attrs.fields(record):
            if field.name not in ("extra", "mismatched"):
                self.walk(getattr(value, field.name), event, _join(path, field.name))


def _operation(method: str, url: str, service: str | None, media: str | None) -> Operation | None:
    # Of twins on one path (a streamed and a JSON answer), the one that names the media type.
    found = find_operations(method, url, service)
    if not found:
        moved = operation_of(method, url, service)
        found = [moved] if moved is not None else []
    for operation in found:
        if media in operation.info.content_types:
            return operation
    return found[0] if found else None


def _media_type(headers: Iterable[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower() or None
    return None


def _tag(raw: object) -> str | None:
    if isinstance(raw, ServerSentEvent):
        return raw.event or "message"
    if isinstance(raw, Mapping):
        tag = [str(raw[key]) for key in ("type", "subtype") if key in raw]
        return "/".join(tag) or None
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path
