"""Renders a :class:`~tools.codegen.model.Spec` as a Python module, deterministically."""

from __future__ import annotations

from typing import Any

from .model import Field, Operation, Param, Record, Spec, Stream
from .types import (
    DictOf,
    ListOf,
    Prim,
    Ref,
    TypeExpr,
    UnionOf,
    annotation,
    display,
    needs_encoding,
    type_key,
)


class Writer:
    """Collects lines with indentation."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str = "", indent: int = 0) -> None:
        self.lines.append(("    " * indent + text) if text else "")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def literal(value: Any, indent: int = 0) -> str:
    """A deterministic Python literal for YAML data (dicts keep their order)."""
    pad = "    " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = "".join(
            f"{pad}{literal(str(k))}: {literal(v, indent + 1)},\n" for k, v in value.items()
        )
        return "{\n" + items + "    " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "()"
        items = "".join(f"{pad}{literal(v, indent + 1)},\n" for v in value)
        return "(\n" + items + "    " * indent + ")"
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return repr(value)
    return _str_literal(str(value))


def _str_literal(text: str) -> str:
    # repr() picks quotes by content; always double quotes, for a stable look.
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    body = "".join(
        c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii")
        for c in body
    )
    return f'"{body}"'


def era_note(since: str | None, until: str | None) -> str:
    """`` Since X. Until Y.`` for a docstring, or nothing."""
    return (f" Since {since}." if since else "") + (f" Until {until}." if until else "")


def docstring(w: Writer, text: str, indent: int) -> None:
    text = " ".join(text.split())
    if not text:
        return
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = _wrap(text, 96 - 4 * indent)
    if len(lines) == 1:
        w(f'"""{lines[0]}"""', indent)
        return
    w(f'"""{lines[0]}', indent)
    for line in lines[1:]:
        w(line, indent)
    w('"""', indent)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


