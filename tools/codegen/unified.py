"""The ``unified`` rules of a spec: what each wire event means to users.

A stream and each of its events carry a list of rules; the first rule whose
``when`` holds decides (the stream's rules come first). A rule emits unified
events (:mod:`hfclient.events`) from wire paths, drops the event (a
heartbeat), reports an in-band error, or calls a named hook of the
hand-written translator. ``end: true`` marks the event as the stream's end
signal. spec/README.md documents the format.
"""

from __future__ import annotations

import importlib.util
import sys
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import attrs

# Wire paths are dotted wire keys: "statusInfo.code".
Path = tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """Where one argument of a unified event comes from."""

    path: Path = ()  # a wire path, or
    value: Any = None  # a literal (``{value: ...}``), or
    literal: bool = False
    each: Emit | None = None  # one event per item of the list at ``path``


@dataclass(frozen=True)
class Emit:
    cls: str
    args: tuple[tuple[str, Source], ...]


@dataclass(frozen=True)
class Condition:
    path: Path
    op: str  # "is", "in" or "not"
    value: Any


@dataclass(frozen=True)
class Rule:
    where: str
    when: tuple[Condition, ...] = ()
    emit: tuple[Emit, ...] = ()
    drop: str | None = None
    hook: str | None = None
    salvage: str | None = None
    error: tuple[tuple[str, Source], ...] | None = None
    error_default: str = "the service reported an error"
    end: bool = False


ERROR_ARGS = ("message", "status", "error_type")
_ACTIONS = ("emit", "drop", "hook", "error")


def _events_module() -> types.ModuleType:
    # Loaded from its file, not imported: importing the hfclient package would
    # import the generated translations this generator is about to rewrite.
    name = "_hfclient_events_for_codegen"
    if name not in sys.modules:
        path = FilePath(__file__).resolve().parents[2] / "hfclient" / "events.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def unified_class(name: str) -> type | None:
    """The :mod:`hfclient.events` class a rule may emit, or ``None``."""
    events = _events_module()
    if name == "ServiceError" or name not in events.__all__:
        return None  # errors come from `error` rules, which sort them into kinds
    cls = getattr(events, name)
    return cls if isinstance(cls, type) and attrs.has(cls) else None


@dataclass(frozen=True)
class Param:
    name: str
    kind: type  # str, int, float, bool, object, or tuple (of unified events)
    item: str | None  # the event class of a tuple
    nullable: bool
    required: bool


def params(cls: type) -> dict[str, Param]:
    """The arguments of a unified event class, with the kinds the generator can fill."""
    hints = typing.get_type_hints(cls)
    out: dict[str, Param] = {}
    for a in attrs.fields(cls):
        hint = hints[a.name]
        union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        args = typing.get_args(hint) if union else (hint,)
        nullable = type(None) in args
        core = [x for x in args if x is not type(None)]
        base: Any = core[0] if len(core) == 1 else object
        item = None
        if typing.get_origin(base) is tuple:
            item = typing.get_args(base)[0].__name__
            base = tuple
        elif base not in (str, int, float, bool):
            base = object
        out[a.name] = Param(
            a.name, base, item, nullable or base is object, a.default is attrs.NOTHING
        )
    return out


