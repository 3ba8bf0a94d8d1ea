"""The base of every machine that fetches one value instead of a stream.

Its convention: the machine emits exactly one :class:`~hfclient.events.Result`
event whose ``value`` is the typed answer, then completes; after the driver
is done, the machine's ``result`` property holds the same value, typed::

    machine = RouterCatalogMachine(api_key=token)
    async for _ in drive(machine, transport):
        pass
    models = machine.result  # list[ModelInfo]
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from hfclient.errors import LocalProtocolError
from hfclient.events import Result
from hfclient.protocol._machine import Exchange, Machine

__all__ = ["ResultMachine"]

T = TypeVar("T")


class ResultMachine(Machine, Generic[T]):
    """Requests whose JSON answer becomes one typed value (the convention above).

    ``_WHAT`` names the value in errors ("the router's model list").
    """

    _WHAT: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()
        self._result: T | None = None
        self._done = False

    @property
    def result(self) -> T:
        """The typed answer; :class:`LocalProtocolError` before the machine completed."""
        if not self._done:
            raise LocalProtocolError(f"{type(self).__name__} has no result yet")
        return self._result  # type: ignore[return-value]

    def _reads_pages_as_errors(self, exchange: Exchange) -> bool:
        return True  # a JSON API never answers with an HTML page

    def _finish(self, value: T) -> None:
        self._result, self._done = value, True
        self._emit([Result(value)])
        self._complete()
