"""HuggingChat extras: hand-written readers beside the generated HuggingChat codec.

Each section stands alone: the message-update stream, message ids, model
lists. The readers take a whole response body (bytes) and tell its form from
the content, across the eras (protocols/huggingchat.md §0, §10): superjson
``/chat/api/v2/*`` bodies from 2025-06-05 on, read here; ``__data.json`` and
the server-rendered page before, handed to :mod:`codec.legacy.huggingchat`.
Malformed input raises :class:`~codec.errors.CodecError`; a body in which
the service reports an error of its own raises
:class:`~codec.errors.RemoteDataError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

import attrs

from codec import superjson
from codec._generated import huggingchat as _generated
from codec._generated.huggingchat import *  # noqa: F403  (re-exported: its __all__)
from codec._json import body_text, load_json
from codec.errors import CodecError, RemoteDataError
from codec.framing import NDJSONDecoder
from codec.jsvalues import UNDEFINED
from codec.legacy import huggingchat as legacy
from codec.streams import iter_decoded

# The generated module's names, then this module's own.
__all__ = [
    *_generated.__all__,
    "ModelInfo",
    "extract_last_content",
    "extract_message_id",
    "extract_models",
    "iter_events",
]

_BOM: Final = "\ufeff"


# --- The message-update stream -------------------------------------------------------------


def iter_events(chunks: Iterable[bytes]) -> Iterator[MessageUpdate]:
    """Decode the body of ``POST /conversation/{id}`` into typed message updates.

    The body is NDJSON whatever its Content-Type says, split on byte LF only;
    the 4096 spaces after ``finalAnswer`` are skipped and reading goes on to
    the end of the body, so a late ``title`` or ``status: finished`` is kept
    (protocols/huggingchat.md §3.1, §3.3). ``stream`` tokens come without
    their NUL padding. keepAlive lines are ``Status`` events like any other:
    deciding what to show is the caller's job.
    """
    return iter_decoded(NDJSONDecoder(), chunks, decode_message_updates)


# --- Message ids -------------------------------------------------------------------------------


def extract_message_id(body: bytes) -> str | None:
    """The id of the last message of a conversation: the parent for the next turn.

    Reads every body that carries a conversation's messages
    (protocols/huggingchat.md §2.3-§2.5, §4.5):

    - ``GET /chat/conversation/{id}/__data.json``, either form (until
      2025-06-05): the page node, read by :mod:`codec.legacy.huggingchat`;
    - ``GET /chat/api/v2/conversations/{id}``: a superjson envelope;
    - ``POST /chat/conversation`` from 2026-07-03 on, whose ``conversation``
      field is a superjson string.

    Returns the ``id`` of the last entry of ``messages`` (insertion order, so
    after a retry the newest message, not necessarily the viewed branch), or
    None for a conversation without messages. Raises
    :class:`RemoteDataError` for an error node (403 for another user's
    conversation) or an error body, :class:`CodecError` for anything else
    that is not such a body.
    """
    messages = _find_conversation(body).get("messages")
    if not isinstance(messages, list):
        raise CodecError("the conversation has no messages array")
    if not messages:
        return None
    last = messages[-1]
    message_id = last.get("id") if isinstance(last, dict) else None
    if not isinstance(message_id, str):
        raise CodecError(f"the last message has no string id: {last!r}"[:200])
    return message_id


def extract_last_content(body: bytes) -> str:
    """The ``content`` of the last message of a conversation ("" when it has none).

    Reads the bodies :func:`extract_message_id` reads. A turn that continues
    that message in place (a resumed elicitation, chat-ui 2026-08-21) appends
    to this text, and a stop point counts from its start.
    """
    messages = _find_conversation(body).get("messages")
    last = messages[-1] if isinstance(messages, list) and messages else None
    content = last.get("content") if isinstance(last, dict) else None
    return content if isinstance(content, str) else ""


def _find_conversation(body: bytes) -> dict[str, object]:
    text = body_text(body, "conversation body")
    document = _parse_document(text)
    if _is_legacy(document):
        return _conversation_dict(legacy.page_conversation(body), "the page data")
    if not isinstance(document, dict):
        raise CodecError("a conversation body is a JSON object")
    if "json" in document:
        return _conversation_dict(superjson.deserialize(document), "the superjson value")
    embedded = document.get("conversation")
    if isinstance(embedded, str):
        # 2026-07 `POST /chat/conversation`: superjson text inside a JSON string (§2.3).
        return _conversation_dict(superjson.parse(embedded), "the embedded conversation")
    if "messages" in document:
        return document
    _raise_for_error_body(document)
    if "conversationId" in document:
        raise CodecError(
            "this POST /chat/conversation body has only the id (servers before 2026-07-03); "
            "read the conversation from /chat/api/v2/conversations/{id}"
        )
    raise CodecError(f"not a HuggingChat conversation body (keys: {sorted(document)[:8]})")


def _conversation_dict(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict) or "messages" not in value:
        raise CodecError(f"{what} is not a conversation (no messages)")
    return value


_LEGACY: Final = object()
"""What :func:`_parse_document` returns for a legacy ``=11`` SvelteKit body of JSON lines."""


def _parse_document(text: str) -> object:
    """The body as one JSON document, or :data:`_LEGACY` when it is several JSON lines."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        if legacy.is_json_lines(text):
            return _LEGACY
    except RecursionError:
        raise CodecError("body is nested too deeply") from None
    return load_json(text, "body")  # raises, with the offset


