"""devalue ``stringify`` output (a flat JSON array of values) decoded into Python values.

SvelteKit sends load data in this form in ``__data.json`` bodies, until
2025-06-05 (protocols/huggingchat.md §4.2): element 0
is the root, a non-negative int inside an object or array is the index of
another element, a negative int is a sentinel (-1 undefined, -2 hole, -3 NaN,
-4 +Infinity, -5 -Infinity, -6 -0, -7 sparse array; devalue ``src/constants.js``),
and an array whose first element is a string is a typed value
(``["Date", iso]``, ``["Set", ...]``, ``["Map", k, v, ...]``, ``["Promise", id]``...).

Identity is kept: every index decodes to one Python object, so values that
devalue shared are shared (``is``) after decoding. Cycles are kept too: a
container is created before its members are decoded, so a value that contains
itself decodes to a Python object that contains itself. Decoding uses an
explicit work list, never recursion over the data, so deep or cyclic input
cannot exhaust the stack.

Values map as in :mod:`codec.jsvalues` (:data:`~codec.jsvalues.UNDEFINED`,
:class:`~codec.jsvalues.JSRegExp`...). Two types only the legacy era needs are
defined here and shared with :mod:`codec.legacy.jsliteral`: :class:`Deferred`
(a SvelteKit promise) and :class:`TypedArray`.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import math
import reprlib
from collections.abc import Callable, Mapping
from functools import partial
from typing import Final, TypeGuard

import attrs

from codec.errors import CodecError
from codec.jsvalues import UNDEFINED, JSRegExp, TaggedString, check_new_key, date_from_iso

__all__ = ["Deferred", "Reviver", "TypedArray", "parse", "unflatten"]


# --- SvelteKit promises and binary data --------------------------------------------------------


class _Pending(enum.Enum):
    PENDING = "PENDING"


_PENDING: Final = _Pending.PENDING


@attrs.define(eq=False, repr=False)
class Deferred:
    """A promise SvelteKit streams later: ``["Promise", id]`` or ``__sveltekit_x.defer(id)``.

    The body that carries the promise settles it afterwards, in a ``chunk``
    line of ``__data.json`` or a ``resolve`` script of the HTML page
    (protocols/huggingchat.md §4.1); the readers in :mod:`codec.legacy.sveltekit`
    and :mod:`codec.legacy.jsliteral` call :meth:`resolve` or :meth:`reject`.
    Equality is identity: two promises with equal ids are still two promises.
    """

    id: int
    _value: object = attrs.field(default=_PENDING, init=False)
    _error: object = attrs.field(default=_PENDING, init=False)

    @property
    def settled(self) -> bool:
        """Whether :meth:`resolve` or :meth:`reject` was called."""
        return self._value is not _PENDING or self._error is not _PENDING

    @property
    def rejected(self) -> bool:
        """Whether the promise was rejected."""
        return self._error is not _PENDING

    @property
    def value(self) -> object:
        """The resolved value; raises :class:`CodecError` when pending or rejected."""
        if self._value is _PENDING:
            state = "was rejected" if self.rejected else "is still pending"
            raise CodecError(f"promise {self.id} {state}")
        return self._value

    @property
    def error(self) -> object:
        """The rejection value; raises :class:`CodecError` unless rejected."""
        if self._error is _PENDING:
            raise CodecError(f"promise {self.id} was not rejected")
        return self._error

    def resolve(self, value: object) -> None:
        """Settle with a value (a chunk's ``data``)."""
        self._settle()
        self._value = value

    def reject(self, error: object) -> None:
        """Settle with an error (a chunk's ``error``)."""
        self._settle()
        self._error = error

    def _settle(self) -> None:
        if self.settled:
            raise CodecError(f"promise {self.id} settled twice")

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        if self._value is not _PENDING:
            return f"Deferred(id={self.id!r}, value={self._value!r})"
        if self._error is not _PENDING:
            return f"Deferred(id={self.id!r}, error={self._error!r})"
        return f"Deferred(id={self.id!r}, pending)"


@attrs.frozen(slots=True)
class TypedArray:
    """A JavaScript typed array or ``DataView``: its kind and the bytes of the view.

    ``data`` is in the byte order the sender wrote (little-endian on every
    platform SvelteKit runs on); ``kind`` is the constructor name, e.g.
    ``"Float32Array"``. An ``ArrayBuffer`` decodes to plain ``bytes``.
    """

    kind: str
    data: bytes


_ITEM_SIZES: Final[Mapping[str, int]] = {
    "Int8Array": 1,
    "Uint8Array": 1,
    "Uint8ClampedArray": 1,
    "Int16Array": 2,
    "Uint16Array": 2,
    "Float16Array": 2,
    "Int32Array": 4,
    "Uint32Array": 4,
    "Float32Array": 4,
    "Float64Array": 8,
    "BigInt64Array": 8,
    "BigUint64Array": 8,
}
"""Bytes per element of each typed-array kind devalue knows (``DataView`` counts bytes)."""

_STRING_TAGS: Final = frozenset(
    {
        "URL",
        "URLSearchParams",
        "Temporal.Duration",
        "Temporal.Instant",
        "Temporal.PlainDate",
        "Temporal.PlainTime",
        "Temporal.PlainDateTime",
        "Temporal.PlainMonthDay",
        "Temporal.PlainYearMonth",
        "Temporal.ZonedDateTime",
    }
)

# --- Decoding ----------------------------------------------------------------------------------

Reviver = Callable[[object], object]
"""Turns the decoded payload of a custom ``["Name", index]`` entry into a value."""

_UNDEFINED_REF: Final = -1
_HOLE: Final = -2
_SPARSE: Final = -7
_SENTINELS: Final[Mapping[int, object]] = {
    _UNDEFINED_REF: UNDEFINED,
    -3: math.nan,
    -4: math.inf,
    -5: -math.inf,
    -6: -0.0,
}
# devalue allows sparse lengths up to 2**32-1, but we build real lists: a tiny
# hostile body must not allocate gigabytes, so all sparse arrays of one value
# together get at most this many slots.
_MAX_SPARSE_SLOTS: Final = 1 << 22
# Revivers get fully decoded payloads, which needs one nested drain per level.
_MAX_REVIVER_DEPTH: Final = 100


def parse(
    text: str | bytes,
    *,
    revivers: Mapping[str, Reviver] | None = None,
    deferreds: dict[int, Deferred] | None = None,
) -> object:
    """Decode devalue ``stringify`` text (JSON) into a Python value; see :func:`unflatten`."""
    try:
        values = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        doc = exc.doc
        offset = len(doc[: exc.pos].encode("utf-8", "surrogatepass"))
        raise CodecError(f"devalue text is not JSON: {exc.msg}", offset=offset) from None
    except (UnicodeDecodeError, _ConstantError, RecursionError) as exc:
        raise CodecError(f"devalue text is not JSON: {exc}") from None
    return unflatten(values, revivers=revivers, deferreds=deferreds)


def unflatten(
    values: object,
    *,
    revivers: Mapping[str, Reviver] | None = None,
    deferreds: dict[int, Deferred] | None = None,
) -> object:
    """Decode parsed devalue JSON (the array, or a lone negative sentinel) into a Python value.

    Objects become dicts, arrays lists (a hole reads as :data:`UNDEFINED`),
    ``Date`` an aware datetime, ``Set`` a set, ``Map`` a dict, ``BigInt`` an
    int, boxed primitives the primitive, null-prototype objects dicts,
    ``ArrayBuffer`` bytes. ``["Promise", i]`` becomes a pending
    :class:`Deferred`, which is also stored in ``deferreds`` under its id when
    a dict is given. ``revivers`` decode custom types (SvelteKit ``transport``
    hooks) and take precedence over built-in tags, as in devalue.

    Sets and Map keys need hashable members that stay distinct in Python
    (``1`` and ``true`` do not); otherwise :class:`CodecError` is raised, as
    for any malformed input (bad index, unknown tag, wrong shape).
    """
    if type(values) is int:
        # A sentinel root is written as the bare number (devalue `stringify(undefined)` is "-1").
        if values in _SENTINELS:
            return _SENTINELS[values]
        raise CodecError(f"a lone number {values} is not a devalue value")
    if not isinstance(values, list) or not values:
        raise CodecError("devalue data must be a non-empty array")
    return _Unflattener(values, revivers or {}, deferreds).run()


class _ConstantError(ValueError):
    pass


def _reject_constant(name: str) -> object:
    raise _ConstantError(f"{name} is not JSON")


def _is_ref(value: object) -> TypeGuard[int]:
    # JSON true/false are ints to Python; they are never references.
    return type(value) is int


class _Unflattener:
    """One decoding run: the cache of decoded indices and the containers still to fill."""

    def __init__(
        self,
        values: list[object],
        revivers: Mapping[str, Reviver],
        deferreds: dict[int, Deferred] | None,
    ) -> None:
        self._values = values
        self._revivers = revivers
        self._deferreds = deferreds
        self._decoded: dict[int, object] = {}
        self._fills: list[Callable[[], None]] = []  # containers created but not yet filled
        self._reviving: list[int] = []
        self._sparse_slots = 0

    def run(self) -> object:
        root = self._ref(0, 0)
        self._drain()
        return root

    def _drain(self) -> None:
        while self._fills:
            self._fills.pop()()

    # Resolving one reference ------------------------------------------------------------------

    def _ref(self, ref: object, where: int, *, hole_ok: bool = False) -> object:
        if not _is_ref(ref):
            raise CodecError(f"index {where}: reference {ref!r} is not an integer")
        if ref < 0:
            if ref in _SENTINELS:
                return _SENTINELS[ref]
            if ref == _HOLE and hole_ok:
                return UNDEFINED
            raise CodecError(f"index {where}: unknown sentinel {ref}")
        if ref in self._decoded:
            return self._decoded[ref]
        if ref >= len(self._values):
            raise CodecError(
                f"index {where}: reference {ref} is out of range (array has {len(self._values)})"
            )
        if ref in self._reviving:
            raise CodecError(f"index {ref}: a revived value contains itself")
        value = self._build(ref, self._values[ref])
        self._decoded[ref] = value
        return value

    def _build(self, index: int, raw: object) -> object:
        """The value for one entry; containers are returned empty and queued for filling."""
        if raw is None or isinstance(raw, str | bool | int | float):
            return raw
        if isinstance(raw, dict):
            obj: dict[str, object] = {}
            return self._queue(index, obj, partial(self._fill_object, index, raw, obj))
        if not isinstance(raw, list):
            raise CodecError(f"index {index}: {type(raw).__name__} is not a JSON value")
        if not raw:
            return []
        head = raw[0]
        if isinstance(head, str):
            return self._build_tagged(index, head, raw)
        if _is_ref(head) and head == _SPARSE:
            sparse = self._sparse_list(index, raw)
            return self._queue(index, sparse, partial(self._fill_sparse, index, raw, sparse))
        array: list[object] = [UNDEFINED] * len(raw)
        return self._queue(index, array, partial(self._fill_array, index, raw, array))

    def _queue(self, index: int, target: object, fill: Callable[[], None]) -> object:
        # Cache before filling: members that point back here get this very object.
        self._decoded[index] = target
        self._fills.append(fill)
        return target

    def _sparse_list(self, index: int, raw: list[object]) -> list[object]:
        length = raw[1] if len(raw) > 1 else None
        if not _is_ref(length) or not 0 <= length <= _MAX_SPARSE_SLOTS - self._sparse_slots:
            raise CodecError(f"index {index}: sparse array length {length!r} is invalid or too big")
        self._sparse_slots += length
        if len(raw) % 2:
            raise CodecError(f"index {index}: sparse array entries must be index/value pairs")
        return [UNDEFINED] * length

    def _build_tagged(self, index: int, tag: str, raw: list[object]) -> object:
        reviver = self._revivers.get(tag)
        if reviver is not None:
            return self._revive(index, reviver, raw)
        args = raw[1:]
        if tag == "Date":
            iso = self._string_arg(index, tag, args, 0)
            try:
                return date_from_iso(iso)
            except CodecError as exc:
                raise CodecError(f"index {index}: {exc.message}") from None
        if tag in ("Map", "null") and len(args) % 2:
            raise CodecError(f"index {index}: {tag} entries must be key/value pairs")
        if tag == "Set":
            members: set[object] = set()
            return self._queue(index, members, partial(self._fill_set, index, args, members))
        if tag == "Map":
            mapping: dict[object, object] = {}
            return self._queue(index, mapping, partial(self._fill_map, index, args, mapping))
        if tag == "null":
            obj: dict[str, object] = {}
            return self._queue(index, obj, partial(self._fill_null_proto, index, args, obj))
        if tag == "BigInt":
            return self._bigint(index, args)
        if tag == "RegExp":
            source = self._string_arg(index, tag, args, 0)
            flags = self._string_arg(index, tag, args, 1) if len(args) > 1 else ""
            return JSRegExp(source, flags)
        if tag == "Object":
            return self._boxed(index, args)
        if tag == "Promise":
            return self._revive(index, self._deferred, raw)
        if tag == "ArrayBuffer":
            return self._base64(index, self._string_arg(index, tag, args, 0))
        if tag in _ITEM_SIZES or tag == "DataView":
            return self._typed_array(index, tag, args)
        if tag in _STRING_TAGS:
            return TaggedString(tag, self._string_arg(index, tag, args, 0))
        raise CodecError(f"index {index}: unknown type {tag!r}")

    def _revive(self, index: int, reviver: Reviver, raw: list[object]) -> object:
        if len(raw) != 2:
            raise CodecError(f"index {index}: {raw[0]!r} needs exactly one payload")
        payload_ref = raw[1]
        if not _is_ref(payload_ref):
            # A built-in shape (e.g. a Date's string) handed to a custom reviver as is.
            return reviver(payload_ref)
        if len(self._reviving) >= _MAX_REVIVER_DEPTH:
            raise CodecError(f"index {index}: revived values nested too deeply")
        self._reviving.append(index)
        try:
            payload = self._ref(payload_ref, index)
            self._drain()  # a reviver sees its payload complete, as in devalue
        finally:
            self._reviving.pop()
        return reviver(payload)

    def _deferred(self, payload: object) -> Deferred:
        # SvelteKit's Promise reducer stores the numeric promise id (kit data_serializer.js).
        if not _is_ref(payload):
            raise CodecError(f"Promise id {payload!r} is not an integer")
        if self._deferreds is None:
            return Deferred(payload)
        return self._deferreds.setdefault(payload, Deferred(payload))

    @staticmethod
    def _string_arg(index: int, tag: str, args: list[object], position: int) -> str:
        value = args[position] if position < len(args) else None
        if not isinstance(value, str):
            raise CodecError(f"index {index}: {tag} needs a string at position {position + 1}")
        return value

    @staticmethod
    def _bigint(index: int, args: list[object]) -> int:
        text = args[0] if len(args) == 1 else None
        if _is_ref(text):
            return text
        if isinstance(text, str):
            stripped = text.strip()
            try:
                if stripped[:2].lower() in ("0x", "0o", "0b"):
                    return int(stripped, 0)
                if stripped.lstrip("+-").isdigit():
                    return int(stripped)
            except ValueError:
                pass
        raise CodecError(f"index {index}: BigInt needs its digits, got {text!r}")

    def _boxed(self, index: int, args: list[object]) -> object:
        if len(args) != 1:
            raise CodecError(f"index {index}: Object needs exactly one payload")
        inner = args[0]
        if not _is_ref(inner):
            # devalue before 5.7 wrote the boxed primitive inline: ["Object","text"].
            if inner is None or isinstance(inner, list | dict):
                raise CodecError(f"index {index}: Object wraps {inner!r}, not a primitive")
            return inner
        # devalue 5.7 and later write an index, which must not lead to a container.
        target = self._values[inner] if 0 <= inner < len(self._values) else None
        if isinstance(target, dict) or (
            isinstance(target, list) and (not target or target[0] != "BigInt")
        ):
            raise CodecError(f"index {index}: Object must wrap a primitive")
        return self._ref(inner, index)

    @staticmethod
    def _base64(index: int, text: str) -> bytes:
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise CodecError(f"index {index}: invalid base64 data") from None

    def _typed_array(self, index: int, kind: str, args: list[object]) -> TypedArray:
        if args and isinstance(args[0], str):
            # devalue 5.1 and earlier inlined the view's buffer as base64.
            return TypedArray(kind, self._base64(index, args[0]))
        buffer_ref = args[0] if args else None
        if not _is_ref(buffer_ref):
            raise CodecError(f"index {index}: {kind} needs its buffer")
        target = self._values[buffer_ref] if 0 <= buffer_ref < len(self._values) else None
        if not (isinstance(target, list) and target[:1] == ["ArrayBuffer"]):
            raise CodecError(f"index {index}: {kind} must point at an ArrayBuffer")
        buffer = self._ref(buffer_ref, index)
        if not isinstance(buffer, bytes):
            raise CodecError(f"index {index}: {kind} buffer did not decode to bytes")
        if len(args) == 1:
            return TypedArray(kind, buffer)
        # A partial view: byte offset and element count, as devalue 5.7+ writes it
        # (5.3-5.6 wrote start and end elements here; the two cannot be told apart).
        offset, length = args[1], args[2] if len(args) > 2 else None
        if not _is_ref(offset) or not _is_ref(length):
            raise CodecError(f"index {index}: {kind} offset and length must be integers")
        end = offset + length * _ITEM_SIZES.get(kind, 1)
        if offset < 0 or length < 0 or end > len(buffer):
            raise CodecError(f"index {index}: {kind} view lies outside its buffer")
        return TypedArray(kind, buffer[offset:end])

    # Filling containers -----------------------------------------------------------------------

    def _fill_object(self, index: int, raw: dict[str, object], target: dict[str, object]) -> None:
        for key, ref in raw.items():
            if key == "__proto__":
                raise CodecError(f"index {index}: an object may not have a __proto__ key")
            target[key] = self._ref(ref, index)

    def _fill_array(self, index: int, raw: list[object], target: list[object]) -> None:
        for position, ref in enumerate(raw):
            target[position] = self._ref(ref, index, hole_ok=True)

    def _fill_sparse(self, index: int, raw: list[object], target: list[object]) -> None:
        for pair in range(2, len(raw), 2):
            position = raw[pair]
            if not _is_ref(position) or not 0 <= position < len(target):
                raise CodecError(f"index {index}: sparse array index {position!r} is invalid")
            target[position] = self._ref(raw[pair + 1], index)

    def _fill_null_proto(self, index: int, args: list[object], target: dict[str, object]) -> None:
        for pair in range(0, len(args), 2):
            key = args[pair]
            if not isinstance(key, str) or key == "__proto__":
                raise CodecError(f"index {index}: invalid null-prototype key {key!r}")
            target[key] = self._ref(args[pair + 1], index)

    def _fill_set(self, index: int, args: list[object], target: set[object]) -> None:
        for ref in args:
            member = self._ref(ref, index)
            check_new_key(target, member, f"index {index}: Set member")
            target.add(member)

    def _fill_map(self, index: int, args: list[object], target: dict[object, object]) -> None:
        for pair in range(0, len(args), 2):
            key = self._ref(args[pair], index)
            check_new_key(target, key, f"index {index}: Map key")
            target[key] = self._ref(args[pair + 1], index)
