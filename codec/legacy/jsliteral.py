"""JavaScript literals as devalue ``uneval`` writes them: a tokenizer, parser and evaluator.

A SvelteKit page embeds its load data as JavaScript, not JSON
(protocols/huggingchat.md §2.1, §6): unquoted keys, ``.6``, ``void 0``,
``new Date(...)``, and, when a value is shared, an immediately invoked
function whose parameters hold the shared values,
``(function(a){a[0]="x";return {stop:a,stop_sequences:a}}(Array(1)))``.

This module reads that subset with a real tokenizer and a recursive-descent
parser into a small syntax tree, then evaluates the tree: parameter bindings,
the assignment and ``.add``/``.set`` statements devalue emits, and the few
constructors it uses. Nothing else of JavaScript runs: an unknown name,
property or call raises :class:`CodecError` with the byte offset (in the
UTF-8 encoding of the text) where it appears. :class:`LiteralReader` reads
several expressions of one text as one evaluation; :mod:`codec.legacy.sveltekit`
uses it to read a page's bootstrap script.

Values map as in :mod:`codec.jsvalues`: ``undefined`` (``void 0``) is
:data:`~codec.jsvalues.UNDEFINED`, a ``Date`` an aware datetime, a ``Set`` a
set, a ``Map`` a dict, an array hole :data:`~codec.jsvalues.UNDEFINED`,
SvelteKit's ``__sveltekit_x.defer(id)`` a :class:`~codec.legacy.devalue.Deferred`.
Shared values stay shared (``is``), as devalue meant them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Container, Mapping
from typing import Final

import attrs

from codec.errors import CodecError
from codec.jsvalues import (
    UNDEFINED,
    JSRegExp,
    TaggedString,
    check_new_key,
    date_from_epoch_ms,
    date_from_iso,
)
from codec.legacy.devalue import Deferred

__all__ = ["Decoder", "Expression", "LiteralReader", "parse_literal", "read_literal"]

Decoder = Callable[[object], object]
"""Revives one SvelteKit ``transport`` type: ``app.decode("Name", value)`` calls it on ``value``."""

# Deeper nesting than this is refused rather than risking Python's recursion limit.
_MAX_DEPTH: Final = 100
# `Array(n)` and index assignments build real lists: all of one evaluation together
# get at most this many slots, so a small hostile page cannot allocate gigabytes.
_MAX_ARRAY_SLOTS: Final = 1 << 22
# Functions may call functions (a self-applying IIFE recurses forever): bound the depth.
_MAX_CALL_DEPTH: Final = 50


# --- Tokens ------------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class _Token:
    kind: str  # "num", "str", "name", "punct", "regex", "end", or "error" (raised when used)
    value: object  # the number, the string's value, the name, the punctuator, the JSRegExp
    start: int
    end: int


_SPACE: Final = re.compile(r"(?:[\s\ufeff]+|//[^\n\r\u2028\u2029]*|/\*.*?\*/)+", re.DOTALL)
_NAME: Final = re.compile(r"(?:[^\W\d]|\$)(?:\w|\$)*")
_NUMBER: Final = re.compile(
    r"0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*n?"
    r"|0[oO][0-7](?:_?[0-7])*n?"
    r"|0[bB][01](?:_?[01])*n?"
    r"|(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?n?",
    re.ASCII,
)
_DIGITS: Final = frozenset("0123456789")
_HEX_DIGITS: Final = frozenset("0123456789abcdefABCDEF")
_STRING_RUN: Final = re.compile(r"[^'\"\\\n\r]+")
_PUNCTUATORS: Final = ("=>", "...", *"()[]{},:;.=!-+~")
_SIMPLE_ESCAPES: Final = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v"}
_LINE_TERMINATORS: Final = "\n\r\u2028\u2029"
# After these a `/` starts a regular expression (uneval's hoisted RegExps), never a division.
_REGEX_AFTER_NAMES: Final = frozenset({"return", "void", "typeof", "new", "in", "of", "case"})


def _number_value(raw: str) -> int | float:
    """The value of a numeric literal (underscores removed); ValueError if it has none."""
    radix = raw[:2].lower() in ("0x", "0o", "0b")
    if raw.endswith("n"):
        if not radix and ("." in raw or "e" in raw.lower()):
            raise ValueError("a BigInt must be an integer")
        return int(raw[:-1], 0) if radix else int(raw[:-1])
    if radix:
        return int(raw, 0)
    if "." in raw or "e" in raw.lower():
        return float(raw)
    return int(raw)


def _byte_offset(text: str, pos: int) -> int:
    prefix = text[:pos]
    try:
        return len(prefix.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return len(prefix.encode("utf-8", "surrogatepass"))


def _error(text: str, pos: int, message: str) -> CodecError:
    preview = text[max(pos - 40, 0) : pos + 40].encode("utf-8", "backslashreplace")
    return CodecError(message, offset=_byte_offset(text, pos), line=preview)


class _Lexer:
    """Turns text into tokens on demand, from a start offset, so it can stop mid-page."""

    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos
        self._regex_ok = True

    def state(self) -> tuple[int, bool]:
        return self.pos, self._regex_ok

    def restore(self, state: tuple[int, bool]) -> None:
        self.pos, self._regex_ok = state

    def next(self) -> _Token:
        """The next token; a lexing error becomes an "error" token, raised only if it is used.

        The parser always looks one token ahead, and what follows the last
        token of a literal may be HTML, not JavaScript.
        """
        start = self.pos
        try:
            return self._next()
        except CodecError as exc:
            return _Token("error", exc, start, start)

    def _next(self) -> _Token:
        text = self.text
        space = _SPACE.match(text, self.pos)
        if space:
            self.pos = space.end()
        start = self.pos
        if start >= len(text):
            return _Token("end", None, start, start)
        char = text[start]
        token: _Token
        if char in "'\"":
            token = self._string(start)
        elif char in _DIGITS or (char == "." and text[start + 1 : start + 2] in _DIGITS):
            token = self._number(start)
        elif char == "/" and self._regex_ok:
            token = self._regex(start)
        elif name := _NAME.match(text, start):
            token = _Token("name", name.group(), start, name.end())
        else:
            for punct in _PUNCTUATORS:
                if text.startswith(punct, start):
                    token = _Token("punct", punct, start, start + len(punct))
                    break
            else:
                raise _error(text, start, f"unexpected character {char!r}")
        self.pos = token.end
        self._regex_ok = (token.kind == "punct" and token.value not in (")", "]", "}")) or (
            token.kind == "name" and token.value in _REGEX_AFTER_NAMES
        )
        return token

    def _number(self, start: int) -> _Token:
        match = _NUMBER.match(self.text, start)
        if match is None:  # pragma: no cover - the caller saw a digit or ".digit"
            raise _error(self.text, start, "bad number")
        end = match.end()
        if end < len(self.text) and (_NAME.match(self.text, end) or self.text[end] in _DIGITS):
            raise _error(self.text, end, "identifier starts immediately after a number")
        raw = match.group().replace("_", "")
        try:
            return _Token("num", _number_value(raw), start, end)
        except ValueError as exc:  # a BigInt with a fraction, or beyond Python's digit limit
            raise _error(
                self.text, start, f"invalid number {match.group()[:40]!r}: {exc}"
            ) from None

    def _string(self, start: int) -> _Token:
        text = self.text
        quote = text[start]
        parts: list[str] = []
        pos = start + 1
        while True:
            run = _STRING_RUN.match(text, pos)
            if run:
                parts.append(run.group())
                pos = run.end()
            if pos >= len(text) or text[pos] in "\n\r":
                raise _error(text, start, "unterminated string")
            char = text[pos]
            if char == quote:
                break
            if char != "\\":
                parts.append(char)  # the other quote
                pos += 1
                continue
            escaped, pos = self._escape(pos)
            parts.append(escaped)
        value = "".join(parts)
        if any("\ud800" <= c <= "\udfff" for c in value):
            # JavaScript strings are UTF-16: escaped surrogate pairs form one character.
            value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        return _Token("str", value, start, pos + 1)

    def _escape(self, pos: int) -> tuple[str, int]:
        """The character an escape sequence at ``pos`` (the backslash) stands for, and the end."""
        text = self.text
        char = text[pos + 1 : pos + 2]
        if not char:
            raise _error(text, pos, "unterminated string")
        if char in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[char], pos + 2
        if char == "x":
            return self._hex(pos, pos + 2, pos + 4), pos + 4
        if char == "u":
            if text[pos + 2 : pos + 3] == "{":
                close = text.find("}", pos + 3)
                if close < 0:
                    raise _error(text, pos, "unterminated \\u{...} escape")
                return self._hex(pos, pos + 3, close), close + 1
            return self._hex(pos, pos + 2, pos + 6), pos + 6
        if char == "\r" and text[pos + 2 : pos + 3] == "\n":
            return "", pos + 3
        if char in _LINE_TERMINATORS:
            return "", pos + 2  # a line continuation
        if char in "01234567":
            # Legacy octal escapes (sloppy mode): up to three digits, at most 0o377.
            digits = re.match(r"[0-3][0-7]{0,2}|[4-7][0-7]?", text[pos + 1 : pos + 4])
            assert digits is not None
            return chr(int(digits.group(), 8)), pos + 1 + digits.end()
        return char, pos + 2  # any other character stands for itself

    def _hex(self, pos: int, start: int, end: int) -> str:
        digits = self.text[start:end]
        if not digits or len(digits) != end - start or not _HEX_DIGITS.issuperset(digits):
            raise _error(self.text, pos, "invalid escape sequence")
        code = int(digits, 16)
        if code > 0x10FFFF:
            raise _error(self.text, pos, "code point out of range")
        return chr(code)

    def _regex(self, start: int) -> _Token:
        text = self.text
        pos = start + 1
        in_class = False
        while True:
            if pos >= len(text) or text[pos] in _LINE_TERMINATORS:
                raise _error(text, start, "unterminated regular expression")
            char = text[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "[":
                in_class = True
            elif char == "]":
                in_class = False
            elif char == "/" and not in_class:
                break
            pos += 1
        source = text[start + 1 : pos]
        flags = _NAME.match(text, pos + 1)
        end = flags.end() if flags else pos + 1
        return _Token("regex", JSRegExp(source, flags.group() if flags else ""), start, end)


# --- Syntax tree -------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class _Lit:
    value: object
    pos: int


@attrs.frozen(slots=True)
class _Name:
    name: str
    pos: int


@attrs.frozen(slots=True)
class _Array:
    items: tuple[_Node | None, ...]  # None is a hole
    pos: int


@attrs.frozen(slots=True)
class _Object:
    entries: tuple[tuple[str, _Node], ...]
    pos: int


@attrs.frozen(slots=True)
class _Member:
    obj: _Node
    prop: str | _Node  # a name after ".", or the expression in "[...]"
    pos: int


@attrs.frozen(slots=True)
class _Call:
    callee: _Node
    args: tuple[_Node, ...]
    pos: int


@attrs.frozen(slots=True)
class _New:
    callee: _Node
    args: tuple[_Node, ...]
    pos: int


@attrs.frozen(slots=True)
class _Unary:
    op: str
    operand: _Node
    pos: int


@attrs.frozen(slots=True)
class _Assign:
    target: _Node
    value: _Node
    pos: int


@attrs.frozen(slots=True)
class _Return:
    value: _Node | None
    pos: int


@attrs.frozen(slots=True)
class _Var:
    names: tuple[str, ...]
    destructure: bool  # `var [a,b]=...` rather than `var a=...`
    value: _Node | None
    pos: int


@attrs.frozen(slots=True)
class _Func:
    params: tuple[str, ...]
    body: tuple[_Statement, ...]
    pos: int


_Node = _Lit | _Name | _Array | _Object | _Member | _Call | _New | _Unary | _Assign | _Func
_Statement = _Node | _Return | _Var


class _Parser:
    """Recursive descent over the expression subset devalue and SvelteKit write."""

    def __init__(self, text: str, pos: int) -> None:
        self._lexer = _Lexer(text, pos)
        self._text = text
        self._depth = 0
        self._last_end = pos
        self._tok = self._lexer.next()

    @property
    def end(self) -> int:
        """Offset just after the last token consumed."""
        return self._last_end

    def _advance(self) -> _Token:
        token = self._tok
        if isinstance(token.value, CodecError):
            raise token.value
        self._last_end = token.end
        self._tok = self._lexer.next()
        return token

    def _is(self, punct: str) -> bool:
        return self._tok.kind == "punct" and self._tok.value == punct

    def _is_name(self, name: str) -> bool:
        return self._tok.kind == "name" and self._tok.value == name

    def expect(self, punct: str) -> _Token:
        """Consume the punctuator ``punct`` or raise."""
        if not self._is(punct):
            raise self.unexpected(f"expected {punct!r}")
        return self._advance()

    def unexpected(self, message: str) -> CodecError:
        """The error for the current token, which is not what ``message`` says it should be."""
        token = self._tok
        if isinstance(token.value, CodecError):
            return token.value  # the text here is not a token at all
        found = "end of text" if token.kind == "end" else repr(self._text[token.start : token.end])
        return _error(self._text, token.start, f"{message}, found {found}")

    def _nested(self) -> None:
        self._depth += 1
        if self._depth > _MAX_DEPTH:
            raise _error(self._text, self._tok.start, f"nesting deeper than {_MAX_DEPTH} levels")

    def at_end(self) -> bool:
        """Whether nothing but whitespace and comments is left."""
        return self._tok.kind == "end"

    # Expressions ------------------------------------------------------------------------------

    def expression(self) -> _Node:
        """One expression (an assignment, at most)."""
        self._nested()
        try:
            start = self._tok.start
            target = self._unary()
            if not self._is("="):
                return target
            if not isinstance(target, _Name | _Member):
                raise _error(self._text, start, "invalid assignment target")
            self._advance()
            return _Assign(target, self.expression(), start)
        finally:
            self._depth -= 1

    def _unary(self) -> _Node:
        token = self._tok
        if (token.kind == "punct" and token.value in ("-", "+", "!", "~")) or (
            token.kind == "name" and token.value in ("void", "typeof")
        ):
            self._advance()
            self._nested()
            try:
                return _Unary(str(token.value), self._unary(), token.start)
            finally:
                self._depth -= 1
        return self._postfix(self._new_or_primary())

    def _new_or_primary(self) -> _Node:
        if not self._is_name("new"):
            return self._primary()
        start = self._advance().start
        callee = self._primary()
        for _ in range(_MAX_DEPTH):  # a dotted callee (`new a.B(...)`), without calls
            if not self._is("."):
                break
            pos = self._advance().start
            callee = _Member(callee, self._property_name(), pos)
        args = self.arguments() if self._is("(") else ()
        return _New(callee, args, start)

    def _postfix(self, node: _Node) -> _Node:
        for _ in range(_MAX_DEPTH):  # evaluation recurses along the chain
            if self._is("."):
                pos = self._advance().start
                node = _Member(node, self._property_name(), pos)
            elif self._is("["):
                pos = self._advance().start
                prop = self.expression()
                self.expect("]")
                node = _Member(node, prop, pos)
            elif self._is("("):
                pos = self._tok.start
                node = _Call(node, self.arguments(), pos)
            else:
                return node
        raise self.unexpected(f"a chain of more than {_MAX_DEPTH} property reads or calls")

    def _property_name(self) -> str:
        if self._tok.kind != "name":
            raise self.unexpected("expected a property name")
        return str(self._advance().value)

    def arguments(self) -> tuple[_Node, ...]:
        """A parenthesized argument list."""
        self.expect("(")
        args: list[_Node] = []
        while not self._is(")"):
            if self._is("..."):
                raise self.unexpected("spread arguments are not supported")
            args.append(self.expression())
            if not self._is(")"):
                self.expect(",")
        self._advance()
        return tuple(args)

    def _primary(self) -> _Node:
        token = self._tok
        if token.kind in ("num", "str", "regex"):
            self._advance()
            return _Lit(token.value, token.start)
        if token.kind == "name":
            if token.value == "function":
                return self._function()
            arrow = self._try_arrow()
            if arrow is not None:
                return arrow
            self._advance()
            return _Name(str(token.value), token.start)
        if self._is("["):
            return self._array()
        if self._is("{"):
            return self._object()
        if self._is("("):
            arrow = self._try_arrow()
            if arrow is not None:
                return arrow
            self._advance()
            node = self.expression()
            self.expect(")")
            return node
        raise self.unexpected("expected a value")

    def _array(self) -> _Array:
        start = self.expect("[").start
        items: list[_Node | None] = []
        while not self._is("]"):
            if self._is(","):
                self._advance()
                items.append(None)  # a hole; `[a,]` has no trailing hole, as in JavaScript
                continue
            if self._is("..."):
                raise self.unexpected("spread elements are not supported")
            items.append(self.expression())
            if not self._is("]"):
                self.expect(",")
        self._advance()
        return _Array(tuple(items), start)

    def _object(self) -> _Object:
        start = self.expect("{").start
        entries: list[tuple[str, _Node]] = []
        while not self._is("}"):
            token = self._tok
            if token.kind in ("name", "str"):
                key = str(token.value)
            elif token.kind == "num":
                key = _number_key(token.value)
            else:
                raise self.unexpected("expected a property name")
            self._advance()
            if token.kind == "name" and (self._is(",") or self._is("}")):
                value: _Node = _Name(key, token.start)  # shorthand `{a}`
            else:
                self.expect(":")
                value = self.expression()
            entries.append((key, value))
            if not self._is("}"):
                self.expect(",")
        self._advance()
        return _Object(tuple(entries), start)

    def _try_arrow(self) -> _Func | None:
        """An arrow function here, else None with nothing consumed."""
        saved = (self._tok, self._lexer.state())
        start = self._tok.start
        params: list[str] = []
        if self._tok.kind == "name":
            params.append(str(self._advance().value))
        else:
            self._advance()  # "("
            while self._tok.kind == "name":
                params.append(str(self._advance().value))
                if not self._is(","):
                    break
                self._advance()
            if not self._is(")"):
                self._tok, state = saved
                self._lexer.restore(state)
                return None
            self._advance()
        if not self._is("=>"):
            self._tok, state = saved
            self._lexer.restore(state)
            return None
        self._advance()
        if self._is("{"):
            return _Func(tuple(params), self._block(), start)
        body = self.expression()
        return _Func(tuple(params), (_Return(body, body.pos),), start)

    def _function(self) -> _Func:
        start = self._advance().start  # "function"
        if self._tok.kind == "name":
            self._advance()  # a function's own name binds nothing we need
        self.expect("(")
        params: list[str] = []
        while not self._is(")"):
            if self._tok.kind != "name":
                raise self.unexpected("expected a parameter name")
            params.append(str(self._advance().value))
            if not self._is(")"):
                self.expect(",")
        self._advance()
        return _Func(tuple(params), self._block(), start)

    # Statements -------------------------------------------------------------------------------

    def _block(self) -> tuple[_Statement, ...]:
        self.expect("{")
        statements: list[_Statement] = []
        while not self._is("}"):
            if self._is(";"):
                self._advance()
                continue
            statements.append(self._statement())
            if not self._is("}"):
                self.expect(";")
        self._advance()
        return tuple(statements)

    def _statement(self) -> _Statement:
        token = self._tok
        if self._is_name("return"):
            self._advance()
            if self._is(";") or self._is("}"):
                return _Return(None, token.start)
            return _Return(self.expression(), token.start)
        if token.kind == "name" and token.value in ("var", "let", "const"):
            self._advance()
            # uneval binds more than 65534 hoisted values by destructuring `arguments[0]`.
            if self._is("["):
                self._advance()
                names: list[str] = []
                while not self._is("]"):
                    names.append(self._property_name())
                    if not self._is("]"):
                        self.expect(",")
                self._advance()
                self.expect("=")
                return _Var(tuple(names), True, self.expression(), token.start)
            name = self._property_name()
            value = None
            if self._is("="):
                self._advance()
                value = self.expression()
            return _Var((name,), False, value, token.start)
        return self.expression()


def _number_key(value: object) -> str:
    """A numeric property name as JavaScript spells it (``1.50`` is key ``"1.5"``)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)


