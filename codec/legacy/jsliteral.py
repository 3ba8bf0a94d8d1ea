"""JavaScript as devalue ``uneval`` writes it, read back into Python values.

A SvelteKit page embeds its load data as JavaScript, not JSON
(protocols/huggingchat.md §2.1, §6), written by devalue's ``uneval``
(sveltejs/devalue ``src/uneval.js``, 5.1 to 5.9): unquoted keys, ``.6``,
``void 0``, ``new Date(ms)``, and, when a value is shared or cyclic, an
immediately invoked function whose parameters hold the shared values,
``(function(a){a[0]="x";return {stop:a,stop_sequences:a}}(Array(1)))``.

This module reads exactly that grammar, plus what SvelteKit's replacer
writes into it: ``__sveltekit_<hash>.defer(id)`` for a streamed promise and
``app.decode('Name', value)`` for a ``transport`` type. Nothing else is
JavaScript to it: comments, other escapes, operators, names and calls raise
:class:`CodecError` with the byte offset (in the UTF-8 encoding of the text)
where they appear. Typed arrays, ``ArrayBuffer`` and ``DataView``, which
uneval can write but HuggingChat never sends, are refused the same way.

Reading is one pass over the text, O(n), nesting at most :data:`MAX_DEPTH`
levels and all arrays together at most :data:`MAX_ARRAY_SLOTS` slots. A
function body is compiled to closures while it is read and run once its
arguments are known, so shared values stay shared (``is``) and cycles are
kept, as devalue meant them.

Values map as in :mod:`codec.jsvalues`: ``void 0`` and an array hole are
:data:`~codec.jsvalues.UNDEFINED`, a ``Date`` an aware datetime, a ``Set`` a
set, a ``Map`` and a null-prototype object dicts, a boxed primitive
(``Object("s")``) the primitive, ``__sveltekit_x.defer(id)`` a
:class:`~codec.legacy.devalue.Deferred`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Final

from codec.errors import CodecError
from codec.jsvalues import (
    INVALID_DATE,
    UNDEFINED,
    InvalidDateType,
    JSRegExp,
    TaggedString,
    check_new_key,
)
from codec.legacy.devalue import Deferred

__all__ = [
    "MAX_ARRAY_SLOTS",
    "MAX_DEPTH",
    "Decoder",
    "LiteralReader",
    "parse_literal",
    "read_literal",
]

Decoder = Callable[[object], object]
"""Revives one SvelteKit ``transport`` type: ``app.decode("Name", value)`` calls it on ``value``."""

MAX_DEPTH: Final = 100
"""Values nested deeper than this are refused, well inside Python's recursion limit."""
MAX_ARRAY_SLOTS: Final = 1 << 22
"""``Array(n)`` builds a real list: all of one reader together get at most this many slots."""

_Scope = dict[str, object]
_Thunk = Callable[[_Scope], object]

_SPACE: Final = re.compile(r"[ \t\n\r]*")
# uneval's safe_key: plain ASCII identifiers, everything else quoted; get_name's names too.
_NAME: Final = re.compile(r"[A-Za-z_$][\w$]*", re.ASCII)
_INDEX: Final = re.compile(r"0|[1-9]\d*", re.ASCII)
# String(number) with uneval's `0.` → `.`; typed-array text keeps `0.`; `n` ends a BigInt.
_NUMBER: Final = re.compile(r"-?(?:Infinity|(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?n?)", re.ASCII)
_STRING_RUNS: Final = {'"': re.compile(r'[^"\\\n\r]+'), "'": re.compile(r"[^'\\\n\r]+")}
# stringify_string and JSON.stringify: these, and \uXXXX for "<", controls, lone surrogates.
_ESCAPES: Final = dict(zip("\"'\\bfnrt", "\"'\\\b\f\n\r\t", strict=True))
_HEX4: Final = re.compile(r"[0-9a-fA-F]{4}")
_CONSTANTS: Final[Mapping[str, object]] = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": math.nan,
    "Infinity": math.inf,
}
_STRING_CONSTRUCTORS: Final = frozenset({"URL", "URLSearchParams"})
_TEMPORAL: Final = frozenset(
    {
        "Duration",
        "Instant",
        "PlainDate",
        "PlainTime",
        "PlainDateTime",
        "PlainMonthDay",
        "PlainYearMonth",
        "ZonedDateTime",
    }
)
_BINARY: Final = frozenset(
    {
        *("Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array"),
        *("Float16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array"),
        *("BigInt64Array", "BigUint64Array", "DataView", "ArrayBuffer"),
    }
)
_KIT_GLOBAL: Final = "__sveltekit_"
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def _const(value: object) -> _Thunk:
    return lambda _scope: value