def _is_legacy(document: object) -> bool:
    """Whether a parsed body is SvelteKit data of the legacy era (§2.4), for :mod:`codec.legacy`."""
    return document is _LEGACY or (
        isinstance(document, dict) and legacy.is_sveltekit_document(document)
    )


def _raise_for_error_body(document: Mapping[str, object]) -> None:
    """Raise :class:`RemoteDataError` for the JSON error bodies of §1.4."""
    for key in ("message", "error"):
        message = document.get(key)
        if isinstance(message, str) and set(document) <= {"message", "error", "errorId"}:
            raise RemoteDataError(message)


# --- Model lists -------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class ModelInfo:
    """One model HuggingChat offers, as its model list describes it.

    ``reasoning`` and ``tools`` are None when the list's era does not say
    (``tools`` was dropped on 2025-09-24; from 2026 both are named
    ``supportsReasoning``/``supportsTools``: protocols/huggingchat.md §2.2).
    ``raw`` is the decoded entry with every field, left out of equality and
    hashing.
    """

    id: str
    display_name: str
    multimodal: bool = False
    reasoning: bool | None = None
    name: str = ""
    description: str | None = None
    tools: bool | None = None
    unlisted: bool = False
    is_router: bool | None = None
    raw: Mapping[str, object] = attrs.field(factory=dict, eq=False, repr=False)


def extract_models(body: bytes) -> list[ModelInfo]:
    """The models of a model-list body, whichever era wrote it.

    - ``GET /chat/api/v2/models`` (2025-06-05 on): a superjson envelope around
      a list of model summaries (§2.2);
    - ``GET /chat`` (until 2025-06-05): the HTML page, whose bootstrap script
      carries the root layout's ``models`` as a JavaScript literal (§2.1, §6),
      read with :func:`codec.legacy.huggingchat.page_models`;
    - a ``__data.json`` body whose root layout node was sent (§4.3).
    """
    if body.removeprefix(_BOM.encode()).lstrip(b" \t\r\n").startswith(b"<"):
        return _model_infos(legacy.page_models(body))
    text = body_text(body, "model list")
    document = _parse_document(text)
    if _is_legacy(document):
        return _model_infos(legacy.sveltekit_models(body))
    if isinstance(document, dict) and "json" in document:
        document = superjson.deserialize(document)
    elif isinstance(document, dict):
        _raise_for_error_body(document)
    if not isinstance(document, list):
        raise CodecError("a model list body holds a list of models")
    return _model_infos(document)


def _model_infos(entries: list[object]) -> list[ModelInfo]:
    return [_model_info(entry, position) for position, entry in enumerate(entries)]


def _model_info(entry: object, position: int) -> ModelInfo:
    if not isinstance(entry, dict):
        raise CodecError(f"model {position} is not an object")
    # chat-ui keys models by `id || name` (chat-ui src/lib/server/models.ts).
    model_id = _string(entry, "id", position) or _string(entry, "name", position)
    if model_id is None:
        raise CodecError(f"model {position} has neither an id nor a name")
    name = _string(entry, "name", position) or model_id
    return ModelInfo(
        id=model_id,
        display_name=_string(entry, "displayName", position) or name,
        multimodal=bool(_flag(entry, "multimodal", position)),
        reasoning=_flag(entry, "reasoning", position, "supportsReasoning"),
        name=name,
        description=_string(entry, "description", position),
        tools=_flag(entry, "tools", position, "supportsTools"),
        unlisted=bool(_flag(entry, "unlisted", position)),
        is_router=_flag(entry, "isRouter", position),
        raw=entry,
    )


def _absent(value: object) -> bool:
    return value is None or value is UNDEFINED


def _string(entry: Mapping[str, object], key: str, position: int) -> str | None:
    value = entry.get(key)
    if _absent(value):
        return None
    if not isinstance(value, str):
        raise CodecError(f"model {position}: {key} is not a string: {value!r}")
    return value


def _flag(entry: Mapping[str, object], key: str, position: int, *others: str) -> bool | None:
    """A boolean field under ``key`` or a later era's name for it; None when absent."""
    for name in (key, *others):
        value = entry.get(name)
        if _absent(value):
            continue
        if isinstance(value, bool):
            return value
        raise CodecError(f"model {position}: {name} is not a boolean: {value!r}")
    return None