# --- Evaluation --------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class _Builtin:
    """A global function or namespace we know, by its dotted name (``Object.create``)."""

    name: str


@attrs.frozen(slots=True, eq=False)
class _Method:
    """A method read off a value, waiting to be called (``a.add``, ``m.set``)."""

    target: object
    name: str


@attrs.frozen(slots=True, eq=False)
class _Closure:
    func: _Func
    scope: _Scope


class _Scope:
    def __init__(self, names: dict[str, object], parent: _Scope | None) -> None:
        self.names = names
        self.parent = parent


class _ReturnSignal(Exception):
    """A ``return`` unwinding a function body; never escapes :meth:`_Evaluator._run`."""

    def __init__(self, value: object) -> None:
        self.value = value


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
_GLOBAL_VALUES: Final[Mapping[str, object]] = {
    "undefined": UNDEFINED,
    "NaN": math.nan,
    "Infinity": math.inf,
    "true": True,
    "false": False,
    "null": None,
}
_GLOBAL_FUNCTIONS: Final = frozenset(
    {
        *("Array", "Object", "Date", "Set", "Map", "RegExp", "BigInt", "Temporal"),
        *_STRING_CONSTRUCTORS,
    }
)
_BUILTIN_MEMBERS: Final = frozenset(
    {
        "Object.create",
        "Object.assign",
        "__sveltekit.defer",
        "__sveltekit.resolve",
        "app.decode",
        *(f"Temporal.{name}" for name in _TEMPORAL),
        *(f"Temporal.{name}.from" for name in _TEMPORAL),
    }
)
_KIT_GLOBAL_PREFIX: Final = "__sveltekit_"