@dataclass
class RuleParser:
    """Reads rule lists, reporting problems through ``problem(where, message)``."""

    problem: Callable[[str, str], None]
    hooks: set[str] = field(default_factory=set)

    def rules(self, where: str, raw: Any) -> tuple[Rule, ...]:
        if not isinstance(raw, list):
            self.problem(where, "is a list of rules")
            return ()
        return tuple(self.rule(f"{where}[{i}]", body) for i, body in enumerate(raw))

    def rule(self, where: str, body: Any) -> Rule:
        if not isinstance(body, dict):
            self.problem(where, "a rule is a mapping")
            return Rule(where)
        known = {"when", "emit", "args", "drop", "hook", "salvage", "error", "end"}
        for key in body:
            if key not in known:
                self.problem(where, f"unknown key {key!r}")
        actions = [a for a in _ACTIONS if a in body]
        if len(actions) > 1:
            self.problem(where, f"one of {', '.join(_ACTIONS)}, not {' and '.join(actions)}")
        if not actions and not body.get("end"):
            self.problem(where, f"needs one of {', '.join(_ACTIONS)} (or `end: true`)")
        when = self.conditions(f"{where}.when", body.get("when", {}))
        emit: tuple[Emit, ...] = ()
        if "emit" in body:
            emit = (self.emit(where, body["emit"], body.get("args", {})),)
        elif "args" in body:
            self.problem(f"{where}.args", "only an `emit` rule has args")
        hook = body.get("hook")
        if hook is not None:
            if not isinstance(hook, str) or not hook.isidentifier() or hook.startswith("_"):
                self.problem(f"{where}.hook", "a hook is a method name")
            self.hooks.add(str(hook))
        salvage = body.get("salvage")
        if salvage is not None:
            if hook is None:
                self.problem(f"{where}.salvage", "only a hook rule has a salvage hook")
            if not isinstance(salvage, str) or not salvage.isidentifier():
                self.problem(f"{where}.salvage", "a salvage hook is a method name")
            self.hooks.add(str(salvage))
        drop = body.get("drop")
        if drop is not None and not isinstance(drop, str):
            self.problem(f"{where}.drop", "says why, as text: heartbeat, end marker, ...")
        error: tuple[tuple[str, Source], ...] | None = None
        default = "the service reported an error"
        if "error" in body:
            spec = body["error"]
            if not isinstance(spec, dict):
                self.problem(f"{where}.error", f"maps {', '.join(ERROR_ARGS)} to wire paths")
                spec = {}
            default = str(spec.get("default", default))
            error = tuple(
                (str(k), self.source(f"{where}.error.{k}", v))
                for k, v in spec.items()
                if k != "default"
            )
            for k, _ in error:
                if k not in ERROR_ARGS:
                    self.problem(f"{where}.error.{k}", f"is not one of {', '.join(ERROR_ARGS)}")
        end = body.get("end", False)
        if not isinstance(end, bool):
            self.problem(f"{where}.end", "is true or false")
        return Rule(
            where,
            when=when,
            emit=emit,
            drop=drop if isinstance(drop, str) else None,
            hook=hook if isinstance(hook, str) else None,
            salvage=salvage if isinstance(salvage, str) else None,
            error=error,
            error_default=default,
            end=end is True,
        )

    def conditions(self, where: str, raw: Any) -> tuple[Condition, ...]:
        if not isinstance(raw, dict):
            self.problem(where, "maps wire paths to values")
            return ()
        out = []
        for path, value in raw.items():
            if isinstance(value, dict):
                if set(value) != {"not"}:
                    self.problem(f"{where}.{path}", "a value, a list of values, or {not: value}")
                out.append(Condition(self.path(str(path)), "not", value.get("not")))
            elif isinstance(value, list):
                out.append(Condition(self.path(str(path)), "in", tuple(value)))
            else:
                out.append(Condition(self.path(str(path)), "is", value))
        return tuple(out)

    def emit(self, where: str, cls: Any, args: Any) -> Emit:
        if not isinstance(cls, str) or unified_class(cls) is None:
            self.problem(f"{where}.emit", f"{cls!r} is not a class of hfclient.events")
            return Emit(str(cls), ())
        if not isinstance(args, dict):
            self.problem(f"{where}.args", "maps arguments to sources")
            args = {}
        return Emit(
            cls, tuple((str(k), self.source(f"{where}.args.{k}", v)) for k, v in args.items())
        )

    def source(self, where: str, raw: Any) -> Source:
        if isinstance(raw, str):
            return Source(path=self.path(raw))
        if isinstance(raw, dict) and set(raw) == {"value"}:
            return Source(value=raw["value"], literal=True)
        if isinstance(raw, dict) and "each" in raw:
            if set(raw) - {"each", "emit", "args"} or "emit" not in raw:
                self.problem(where, "an each source is {each: path, emit: Class, args: {...}}")
            emit = self.emit(where, raw.get("emit"), raw.get("args", {}))
            return Source(path=self.path(str(raw["each"])), each=emit)
        self.problem(where, "a source is a wire path, {value: ...} or {each: ..., emit: ...}")
        return Source(value=None, literal=True)

    @staticmethod
    def path(text: str) -> Path:
        return tuple(text.split("."))
