"""Hailuo AI extras: the ``yy`` request signature and cumulative-content deltas.

The signature is an MD5 over the exact path and query that are sent, a
digest of the body and a digest of the ``unix`` timestamp (protocols/hailuo.md
§6). The stream's ``messageResult.content`` is the whole answer so far, not a
delta, and may end in a transient U+FFFD where a character was cut (§8.2);
:class:`CumulativeText` turns it into pieces to append or to replace with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Final, TypeAlias
from urllib.parse import urlsplit

import attrs

from codec._generated import hailuo as _generated
from codec._generated.hailuo import *  # noqa: F403  (re-exported: its __all__)
from codec.framing import SSEDecoder
from codec.http import HttpRequest
from codec.streams import iter_decoded

# The generated module's names, then this module's own.
__all__ = [
    *_generated.__all__,
    "ContentDelta",
    "ContentPiece",
    "ContentSnapshot",
    "CumulativeText",
    "build_chat_request",
    "build_delete_chat_request",
    "build_user_info_request",
    "chat_body_to_yy",
    "deltas",
    "encode_uri_component",
    "iter_events",
    "json_body_to_yy",
    "sign",
    "sign_yy",
]

# encodeURIComponent leaves exactly these unescaped (ECMA-262: uriAlpha,
# DecimalDigit, uriMark); Python's quote(safe="") also escapes ! ' ( ) *: §6.2.
_URI_UNRESERVED: Final = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()"
)
_BYTE_TO_URI: Final = tuple(chr(b) if b in _URI_UNRESERVED else f"%{b:02X}" for b in range(256))
_REPLACEMENT_CHAR: Final = "\ufffd"
_CHAT_FIELDS: Final = ("characterID", "msgContent", "chatID")


def _md5_hex(text: str) -> str:
    # A protocol checksum, not security: allowed even where FIPS forbids MD5.
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def encode_uri_component(text: str) -> str:
    """Percent-encode ``text`` exactly as JavaScript's ``encodeURIComponent``.

    ``A-Za-z0-9-_.!~*'()`` stay as they are; every other character becomes
    its UTF-8 bytes as ``%XX`` with uppercase hex. A lone surrogate raises
    :class:`UnicodeEncodeError` (a :class:`ValueError`), where JS throws
    ``URIError``.
    """
    return "".join(_BYTE_TO_URI[b] for b in text.encode("utf-8"))


def sign(path_and_query: str, body_to_yy: str, timestamp: int) -> str:
    """The ``yy`` header: the generic rule of protocols/hailuo.md §6.1.

    ``md5_hex(encodeURIComponent(path_and_query) + "_" + body_to_yy +
    md5_hex(str(timestamp)) + "ooui")``, lowercase hex, MD5 over UTF-8.
    ``path_and_query`` must be exactly what is sent (the query is signed, so
    its key order matters: §4), and ``timestamp`` the same milliseconds as
    its ``unix`` parameter.
    """
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise TypeError(f"timestamp must be an int (milliseconds), not {type(timestamp).__name__}")
    # No separator between the body part and the time digest: §6.2 step 3.
    combined = (
        encode_uri_component(path_and_query)
        + "_"
        + body_to_yy
        + _md5_hex(str(timestamp))
        + SIGNATURE_SUFFIX
    )
    return _md5_hex(combined)


def _form_value(form: Mapping[str, str], key: str, *, required: bool) -> str:
    if key not in form:
        if required:
            raise ValueError(f"chat form has no {key!r} field")
        return ""
    value: object = form[key]
    if not isinstance(value, str):
        raise TypeError(f"chat form field {key!r} must be a str, not {type(value).__name__}")
    return value


def chat_body_to_yy(form: Mapping[str, str]) -> str:
    """The ``bodyToYY`` of a chat message (``POST /v4/api/chat/msg``): §6.2.

    ``md5(characterID) + md5(msgContent without any CR or LF) + md5(chatID)
    + md5(form or "")``: 128 hex characters. Only the hash drops CR and LF;
    the form that is sent keeps ``msgContent`` as it is. ``searchMode`` is
    not signed. A missing required field raises :class:`ValueError`, a value
    that is not a ``str`` raises :class:`TypeError` (the fields are sent as
    strings, so the signature must hash those same strings).
    """
    character_id, msg_content, chat_id = (
        _form_value(form, key, required=True) for key in _CHAT_FIELDS
    )
    # Removing every CR and every LF also removes every CRLF pair.
    msg_for_hash = msg_content.replace("\r", "").replace("\n", "")
    # No attachment form hashes as md5("") ("hashFunction(undefined)"): §6.2.
    attachments = _form_value(form, "form", required=False)
    return "".join(_md5_hex(part) for part in (character_id, msg_for_hash, chat_id, attachments))


def json_body_to_yy(body: object) -> str:
    """The body part of the generic rule (§6.1): compact ``JSON.stringify(body)``.

    For GET requests the frontend signs ``"{}"`` instead; pass that string
    to :func:`sign` directly. Matches JS for strings, integers, booleans,
    ``None``, lists and dicts with non-numeric keys. It differs where JS
    itself is peculiar: JS puts integer-like object keys first in numeric
    order and prints floats in its own way (``1.0`` as ``1``); NaN and
    infinities raise :class:`ValueError` here (JS would write ``null``).
    """
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sign_yy(path_and_query: str, form: Mapping[str, str], timestamp: int) -> str:
    """The ``yy`` header of a chat message: :func:`sign` over :func:`chat_body_to_yy`."""
    return sign(path_and_query, chat_body_to_yy(form), timestamp)


@attrs.frozen(slots=True)
class ContentDelta:
    """Text to append to what was shown so far."""

    text: str


@attrs.frozen(slots=True)
class ContentSnapshot:
    """The whole visible text so far: it replaces what was shown (the service rewrote it)."""

    text: str


ContentPiece: TypeAlias = ContentDelta | ContentSnapshot
"""One piece of output of :class:`CumulativeText`."""


class CumulativeText:
    """Turns cumulative ``messageResult.content`` values into deltas and snapshots.

    Rules (protocols/hailuo.md §8.2, §9 "Recommended client behaviour"):

    * A trailing run of U+FFFD is held back: it is usually half of a
      multi-byte character cut by the server, which a later content replaces
      with the real character. A U+FFFD followed by other text is given out
      like any other character.
    * If the visible part extends what was given out, the new suffix comes
      out as a :class:`ContentDelta` (never an empty one).
    * Otherwise (earlier characters were rewritten, or the text shrank) the
      whole visible part comes out as a :class:`ContentSnapshot`.
    * :meth:`finish` gives out what is still held back: the last content is
      authoritative, even if it really ends in U+FFFD.

    Applying the pieces in order (append a delta, replace on a snapshot)
    always gives :attr:`text`, and after :meth:`finish` the last content.
    """

    def __init__(self) -> None:
        self._given = ""
        self._last: str | None = None
        self._finished = False

    @property
    def text(self) -> str:
        """What has been given out so far."""
        return self._given

    def update(self, content: str) -> list[ContentPiece]:
        """Take the next cumulative content; return the pieces it makes visible."""
        if self._finished:
            raise RuntimeError("CumulativeText is finished; it accepts no more content")
        if not isinstance(content, str):
            raise TypeError(f"content must be a str, not {type(content).__name__}")
        self._last = content
        return self._give(content.rstrip(_REPLACEMENT_CHAR))

    def finish(self) -> list[ContentPiece]:
        """End of stream: give out whatever is still held back. Later calls return nothing."""
        if self._finished:
            return []
        self._finished = True
        if self._last is None:
            return []
        return self._give(self._last)

    def _give(self, visible: str) -> list[ContentPiece]:
        given = self._given
        if visible.startswith(given):
            if len(visible) == len(given):
                return []
            self._given = visible
            return [ContentDelta(visible[len(given) :])]
        self._given = visible
        return [ContentSnapshot(visible)]


def deltas(contents: Iterable[str]) -> Iterator[ContentPiece]:
    """Run :class:`CumulativeText` over ``contents`` and finish at their end."""
    text = CumulativeText()
    for content in contents:
        yield from text.update(content)
    yield from text.finish()


def iter_events(chunks: Iterable[bytes]) -> Iterator[ChatEvent]:
    """Decode a chat answer body into typed events (protocols/hailuo.md §8).

    Events are chosen by SSE event name: :class:`SendResult`,
    :class:`MessageResult` (cumulative content: see :class:`CumulativeText`),
    :class:`FollowUpQuestionResult`, :class:`CloseChunk`; any other name is
    ``Unknown`` holding the event. In-band errors stay in ``status_info``.
    """
    return iter_decoded(SSEDecoder(), chunks, decode_chat_events)


def build_chat_request(
    *,
    token: str,
    uuid: str,
    device_id: str,
    timestamp: int,
    msg_content: str,
    boundary: str,
    chat_id: str = NEW_CHAT_ID,
    character_id: str = CHARACTER_ID,
    search_mode: str = SEARCH_MODE_DEFAULT,
    form: str | None = None,
    base_url: str = BASE_URL,
) -> HttpRequest:
    """The signed ``POST /v4/api/chat/msg`` request (protocols/hailuo.md §4, §6, §7).

    ``timestamp`` (milliseconds) is sent as the ``unix`` query parameter and
    signed; ``yy`` is computed over the exact path and query of the URL that
    is sent and over the form fields as sent. ``chat_id`` ``"0"`` starts a
    new chat; pass the ``chatID`` of a ``send_result`` to continue one.
    """
    url = send_message_url(uuid=uuid, device_id=device_id, unix=str(timestamp), base_url=base_url)
    parts = urlsplit(url)
    signed_fields = {"characterID": character_id, "msgContent": msg_content, "chatID": chat_id}
    if form is not None:
        signed_fields["form"] = form
    yy = sign_yy(f"{parts.path}?{parts.query}", signed_fields, timestamp)
    return build_send_message(
        uuid=uuid,
        device_id=device_id,
        unix=str(timestamp),
        yy=yy,
        token=token,
        character_id=character_id,
        msg_content=msg_content,
        chat_id=chat_id,
        search_mode=search_mode,
        form=form,
        boundary=boundary,
        base_url=base_url,
    )


def build_delete_chat_request(
    *, token: str, uuid: str, device_id: str, timestamp: int, chat_id: str, base_url: str = BASE_URL
) -> HttpRequest:
    """The signed ``DELETE /v1/api/chat/history/{chat_id}`` request (§3 item 4, §6.1)."""
    return _signed_without_body(
        delete_chat_url,
        build_delete_chat,
        token=token,
        uuid=uuid,
        device_id=device_id,
        timestamp=timestamp,
        base_url=base_url,
        chat_id=chat_id,
    )


def build_user_info_request(
    *, token: str, uuid: str, device_id: str, timestamp: int, base_url: str = BASE_URL
) -> HttpRequest:
    """The signed ``GET /v1/api/user/info`` request: is the token live (§3 item 3, §6.1)."""
    return _signed_without_body(
        user_info_url,
        build_user_info,
        token=token,
        uuid=uuid,
        device_id=device_id,
        timestamp=timestamp,
        base_url=base_url,
    )


def _signed_without_body(
    url_of: Callable[..., str],
    build: Callable[..., HttpRequest],
    *,
    token: str,
    uuid: str,
    device_id: str,
    timestamp: int,
    base_url: str,
    **path: str,
) -> HttpRequest:
    # GET and DELETE sign UNSIGNED_BODY over the exact path and query sent (§6.1).
    ids = {"uuid": uuid, "device_id": device_id, "unix": str(timestamp)}
    parts = urlsplit(url_of(**ids, **path, base_url=base_url))
    yy = sign(f"{parts.path}?{parts.query}", UNSIGNED_BODY, timestamp)
    return build(**ids, **path, yy=yy, token=token, base_url=base_url)