class _Evaluator:
    """Runs a syntax tree with JavaScript's semantics for the few operations it contains."""

    def __init__(
        self,
        text: str,
        deferreds: dict[int, Deferred],
        decoders: Mapping[str, Decoder],
    ) -> None:
        self._text = text
        self._deferreds = deferreds
        self._decoders = decoders
        # Dicts made by `new Map` (JavaScript Maps) versus plain objects; the list
        # keeps them alive so their ids stay unique.
        self._maps: set[int] = set()
        self._keep: list[object] = []
        self._array_slots = 0
        self._call_depth = 0

    def _fail(self, pos: int, message: str) -> CodecError:
        return _error(self._text, pos, message)

    def _allocate(self, slots: int, pos: int) -> None:
        if slots > _MAX_ARRAY_SLOTS - self._array_slots:
            raise self._fail(pos, f"arrays longer than {_MAX_ARRAY_SLOTS} slots in all")
        self._array_slots += slots

    def evaluate(self, node: _Node, scope: _Scope | None) -> object:
        """The value of one expression."""
        match node:
            case _Lit(value=value):
                return value
            case _Name(name=name, pos=pos):
                return self._lookup(name, scope, pos)
            case _Array(items=items):
                return [UNDEFINED if item is None else self.evaluate(item, scope) for item in items]
            case _Object():
                return self._object(node, scope)
            case _Member(obj=obj, prop=prop, pos=pos):
                return self._get(self.evaluate(obj, scope), self._prop(prop, scope), pos)
            case _Call(callee=callee, args=args, pos=pos):
                function = self.evaluate(callee, scope)
                return self._call(function, [self.evaluate(a, scope) for a in args], pos)
            case _New(callee=callee, args=args, pos=pos):
                constructor = self.evaluate(callee, scope)
                return self._construct(constructor, [self.evaluate(a, scope) for a in args], pos)
            case _Unary():
                return self._unary(node, scope)
            case _Assign(target=target, value=value_node, pos=pos):
                value = self.evaluate(value_node, scope)
                self._assign(target, value, scope, pos)
                return value
            case _Func():
                return _Closure(node, scope or _Scope({}, None))
        raise AssertionError(node)  # pragma: no cover - the parser makes nothing else

    def _lookup(self, name: str, scope: _Scope | None, pos: int) -> object:
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        if name in _GLOBAL_VALUES:
            return _GLOBAL_VALUES[name]
        if name in _GLOBAL_FUNCTIONS:
            return _Builtin(name)
        if name.startswith(_KIT_GLOBAL_PREFIX):
            return _Builtin("__sveltekit")
        if name == "app":  # SvelteKit's client app, whose `decode` revives transport types
            return _Builtin("app")
        raise self._fail(pos, f"unknown name {name!r}")

    def _prop(self, prop: str | _Node, scope: _Scope | None) -> str | int:
        if isinstance(prop, str):
            return prop
        key = self.evaluate(prop, scope)
        if isinstance(key, bool) or not isinstance(key, str | int | float):
            raise self._fail(prop.pos, f"unsupported property key {key!r}")
        if isinstance(key, float):
            return int(key) if key.is_integer() else _number_key(key)
        return key

    def _object(self, node: _Object, scope: _Scope | None) -> dict[str, object]:
        result: dict[str, object] = {}
        for key, value_node in node.entries:
            value = self.evaluate(value_node, scope)
            if key == "__proto__":
                # Sets the prototype, not a key: `{__proto__:null,...}` is devalue's (5.4+)
                # null-prototype object, a dict to us; a primitive is ignored, as in JavaScript.
                if isinstance(value, dict | list):
                    raise self._fail(value_node.pos, "an object __proto__ is not supported")
                continue
            result[key] = value
        return result

    def _unary(self, node: _Unary, scope: _Scope | None) -> object:
        value = self.evaluate(node.operand, scope)
        if node.op == "void":
            return UNDEFINED
        if node.op == "!":
            return not _truthy(value)
        if node.op == "typeof":
            raise self._fail(node.pos, "typeof is not supported")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(node.pos, f"unary {node.op} needs a number")
        if node.op == "-":
            return -0.0 if value == 0 and isinstance(value, int) else -value
        if node.op == "~":
            return ~_to_int32(value)
        return value

    # Properties -------------------------------------------------------------------------------

    def _get(self, target: object, key: str | int, pos: int) -> object:
        if isinstance(target, _Builtin):
            return self._builtin_member(target, key, pos)
        if isinstance(target, dict) and id(target) not in self._maps:
            return target.get(str(key), UNDEFINED)
        if isinstance(target, list):
            if key == "length":
                return len(target)
            index = _array_index(key)
            if index is not None:
                return target[index] if index < len(target) else UNDEFINED
        if isinstance(target, set) and key == "add":
            return _Method(target, "add")
        if isinstance(target, dict) and key == "set":
            return _Method(target, "set")
        raise self._fail(pos, f"cannot read property {key!r} of {_describe(target)}")

    def _builtin_member(self, target: _Builtin, key: str | int, pos: int) -> object:
        name = f"{target.name}.{key}"
        if name in _BUILTIN_MEMBERS:
            return _Builtin(name)
        raise self._fail(pos, f"unknown property {name!r}")

    def _assign(self, target: _Node, value: object, scope: _Scope | None, pos: int) -> None:
        if isinstance(target, _Name):
            while scope is not None:
                if target.name in scope.names:
                    scope.names[target.name] = value
                    return
                scope = scope.parent
            raise self._fail(pos, f"assignment to undeclared name {target.name!r}")
        assert isinstance(target, _Member)  # the parser allows nothing else
        obj = self.evaluate(target.obj, scope)
        key = self._prop(target.prop, scope)
        if isinstance(obj, dict) and id(obj) not in self._maps:
            obj[str(key)] = value
            return
        if isinstance(obj, list):
            index = _array_index(key)
            if index is not None:
                if index >= len(obj):
                    self._allocate(index + 1 - len(obj), pos)
                    obj.extend([UNDEFINED] * (index + 1 - len(obj)))
                obj[index] = value
                return
        raise self._fail(pos, f"cannot set property {key!r} of {_describe(obj)}")

    # Calls ------------------------------------------------------------------------------------

    def _call(self, function: object, args: list[object], pos: int) -> object:
        if isinstance(function, _Closure):
            return self._run(function, args, pos)
        if isinstance(function, _Method):
            return self._call_method(function, args, pos)
        if not isinstance(function, _Builtin):
            raise self._fail(pos, f"{_describe(function)} is not a function")
        name = function.name
        if name == "Array":
            return self._new_array(args, pos)
        if name == "Object":
            # `Object(x)` boxes a primitive; Python has no boxes, so it is the primitive.
            return args[0] if args else {}
        if name == "Object.create":
            if args[:1] != [None]:
                raise self._fail(pos, "only Object.create(null) is supported")
            return {}
        if name == "Object.assign":
            return self._object_assign(args, pos)
        if name == "BigInt":
            value = _arg(args, 0)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                return int(value)
            raise self._fail(pos, f"cannot make a BigInt from {value!r}")
        if name.startswith("Temporal.") and name.endswith(".from"):
            return TaggedString(name.removesuffix(".from"), self._string_arg(args, 0, pos))
        if name == "__sveltekit.defer":
            return self._defer(args, pos)
        if name == "__sveltekit.resolve":
            self._resolve(args, pos)
            return UNDEFINED
        if name == "app.decode":
            return self._decode(args, pos)
        raise self._fail(pos, f"{name} cannot be called")

    def _run(self, closure: _Closure, args: list[object], pos: int) -> object:
        if self._call_depth >= _MAX_CALL_DEPTH:
            raise self._fail(pos, f"calls nested deeper than {_MAX_CALL_DEPTH}")
        self._call_depth += 1
        try:
            return self._run_body(closure, args)
        finally:
            self._call_depth -= 1

    def _run_body(self, closure: _Closure, args: list[object]) -> object:
        names: dict[str, object] = {"arguments": args}
        for position, param in enumerate(closure.func.params):
            names[param] = args[position] if position < len(args) else UNDEFINED
        scope = _Scope(names, closure.scope)
        try:
            for statement in closure.func.body:
                self._execute(statement, scope)
        except _ReturnSignal as done:
            return done.value
        return UNDEFINED

    def _execute(self, statement: _Statement, scope: _Scope) -> None:
        if isinstance(statement, _Return):
            value = UNDEFINED if statement.value is None else self.evaluate(statement.value, scope)
            raise _ReturnSignal(value)
        if isinstance(statement, _Var):
            value = UNDEFINED if statement.value is None else self.evaluate(statement.value, scope)
            if not statement.destructure:
                scope.names[statement.names[0]] = value
                return
            if not isinstance(value, list):
                raise self._fail(statement.pos, "can only destructure an array")
            for position, name in enumerate(statement.names):
                scope.names[name] = value[position] if position < len(value) else UNDEFINED
            return
        self.evaluate(statement, scope)

    def _call_method(self, method: _Method, args: list[object], pos: int) -> object:
        target = method.target
        if isinstance(target, set):  # `a.add(x).add(y)`, uneval's hoisted Set
            member = _arg(args, 0)
            self._check_key(target, member, pos, "Set member")
            target.add(member)
            return target
        assert isinstance(target, dict)  # `m.set(k, v)`, uneval's hoisted Map
        key = _arg(args, 0)
        self._check_key(target, key, pos, "Map key")
        target[key] = _arg(args, 1)
        return target

    def _check_key(
        self, container: set[object] | dict[object, object], key: object, pos: int, what: str
    ) -> None:
        try:
            check_new_key(container, key, what)
        except CodecError as exc:
            raise self._fail(pos, exc.message) from None

    def _new_array(self, args: list[object], pos: int) -> list[object]:
        if len(args) != 1 or isinstance(args[0], bool) or not isinstance(args[0], int | float):
            return list(args)
        length = args[0]
        if not (isinstance(length, int) or length.is_integer()) or not 0 <= length < 2**32:
            raise self._fail(pos, f"invalid array length {length!r}")
        self._allocate(int(length), pos)
        return [UNDEFINED] * int(length)

    def _object_assign(self, args: list[object], pos: int) -> object:
        target = _arg(args, 0)
        for source in args[1:]:
            if not isinstance(source, dict):
                raise self._fail(pos, "Object.assign sources must be objects")
            for key, value in source.items():
                if isinstance(target, list):
                    # `Object.assign(Array(n),{3:x})`: devalue's very sparse arrays.
                    index = _array_index(key)
                    if index is None or index >= len(target):
                        raise self._fail(pos, f"sparse array index {key!r} is out of range")
                    target[index] = value
                elif isinstance(target, dict) and id(target) not in self._maps:
                    target[key] = value
                else:
                    raise self._fail(pos, f"cannot assign to {_describe(target)}")
        return target

    def _defer(self, args: list[object], pos: int) -> Deferred:
        promise_id = self._int_arg(args, 0, pos)
        return self._deferreds.setdefault(promise_id, Deferred(promise_id))

    def _resolve(self, args: list[object], pos: int) -> None:
        """Settle a deferred: ``resolve({id, data, error})`` (kit ≤ 2.2x) or ``resolve(id, fn)``."""
        if len(args) == 1 and isinstance(args[0], dict):
            payload = args[0]
            promise_id = payload.get("id")
            data, error = payload.get("data", UNDEFINED), payload.get("error", UNDEFINED)
            rejected = _truthy(error)
        else:
            # Later kit: `resolve(id, () => [data])` or `resolve(id, () => [, error])`.
            promise_id = _arg(args, 0)
            result = self._call(_arg(args, 1), [_Builtin("app")], pos)
            if not isinstance(result, list) or len(result) not in (1, 2):
                raise self._fail(pos, "a resolve callback must return [data] or [, error]")
            rejected = len(result) == 2
            data, error = result[0], result[-1]
        if isinstance(promise_id, bool) or not isinstance(promise_id, int):
            raise self._fail(pos, f"promise id {promise_id!r} is not an integer")
        deferred = self._deferreds.get(promise_id)
        if deferred is None:
            raise self._fail(pos, f"no deferred value has id {promise_id}")
        try:
            if rejected:
                deferred.reject(error)
            else:
                deferred.resolve(data)
        except CodecError as exc:
            raise self._fail(pos, exc.message) from None

    def _decode(self, args: list[object], pos: int) -> object:
        name = _arg(args, 0)
        decoder = self._decoders.get(name) if isinstance(name, str) else None
        if decoder is None:
            raise self._fail(pos, f"no decoder for transport type {name!r}")
        return decoder(_arg(args, 1))

    # Constructors -----------------------------------------------------------------------------

    def _construct(self, constructor: object, args: list[object], pos: int) -> object:
        if not isinstance(constructor, _Builtin):
            raise self._fail(pos, f"{_describe(constructor)} is not a constructor")
        name = constructor.name
        if name == "Array":
            return self._new_array(args, pos)
        if name == "Date":
            return self._new_date(args, pos)
        if name == "Set":
            members: set[object] = set()
            for member in self._iterable_arg(args, pos):
                self._check_key(members, member, pos, "Set member")
                members.add(member)
            return members
        if name == "Map":
            mapping: dict[object, object] = {}
            self._maps.add(id(mapping))
            self._keep.append(mapping)
            for entry in self._iterable_arg(args, pos):
                if not isinstance(entry, list) or len(entry) != 2:
                    raise self._fail(pos, "Map entries must be [key, value] pairs")
                self._check_key(mapping, entry[0], pos, "Map key")
                mapping[entry[0]] = entry[1]
            return mapping
        if name == "RegExp":
            source = _arg(args, 0)
            if isinstance(source, JSRegExp):
                source = source.source
            flags = "" if _arg(args, 1) is UNDEFINED else _arg(args, 1)
            if not isinstance(source, str) or not isinstance(flags, str):
                raise self._fail(pos, "RegExp needs source and flags strings")
            return JSRegExp(source, flags)
        if name in _STRING_CONSTRUCTORS:
            return TaggedString(name, self._string_arg(args, 0, pos))
        raise self._fail(pos, f"{name} is not a supported constructor")

    def _new_date(self, args: list[object], pos: int) -> object:
        value = _arg(args, 0)
        try:
            if isinstance(value, str):
                return date_from_iso(value)
            if isinstance(value, int | float) and not isinstance(value, bool) and len(args) == 1:
                return date_from_epoch_ms(value)
        except CodecError as exc:
            raise self._fail(pos, exc.message) from None
        # `new Date()` is the current time: not data, and the codec reads no clock.
        raise self._fail(pos, "new Date needs one time value (milliseconds or ISO text)")

    # Arguments --------------------------------------------------------------------------------

    def _iterable_arg(self, args: list[object], pos: int) -> list[object]:
        value = _arg(args, 0)
        if value is UNDEFINED or value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(pos, "expected an array")
        return value

    def _int_arg(self, args: list[object], position: int, pos: int) -> int:
        value = _arg(args, position)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(pos, f"expected an integer, got {value!r}")
        return value

    def _string_arg(self, args: list[object], position: int, pos: int) -> str:
        value = _arg(args, position)
        if not isinstance(value, str):
            raise self._fail(pos, f"expected a string, got {value!r}")
        return value


