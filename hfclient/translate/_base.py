"""What the three translators share: the end and error signals the spec's rules give."""

from __future__ import annotations

from hfclient.events import ServiceError
from hfclient.translate.errors import error_kind

__all__ = ["RuleTranslator"]


class RuleTranslator:
    """The state the generated rules drive: whether the stream ended or failed.

    Subclasses add the hooks their spec names and ``feed``/``finish``.
    """

    provider: str | None = None

    def __init__(self) -> None:
        self._ended = False
        self._failed = False

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
