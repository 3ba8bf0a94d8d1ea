"""Renders a spec's ``unified`` rules as ``hfclient/translate/_generated/<service>.py``.

Each rule becomes code twice: once over the typed record (attribute access,
types already checked by the codec) and once over a salvaged wire object, a
dict that did not fit its record, where every value is checked and one that
does not fit skips that unified event instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["UnifiedRenderer"]

from .model import Problem, Record, Spec, SpecProblems, Stream
from .render import Writer, docstring, literal
from .types import ListOf, Prim, Ref, TypeExpr, UnionOf
from .unified import Emit, Param, Rule, Source, params, unified_class

_WIRE_KINDS: dict[type, set[str]] = {
    str: {"str"},
    int: {"int"},
    float: {"float", "int"},
    bool: {"bool"},
}


class PathError(Exception):
    pass


@dataclass
class Access:
    guards: list[str]  # conditions under which ``expr`` may be evaluated
    expr: str
    type: TypeExpr
    optional: bool

    def maybe_absent(self) -> bool:
        return bool(self.guards) or self.optional or _nullable(self.type)


def _nullable(t: TypeExpr) -> bool:
    return t is None or (isinstance(t, UnionOf) and None in t.members)


def _members(t: TypeExpr) -> tuple[TypeExpr, ...]:
    return t.members if isinstance(t, UnionOf) else (t,)


class UnifiedRenderer:
    """Renders the translation module of one spec (empty of rules if it has no streams)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.records: dict[str, Record] = {r.name: r for r in spec.types}
        for stream in spec.streams:
            self.records.update({r.name: r for _, r in stream.events})
        self.problems: list[Problem] = []
        self.used: set[str] = {"Event", "Unknown"}
        self.hooks: dict[str, list[str]] = {}  # hook name -> record class names
        self.salvage_hooks: set[str] = set()
        self.lone_hooks: dict[str, str] = {}  # record class -> the hook its first rule calls

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    # Paths.

    def access(self, record: Record, base: str, path: tuple[str, ...], prefix: str) -> Access:
        guards: list[str] = []
        expr = base
        for i, key in enumerate(path):
            f = next((f for f in record.fields if f.wire == key), None)
            if f is None:
                raise PathError(f"{record.name} has no field {key!r}")
            expr = f"{expr}.{f.name}"
            if i == len(path) - 1:
                return Access(guards, expr, f.type, f.optional)
            refs = [m for m in _members(f.type) if isinstance(m, Ref)]
            if len(refs) != 1:
                raise PathError(f"{record.name}.{key} is not one record, so has no {path[i + 1]!r}")
            if f.optional or isinstance(f.type, UnionOf):
                guards.append(f"isinstance({expr}, {prefix}{refs[0].name})")
            record = self.records[refs[0].name]
        raise PathError("an empty path")

    # Arguments.

    def record_arg(self, record: Record, base: str, param: Param, source: Source) -> str:
        if source.literal:
            return literal(source.value)
        if source.each is not None:
            return self.record_each(record, base, param, source)
        acc = self.access(record, base, source.path, "wire.")
        self.check_kind(param, acc.type, source)
        if param.kind is str and param.nullable:
            value = f"text({acc.expr})"
        elif param.nullable:
            value = f"some({acc.expr})" if acc.optional else acc.expr
        elif acc.maybe_absent():
            raise PathError(
                f"{'.'.join(source.path)} may be absent, and {param.name} needs a value"
            )
        else:
            value = acc.expr
        if acc.guards:
            value = f"({value} if {' and '.join(acc.guards)} else None)"
        return value

    def record_each(self, record: Record, base: str, param: Param, source: Source) -> str:
        assert source.each is not None
        if param.kind is not tuple:
            raise PathError(f"{param.name} is not a tuple of events, for `each`")
        acc = self.access(record, base, source.path, "wire.")
        lists = [m for m in _members(acc.type) if isinstance(m, ListOf)]
        if len(lists) != 1 or not isinstance(lists[0].item, Ref):
            raise PathError(f"{'.'.join(source.path)} is not a list of records")
        item = self.records[lists[0].item.name]
        inner = self.record_emit(item, "item", source.each)
        guards = list(acc.guards)
        if acc.maybe_absent():
            guards.append(f"isinstance({acc.expr}, list)")
        made = f"tuple({inner} for item in {acc.expr})"
        return f"({made} if {' and '.join(guards)} else ())" if guards else made

    def record_emit(self, record: Record, base: str, emit: Emit) -> str:
        if emit.cls == "Unknown" and not emit.args:
            return f"Unknown({base})"  # no unified meaning: the record itself
        cls = unified_class(emit.cls)
        assert cls is not None
        self.used.add(emit.cls)
        known = params(cls)
        given = dict(emit.args)
        for name in given:
            if name not in known:
                raise PathError(f"{emit.cls} has no argument {name!r}")
        args = []
        for name, param in known.items():
            if name not in given:
                if param.required:
                    raise PathError(f"{emit.cls} needs {name!r}")
                continue
            args.append(f"{name}={self.record_arg(record, base, param, given[name])}")
        return f"{emit.cls}({', '.join(args)})"

    def raw_arg(self, base: str, param: Param, source: Source) -> str:
        if source.literal:
            return literal(source.value)
        if source.each is not None:
            inner = self.raw_emit("item", source.each)
            return f"each({self.raw_at(base, source.path)}, lambda item: {inner})"
        value = self.raw_at(base, source.path)
        if param.kind is str and param.nullable:
            return f"text({value})"
        if param.kind is object:
            return f"some({value})"
        if param.nullable:
            return f"optional({value}, {param.kind.__name__})"
        return f"required({value}, {param.kind.__name__})"

    def raw_emit(self, base: str, emit: Emit) -> str:
        if emit.cls == "Unknown" and not emit.args:
            return "Unknown(raw)"
        cls = unified_class(emit.cls)
        assert cls is not None
        given = dict(emit.args)
        args = [
            f"{name}={self.raw_arg(base, param, given[name])}"
            for name, param in params(cls).items()
            if name in given
        ]
        return f"{emit.cls}({', '.join(args)})"

    @staticmethod
    def raw_at(base: str, path: tuple[str, ...]) -> str:
        return f"at({base}, {', '.join(literal(k) for k in path)})"

    def check_kind(self, param: Param, wire: TypeExpr, source: Source) -> None:
        if param.kind is object:
            return
        wanted = _WIRE_KINDS.get(param.kind)
        members = [m for m in _members(wire) if m is not None]
        if wanted is None or not all(isinstance(m, Prim) and m.name in wanted for m in members):
            raise PathError(
                f"{'.'.join(source.path)} is not a {param.kind.__name__}, as {param.name} needs"
            )

    # Conditions.

    def record_condition(self, record: Record, rule: Rule) -> str:
        parts: list[str] = []
        for cond in rule.when:
            acc = self.access(record, "e", cond.path, "wire.")
            kinds = {m.name for m in _members(acc.type) if isinstance(m, Prim)}
            values = cond.value if cond.op == "in" else (cond.value,)
            for value in values:
                kind = {bool: "bool", int: "int", float: "float", str: "str"}.get(type(value))
                if kind is None or not (kind in kinds or (kind == "int" and "float" in kinds)):
                    raise PathError(f"{'.'.join(cond.path)} is never {value!r}")
            parts += acc.guards
            if cond.op == "is":
                parts.append(f"{acc.expr} == {literal(cond.value)}")
            elif cond.op == "in":
                parts.append(f"{acc.expr} in {literal(list(cond.value))}")
            else:
                parts.append(f"differs({acc.expr}, {literal(cond.value)})")
        return " and ".join(parts)

    def raw_condition(self, rule: Rule) -> str:
        parts: list[str] = []
        for cond in rule.when:
            value = self.raw_at("d", cond.path)
            if cond.op == "is":
                parts.append(f"is_({value}, {literal(cond.value)})")
            elif cond.op == "in":
                parts.append(f"is_in({value}, {literal(list(cond.value))})")
            else:
                parts.append(f"differs({value}, {literal(cond.value)})")
        return " and ".join(parts)

    # Rules to functions.

    def record_error(self, record: Record, rule: Rule) -> str:
        assert rule.error is not None
        given = dict(rule.error)
        args = []
        for name in ("message", "status", "error_type"):
            source = given.get(name)
            if source is None:
                args.append(f"{name}={literal(rule.error_default) if name == 'message' else None}")
                continue
            kind = str if name != "status" else int
            value = self.record_arg(record, "e", Param(name, kind, None, True, False), source)
            if name == "message":
                value = f"{value} or {literal(rule.error_default)}"
            args.append(f"{name}={value}")
        return f"[t.error({', '.join(args)}, raw=e)]"

    def raw_error(self, rule: Rule) -> str:
        assert rule.error is not None
        given = dict(rule.error)
        args = []
        for name in ("message", "status", "error_type"):
            source = given.get(name)
            if source is None:
                args.append(f"{name}={literal(rule.error_default) if name == 'message' else None}")
                continue
            kind = str if name != "status" else int
            value = self.raw_arg("d", Param(name, kind, None, True, False), source)
            if name == "message":
                value = f"{value} or {literal(rule.error_default)}"
            args.append(f"{name}={value}")
        return f"[t.error({', '.join(args)}, raw=raw)]"

    def render_record_function(
        self, w: Writer, record: Record, rules: list[Rule], stream_rules: list[Rule]
    ) -> None:
        w(f"def _{_fn(record.name)}(t: Hooks, e: wire.{record.name}) -> list[Event]:")
        usable = [r for r in stream_rules if self.resolves(record, r)] + rules
        if usable and usable[0].hook and not usable[0].when and not usable[0].end:
            self.lone_hooks[record.name] = usable[0].hook
        finished = False
        for rule in usable:
            try:
                cond = self.record_condition(record, rule)
                body = self.record_body(record, rule)
            except PathError as exc:
                self.problem(rule.where, str(exc))
                continue
            if cond:
                w(f"if {cond}:", 1)
                for line in body:
                    w(line, 2)
            else:
                for line in body:
                    w(line, 1)
                finished = True
                break
        if not finished:
            w("return [Unknown(e)]  # no rule held", 1)
        w()
        w()

    def resolves(self, record: Record, rule: Rule) -> bool:
        try:
            self.record_condition(record, rule)
        except PathError:
            return False
        return True

    def record_body(self, record: Record, rule: Rule) -> list[str]:
        lines = ["t.end()"] if rule.end else []
        if rule.hook is not None:
            self.hooks.setdefault(rule.hook, [])
            if record.name not in self.hooks[rule.hook]:
                self.hooks[rule.hook].append(record.name)
            lines.append(f"return t.{rule.hook}(e)")
        elif rule.error is not None:
            lines.append(f"return {self.record_error(record, rule)}")
        elif rule.emit:
            lines.append(
                f"return [{', '.join(self.record_emit(record, 'e', x) for x in rule.emit)}]"
            )
        else:
            lines.append(f"return []  # {rule.drop or 'end marker'}")
        return lines

    def render_raw_function(self, w: Writer, name: str, rules: list[Rule]) -> None:
        w(f"def _{name}_raw(t: Hooks, d: Mapping[str, Any], raw: object) -> list[Event] | None:")
        finished = False
        for rule in rules:
            cond = self.raw_condition(rule)
            body = self.raw_body(rule)
            if cond:
                w(f"if {cond}:", 1)
                for line in body:
                    w(line, 2)
            else:
                for line in body:
                    w(line, 1)
                finished = True
                break
        if not finished:
            w("return []", 1)
        w()
        w()

    def raw_body(self, rule: Rule) -> list[str]:
        lines = ["t.end()"] if rule.end else []
        if rule.hook is not None:
            if rule.salvage is not None:
                self.salvage_hooks.add(rule.salvage)
                lines.append(f"return t.{rule.salvage}(d)")
            else:
                lines.append("return []  # the hook needs the typed record")
        elif rule.error is not None:
            lines.append(f"return {self.raw_error(rule)}")
        elif rule.emit and all(x.cls == "Unknown" and not x.args for x in rule.emit):
            lines.append("return []  # kept whole, as Unknown")
        elif rule.emit:
            lines += [
                "try:",
                f"    return [{', '.join(self.raw_emit('d', x) for x in rule.emit)}]",
                "except Skip:",
                "    return []",
            ]
        else:
            lines.append(f"return None  # {rule.drop or 'end marker'}")
        return lines

    # The module.

    def render(self) -> str:
        spec = self.spec
        body = Writer()
        tables: list[tuple[Stream, list[tuple[str, str]]]] = []
        for stream in spec.streams:
            stream_rules = list(stream.unified)
            for rule in stream_rules:
                for cond in rule.when:
                    if not any(self.has_path(r, cond.path) for _, r in stream.events):
                        self.problem(rule.where, f"no event has {'.'.join(cond.path)!r}")
            names: list[tuple[str, str]] = []
            for key, record in stream.events:
                rules = list(record.unified)
                if not rules:
                    self.problem(
                        f"streams.{stream.name}.events.{key}",
                        "needs `unified`: what the event means to users (spec/README.md)",
                    )
                self.render_record_function(body, record, rules, stream_rules)
                self.render_raw_function(body, _fn(record.name), stream_rules + rules)
                names.append((record.name, _fn(record.name)))
            self.render_raw_function(body, f"{stream.name}_stream", stream_rules)
            tables.append((stream, names))
            self.render_translate(body, stream, names)
        if self.problems:
            raise SpecProblems(self.problems)

        w = Writer()
        w(f"# Generated by tools/gen_codecs.py from {spec.source}; do not edit by hand.")
        w(f"# Spec sha256: {spec.digest}")
        w("# Regenerate: python tools/gen_codecs.py --update")
        docstring(w, f"{spec.title}: wire events to unified events, as the spec's rules say.", 0)
        w()
        w("from __future__ import annotations")
        w()
        w("from collections.abc import Callable, Mapping")
        w("from functools import partial")
        w("from typing import Any, Final, Protocol")
        w()
        w(f"from codec._generated import {spec.service} as wire")
        if any(s.nested for s in spec.streams):
            w("from codec.framing import ServerSentEvent")
        w("from codec.values import Unknown as WireUnknown")
        events = sorted(self.used | {"ServiceError"})
        w("from hfclient.events import (")
        for name in events:
            w(f"{name},", 1)
        w(")")
        w("from hfclient.translate._rules import (")
        for name in (
            "Skip",
            "at",
            "differs",
            "each",
            "is_",
            "is_in",
            "optional",
            "required",
            "some",
            "text",
            "wire_object",
        ):
            w(f"{name},", 1)
        w(")")
        w()
        exported = ["Hooks"]
        exported += [f"{kind}_{s.name}" for s in spec.streams for kind in ("dispatch", "translate")]
        w("__all__ = [" + ", ".join(literal(n) for n in sorted(exported)) + "]")
        w()
        w()
        self.render_hooks(w)
        w.lines.extend(body.lines)
        return _tidy(w.text())

    def has_path(self, record: Record, path: tuple[str, ...]) -> bool:
        try:
            self.access(record, "e", path, "wire.")
        except PathError:
            return False
        return True

    def render_hooks(self, w: Writer) -> None:
        w("class Hooks(Protocol):")
        docstring(
            w,
            "What a translator provides to the generated rules: the end and error "
            "signals, and the hooks the spec names for what rules cannot say.",
            1,
        )
        w()
        w("def end(self) -> None:", 1)
        docstring(w, "The stream's end signal came.", 2)
        w("...", 2)
        w()
        w("def error(", 1)
        w("self, *, message: str, status: int | None, error_type: str | None, raw: object", 2)
        w(") -> ServiceError:", 1)
        docstring(w, "An in-band error: the event to give, and the stream has failed.", 2)
        w("...", 2)
        for hook, names in sorted(self.hooks.items()):
            w()
            kinds = " | ".join(f"wire.{n}" for n in names)
            w(f"def {hook}(self, event: {kinds}, /) -> list[Event]:", 1)
            docstring(w, f"Translate {', '.join(names)} (a hook the spec names).", 2)
            w("...", 2)
        for hook in sorted(self.salvage_hooks):
            w()
            w(f"def {hook}(self, wire_object: Mapping[str, Any], /) -> list[Event]:", 1)
            docstring(w, "What can be saved of a wire object that did not fit its record.", 2)
            w("...", 2)
        w()
        w()

    def render_translate(self, w: Writer, stream: Stream, names: list[tuple[str, str]]) -> None:
        upper = stream.name.upper()
        w(f"_{upper}: Final[Mapping[type, Callable[[Hooks, Any], list[Event]]]] = {{")
        for cls, fn in names:
            w(f"wire.{cls}: _{fn},", 1)
        w("}")
        w(f"_{upper}_RAW: Final[")
        w("Mapping[str, Callable[[Hooks, Mapping[str, Any], object], list[Event] | None]]", 1)
        w("] = {")
        for cls, fn in names:
            w(f"{literal(cls)}: _{fn}_raw,", 1)
        w("}")
        w()
        w()
        w(f"def dispatch_{stream.name}(t: Hooks) -> dict[type, Callable[[Any], list[Event]]]:")
        docstring(
            w,
            f"The records of ``{stream.name}``, each with the function that translates it "
            "for ``t``: its hook itself when a lone hook rule is all it has (one call "
            f"less per event); other events go to ``translate_{stream.name}``.",
            1,
        )
        w("return {", 1)
        if stream.nested is not None:
            w(f"**dispatch_{stream.nested}(t),  # the events it carries", 2)
        for cls, fn in names:
            hook = self.lone_hooks.get(cls)
            w(f"wire.{cls}: t.{hook}," if hook else f"wire.{cls}: partial(_{fn}, t),", 2)
        w("}", 1)
        w()
        w()
        w(f"def translate_{stream.name}(t: Hooks, event: object) -> list[Event]:")
        if stream.nested is not None:
            docstring(
                w,
                f"The unified events of one decoded ``{stream.name}`` event. Its own events "
                f"go by its rules; the {stream.nested} events it carries, and what the inner "
                f"decoder could not read, go to ``translate_{stream.nested}``.",
                1,
            )
        else:
            docstring(
                w,
                f"The unified events of one decoded ``{stream.name}`` event. A wire object "
                "that did not fit its record comes back as ``Unknown`` followed by what "
                "could be saved of it; a dropped one (a heartbeat) as nothing.",
                1,
            )
        w(f"translate = _{upper}.get(type(event))", 1)
        w("if translate is not None:", 1)
        w("return translate(t, event)", 2)
        if stream.done is not None:
            w("if isinstance(event, wire.Done):", 1)
            w("t.end()", 2)
            w("return []", 2)
        if stream.nested is not None:
            # The outer decoder's Unknown holds the ServerSentEvent; the inner's a JSON value.
            w(
                "if not (isinstance(event, WireUnknown)"
                " and isinstance(event.raw, ServerSentEvent)):",
                1,
            )
            w(f"return translate_{stream.nested}(t, event)", 2)
        else:
            w("if not isinstance(event, WireUnknown):", 1)
            w("return [Unknown(event)]", 2)
        w("d = wire_object(event.raw)", 1)
        w("if d is None:", 1)
        w("return [Unknown(event.raw, event.reason)]", 2)
        w(f'salvage = _{upper}_RAW.get(event.record or "", _{stream.name}_stream_raw)', 1)
        w("saved = salvage(t, d, event.raw)", 1)
        w("return [] if saved is None else [Unknown(event.raw, event.reason), *saved]", 1)
        w()
        w()


def _fn(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def _tidy(text: str) -> str:
    # Two blank lines at most, none at the end.
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if line == "" and len(out) >= 2 and out[-1] == "" and out[-2] == "":
            continue
        out.append(line)
    return "\n".join(out).rstrip("\n") + "\n"