def _arg(args: list[object], position: int) -> object:
    return args[position] if position < len(args) else UNDEFINED


def _truthy(value: object) -> bool:
    if value is UNDEFINED or value is None:
        return False
    if isinstance(value, bool | int | float | str):
        return bool(value) and not (isinstance(value, float) and math.isnan(value))
    return True


def _to_int32(value: float) -> int:
    if not math.isfinite(value):
        return 0
    result = int(value) % (1 << 32)
    return result - (1 << 32) if result >= 1 << 31 else result


def _array_index(key: str | int) -> int | None:
    if isinstance(key, int):
        return key if key >= 0 else None
    if key.isascii() and key.isdigit() and (key == "0" or not key.startswith("0")):
        return int(key)
    return None


def _describe(value: object) -> str:
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, _Builtin):
        return value.name
    return type(value).__name__


# --- Public readers ----------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Expression:
    """One expression read but not yet evaluated, so that a caller can look at its shape first.

    :meth:`LiteralReader.call_arguments` makes them and :meth:`LiteralReader.evaluate`
    runs them. Nothing of an expression runs until then.
    """

    _node: _Node

    @property
    def pos(self) -> int:
        """Its offset in the text."""
        return self._node.pos

    @property
    def name(self) -> str | None:
        """The name, when the expression is a bare name (``app``); otherwise None."""
        return self._node.name if isinstance(self._node, _Name) else None

    @property
    def keys(self) -> tuple[str, ...] | None:
        """The keys of an object literal, in order; None for any other expression."""
        if not isinstance(self._node, _Object):
            return None
        return tuple(key for key, _ in self._node.entries)

    def only(self, keys: Container[str]) -> Expression:
        """This object literal with only its entries under ``keys``: the others never run."""
        if not isinstance(self._node, _Object):
            raise TypeError("only an object literal has entries to keep")
        entries = tuple(entry for entry in self._node.entries if entry[0] in keys)
        return Expression(_Object(entries, self._node.pos))