class ModuleRenderer:
    """Renders one :class:`Spec` as a Python module."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.decoders: dict[str, list[str]] = {}
        self.encoders: dict[str, list[str]] = {}

    # Converters are module-level functions, one per distinct composite type.

    def decoder(self, t: TypeExpr) -> str:
        name = f"_dec_{type_key(t)}"
        if name in self.decoders:
            return name
        self.decoders[name] = []  # reserve first: types may refer to themselves
        w = Writer()
        w(f"def {name}(v: Any, field: str) -> {annotation(t)}:")
        if isinstance(t, Ref):
            w("if not isinstance(v, dict):", 1)
            w(f'raise Mismatch(field, "{t.name} object", v)', 2)
            w(f"return {t.name}.from_wire(v)", 1)
        elif isinstance(t, ListOf):
            w("if type(v) is not list:", 1)
            w(f'raise Mismatch(field, "{display(t)}", v)', 2)
            if self.is_plain(t.item):
                if t.item != Prim("any"):
                    w("for item in v:", 1)
                    for line in self.inline_check(t.item, "item", "field"):
                        w(line, 2)
                w("return v", 1)
            else:
                w(f"return [{self.item_expr(t.item, 'item')} for item in v]", 1)
        elif isinstance(t, DictOf):
            w("if type(v) is not dict:", 1)
            w(f'raise Mismatch(field, "{display(t)}", v)', 2)
            if self.is_plain(t.value):
                if t.value != Prim("any"):
                    w("for item in v.values():", 1)
                    for line in self.inline_check(t.value, "item", "field"):
                        w(line, 2)
                w("return v", 1)
            else:
                convert = self.decoder(t.value)
                w(f"return {{key: {convert}(item, field) for key, item in v.items()}}", 1)
        elif isinstance(t, UnionOf):
            for member in t.members:
                w(f"if {self.kind_test(member, 'v')}:", 1)
                if self.is_plain(member):
                    w("return v", 2)
                else:
                    w(f"return {self.decoder(member)}(v, field)", 2)
            w(f'raise Mismatch(field, "{display(t)}", v)', 1)
        else:
            raise AssertionError(t)
        self.decoders[name] = w.lines
        return name

    def encoder(self, t: TypeExpr) -> str:
        name = f"_enc_{type_key(t)}"
        if name in self.encoders:
            return name
        self.encoders[name] = []
        w = Writer()
        w(f"def {name}(v: Any) -> Any:")
        if isinstance(t, Ref):
            w("return v.to_wire()", 1)
        elif isinstance(t, ListOf):
            w(f"return [{self.encoder(t.item)}(item) for item in v]", 1)
        elif isinstance(t, DictOf):
            w(f"return {{key: {self.encoder(t.value)}(item) for key, item in v.items()}}", 1)
        elif isinstance(t, UnionOf):
            for member in t.members:
                if not needs_encoding(member):
                    continue
                test = (
                    f"isinstance(v, {member.name})"
                    if isinstance(member, Ref)
                    else self.kind_test(member, "v")
                )
                w(f"if {test}:", 1)
                w(f"return {self.encoder(member)}(v)", 2)
            w("return v", 1)
        self.encoders[name] = w.lines
        return name

    def item_expr(self, t: TypeExpr, var: str) -> str:
        """An expression decoding one list item (records inline, the rest by converter)."""
        if isinstance(t, Ref):
            return (
                f"{t.name}.from_wire({var}) if isinstance({var}, dict) "
                f'else not_an_object(field, "{t.name}", {var})'
            )
        return f"{self.decoder(t)}({var}, field)"

    @staticmethod
    def is_plain(t: TypeExpr) -> bool:
        return t is None or isinstance(t, Prim)

    @staticmethod
    def kind_test(t: TypeExpr, var: str) -> str:
        if t is None:
            return f"{var} is None"
        if isinstance(t, Prim):
            if t.name == "float":
                return f"(type({var}) is float or type({var}) is int)"
            return f"type({var}) is {t.name}"
        if isinstance(t, ListOf):
            return f"type({var}) is list"
        return f"type({var}) is dict"

    @classmethod
    def negated_kind_test(cls, t: TypeExpr, var: str) -> str:
        if t is None:
            return f"{var} is not None"
        if isinstance(t, Prim) and t.name != "float":
            return f"type({var}) is not {t.name}"
        return f"not {cls.kind_test(t, var)}"

    def inline_check(self, t: TypeExpr, var: str, label: str) -> list[str]:
        """Statements that check a plain (primitive or null) value in place."""
        if t == Prim("any"):
            return []
        return [
            f"if {self.negated_kind_test(t, var)}:",
            f'    raise Mismatch({label}, "{display(t)}", {var})',
        ]

    # The module.

    def render(self) -> str:
        spec = self.spec
        body = Writer()
        for record in spec.types:
            self.render_record(body, record)
        for stream in self.ordered_streams():
            if stream.done is not None:
                self.render_done(body, stream)
            for _, record in stream.events:
                self.render_record(body, record)
            self.render_stream(body, stream)
        for op in spec.operations:
            self.render_operation(body, op)
        self.render_streams_table(body)
        self.render_operations_table(body)
        self.render_eras_table(body)
        self.render_providers_table(body)

        w = Writer()
        w(f"# Generated by tools/gen_codecs.py from {spec.source}; do not edit by hand.")
        w(f"# Spec sha256: {spec.digest}")
        w("# Regenerate: python tools/gen_codecs.py --update")
        docstring(
            w, f"{spec.title}: typed wire values, stream decode tables and request builders.", 0
        )
        w()
        w("from __future__ import annotations")
        w()
        w("import json")
        w("from collections.abc import Iterable, Mapping, Sequence")
        w("from typing import Any, Final, TypeAlias")
        w("from urllib.parse import quote")
        w()
        w("import attrs")
        w()
        w("from codec._json import parse_json")
        w("from codec._wire import (")
        for name in (
            "NO_EXTRA",
            "Mismatch",
            "expected_kind",
            "extra_keys",
            "mismatched",
            "not_an_object",
            "pad_utf16",
        ):
            w(f"{name},", 1)
        w(")")
        w("from codec.errors import CodecError")
        w("from codec.framing import ServerSentEvent")
        w("from codec.http import (")
        for name in (
            "FormPart",
            "HttpRequest",
            "encode_multipart",
            "join_url",
            "json_body",
            "query_string",
        ):
            w(f"{name},", 1)
        w(")")
        w(
            "from codec.specinfo import OperationInfo, ProviderInfo, StreamInfo"
            if spec.providers
            else "from codec.specinfo import OperationInfo, StreamInfo"
        )
        if spec.streams:
            w("from codec.streams import Located")
        w("from codec.values import UNSET, Mismatched, Unknown, Unset")
        w()
        w("__all__ = [")
        for name in sorted(self.public_names()):
            w(f'"{name}",', 1)
        w("]")
        w()
        w("SERVERS: Final = " + literal(spec.servers))
        w('BASE_URL: Final = SERVERS["default"]')
        for name, value, doc in spec.constants:
            w()
            if doc:
                for line in _wrap(" ".join(doc.split()), 96):
                    w(f"# {line}")
            w(f"{name}: Final = {literal(value)}")
        w()
        w()
        w.lines.extend(body.lines)
        for lines in list(self.decoders.values()) + list(self.encoders.values()):
            w()
            w()
            w.lines.extend(lines)
        return w.text()

    def public_names(self) -> list[str]:
        spec = self.spec
        names = ["SERVERS", "BASE_URL", "OPERATIONS", "STREAMS"]
        names += ["ERAS"] if self.eras() else []
        names += ["PROVIDERS"] if spec.providers else []
        names += [n for n, _, _ in spec.constants]
        names += [r.name for r in spec.types]
        for stream in spec.streams:
            names += [r.name for _, r in stream.events]
            names += [stream.event_type, f"decode_{stream.name}", f"locate_{stream.name}"]
            names.append(f"{stream.name.upper()}_TABLE")
            if stream.done is not None:
                names.append("Done")
        for op in spec.operations:
            names += [f"build_{op.name}", f"{op.name}_url"]
        return names

    def render_record(self, w: Writer, record: Record) -> None:
        w("@attrs.frozen(slots=True, kw_only=True)")
        w(f"class {record.name}:")
        doc = record.doc + era_note(record.since, record.until)
        if record.tag:
            doc += " Wire tag: " + ", ".join(f"{k}={v!r}" for k, v in record.tag) + "."
        notes = [
            f"``{f.name}`` (wire ``{f.wire}``): {f.doc or ''}"
            + (f" Since {f.since}." if f.since else "")
            + (f" Until {f.until}." if f.until else "")
            for f in record.fields
            if f.doc or f.since or f.until
        ]
        if notes:
            doc += " Fields: " + " ".join(notes)
        doc += (
            " Unknown wire keys are kept in ``extra``; optional values that did not fit"
            " the spec, in ``mismatched`` (by wire key)."
        )
        docstring(w, doc, 1)
        w()
        for f in record.fields:
            ann = annotation(f.type)
            if f.optional:
                w(f"{f.name}: {ann} | Unset = UNSET", 1)
            else:
                w(f"{f.name}: {ann}", 1)
        w("extra: Mapping[str, Any] = NO_EXTRA", 1)
        w("mismatched: Mapping[str, Mismatched] = NO_EXTRA", 1)
        w()
        self.render_from_wire(w, record)
        w()
        self.render_to_wire(w, record)
        w()
        w()
        w(f"_KEYS_{record.name}: Final = frozenset(")
        keys = [k for k, _ in record.tag] + [f.wire for f in record.fields]
        w("(" + ", ".join(literal(k) for k in keys) + ("," if len(keys) == 1 else "") + ")", 1)
        w(")")
        for name in [f.name for f in record.fields] + ["extra", "mismatched"]:
            w(f"_set_{record.name}_{name}: Final = {record.name}.__dict__[{literal(name)}].__set__")
        w()
        w()

    def render_from_wire(self, w: Writer, record: Record) -> None:
        w("@classmethod", 1)
        w(f"def from_wire(cls, d: Mapping[str, Any]) -> {record.name}:", 1)
        docstring(
            w,
            "Decode a wire object; raise ``Mismatch`` when a required field does not fit "
            "the spec. An optional field that does not fit stays ``UNSET``, its value "
            "kept in ``mismatched``.",
            2,
        )
        required = [f for f in record.fields if not f.optional]
        optional = [f for f in record.fields if f.optional]
        for f in required:
            var = f"f_{f.name}"
            w(f"{var} = d.get({literal(f.wire)}, UNSET)", 2)
            if f.type == Prim("any"):
                w(f"if {var} is UNSET:", 2)
                w(f'raise Mismatch({literal(f.wire)}, "any value", {var})', 3)
            else:
                self.render_check(w, f, var, 2)
        # n counts the keys the spec knows; any more are unknown keys, kept in extra.
        present_tags = "".join(f" + ({literal(k)} in d)" for k, _ in record.tag)
        w(f"n = {len(required)}{present_tags}", 2)
        tolerant = any(f.type != Prim("any") for f in optional)
        if tolerant:
            w("mm: dict[str, Mismatched] | None = None", 2)
        for f in optional:
            var = f"f_{f.name}"
            w(f"{var} = d.get({literal(f.wire)}, UNSET)", 2)
            w(f"if {var} is not UNSET:", 2)
            w("n += 1", 3)
            self.render_tolerant_check(w, f, var, 3)
        # Fill the slots directly: a frozen attrs __init__ costs about twice as
        # much, and this runs once per stream event.
        w("self = object.__new__(cls)", 2)
        for f in record.fields:
            w(f"_set_{record.name}_{f.name}(self, f_{f.name})", 2)
        w(
            f"_set_{record.name}_extra(self, NO_EXTRA if len(d) == n "
            f"else extra_keys(d, _KEYS_{record.name}))",
            2,
        )
        w(
            f"_set_{record.name}_mismatched(self, NO_EXTRA if mm is None else mm)"
            if tolerant
            else f"_set_{record.name}_mismatched(self, NO_EXTRA)",
            2,
        )
        w("return self", 2)

    def render_check(self, w: Writer, f: Field, var: str, indent: int) -> None:
        if self.is_plain(f.type):
            for line in self.inline_check(f.type, var, literal(f.wire)):
                w(line, indent)
        elif isinstance(f.type, UnionOf) and all(self.is_plain(m) for m in f.type.members):
            test = " or ".join(self.kind_test(m, var) for m in f.type.members)
            w(f"if not ({test}):", indent)
            w(f'raise Mismatch({literal(f.wire)}, "{display(f.type)}", {var})', indent + 1)
        elif isinstance(f.type, Ref):
            # Inline the nested record's check: one call less per event on the hot path.
            w(f"if not isinstance({var}, dict):", indent)
            w(f'raise Mismatch({literal(f.wire)}, "{f.type.name} object", {var})', indent + 1)
            w(f"{var} = {f.type.name}.from_wire({var})", indent)
        elif isinstance(f.type, ListOf) and isinstance(f.type.item, Ref):
            # A list of records, inline too (a router chunk's choices).
            w(f"if type({var}) is not list:", indent)
            w(f'raise Mismatch({literal(f.wire)}, "{display(f.type)}", {var})', indent + 1)
            w("field = " + literal(f.wire), indent)
            w(f"{var} = [{self.item_expr(f.type.item, 'item')} for item in {var}]", indent)
        else:
            w(f"{var} = {self.decoder(f.type)}({var}, {literal(f.wire)})", indent)
        if f.padding is not None:
            char = _str_literal(str(f.padding.get("char", " ")))
            w(f"{var} = {var}.rstrip({char})", indent)

    def render_tolerant_check(self, w: Writer, f: Field, var: str, indent: int) -> None:
        """Check an optional field; a value that does not fit goes to ``mm``, the field UNSET."""
        if f.type == Prim("any"):
            return
        wire = literal(f.wire)

        def keep(reason: str, at: int) -> None:
            w(f"mm = mismatched(mm, {wire}, {var}, {reason})", at)
            w(f"{var} = UNSET", at)

        if self.is_plain(f.type) or (
            isinstance(f.type, UnionOf) and all(self.is_plain(m) for m in f.type.members)
        ):
            members = f.type.members if isinstance(f.type, UnionOf) else (f.type,)
            test = " or ".join(self.kind_test(m, var) for m in members)
            w(f"if not ({test}):", indent)
            keep(f'expected_kind("{display(f.type)}", {var})', indent + 1)
            if f.padding is not None:
                char = _str_literal(str(f.padding.get("char", " ")))
                w("else:", indent)
                w(f"{var} = {var}.rstrip({char})", indent + 1)
            return
        if isinstance(f.type, Ref):
            w(f"if not isinstance({var}, dict):", indent)
            keep(f'expected_kind("{f.type.name} object", {var})', indent + 1)
            w("else:", indent)
            call = f"{f.type.name}.from_wire({var})"
            indent += 1
        else:
            call = f"{self.decoder(f.type)}({var}, {wire})"
            plain = (
                [m for m in f.type.members if self.is_plain(m)]
                if isinstance(f.type, UnionOf)
                else []
            )
            if plain:
                # The plain members (a string, null) first, inline: the usual case.
                test = " or ".join(self.kind_test(m, var) for m in plain)
                w(f"if not ({test}):", indent)
                indent += 1
        # A try costs nothing when nothing is raised (Python 3.11).
        w("try:", indent)
        w(f"{var} = {call}", indent + 1)
        w("except Mismatch as exc:", indent)
        keep("exc.message", indent + 1)

    def render_to_wire(self, w: Writer, record: Record) -> None:
        w("def to_wire(self) -> dict[str, Any]:", 1)
        docstring(
            w,
            "The wire object: tag, required fields, optional fields that are set, then ``extra``.",
            2,
        )
        items = [f"{literal(k)}: {literal(v)}" for k, v in record.tag]
        for f in record.fields:
            if not f.optional:
                items.append(f"{literal(f.wire)}: {self.wire_expr(f, 'self.' + f.name)}")
        w("d: dict[str, Any] = {" + ", ".join(items) + "}", 2)
        for f in record.fields:
            if f.optional:
                w(f"if self.{f.name} is not UNSET:", 2)
                w(f"d[{literal(f.wire)}] = {self.wire_expr(f, 'self.' + f.name)}", 3)
        w("if self.mismatched:", 2)
        w("d.update({key: kept.value for key, kept in self.mismatched.items()})", 3)
        w("if self.extra:", 2)
        w("d.update(self.extra)", 3)
        w("return d", 2)

    def wire_expr(self, f: Field, expr: str) -> str:
        if f.padding is not None:
            units = int(f.padding.get("to", 0))
            char = _str_literal(str(f.padding.get("char", " ")))
            return f"pad_utf16({expr}, {units}, {char})"
        if needs_encoding(f.type):
            return f"{self.encoder(f.type)}({expr})"
        return expr

    def render_done(self, w: Writer, stream: Stream) -> None:
        w("@attrs.frozen(slots=True)")
        w("class Done:")
        docstring(w, f"The end-of-stream marker: SSE data {stream.done!r}.", 1)
        w()
        w()

    def ordered_streams(self) -> list[Stream]:
        """Streams in spec order, nested ones after the rest (they name the inner union)."""
        streams = self.spec.streams
        return [s for s in streams if s.nested is None] + [s for s in streams if s.nested]

    def inner(self, stream: Stream) -> Stream | None:
        return next((s for s in self.spec.streams if s.name == stream.nested), None)

    def render_stream(self, w: Writer, stream: Stream) -> None:
        inner = self.inner(stream)
        members = (
            ([inner.event_type] if inner is not None else [])
            + [r.name for _, r in stream.events]
            + (["Done"] if stream.done else [])
            + ["Unknown"]
        )
        w(f"{stream.event_type}: TypeAlias = " + " | ".join(members))
        w(f"# What decode_{stream.name} returns.")
        w()
        kind = stream.dispatch.get("kind")
        table = f"{stream.name.upper()}_TABLE"
        if kind == "field":
            tree: dict[str, Any] = {}
            for _, record in stream.events:
                node = tree
                values = [v for _, v in record.tag]
                for value in values[:-1]:
                    child = node.setdefault(value, {})
                    if not isinstance(child, dict):
                        child = node[value] = {None: child}
                    node = child
                last = values[-1]
                if isinstance(node.get(last), dict):
                    node[last][None] = record.name
                else:
                    node[last] = record.name
            w(f"# Decoders keyed by {' then '.join(stream.dispatch['path'])}.")
            w(f"{table}: Final[dict[str | None, Any]] = {self.table_literal(tree, 0)}")
        elif kind in ("sse-event", "nested"):
            w("# Decoders keyed by SSE event name.")
            w(f"{table}: Final[dict[str, Any]] = {{")
            for key, record in stream.events:
                w(f"{literal(key)}: {record.name}.from_wire,", 1)
            w("}")
        else:
            events = dict(stream.events)
            w(f"# Decoders keyed by whether {stream.dispatch['key']!r} is present and not null.")
            w(f"{table}: Final[dict[bool, Any]] = {{")
            w(f"True: {events['present'].name}.from_wire,", 1)
            w(f"False: {events['absent'].name}.from_wire,", 1)
            w("}")
        w()
        w()
        for locate in (False, True):
            if stream.framing == "ndjson":
                self.render_json_dispatch(w, stream, table, locate=locate)
            else:
                self.render_sse_dispatch(w, stream, table, locate=locate)
            w()
            w()

    def table_literal(self, tree: dict[Any, Any], indent: int) -> str:
        pad = "    " * (indent + 1)
        out = "{\n"
        for key, value in tree.items():
            rendered = (
                self.table_literal(value, indent + 1)
                if isinstance(value, dict)
                else f"{value}.from_wire"
            )
            out += f"{pad}{'None' if key is None else literal(key)}: {rendered},\n"
        return out + "    " * indent + "}"

    def render_json_dispatch(
        self, w: Writer, stream: Stream, table: str, *, locate: bool = False
    ) -> None:
        path = stream.dispatch["path"]
        if locate:
            w(f"def locate_{stream.name}(obj: object) -> {stream.event_type} | Located:")
            docstring(
                w,
                f"``decode_{stream.name}`` up to the record: ``(record class, wire object, "
                "raw)`` for a line whose tag names one (``decode_located`` decodes it), else "
                "the ``Unknown`` the line decodes to.",
                1,
            )
        else:
            w(f"def decode_{stream.name}(obj: object) -> {stream.event_type}:")
            docstring(
                w,
                f"{stream.doc} Decode one decoded JSON line; anything the spec does not "
                "describe, or that does not fit it, comes back as ``Unknown``.",
                1,
            )
        w("wire: Any = obj", 1)
        w("try:", 1)
        w(f"entry: Any = {table}[wire[{literal(path[0])}]]", 2)
        w("except (KeyError, TypeError):  # no or unhashable tag, or not an object", 1)
        w('return Unknown(obj) if isinstance(obj, dict) else Unknown(obj, "not a JSON object")', 2)
        for key in path[1:]:
            w("if type(entry) is dict:", 1)
            w(f"tag = wire.get({literal(key)})", 2)
            w("entry = entry.get(tag) if tag is None or type(tag) is str else None", 2)
            w("if entry is None:", 2)
            w("return Unknown(obj)", 3)
        w("if type(entry) is dict:", 1)
        w("entry = entry.get(None)", 2)
        w("if entry is None:", 2)
        w("return Unknown(obj)", 3)
        if locate:
            w("return entry.__self__, wire, obj", 1)
            return
        w("try:", 1)
        w("event: " + stream.event_type + " = entry(wire)", 2)
        w("except Mismatch as exc:", 1)
        w("return Unknown(obj, exc.message, entry.__self__.__name__)", 2)
        w("return event", 1)

    def render_sse_dispatch(
        self, w: Writer, stream: Stream, table: str, *, locate: bool = False
    ) -> None:
        kind = stream.dispatch["kind"]
        name = "locate" if locate else "decode"
        returns = f"{stream.event_type} | Located" if locate else stream.event_type
        w(f"def {name}_{stream.name}(event: ServerSentEvent) -> {returns}:")
        doc = stream.doc + era_note(stream.since, stream.until)
        nested = stream.dispatch.get("event")
        if kind == "nested":
            doc += (
                f" The data of an SSE event {nested!r} is one {stream.nested} event, decoded "
                f"by ``decode_{stream.nested}`` (its ``Unknown`` holds the JSON value)."
            )
        if locate:
            doc = (
                f"``decode_{stream.name}`` up to the record: ``(record class, wire object, "
                "raw)`` for an event that names one (``decode_located`` decodes it), else "
                "what the event decodes to."
            )
        else:
            doc += (
                " Decode one server-sent event; anything the spec does not describe, "
                "or that does not fit it, comes back as ``Unknown`` holding the event."
            )
        docstring(w, doc, 1)
        if stream.done is not None:
            w(f"if event.data == {literal(stream.done)}:", 1)
            w("return Done()", 2)
        if kind == "nested":
            w(f"if event.event == {literal(nested)}:", 1)
            w("try:", 2)
            w("inner = parse_json(event.data)", 3)
            w("except ValueError as exc:", 2)
            w(
                'raise CodecError(f"event {event.event!r}: data is not JSON: {exc}", '
                "line=event.data.encode()) from None",
                3,
            )
            w(f"return {name}_{stream.nested}(inner)", 2)
        if kind in ("sse-event", "nested"):
            w(f"entry = {table}.get(event.event)", 1)
            w("if entry is None:", 1)
            w("return Unknown(event)", 2)
        w("try:", 1)
        w("obj = parse_json(event.data)", 2)
        w("except ValueError as exc:", 1)
        w(
            'raise CodecError(f"event {event.event!r}: data is not JSON: {exc}", '
            "line=event.data.encode()) from None",
            2,
        )
        w("if not isinstance(obj, dict):", 1)
        w('return Unknown(event, "not a JSON object")', 2)
        if kind == "key-present":
            w(f"entry = {table}[obj.get({literal(stream.dispatch['key'])}) is not None]", 1)
        if locate:
            w("return entry.__self__, obj, event", 1)
            return
        w("try:", 1)
        w("decoded: " + stream.event_type + " = entry(obj)", 2)
        w("except Mismatch as exc:", 1)
        w("return Unknown(event, exc.message, entry.__self__.__name__)", 2)
        w("return decoded", 1)

    # Request builders.

    @staticmethod
    def argument(param: Param) -> str:
        """A builder argument for a query or header entry that the caller gives."""
        if param.default is not None:
            return f"{param.name}: str = {literal(param.default)}"
        if param.optional:
            return f"{param.name}: str | None = None"
        return f"{param.name}: str"

    def url_params(self, op: Operation) -> list[str]:
        params = [f"{name}: str" for name, _ in op.path_params]
        params += [self.argument(q) for q in op.query if q.fixed is None]
        params.append(f"base_url: str = SERVERS[{literal(op.server)}]")
        # Required parameters first, for readability of the signature.
        return sorted(params, key=lambda p: "=" in p)

    def render_url(self, w: Writer, op: Operation) -> None:
        w(f"def {op.name}_url(*, {', '.join(self.url_params(op))}) -> str:")
        docstring(
            w, f"The URL of ``{op.method} {op.path}``, query included, in the spec's order.", 1
        )
        path = op.path
        for name, slashes in op.path_params:
            safe = "'/'" if slashes else "''"
            path = path.replace("{" + name + "}", "{quote(" + name + ", safe=" + safe + ")}")
        if op.path_params:
            w(f'url = join_url(base_url, f"{path}")', 1)
        else:
            w(f"url = join_url(base_url, {literal(path)})", 1)
        if op.query:
            w("query: list[tuple[str, str]] = []", 1)
            for q in op.query:
                self.render_append(w, "query", q.wire, q)
            w('url += "?" + query_string(query)', 1)
        w("return url", 1)

    @staticmethod
    def render_append(w: Writer, target: str, wire: str, param: Param) -> None:
        if param.fixed is not None:
            w(f"{target}.append(({literal(wire)}, {literal(param.fixed)}))", 1)
        elif param.optional and param.default is None:
            w(f"if {param.name} is not None:", 1)
            w(f"{target}.append(({literal(wire)}, {param.name}))", 2)
        else:
            w(f"{target}.append(({literal(wire)}, {param.name}))", 1)

    def render_operation(self, w: Writer, op: Operation) -> None:
        self.render_url(w, op)
        w()
        w()
        credentials = list(self.spec.auth) if op.auth else []
        params = [p for p in self.url_params(op) if not p.startswith("base_url")]
        params += [self.argument(h) for h in op.headers if h.fixed is None]
        for c in credentials:
            params.append(f"{c.name}: str | None = None" if c.optional else f"{c.name}: str")
        if op.encoding == "json":
            params.append(f"body: {op.body_type} | Mapping[str, Any]")
        for part in op.parts:
            if part.kind == "json":
                params.append(f"{part.name}: {part.type} | Mapping[str, Any]")
            elif part.kind == "file":
                params.append(f"{part.name}: Sequence[FormPart] = ()")
            elif part.optional:
                params.append(f"{part.name}: str | None = None")
            else:
                params.append(f"{part.name}: str")
        if op.encoding == "multipart":
            params.append("boundary: str")
        params.append(f"base_url: str = SERVERS[{literal(op.server)}]")
        params.append("headers: Iterable[tuple[str, str]] = ()")
        params = sorted(params, key=lambda p: "=" in p)
        w(f"def build_{op.name}(")
        w("*,", 1)
        for p in params:
            w(f"{p},", 1)
        w(") -> HttpRequest:")
        doc = op.doc
        if op.since or op.until:
            doc += f" Era: {op.since or '…'} to {op.until or 'now'}."
        for where, entries in (("query", op.query), ("header", op.headers)):
            for entry in entries:
                note = " Secret: masked in the request's repr." if entry.secret else ""
                note += era_note(entry.since, entry.until)
                if entry.fixed is None and note:
                    doc += f" ``{entry.name}`` ({where} {entry.wire}):{note}"
        doc += " ``headers`` are added after the spec's own."
        docstring(w, doc, 1)
        url_args = [name for name, _ in op.path_params]
        url_args += [q.name for q in op.query if q.fixed is None]
        url_args.append("base_url")
        call = f"url = {op.name}_url({', '.join(f'{a}={a}' for a in url_args)})"
        if len(call) <= 96:
            w(call, 1)
        else:
            w(f"url = {op.name}_url(", 1)
            for a in url_args:
                w(f"{a}={a},", 2)
            w(")", 1)
        w("sent: list[tuple[str, str]] = []", 1)
        for h in op.headers:
            self.render_append(w, "sent", h.wire, h)
        secrets = {h.wire.lower() for h in op.headers if h.secret}
        cookies = [c for c in credentials if c.where == "cookie"]
        for c in credentials:
            if c.where != "header":
                continue
            secrets.add(c.wire.lower())
            value = f"{literal(c.scheme + ' ')} + {c.name}" if c.scheme else c.name
            if c.optional:
                w(f"if {c.name} is not None:", 1)
                w(f"sent.append(({literal(c.wire)}, {value}))", 2)
            else:
                w(f"sent.append(({literal(c.wire)}, {value}))", 1)
        if cookies:
            secrets.add("cookie")
            w("cookie: list[str] = []", 1)
            for c in cookies:
                if c.optional:
                    w(f"if {c.name} is not None:", 1)
                    w(f"cookie.append({literal(c.wire + '=')} + {c.name})", 2)
                else:
                    w(f"cookie.append({literal(c.wire + '=')} + {c.name})", 1)
            w("if cookie:", 1)
            w('sent.append(("Cookie", "; ".join(cookie)))', 2)
        if op.encoding == "json":
            w(f"payload = body.to_wire() if isinstance(body, {op.body_type}) else dict(body)", 1)
            w("content = json_body(payload)", 1)
            w('sent.append(("Content-Type", "application/json"))', 1)
        elif op.encoding == "multipart":
            w("parts: list[FormPart] = []", 1)
            for part in op.parts:
                wire = literal(part.wire)
                if part.kind == "json":
                    w(
                        f"parts.append(FormPart({wire}, json_body({part.name}.to_wire() "
                        f"if isinstance({part.name}, {part.type}) else dict({part.name}))))",
                        1,
                    )
                elif part.kind == "file":
                    w(f"parts.extend(attrs.evolve(p, name={wire}) for p in {part.name})", 1)
                elif part.optional:
                    w(f"if {part.name} is not None:", 1)
                    w(f"parts.append(FormPart({wire}, {part.name}.encode()))", 2)
                else:
                    w(f"parts.append(FormPart({wire}, {part.name}.encode()))", 1)
            w("content, content_type = encode_multipart(parts, boundary)", 1)
            w('sent.append(("Content-Type", content_type))', 1)
        else:
            w('content = b""', 1)
        w("sent.extend(headers)", 1)
        w("return HttpRequest(", 1)
        w(f"method={literal(op.method)},", 2)
        w("url=url,", 2)
        w("headers=tuple(sent),", 2)
        w("body=content,", 2)
        names = ", ".join(literal(n) for n in sorted(secrets))
        w(
            f"secret_headers=frozenset({{{names}}})," if secrets else "secret_headers=frozenset(),",
            2,
        )
        secret_query = sorted({q.wire for q in op.query if q.secret})
        if secret_query:
            names = ", ".join(literal(n) for n in secret_query)
            w(f"secret_query=frozenset({{{names}}}),", 2)
        w(")", 1)
        w()
        w()

    def render_streams_table(self, w: Writer) -> None:
        w("# What the spec says of each stream, for the protocol machines.")
        if not self.spec.streams:
            w("STREAMS: Final[Mapping[str, StreamInfo]] = {}")
            return
        w("STREAMS: Final[Mapping[str, StreamInfo]] = {")
        for stream in self.spec.streams:
            inner = self.inner(stream)
            complete_on = list(stream.complete_on)
            errors = list(stream.errors)
            if inner is not None:
                complete_on += list(inner.complete_on)
                errors += list(inner.errors)
            w(f"{literal(stream.name)}: StreamInfo(", 1)
            w(f"name={literal(stream.name)},", 2)
            w(f"framing={literal(stream.framing)},", 2)
            w(f"content={literal(stream.content)},", 2)
            w(f"complete_on={literal(complete_on)},", 2)
            w(f"errors={literal(errors)},", 2)
            w(f"read_to_eof={stream.read_to_eof!r},", 2)
            if stream.done is not None:
                w(f"done={literal(stream.done)},", 2)
            if stream.nested is not None:
                w(f"nested={literal(stream.nested)},", 2)
            if stream.since:
                w(f"since={literal(stream.since)},", 2)
            if stream.until:
                w(f"until={literal(stream.until)},", 2)
            w("),", 1)
        w("}")
        w()
        w()

    def render_operations_table(self, w: Writer) -> None:
        w("# What the spec says of each operation, for the protocol machines.")
        if not self.spec.operations:
            w("OPERATIONS: Final[Mapping[str, OperationInfo]] = {}")
            return
        w("OPERATIONS: Final[Mapping[str, OperationInfo]] = {")
        for op in self.spec.operations:
            w(f"{literal(op.name)}: OperationInfo(", 1)
            w(f"name={literal(op.name)},", 2)
            w(f"method={literal(op.method)},", 2)
            w(f"path={literal(op.path)},", 2)
            w(f"response={literal(op.response.get('kind'))},", 2)
            if op.response.get("stream"):
                w(f"stream={literal(op.response['stream'])},", 2)
            if op.errors:
                items = ", ".join(
                    f"{status}: {literal(kind)}" for status, kind in sorted(op.errors.items())
                )
                w(f"errors={{{items}}},", 2)
            if op.since:
                w(f"since={literal(op.since)},", 2)
            if op.until:
                w(f"until={literal(op.until)},", 2)
            w(f"record_headers={literal(list(op.record_headers))},", 2)
            w(f"match_on={literal(list(op.match_on))},", 2)
            w(f"content_types={literal(list(op.content_types))},", 2)
            if op.response.get("type"):
                w(f"response_type={literal(op.response['type'])},", 2)
            if op.response.get("envelope"):
                w(f"response_envelope={literal(op.response['envelope'])},", 2)
            w("),", 1)
        w("}")

    def eras(self) -> list[tuple[str, str | None, str | None]]:
        """Every field and credential with an era: ``Record.wireKey`` or ``auth.name``."""
        records = list(self.spec.types) + [r for s in self.spec.streams for _, r in s.events]
        out = [
            (f"{record.name}.{f.wire}", f.since, f.until)
            for record in records
            for f in record.fields
            if f.since or f.until
        ]
        out += [(f"auth.{c.wire}", c.since, c.until) for c in self.spec.auth if c.since or c.until]
        return out

    def render_eras_table(self, w: Writer) -> None:
        eras = self.eras()
        if not eras:
            return
        w()
        w()
        w("# The era (since, until) of each field and credential that has one, for the machines.")
        w("ERAS: Final[Mapping[str, tuple[str | None, str | None]]] = {")
        for key, since, until in eras:
            w(f"{literal(key)}: ({literal(since)}, {literal(until)}),", 1)
        w("}")

    def render_providers_table(self, w: Writer) -> None:
        if not self.spec.providers:
            return
        w()
        w()
        w("# How each provider is reached through {route}; `*` is any provider not listed.")
        w("# Look one up with codec.specinfo.provider_info(PROVIDERS, name).")
        w("PROVIDERS: Final[Mapping[str, ProviderInfo]] = {")
        for p in self.spec.providers:
            if p.doc:
                for line in _wrap(" ".join(p.doc.split()), 88):
                    w(f"# {line}", 1)
            w(f"{literal(p.name)}: ProviderInfo(", 1)
            w(f"name={literal(p.name)},", 2)
            w(f"route={literal(p.route)},", 2)
            if p.headers:
                w("headers=(", 2)
                for key, value in p.headers:
                    w(f"({literal(key)}, {literal(value)}),", 3)
                w("),", 2)
            w(f"model={literal(p.model)},", 2)
            w("),", 1)
        w("}")
