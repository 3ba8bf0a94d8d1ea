"""The spec model and its loader: YAML in, checked :class:`Spec` out, every problem collected."""

from __future__ import annotations

import datetime
import hashlib
import keyword
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

import codec.errorkinds
import codec.http

from .types import (
    DictOf,
    ListOf,
    Prim,
    TypeExpr,
    TypeSyntaxError,
    UnionOf,
    json_kinds,
    parse_type,
    type_refs,
)
from .unified import Rule, RuleParser

ERROR_KINDS = frozenset(k for k in codec.errorkinds.ERROR_KINDS if k != "unknown")

# Names a generated module imports or defines itself: a spec class must not take them.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any",
        "CodecError",
        "Done",
        "Final",
        "FormPart",
        "HttpRequest",
        "Iterable",
        "Mapping",
        "Mismatch",
        "OperationInfo",
        "Sequence",
        "ServerSentEvent",
        "ProviderInfo",
        "StreamInfo",
        "TypeAlias",
        "Unknown",
        "Unset",
    }
)
# Local names of a generated builder: an argument must not shadow them.
BUILDER_LOCALS = frozenset(
    {
        "attrs",
        "base_url",
        "body",
        "boundary",
        "content",
        "content_type",
        "cookie",
        "headers",
        "json",
        "parts",
        "payload",
        "query",
        "quote",
        "sent",
        "url",
    }
)
_CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
_LOWER_NAME = re.compile(r"[a-z][a-z0-9_]*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
_PROVIDER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
# Header names a recording must never keep: credentials whatever a spec says.
CREDENTIAL_HEADERS = frozenset(codec.http.ALWAYS_SECRET_HEADERS | {"set-cookie"})
# What an operation's requests are matched on in replay when the spec does not say.
DEFAULT_MATCH = ("method", "path", "query", "body")
# Header names a recording keeps when the spec does not say.
DEFAULT_RECORD_HEADERS = ("content-type",)


# -- problems ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec; ``where`` is a dotted path into it."""

    where: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.message}"


