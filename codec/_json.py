"""JSON text to values: a fast path for stream payloads, and whole bodies with located errors."""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable
from typing import Any, Final

from codec.errors import CodecError

__all__ = ["body_text", "load_json", "parse_json"]

_BOM: Final = "\ufeff"
# The scanner json.loads runs in the end (C where available), called without
# loads', decode's and raw_decode's Python frames around it; it keeps no
# state between calls (the C scanner clears its memo after each one).
# (typeshed types make_scanner's argument as the scanner class, not the decoder)
_SCAN_ONCE: Final[Callable[[str, int], tuple[Any, int]]] = json.scanner.make_scanner(
    json.JSONDecoder()  # type: ignore[arg-type]
)


def parse_json(text: str) -> object:
    """Exactly ``json.loads(text)``, faster for the common case of one bare document.

    The scanner skips ``loads``' wrappers and whitespace scans; anything else
    (surrounding whitespace, trailing data, an error) goes to ``json.loads``,
    which then gives its usual answer or error.
    """
    try:
        value, end = _SCAN_ONCE(text, 0)
    except StopIteration:
        return json.loads(text)
    if end != len(text):
        return json.loads(text)
    return value


def body_text(body: bytes, what: str) -> str:
    """``body`` as UTF-8 text without a leading BOM; ``what`` names it in errors."""
    try:
        return body.decode("utf-8").removeprefix(_BOM)
    except UnicodeDecodeError as exc:
        raise CodecError(f"{what} is not UTF-8: {exc.reason}", offset=exc.start) from None


def load_json(text: str, what: str, *, base: int = 0) -> object:
    """One JSON document; ``base`` is the byte offset of ``text`` in the body, for errors."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        offset = base + len(text[: exc.pos].encode("utf-8"))
        line = text.encode("utf-8")
        raise CodecError(f"{what} is not JSON: {exc.msg}", offset=offset, line=line) from None
    except RecursionError:
        raise CodecError(f"{what} is nested too deeply", offset=base) from None
