"""What the three translators share: the end and error signals the spec's rules give."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeAlias

from hfclient.events import Event, ServiceError
from hfclient.translate.errors import error_kind

__all__ = ["ObjectHooks", "RuleTranslator"]

ObjectHooks: TypeAlias = dict[type, Callable[[dict[str, Any]], list[Event] | None]]
"""Records whose wire objects a translator reads itself, each with the hook that does: it
gives the object's events, or ``None`` to have the object decoded and fed as usual."""


class RuleTranslator:
    """The state the generated rules drive: whether the stream ended or failed.

    ``dispatch`` and ``translate`` are a stream's generated functions
    (``hfclient/translate/_generated``); subclasses add the hooks their spec
    names, and ``finish``.
    """

    provider: str | None = None

    def __init__(
        self,
        dispatch: Callable[[Any], dict[type, Callable[[Any], list[Event]]]],
        translate: Callable[[Any, object], list[Event]],
    ) -> None:
        self._ended = False
        self._failed = False
        self._by_type = dispatch(self)
        self._fallback: Callable[[object], list[Event]] = partial(translate, self)

    def object_hooks(self) -> ObjectHooks:
        """No records here: every event is decoded into its record first (a subclass may read
        some records' wire objects itself)."""
        return {}

    def feed(self, event: object) -> list[Event]:
        """Translate one decoded wire event, as the spec's rules say."""
        translate = self._by_type.get(type(event))
        if translate is not None:
            return translate(event)
        return self._fallback(event)  # the end marker, or what did not fit

    @property
    def complete(self) -> bool:
        """Whether the end signal came, or an in-band error (which ends the answer too)."""
        return self._ended or self._failed

    @property
    def failed(self) -> bool:
        """Whether an in-band error came."""
        return self._failed

    def end(self) -> None:
        """The stream's end signal came (a rule said so)."""
        self._ended = True

    def error(
        self, *, message: str, status: int | None, error_type: str | None, raw: object
    ) -> ServiceError:
        """An in-band error, sorted into its kind; the stream has failed."""
        self._failed = True
        kind = error_kind(status=status, message=message, error_type=error_type)
        return ServiceError(kind, message, provider=self.provider, raw=raw)