class SpecProblems(Exception):
    """Every problem found in one spec, raised together."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


# -- the model -----------------------------------------------------------------------


@dataclass
class Field:
    wire: str
    name: str
    type: TypeExpr
    optional: bool
    doc: str = ""
    since: str | None = None
    until: str | None = None
    padding: dict[str, Any] | None = None


@dataclass
class Record:
    name: str
    doc: str
    fields: list[Field]
    tag: tuple[tuple[str, str], ...] = ()  # discriminator (wire key, value) pairs
    unified: tuple[Rule, ...] = ()  # a stream event's meaning to users
    since: str | None = None
    until: str | None = None


@dataclass
class Stream:
    name: str
    doc: str
    framing: str
    dispatch: dict[str, Any]
    event_type: str
    events: list[tuple[str, Record]]  # (key in the spec, record)
    done: str | None = None
    read_to_eof: bool = True
    content: str = "delta"
    unified: tuple[Rule, ...] = ()  # rules tried before each event's own
    since: str | None = None
    until: str | None = None

    @property
    def nested(self) -> str | None:
        """The inner stream whose events an ``update``-like SSE event carries, if any."""
        inner = self.dispatch.get("stream") if self.dispatch.get("kind") == "nested" else None
        return None if inner is None else str(inner)

    @property
    def complete_on(self) -> tuple[str, ...]:
        """The events (spec keys, or ``done``) a rule marks as the end signal."""
        keys = [key for key, r in self.events if any(rule.end for rule in r.unified)]
        return tuple(keys + (["done"] if self.done is not None else []))

    @property
    def errors(self) -> tuple[str, ...]:
        """The events a rule reads an in-band error from."""
        general = any(rule.error is not None for rule in self.unified)
        return tuple(
            key
            for key, r in self.events
            if general or any(rule.error is not None for rule in r.unified)
        )


@dataclass
class Param:
    """A query or header entry: fixed (``value``) or a builder argument (``param``)."""

    wire: str
    name: str
    fixed: str | None = None
    default: str | None = None
    optional: bool = False
    secret: bool = False
    doc: str = ""
    since: str | None = None
    until: str | None = None


@dataclass
class Credential:
    """An ``auth`` entry: a cookie or header the builder takes as an argument."""

    where: str  # "cookie" or "header"
    wire: str
    name: str
    optional: bool = False
    scheme: str | None = None
    doc: str = ""
    since: str | None = None
    until: str | None = None


@dataclass
class Part:
    """One multipart part: a JSON document, a text field, or file parts (a sequence)."""

    wire: str
    name: str
    kind: str  # "json", "text" or "file"
    type: str | None = None
    optional: bool = False


@dataclass
class Operation:
    name: str
    doc: str
    method: str
    path: str
    server: str
    path_params: list[tuple[str, bool]]  # (name, slashes allowed)
    query: list[Param]
    headers: list[Param]
    auth: bool
    encoding: str | None  # "json", "multipart" or None (no body)
    body_type: str | None
    parts: list[Part]
    response: dict[str, Any]
    errors: dict[int, str]
    since: str | None
    until: str | None
    record_headers: tuple[str, ...] = DEFAULT_RECORD_HEADERS
    match_on: tuple[str, ...] = DEFAULT_MATCH
    content_types: tuple[str, ...] = ()


@dataclass
class Provider:
    """A ``providers`` entry: how one provider is reached through a routed operation."""

    name: str  # "*" for providers not listed
    route: str
    headers: tuple[tuple[str, str], ...] = ()
    model: str = "provider_id"  # or "hub_id": the id the provider gets
    doc: str = ""


@dataclass
class Spec:
    service: str
    title: str
    source: str
    digest: str
    servers: dict[str, str]
    auth: list[Credential]
    constants: list[tuple[str, Any, str]]
    types: list[Record]
    streams: list[Stream]
    operations: list[Operation]
    providers: list[Provider] = field(default_factory=list)


# Attributes every record has (unknown keys, optional values that did not fit).
RESERVED_NAMES = ("extra", "mismatched")


def snake(name: str) -> str:
    """``webSources`` → ``web_sources``, ``chatID`` → ``chat_id``; keywords get a ``_``."""
    text = re.sub(r"[^0-9A-Za-z_]", "_", name).lstrip("_")
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text).lower()
    return text + "_" if keyword.iskeyword(text) or text in RESERVED_NAMES else text


def camel(name: str) -> str:
    """``reasoning/stream`` → ``ReasoningStream``, ``send_result`` → ``SendResult``."""
    parts = re.split(r"[/_\-\s]+", name)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


# -- the loader --------------------------------------------------------------------


class Loader:
    """Turns one YAML document into a :class:`Spec`, collecting every problem it finds."""

    def __init__(self, source: str, text: bytes) -> None:
        self.source = source
        self.text = text
        self.problems: list[Problem] = []
        self.rule_parser = RuleParser(self.problem)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    # Shape checks that report instead of crashing.

    def mapping(self, where: str, value: Any, known: Iterable[str] | None = None) -> dict[Any, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(where, "must be a mapping")
            return {}
        if known is not None:
            allowed = set(known)
            for key in value:
                if key not in allowed:
                    self.problem(where, f"unknown key {key!r}")
        return value

    def sequence(self, where: str, value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(where, "must be a list")
            return []
        return value

    def string(self, where: str, value: Any, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.problem(where, "is required")
            return None
        if not isinstance(value, str):
            self.problem(where, f"must be a string (quote it): {value!r}")
            return None
        return value

    def date(self, where: str, value: Any) -> str | None:
        if value is None:
            return None
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
        if not _DATE.fullmatch(text):
            self.problem(where, f"dates are YYYY-MM-DD: {value!r}")
            return text
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            self.problem(where, f"{text} is not a date")
        return text

    def era(self, where: str, body: dict[Any, Any]) -> tuple[str | None, str | None]:
        """``since``/``until`` of an entry: dates, ``until`` after ``since``."""
        since = self.date(f"{where}.since", body.get("since"))
        until = self.date(f"{where}.until", body.get("until"))
        if since is not None and until is not None and until <= since:
            self.problem(where, f"until {until} is not after since {since}")
        return since, until

    def name(self, where: str, value: str, pattern: re.Pattern[str], what: str) -> None:
        if not pattern.fullmatch(value) or keyword.iskeyword(value):
            self.problem(where, f"{what} {value!r} is not usable as a Python name")

    # The document.

    def load(self) -> Spec:
        try:
            doc = yaml.safe_load(self.text)
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: an unquoted 2026-02-30
            raise SpecProblems([Problem(self.source, f"not YAML: {exc}")]) from None
        if not isinstance(doc, dict):
            raise SpecProblems([Problem(self.source, "a spec is a mapping")])
        known = (
            "service",
            "title",
            "servers",
            "auth",
            "constants",
            "types",
            "streams",
            "operations",
            "providers",
        )
        for key in doc:
            if key not in known:
                self.problem(str(key), "unknown top-level key")
        servers = self.mapping("servers", doc.get("servers"))
        spec = Spec(
            service=self.string("service", doc.get("service"), required=True) or "",
            title=self.string("title", doc.get("title"), required=True) or "",
            source=self.source,
            digest=hashlib.sha256(self.text).hexdigest(),
            servers={str(k): str(v) for k, v in servers.items()},
            auth=[
                self.credential(f"auth[{i}]", entry)
                for i, entry in enumerate(self.sequence("auth", doc.get("auth")))
            ],
            constants=self.constants(self.mapping("constants", doc.get("constants"))),
            types=[
                self.record(f"types.{n}", str(n), body)
                for n, body in self.mapping("types", doc.get("types")).items()
            ],
            streams=[
                self.stream(str(n), body)
                for n, body in self.mapping("streams", doc.get("streams")).items()
            ],
            operations=[
                self.operation(str(n), body)
                for n, body in self.mapping("operations", doc.get("operations")).items()
            ],
            providers=[
                self.provider(str(n), body)
                for n, body in self.mapping("providers", doc.get("providers")).items()
            ],
        )
        if "default" not in spec.servers:
            self.problem("servers", "needs a `default` server")
        self.check_references(spec)
        if self.problems:
            raise SpecProblems(self.problems)
        return spec

    def constants(self, body: dict[Any, Any]) -> list[tuple[str, Any, str]]:
        out = []
        for name, entry in body.items():
            where = f"constants.{name}"
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", str(name)):
                self.problem(where, "constant names are UPPER_CASE")
            entry = self.mapping(where, entry, ("value", "doc"))
            if "value" not in entry:
                self.problem(where, "needs `value` (and `doc`)")
                continue
            out.append((str(name), entry["value"], str(entry.get("doc", ""))))
        return out

    def credential(self, where: str, body: Any) -> Credential:
        body = self.mapping(
            where,
            body,
            ("in", "name", "param", "secret", "optional", "since", "until", "doc", "scheme"),
        )
        place = body.get("in")
        if place not in ("cookie", "header"):
            self.problem(where, "`in` is cookie or header")
        if body.get("secret") is not True:
            self.problem(where, "credentials are `secret: true`")
        since, until = self.era(where, body)
        param = self.string(f"{where}.param", body.get("param"), required=True) or "_"
        return Credential(
            where=str(place),
            wire=self.string(f"{where}.name", body.get("name"), required=True) or "?",
            name=param,
            optional=bool(body.get("optional")),
            scheme=self.string(f"{where}.scheme", body.get("scheme")),
            doc=str(body.get("doc", "")),
            since=since,
            until=until,
        )

    def record(
        self,
        where: str,
        key: str,
        body: Any,
        *,
        tag: tuple[tuple[str, str], ...] = (),
        event: bool = False,
    ) -> Record:
        known = ["class", "doc", "fields", "since", "until"] + (["unified"] if event else [])
        body = self.mapping(where, body, known)
        since, until = self.era(where, body)
        name = str(body.get("class") or camel(key))
        if not _CLASS_NAME.fullmatch(name):
            self.problem(where, f"class name {name!r} is not CamelCase")
        if name in RESERVED_CLASS_NAMES:
            self.problem(where, f"class name {name!r} is taken by the generated module")
        if "fields" not in body:
            self.problem(where, "needs `fields` ({} for none)")
        tag_keys = {key for key, _ in tag}
        fields: list[Field] = []
        for raw_name, spec in self.mapping(f"{where}.fields", body.get("fields")).items():
            fields.append(self.field(f"{where}.fields.{raw_name}", str(raw_name), spec))
        seen: set[str] = set()
        for f in fields:
            if f.name in seen:
                self.problem(f"{where}.fields.{f.wire}", f"attribute name {f.name!r} used twice")
            seen.add(f.name)
            if f.wire in tag_keys:
                self.problem(f"{where}.fields.{f.wire}", "is the discriminator; don't list it")
        unified: tuple[Rule, ...] = ()
        if event:
            if "unified" not in body:
                self.problem(where, "needs `unified`: what the event means to users")
            else:
                unified = self.rule_parser.rules(f"{where}.unified", body["unified"])
        return Record(
            name=name,
            doc=str(body.get("doc", "")),
            fields=fields,
            tag=tag,
            unified=unified,
            since=since,
            until=until,
        )

    def field(self, where: str, raw_name: str, spec: Any) -> Field:
        optional = raw_name.endswith("?")
        wire = raw_name.rstrip("?")
        if isinstance(spec, str):
            spec = {"type": spec}
        spec = self.mapping(where, spec, ("type", "name", "doc", "since", "until", "padding"))
        since, until = self.era(where, spec)
        if "type" not in spec:
            self.problem(where, "a field is a type string or a mapping with `type`")
        try:
            parsed = parse_type(str(spec.get("type", "any")))
        except TypeSyntaxError as exc:
            self.problem(where, f"bad type {spec['type']!r}: {exc}")
            parsed = Prim("any")
        self.check_union(where, parsed)
        padding = self.mapping(f"{where}.padding", spec.get("padding"), ("char", "to", "units"))
        if padding:
            if parsed != Prim("str"):
                self.problem(where, "padding applies to str fields only")
            if not isinstance(padding.get("to"), int) or not isinstance(padding.get("char"), str):
                self.problem(f"{where}.padding", "needs `to` (int) and `char` (one character)")
            if padding.get("units", "utf16") != "utf16":
                self.problem(f"{where}.padding", "units are utf16 (JavaScript string length)")
        name = str(spec.get("name") or snake(wire))
        if not name.isidentifier() or keyword.iskeyword(name) or name in RESERVED_NAMES:
            self.problem(where, f"attribute name {name!r} is not usable")
        return Field(
            wire=wire,
            name=name,
            type=parsed,
            optional=optional,
            doc=str(spec.get("doc", "")),
            since=since,
            until=until,
            padding=padding or None,
        )

    def check_union(self, where: str, t: TypeExpr) -> None:
        if isinstance(t, UnionOf):
            seen: set[str] = set()
            for member in t.members:
                kinds = json_kinds(member)
                if "any" in kinds:
                    self.problem(where, "`any` cannot be part of a union")
                if kinds & seen:
                    overlap = sorted(kinds & seen)
                    self.problem(where, f"union members overlap on JSON kind {overlap}")
                seen |= kinds
                self.check_union(where, member)
        elif isinstance(t, ListOf):
            self.check_union(where, t.item)
        elif isinstance(t, DictOf):
            self.check_union(where, t.value)

    def stream(self, name: str, body: Any) -> Stream:
        where = f"streams.{name}"
        self.name(where, name, _LOWER_NAME, "stream name")
        known = (
            "doc",
            "framing",
            "event_type",
            "dispatch",
            "done",
            "end",
            "content",
            "unified",
            "events",
            "since",
            "until",
        )
        body = self.mapping(where, body, known)
        since, until = self.era(where, body)
        framing = body.get("framing")
        if framing not in ("ndjson", "sse"):
            self.problem(where, "framing is ndjson or sse")
        dispatch = self.mapping(
            f"{where}.dispatch", body.get("dispatch"), ("kind", "path", "key", "event", "stream")
        )
        kind = dispatch.get("kind")
        path: list[str] = []
        if kind == "field":
            path = [str(p) for p in self.sequence(f"{where}.dispatch.path", dispatch.get("path"))]
            if not path:
                self.problem(f"{where}.dispatch", "field dispatch needs a `path` of keys")
            if framing != "ndjson":
                self.problem(where, "field dispatch needs ndjson framing")
        elif kind == "key-present":
            self.string(f"{where}.dispatch.key", dispatch.get("key"), required=True)
            if framing != "sse":
                self.problem(where, "key-present dispatch needs sse framing")
        elif kind == "sse-event":
            if framing != "sse":
                self.problem(where, "sse-event dispatch needs sse framing")
        elif kind == "nested":
            self.string(f"{where}.dispatch.event", dispatch.get("event"), required=True)
            self.string(f"{where}.dispatch.stream", dispatch.get("stream"), required=True)
            if framing != "sse":
                self.problem(where, "nested dispatch needs sse framing")
        else:
            self.problem(f"{where}.dispatch", "kind is field, key-present, sse-event or nested")
        events: list[tuple[str, Record]] = []
        for key, event in self.mapping(f"{where}.events", body.get("events")).items():
            key = str(key)
            tag: tuple[tuple[str, str], ...] = ()
            if kind == "field":
                values = key.split("/")
                if len(values) > len(path):
                    self.problem(f"{where}.events.{key}", f"needs at most {len(path)} tag parts")
                tag = tuple(zip(path, values, strict=False))
            elif kind == "key-present" and key not in ("present", "absent"):
                self.problem(f"{where}.events.{key}", "key-present events are present/absent")
            elif kind == "nested" and key == dispatch.get("event"):
                self.problem(
                    f"{where}.events.{key}",
                    f"is the nested event: its data are {dispatch.get('stream')} events",
                )
            record = self.record(f"{where}.events.{key}", key, event, tag=tag, event=True)
            events.append((key, record))
        if not events and kind != "nested":
            self.problem(f"{where}.events", "a stream needs at least one event")
        if kind == "key-present" and sorted(k for k, _ in events) != ["absent", "present"]:
            self.problem(f"{where}.events", "key-present needs exactly `present` and `absent`")
        done = self.string(f"{where}.done", body.get("done"))
        if done is not None and framing != "sse":
            self.problem(f"{where}.done", "a done marker is SSE data")
        end = self.mapping(f"{where}.end", body.get("end"), ("read_to_eof",))
        unified = self.rule_parser.rules(f"{where}.unified", body.get("unified", []))
        content = body.get("content", "delta")
        if content not in ("delta", "cumulative"):
            self.problem(f"{where}.content", "content is delta or cumulative")
        event_type = str(body.get("event_type") or camel(name) + "Event")
        if not _CLASS_NAME.fullmatch(event_type) or event_type in RESERVED_CLASS_NAMES:
            self.problem(f"{where}.event_type", f"{event_type!r} is not a usable class name")
        return Stream(
            name=name,
            doc=str(body.get("doc", "")),
            framing=str(framing),
            dispatch=dispatch,
            event_type=event_type,
            events=events,
            done=done,
            read_to_eof=bool(end.get("read_to_eof", True)),
            content=str(content),
            unified=unified,
            since=since,
            until=until,
        )

    def operation(self, name: str, body: Any) -> Operation:
        where = f"operations.{name}"
        self.name(where, name, _LOWER_NAME, "operation name")
        known = (
            "doc",
            "era",
            "method",
            "path",
            "server",
            "path_params",
            "query",
            "headers",
            "auth",
            "request",
            "response",
            "errors",
            "since",
            "until",
            "record",
            "content_types",
        )
        if isinstance(body, dict) and "era" in body:
            self.problem(f"{where}.era", "`era` is gone: write `since`/`until` on the operation")
            body = {k: v for k, v in body.items() if k != "era"}
        body = self.mapping(where, body, known)
        since, until = self.era(where, body)
        method = str(body.get("method", ""))
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            self.problem(where, f"bad method {method!r}")
        path = self.string(f"{where}.path", body.get("path"), required=True) or ""
        declared = self.mapping(f"{where}.path_params", body.get("path_params"))
        path_params = []
        for param in re.findall(r"{([^}]*)}", path):
            self.name(f"{where}.path", param, _LOWER_NAME, "path parameter")
            options = self.mapping(
                f"{where}.path_params.{param}", declared.get(param), ("slashes",)
            )
            path_params.append((param, bool(options.get("slashes"))))
        for param in declared:
            if param not in {p for p, _ in path_params}:
                self.problem(f"{where}.path_params", f"{param!r} is not in the path")
        errors = {}
        for status, kind in self.mapping(f"{where}.errors", body.get("errors")).items():
            if not isinstance(status, int) or not 400 <= status <= 599:
                self.problem(f"{where}.errors", f"{status!r} is not an error status")
                continue
            if kind not in ERROR_KINDS:
                self.problem(f"{where}.errors.{status}", f"unknown error kind {kind!r}")
            errors[status] = str(kind)
        response = self.mapping(
            f"{where}.response", body.get("response"), ("kind", "type", "stream", "envelope")
        )
        if response.get("kind") not in ("json", "html", "stream", "bytes", "empty"):
            self.problem(f"{where}.response", "kind is json, html, stream, bytes or empty")
        if ("stream" in response) != (response.get("kind") == "stream"):
            self.problem(f"{where}.response", "a stream response names its `stream`, others don't")
        request = self.mapping(
            f"{where}.request", body.get("request"), ("encoding", "type", "parts")
        )
        encoding = request.get("encoding")
        parts: list[Part] = []
        if encoding == "json":
            self.string(f"{where}.request.type", request.get("type"), required=True)
        elif encoding == "multipart":
            for i, part in enumerate(self.sequence(f"{where}.request.parts", request.get("parts"))):
                parts.append(self.part(f"{where}.request.parts[{i}]", part))
        elif request:
            self.problem(f"{where}.request", "encoding is json or multipart")
        return Operation(
            name=name,
            doc=str(body.get("doc", "")),
            method=method,
            path=path,
            server=str(body.get("server", "default")),
            path_params=path_params,
            query=[
                self.param(f"{where}.query[{i}]", q)
                for i, q in enumerate(self.sequence(f"{where}.query", body.get("query")))
            ],
            headers=[
                self.param(f"{where}.headers[{i}]", h)
                for i, h in enumerate(self.sequence(f"{where}.headers", body.get("headers")))
            ],
            auth=bool(body.get("auth", True)),
            encoding=encoding if encoding in ("json", "multipart") else None,
            body_type=request.get("type") if encoding == "json" else None,
            parts=parts,
            response=response,
            errors=errors,
            since=since,
            until=until,
            **self.recording(f"{where}.record", body.get("record")),
            content_types=self.content_types(f"{where}.content_types", body.get("content_types")),
        )

    def recording(self, where: str, body: Any) -> dict[str, tuple[str, ...]]:
        """``record``: the header names a recording keeps and what replay matches on."""
        body = self.mapping(where, body, ("headers", "match"))
        out: dict[str, tuple[str, ...]] = {}
        if "headers" in body:
            names: list[str] = []
            for i, name in enumerate(self.sequence(f"{where}.headers", body["headers"])):
                text = self.string(f"{where}.headers[{i}]", name, required=True)
                if text is None:
                    continue
                if text.lower() in CREDENTIAL_HEADERS:
                    self.problem(
                        f"{where}.headers[{i}]",
                        f"{text!r} carries a credential; a recording must not keep it",
                    )
                if text.lower() in names:
                    self.problem(f"{where}.headers[{i}]", f"{text!r} is listed twice")
                names.append(text.lower())
            out["record_headers"] = tuple(names)
        if "match" in body:
            match: list[str] = []
            for i, entry in enumerate(self.sequence(f"{where}.match", body["match"])):
                text = self.string(f"{where}.match[{i}]", entry, required=True)
                if text is None:
                    continue
                if text in match:
                    self.problem(f"{where}.match[{i}]", f"{text!r} is listed twice")
                match.append(text)
            if not match:
                self.problem(f"{where}.match", "replay needs at least one thing to match on")
            out["match_on"] = tuple(match)
        return out

    def content_types(self, where: str, value: Any) -> tuple[str, ...]:
        out: list[str] = []
        for i, entry in enumerate(self.sequence(where, value)):
            text = self.string(f"{where}[{i}]", entry, required=True)
            if text is None:
                continue
            if not _MEDIA_TYPE.fullmatch(text):
                self.problem(
                    f"{where}[{i}]",
                    f"{text!r} is not a lower-case type/subtype, without parameters",
                )
            if text in out:
                self.problem(f"{where}[{i}]", f"{text!r} is listed twice")
            out.append(text)
        return tuple(out)

    def provider(self, name: str, body: Any) -> Provider:
        where = f"providers.{name}"
        if name != "*" and not _PROVIDER_NAME.fullmatch(name):
            self.problem(where, f"provider name {name!r} is not lower-case (or `*`)")
        body = self.mapping(where, body, ("route", "headers", "model", "doc"))
        route = self.string(f"{where}.route", body.get("route"), required=True) or "/"
        if not route.startswith("/"):
            self.problem(f"{where}.route", "a route is a path: it starts with /")
        for placeholder in re.findall(r"{([^}]*)}", route):
            if placeholder not in ("provider", "model"):
                self.problem(
                    f"{where}.route",
                    f"unknown placeholder {{{placeholder}}}: {{provider}} or {{model}}",
                )
        headers = []
        for key, value in self.mapping(f"{where}.headers", body.get("headers")).items():
            text = self.string(f"{where}.headers.{key}", value, required=True)
            if text is not None:
                headers.append((str(key), text))
            if str(key).lower() in CREDENTIAL_HEADERS:
                self.problem(f"{where}.headers.{key}", "credentials are the spec's `auth`")
        model = body.get("model", "provider_id")
        if model not in ("provider_id", "hub_id"):
            self.problem(
                f"{where}.model", "model is provider_id (the mapping's providerId) or hub_id"
            )
        return Provider(
            name=name,
            route=route,
            headers=tuple(headers),
            model=str(model),
            doc=str(body.get("doc", "")),
        )

    def part(self, where: str, body: Any) -> Part:
        body = self.mapping(where, body, ("name", "json", "text", "file", "optional", "doc"))
        wire = self.string(f"{where}.name", body.get("name"), required=True) or "?"
        kinds = [k for k in ("json", "text", "file") if k in body]
        if len(kinds) != 1:
            self.problem(where, "a part is exactly one of json: Type, text: true, file: true")
            return Part(wire=wire, name=snake(wire), kind="text")
        kind = kinds[0]
        if kind != "json" and body[kind] is not True:
            self.problem(where, f"write `{kind}: true`")
        if kind == "file" and body.get("optional"):
            self.problem(where, "file parts are a sequence, empty when there are none")
        return Part(
            wire=wire,
            name=snake(wire),
            kind=kind,
            type=str(body["json"]) if kind == "json" else None,
            optional=bool(body.get("optional")),
        )

    def param(self, where: str, body: Any) -> Param:
        known = (
            "name",
            "value",
            "param",
            "default",
            "optional",
            "secret",
            "computed",
            "doc",
            "since",
            "until",
        )
        body = self.mapping(where, body, known)
        since, until = self.era(where, body)
        wire = self.string(f"{where}.name", body.get("name"), required=True) or "?"
        has_value = "value" in body
        if has_value == ("param" in body):
            self.problem(where, "give either `value` or `param`")
        if has_value and body.get("secret"):
            self.problem(where, "a fixed value is in the spec, so it is no secret")
        name = str(body.get("param") or snake(wire))
        return Param(
            wire=wire,
            name=name,
            fixed=self.string(f"{where}.value", body.get("value")) if has_value else None,
            default=self.string(f"{where}.default", body.get("default")),
            optional=bool(body.get("optional")),
            secret=bool(body.get("secret")),
            doc=str(body.get("doc") or body.get("computed") or ""),
            since=since,
            until=until,
        )

    # Cross-references, once everything is loaded.

    def check_references(self, spec: Spec) -> None:
        records = spec.types + [r for s in spec.streams for _, r in s.events]
        names = [r.name for r in records] + [s.event_type for s in spec.streams]
        for duplicate in sorted({n for n in names if names.count(n) > 1}):
            self.problem("types", f"class {duplicate} is defined twice")
        if sum(s.done is not None for s in spec.streams) > 1:
            self.problem("streams", "only one stream may have a `done` marker")
        type_names = {r.name for r in spec.types}
        for record in records:
            for f in record.fields:
                for ref in type_refs(f.type):
                    if ref not in type_names:
                        self.problem(f"{record.name}.{f.wire}", f"unknown type {ref}")
        streams = {s.name: s for s in spec.streams}
        for stream in spec.streams:
            self.check_nested(stream, streams)
        for op in spec.operations:
            where = f"operations.{op.name}"
            if op.server not in spec.servers:
                self.problem(f"{where}.server", f"unknown server {op.server!r}")
            answer = op.response.get("stream")
            if answer is not None and answer not in streams:
                self.problem(f"{where}.response", f"unknown stream {answer!r}")
            for rtype in (op.response.get("type"), op.body_type, *(p.type for p in op.parts)):
                if rtype is not None and rtype not in type_names:
                    self.problem(where, f"unknown type {rtype!r}")
            self.check_arguments(spec, op)
            self.check_match(spec, op)
        if spec.providers and not any("{route}" in op.path for op in spec.operations):
            self.problem("providers", "no operation has a {route} path parameter to use them")

    def check_nested(self, stream: Stream, streams: dict[str, Stream]) -> None:
        inner_name = stream.nested
        if inner_name is None:
            return
        where = f"streams.{stream.name}.dispatch.stream"
        inner = streams.get(inner_name)
        if inner is None:
            self.problem(where, f"unknown stream {inner_name!r}")
            return
        if inner.framing != "ndjson" or inner.nested is not None:
            self.problem(where, f"{inner_name} must be an ndjson stream: its events are JSON data")
        inner_keys = {key for key, _ in inner.events}
        for key, _ in stream.events:
            if key in inner_keys:
                self.problem(
                    f"streams.{stream.name}.events.{key}", f"is also an event of {inner_name}"
                )

    def check_match(self, spec: Spec, op: Operation) -> None:
        """``record.match``: method, path, query, body, or one query, header or body entry."""
        secrets = {c.wire.lower() for c in spec.auth if c.where == "header"}
        secrets |= {h.wire.lower() for h in op.headers if h.secret}
        for i, name in enumerate(op.record_headers):
            if name in secrets:
                self.problem(
                    f"operations.{op.name}.record.headers[{i}]",
                    f"{name!r} carries a credential; a recording must not keep it",
                )
        where = f"operations.{op.name}.record.match"
        types = {r.name: r for r in spec.types}
        for entry in op.match_on:
            head, _, rest = entry.partition(".")
            if entry in ("method", "path", "query", "body"):
                continue
            if head == "query" and rest:
                if rest not in {q.wire for q in op.query}:
                    self.problem(where, f"{entry!r}: {op.name} has no query parameter {rest!r}")
            elif head == "header" and rest:
                if rest.lower() not in {h.wire.lower() for h in op.headers}:
                    self.problem(where, f"{entry!r}: {op.name} has no header {rest!r}")
                if rest.lower() in CREDENTIAL_HEADERS:
                    self.problem(where, f"{entry!r} carries a credential")
            elif head == "body" and rest:
                self.check_body_path(where, entry, op, rest.split("."), types)
            else:
                self.problem(
                    where,
                    f"{entry!r}: write method, path, query, body, query.<name>, "
                    "header.<name> or body.<path>",
                )

    def check_body_path(
        self, where: str, entry: str, op: Operation, keys: list[str], types: dict[str, Record]
    ) -> None:
        record: Record | None
        if op.encoding == "json":
            record = types.get(op.body_type or "")
        elif op.encoding == "multipart":
            part = next((p for p in op.parts if p.wire == keys[0]), None)
            if part is None:
                self.problem(where, f"{entry!r}: {op.name} has no part {keys[0]!r}")
                return
            if part.kind != "json":
                if len(keys) > 1:
                    self.problem(where, f"{entry!r}: part {keys[0]!r} is not JSON")
                return
            record, keys = types.get(part.type or ""), keys[1:]
        else:
            self.problem(where, f"{entry!r}: {op.name} sends no body")
            return
        for key in keys:
            if record is None:
                return  # below `any` or a non-record type: not checked
            f = next((f for f in record.fields if f.wire == key), None)
            if f is None:
                self.problem(where, f"{entry!r}: {record.name} has no field {key!r}")
                return
            refs = sorted(type_refs(f.type))
            record = types.get(refs[0]) if len(refs) == 1 else None

    def check_arguments(self, spec: Spec, op: Operation) -> None:
        """Builder argument names: identifiers, distinct, not shadowing the builder's locals."""
        arguments = [name for name, _ in op.path_params]
        arguments += [p.name for p in op.query + op.headers if p.fixed is None]
        arguments += [c.name for c in spec.auth] if op.auth else []
        arguments += [p.name for p in op.parts]
        for name in arguments:
            if not name.isidentifier() or keyword.iskeyword(name) or name in BUILDER_LOCALS:
                self.problem(f"operations.{op.name}", f"argument name {name!r} is not usable")
        for duplicate in sorted({n for n in arguments if arguments.count(n) > 1}):
            self.problem(f"operations.{op.name}", f"argument name {duplicate!r} is used twice")
