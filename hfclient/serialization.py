"""Events, handles and answers as JSON and back, so a bot can continue after a restart.

::

    saved = to_json(completion.conversation)
    ...
    conversation = from_json(Conversation, saved)

Made with one cattrs converter (:data:`converter`). A unified event is a JSON
object of its fields plus ``"type"``, its class name (``{"type": "TextDelta",
"text": "Hi"}``), wherever an :data:`~hfclient.events.Event` is expected.
The wire record an event keeps in ``raw`` (a codec class) is written as its
wire form with the class it came from, and read back into that class, so a
:class:`~hfclient.completion.Completion` comes back equal to itself.
"""

from __future__ import annotations

import importlib
import json
from typing import Any, Final, TypeVar, get_args

import attrs
import cattrs
from cattrs.strategies import configure_tagged_union

from hfclient.events import Event

__all__ = ["converter", "from_json", "to_json"]

T = TypeVar("T")

# A codec record inside a free-form field: {"$codec": "module:Class", "value": <its wire form>}.
_CODEC_TAG: Final = "$codec"
_CODEC_PACKAGE: Final = "codec."

converter: Final = cattrs.Converter()
"""The converter for every hfclient value; ``unstructure`` gives JSON-ready data."""


def _dump_free(value: object) -> object:
    # A field typed ``object`` holds JSON data, or a codec record the decoder kept.
    if isinstance(value, dict):
        return {key: _dump_free(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_dump_free(item) for item in value]
    cls = type(value)
    if attrs.has(cls) and cls.__module__.startswith(_CODEC_PACKAGE):
        to_wire = getattr(value, "to_wire", None)
        wire = to_wire() if to_wire is not None else converter.unstructure(value)
        return {_CODEC_TAG: f"{cls.__module__}:{cls.__qualname__}", "value": _dump_free(wire)}
    return value


def _load_free(data: object, _: object = None) -> object:
    if isinstance(data, list):
        return [_load_free(item) for item in data]
    if not isinstance(data, dict):
        return data
    tag = data.get(_CODEC_TAG)
    if isinstance(tag, str) and set(data) == {_CODEC_TAG, "value"}:
        cls = _codec_class(tag)
        from_wire = getattr(cls, "from_wire", None)
        if from_wire is not None:
            return from_wire(data["value"])
        return converter.structure(data["value"], cls)
    return {key: _load_free(item) for key, item in data.items()}


def _codec_class(tag: str) -> type[Any]:
    # Only classes of the codec package: a saved file must not import anything else.
    module_name, _, name = tag.partition(":")
    if not module_name.startswith(_CODEC_PACKAGE):
        raise ValueError(f"{tag!r} is not a codec class")
    cls = getattr(importlib.import_module(module_name), name, None)
    if not isinstance(cls, type) or not attrs.has(cls):
        raise ValueError(f"{tag!r} is not a codec class")
    return cls


converter.register_unstructure_hook_func(lambda t: t is object, _dump_free)
converter.register_structure_hook_func(lambda t: t is object, _load_free)
configure_tagged_union(Event, converter, tag_name="type")


def to_json(value: object) -> str:
    """``value`` (a :class:`~hfclient.events.Conversation`, a
    :class:`~hfclient.completion.Completion`, an event, ...) as a JSON string."""
    unstructure_as = Event if type(value) in _EVENT_CLASSES else None
    return json.dumps(converter.unstructure(value, unstructure_as=unstructure_as))


def from_json(cls: type[T], text: str | bytes) -> T:
    """The ``cls`` value that :func:`to_json` wrote; a wrong shape raises ``ValueError``."""
    try:
        return converter.structure(json.loads(text), cls)
    except (cattrs.BaseValidationError, KeyError, TypeError, ValueError) as exc:
        why = "; ".join(cattrs.transform_error(exc)) if isinstance(exc, ExceptionGroup) else exc
        raise ValueError(f"not a saved {getattr(cls, '__name__', cls)}: {why}") from None


_EVENT_CLASSES: Final = frozenset(get_args(Event))