def _byte_offset(text: str, pos: int) -> int:
    prefix = text[:pos]
    try:
        return len(prefix.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return len(prefix.encode("utf-8", "surrogatepass"))


def _error(text: str, pos: int, message: str) -> CodecError:
    preview = text[max(pos - 40, 0) : pos + 40].encode("utf-8", "backslashreplace")
    return CodecError(message, offset=_byte_offset(text, pos), line=preview)


def _date(ms: float, fail: Callable[[str], CodecError]) -> datetime | InvalidDateType:
    if math.isnan(ms):
        return INVALID_DATE  # `new Date(NaN)`: uneval writes an invalid Date's getTime()
    try:
        return _EPOCH + timedelta(milliseconds=ms)
    except OverflowError:
        raise fail(f"Date {ms!r} ms is outside the range Python's datetime can hold") from None


class LiteralReader:
    """Reads uneval values out of one text, one after another, as parts of one page.

    The values share ``deferreds`` (a ``__sveltekit_x.defer(1)`` in one is the
    promise a later ``resolve`` settles), ``decoders`` and one budget of
    array slots.
    """

    def __init__(
        self,
        text: str,
        *,
        deferreds: dict[int, Deferred] | None = None,
        decoders: Mapping[str, Decoder] | None = None,
    ) -> None:
        self.text: Final = text
        self.deferreds: Final = {} if deferreds is None else deferreds
        self._decoders = decoders or {}
        self._pos = 0
        self._depth = 0
        self._names: frozenset[str] = frozenset()  # the enclosing function's parameters
        self._slots = 0
        self._maps: dict[int, dict[object, object]] = {}  # dicts that are JavaScript Maps

    # The public reading API -------------------------------------------------------------------

    def read(self, start: int = 0) -> tuple[object, int]:
        """The value written at ``start`` (after any whitespace), and the offset just after it."""
        self._pos, self._depth, self._names = start, 0, frozenset()
        thunk = self._value()
        return thunk({}), self._pos

    def skip_space(self, pos: int) -> int:
        """The offset of the first non-whitespace character at or after ``pos``."""
        match = _SPACE.match(self.text, pos)
        assert match is not None  # the pattern matches the empty string
        return match.end()

    def expect(self, pos: int, token: str) -> int:
        """The offset after ``token``, which must come next after whitespace; else CodecError."""
        self._pos = pos
        self._eat(token)
        return self._pos

    def error(self, pos: int, message: str) -> CodecError:
        """A :class:`CodecError` at ``pos``: its UTF-8 byte offset and the text around it."""
        return _error(self.text, pos, message)

    # Tokens -----------------------------------------------------------------------------------

    def _peek(self) -> str:
        self._pos = self.skip_space(self._pos)
        return self.text[self._pos : self._pos + 1]

    def _at(self, token: str) -> bool:
        self._peek()
        if not self.text.startswith(token, self._pos):
            return False
        after = self.text[self._pos + len(token) : self._pos + len(token) + 1]
        # `nullish` does not start with `null`
        return not (token[-1].isalnum() and (after.isalnum() or after in ("_", "$")))

    def _try(self, token: str) -> bool:
        if self._at(token):
            self._pos += len(token)
            return True
        return False

    def _eat(self, token: str) -> None:
        if not self._try(token):
            raise self._unexpected(f"expected {token!r}")

    def _unexpected(self, message: str) -> CodecError:
        found = repr(self.text[self._pos : self._pos + 20]) if self._peek() else "end of text"
        return self.error(self._pos, f"{message}, found {found}")

    def _name(self) -> str:
        self._peek()
        match = _NAME.match(self.text, self._pos)
        if match is None:
            raise self._unexpected("expected a name")
        self._pos = match.end()
        return match.group()

    def _string(self) -> str:
        self._peek()
        text, start = self.text, self._pos
        quote = text[start : start + 1]
        if quote not in _STRING_RUNS:
            raise self._unexpected("expected a string")
        run, parts, pos = _STRING_RUNS[quote], [], start + 1
        while True:
            match = run.match(text, pos)
            if match:
                parts.append(match.group())
                pos = match.end()
            char = text[pos : pos + 1]
            if char in ("", "\n", "\r"):
                raise self.error(start, "unterminated string")
            if char == quote:
                break
            escaped = text[pos + 1 : pos + 2]
            if escaped in _ESCAPES:
                parts.append(_ESCAPES[escaped])
                pos += 2
            elif escaped == "u" and _HEX4.fullmatch(text, pos + 2, pos + 6):
                parts.append(chr(int(text[pos + 2 : pos + 6], 16)))
                pos += 6
            else:
                raise self.error(pos, "invalid escape sequence (not one uneval writes)")
        self._pos = pos + 1
        value = "".join(parts)
        if any("\ud800" <= c <= "\udfff" for c in value):
            # JavaScript strings are UTF-16: escaped surrogate pairs form one character.
            value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        return value

    def _number(self) -> int | float:
        start = self._pos
        match = _NUMBER.match(self.text, start)
        if match is None:
            raise self._unexpected("expected a value")
        end = match.end()
        if _NAME.match(self.text, end) or self.text[end : end + 1].isdigit():
            raise self.error(end, "a name starts immediately after a number")
        self._pos, raw = end, match.group()
        sign = -1 if raw.startswith("-") else 1
        digits = raw.lstrip("-")
        try:
            if digits == "Infinity":
                return sign * math.inf
            if digits.endswith("n"):
                if not digits[:-1].isdigit():
                    raise ValueError("a BigInt must be an integer")
                return sign * int(digits[:-1])
            if "." in digits or "e" in digits:
                return float(raw)
            return -0.0 if raw == "-0" else int(raw)
        except ValueError as exc:  # beyond Python's digit limit, or a fractional BigInt
            raise self.error(start, f"invalid number {raw[:40]!r}: {exc}") from None

    def _index(self) -> int:
        self._peek()
        match = _INDEX.match(self.text, self._pos)
        if match is None:
            raise self._unexpected("expected an array index")
        self._pos = match.end()
        return int(match.group())

    # Values -----------------------------------------------------------------------------------

    def _value(self) -> _Thunk:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self.error(self._pos, f"nesting deeper than {MAX_DEPTH} levels")
        try:
            return self._value_here()
        finally:
            self._depth -= 1

    def _value_here(self) -> _Thunk:
        char, pos = self._peek(), self._pos
        if char in _STRING_RUNS:
            return _const(self._string())
        if char == "-" or char == "." or char.isdigit():
            return _const(self._number())
        if char == "[":
            return self._array()
        if char == "{":
            return self._object()
        if char == "(":
            return self._function_call()
        if char == "/":
            return _const(self._regex())  # devalue ≤ 5.1 hoisted a RegExp as its literal
        name = self._name()
        if name in _CONSTANTS:
            return _const(_CONSTANTS[name])
        if name == "void":
            self._eat("0")
            return _const(UNDEFINED)
        if name == "new":
            return self._new()
        if name == "Object":
            return self._object_call(pos)
        if name == "Array":
            self._eat("(")
            length = self._index()
            self._eat(")")
            return lambda _scope: self._allocate(length, pos)
        if name == "Temporal":
            self._eat(".")
            kind = self._name()
            if kind not in _TEMPORAL:
                raise self.error(pos, f"unknown Temporal type {kind!r}")
            self._eat(".from(")
            text = self._string()
            self._eat(")")
            return _const(TaggedString(f"Temporal.{kind}", text))
        if name.startswith(_KIT_GLOBAL):
            return self._defer()
        if name == "app":
            return self._decode()
        if name in self._names:
            return lambda scope: scope[name]
        raise self.error(pos, f"unknown name {name!r}")

    def _allocate(self, length: int, pos: int) -> list[object]:
        if length >= 2**32:
            raise self.error(pos, f"invalid array length {length}")
        if length > MAX_ARRAY_SLOTS - self._slots:
            raise self.error(pos, f"arrays longer than {MAX_ARRAY_SLOTS} slots in all")
        self._slots += length
        return [UNDEFINED] * length

    def _array(self) -> _Thunk:
        self._eat("[")
        items: list[_Thunk] = []
        while not self._try("]"):
            if self._try(","):
                items.append(_const(UNDEFINED))  # a hole; `[a,]` has no trailing hole
                continue
            items.append(self._value())
            if not self._try(","):
                self._eat("]")
                break
        return lambda scope: [item(scope) for item in items]

    def _object(self) -> _Thunk:
        self._eat("{")
        entries: list[tuple[str, _Thunk]] = []
        while not self._try("}"):
            char, pos = self._peek(), self._pos
            if char in _STRING_RUNS:
                key = self._string()
            elif char.isdigit():
                key = str(self._index())  # `Object.assign(Array(n),{3:x})`: sparse arrays
            else:
                key = self._name()
            self._eat(":")
            if key == "__proto__":
                # `{...,__proto__:null}`: devalue 5.4+'s null-prototype object, a dict to us.
                if not self._try("null"):
                    raise self.error(pos, "an object's __proto__ must be null")
            else:
                entries.append((key, self._value()))
            if not self._try(","):
                self._eat("}")
                break
        return lambda scope: {key: value(scope) for key, value in entries}

    def _regex(self) -> JSRegExp:
        text, start = self.text, self._pos
        pos, in_class = start + 1, False
        while True:
            char = text[pos : pos + 1]
            if char in ("", "\n", "\r", "\u2028", "\u2029"):
                raise self.error(start, "unterminated regular expression")
            if char == "/" and not in_class:
                break
            in_class = (in_class or char == "[") and char != "]"
            pos += 2 if char == "\\" else 1
        flags = re.compile(r"[a-z]*").match(text, pos + 1)
        assert flags is not None
        self._pos = flags.end()
        return JSRegExp(text[start + 1 : pos], flags.group())

    def _new(self) -> _Thunk:
        self._peek()
        pos = self._pos
        kind = self._name()
        if kind in ("Set", "Map"):
            if not self._try("("):
                return self._set_or_map(kind, _const([]), pos)  # hoisted: filled by statements
            entries = self._value()
            self._eat(")")
            return self._set_or_map(kind, entries, pos)
        if kind in _BINARY:
            raise self.error(pos, f"{kind} is not supported (HuggingChat sends no binary data)")
        if kind not in ("Date", "RegExp", *_STRING_CONSTRUCTORS):
            raise self.error(pos, f"{kind} is not a constructor uneval writes")
        self._eat("(")
        if kind == "Date":
            ms = math.nan if self._try("NaN") else self._number()
            self._eat(")")
            return _const(_date(ms, lambda message: self.error(pos, message)))
        text = self._string()
        if kind == "RegExp":
            flags = self._string() if self._try(",") else ""
            self._eat(")")
            return _const(JSRegExp(text, flags))
        self._eat(")")
        return _const(TaggedString(kind, text))

    def _set_or_map(self, kind: str, entries: _Thunk, pos: int) -> _Thunk:
        def build(scope: _Scope) -> object:
            items = entries(scope)
            if not isinstance(items, list):
                raise self.error(pos, f"new {kind} needs an array")
            if kind == "Set":
                members: set[object] = set()
                for member in items:
                    self._add(members, member, pos)
                return members
            mapping: dict[object, object] = {}
            self._maps[id(mapping)] = mapping
            for entry in items:
                if not isinstance(entry, list) or len(entry) != 2:
                    raise self.error(pos, "Map entries must be [key, value] pairs")
                self._put(mapping, entry[0], entry[1], pos)
            return mapping

        return build

    def _add(self, target: set[object], member: object, pos: int) -> None:
        try:
            check_new_key(target, member, "Set member")
        except CodecError as exc:
            raise self.error(pos, exc.message) from None
        target.add(member)

    def _put(self, target: dict[object, object], key: object, value: object, pos: int) -> None:
        try:
            check_new_key(target, key, "Map key")
        except CodecError as exc:
            raise self.error(pos, exc.message) from None
        target[key] = value

    def _object_call(self, pos: int) -> _Thunk:
        if self._try("("):
            boxed = self._value()  # `Object("s")`: Python has no boxes, so it is the primitive
            self._eat(")")
            return boxed
        self._eat(".")
        method = self._name()
        if method == "create":
            self._eat("(")
            self._eat("null")
            self._eat(")")
            return lambda _scope: {}
        if method != "assign":
            raise self.error(pos, f"unknown property 'Object.{method}'")
        # `Object.assign(Array(n),{...})` (sparse arrays) or, before devalue 5.4,
        # `Object.assign(Object.create(null),{...})`.
        self._eat("(")
        target_thunk = self._value()
        self._eat(",")
        source_thunk = self._object()
        self._eat(")")

        def assign(scope: _Scope) -> object:
            target, source = target_thunk(scope), source_thunk(scope)
            assert isinstance(source, dict)
            if isinstance(target, list):
                for key, value in source.items():
                    index = int(key) if _INDEX.fullmatch(key) else len(target)
                    if index >= len(target):
                        raise self.error(pos, f"sparse array index {key!r} is out of range")
                    target[index] = value
            elif isinstance(target, dict) and id(target) not in self._maps:
                target.update(source)
            else:
                raise self.error(pos, "Object.assign needs an array or an object")
            return target

        return assign

    def _defer(self) -> _Thunk:
        self._eat(".defer(")
        promise_id = self._index()
        self._eat(")")
        return lambda _scope: self.deferreds.setdefault(promise_id, Deferred(promise_id))

    def _decode(self) -> _Thunk:
        self._eat(".decode(")
        pos = self._pos
        name = self._string()
        decoder = self._decoders.get(name)
        if decoder is None:
            raise self.error(pos, f"no decoder for transport type {name!r}")
        self._eat(",")
        payload = self._value()
        self._eat(")")
        return lambda scope: decoder(payload(scope))

    # The function uneval wraps around shared values -------------------------------------------

    def _function_call(self) -> _Thunk:
        """``(function(a,b){statements;return value}(args))``, run once its arguments are read."""
        pos = self._pos
        self._eat("(")
        self._eat("function")
        self._eat("(")
        params: list[str] = []
        while not self._try(")"):
            params.append(self._name())
            if not self._try(","):
                self._eat(")")
                break
        self._eat("{")
        destructure = not params and self._try("var")
        if destructure:
            # More than 65534 shared values come as one array (devalue 5.9.1, #93).
            self._eat("[")
            params.append(self._name())
            while self._try(","):
                params.append(self._name())
            for token in ("]", "=", "arguments", "[", "0", "]", ";"):
                self._eat(token)
        if len(set(params)) != len(params):
            raise self.error(pos, "a parameter name is repeated")
        outer, self._names = self._names, frozenset(params)
        try:
            body = self._statements()
        finally:
            self._names = outer
        self._eat("(")
        args: list[_Thunk] = []
        while not self._try(")"):
            args.append(self._value())
            if not self._try(","):
                self._eat(")")
                break
        self._eat(")")
        if destructure and len(args) != 1:
            raise self.error(pos, "the shared values must come as one array")

        def call(scope: _Scope) -> object:
            values = [arg(scope) for arg in args]
            if destructure:
                values = values[0] if isinstance(values[0], list) else []
            if len(values) != len(params):
                raise self.error(pos, f"{len(params)} parameters but {len(values)} values")
            inner = dict(zip(params, values, strict=True))
            for statement in body[:-1]:
                statement(inner)
            return body[-1](inner)

        return call

    def _statements(self) -> list[_Thunk]:
        statements: list[_Thunk] = []
        while True:
            if self._try("return"):
                statements.append(self._value())
                self._eat("}")
                return statements
            statements.append(self._statement())
            self._eat(";")

    def _statement(self) -> _Thunk:
        """``a[0]=v``, ``a.key=v``, ``a["key"]=v``, ``s.add(v).add(w)`` or ``m.set(k, v)``."""
        pos = self._pos
        name = self._name()
        if name not in self._names:
            raise self.error(pos, f"assignment to undeclared name {name!r}")
        if self._try("["):
            key: str | int = self._string() if self._peek() in _STRING_RUNS else self._index()
            self._eat("]")
        else:
            self._eat(".")
            key = self._name()
            if key in ("add", "set") and self._at("("):
                return self._calls(name, key, pos)
        self._eat("=")
        value = self._value()

        def assign(scope: _Scope) -> None:
            target = scope[name]
            if isinstance(key, int) and isinstance(target, list) and key < len(target):
                target[key] = value(scope)
                return
            if isinstance(key, str) and isinstance(target, dict) and id(target) not in self._maps:
                target[key] = value(scope)
                return
            raise self.error(pos, f"cannot set {key!r} on {type(target).__name__} {name}")

        return assign

    def _calls(self, name: str, method: str, pos: int) -> _Thunk:
        calls: list[tuple[_Thunk, _Thunk | None]] = []
        while True:
            self._eat("(")
            first = self._value()
            second = None
            if method == "set":
                self._eat(",")
                second = self._value()
            self._eat(")")
            calls.append((first, second))
            if not self._at(f".{method}("):
                break
            self._eat(".")
            self._eat(method)

        def run(scope: _Scope) -> None:
            target = scope[name]
            for first, second in calls:
                if method == "add" and isinstance(target, set):
                    self._add(target, first(scope), pos)
                elif second is not None and isinstance(target, dict) and id(target) in self._maps:
                    self._put(target, first(scope), second(scope), pos)
                else:
                    raise self.error(pos, f"{type(target).__name__} {name} has no {method}")

        return run


def read_literal(
    text: str,
    start: int = 0,
    *,
    deferreds: dict[int, Deferred] | None = None,
    decoders: Mapping[str, Decoder] | None = None,
) -> tuple[object, int]:
    """Read one uneval value at ``start``; return its value and the offset after it."""
    return LiteralReader(text, deferreds=deferreds, decoders=decoders).read(start)


def parse_literal(
    text: str,
    *,
    deferreds: dict[int, Deferred] | None = None,
    decoders: Mapping[str, Decoder] | None = None,
) -> object:
    """The value of ``text``, which must hold one uneval value and nothing else.

    ``deferreds`` collects the :class:`~codec.legacy.devalue.Deferred` values
    that ``__sveltekit_x.defer(id)`` creates, by id; ``decoders`` revive
    SvelteKit ``transport`` types written as ``app.decode("Name", value)``.
    """
    reader = LiteralReader(text, deferreds=deferreds, decoders=decoders)
    value, end = reader.read()
    end = reader.skip_space(end)
    if end < len(text):
        raise reader.error(end, f"expected the end of the text, found {text[end : end + 20]!r}")
    return value