class LiteralReader:
    """Reads expressions of one text one after another, as parts of a single evaluation.

    They share ``deferreds``, ``decoders`` and one budget of array slots, so a
    page's scripts can be read one at a time: a ``__sveltekit_x.resolve(...)``
    in one settles the :class:`~codec.legacy.devalue.Deferred` made by another.
    """

    def __init__(
        self,
        text: str,
        *,
        deferreds: dict[int, Deferred] | None = None,
        decoders: Mapping[str, Decoder] | None = None,
    ) -> None:
        self.text: Final = text
        self._evaluator = _Evaluator(text, {} if deferreds is None else deferreds, decoders or {})

    def read(self, start: int = 0) -> tuple[object, int]:
        """The value of the expression at ``start``, and the offset just after it."""
        parser = _Parser(self.text, start)
        node = parser.expression()
        return self._evaluator.evaluate(node, None), parser.end

    def call_arguments(self, paren: int) -> tuple[Expression, ...]:
        """The arguments of the call whose ``(`` is at ``paren``, read but not evaluated."""
        return tuple(Expression(node) for node in _Parser(self.text, paren).arguments())

    def evaluate(self, expression: Expression) -> object:
        """The value of an expression that :meth:`call_arguments` read from this text."""
        return self._evaluator.evaluate(expression._node, None)

    def error(self, pos: int, message: str) -> CodecError:
        """A :class:`CodecError` at ``pos``: its UTF-8 byte offset and the text around it."""
        return _error(self.text, pos, message)


def read_literal(
    text: str,
    start: int = 0,
    *,
    deferreds: dict[int, Deferred] | None = None,
    decoders: Mapping[str, Decoder] | None = None,
) -> tuple[object, int]:
    """Read one JavaScript expression at ``start``; return its value and the offset after it.

    ``deferreds`` collects the :class:`~codec.legacy.devalue.Deferred` values that
    ``__sveltekit_x.defer(id)`` creates, by id; ``decoders`` revive SvelteKit
    ``transport`` types written as ``app.decode("Name", value)``.
    """
    return LiteralReader(text, deferreds=deferreds, decoders=decoders).read(start)


def parse_literal(
    text: str,
    *,
    deferreds: dict[int, Deferred] | None = None,
    decoders: Mapping[str, Decoder] | None = None,
) -> object:
    """The value of ``text``, which must hold one JavaScript expression and nothing else."""
    parser = _Parser(text, 0)
    node = parser.expression()
    if not parser.at_end():
        raise parser.unexpected("expected the end of the text")
    evaluator = _Evaluator(text, {} if deferreds is None else deferreds, decoders or {})
    return evaluator.evaluate(node, None)
