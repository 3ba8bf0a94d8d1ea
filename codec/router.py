"""Inference Providers router extras: input length and message trimming.

gpt4free's ``HuggingFaceAPI`` trimmed long conversations before sending them
to the router (protocols/hf-inference.md §7.5). The policy is kept here as
pure functions over OpenAI-style message mappings, with its bugs fixed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Final

import attrs

from codec._generated import router as _generated
from codec._generated.router import *  # noqa: F403  (re-exported: its __all__)
from codec.framing import SSEDecoder
from codec.streams import iter_decoded

# The generated module's names, then this module's own.
__all__ = [
    *_generated.__all__,
    "calculate_length",
    "iter_events",
    "provider_mappings",
    "trim_messages",
]

# Each message costs its content plus this much, as in the original (§7.5).
_PER_MESSAGE: Final = 16
# Step 2 keeps this many messages at each end of a longer conversation.
_KEEP_EACH_END: Final = 3


def _content_length(content: object) -> int:
    if content is None:
        return 0
    if isinstance(content, str):
        return len(content)
    if isinstance(content, list | tuple):
        return sum(len(text) for text in _part_texts(content))
    raise TypeError(
        f"message content must be a str, a list of parts or None, not {type(content).__name__}"
    )


def _part_texts(parts: Sequence[object]) -> list[str]:
    return [
        text
        for part in parts
        if isinstance(part, Mapping)
        and part.get("type") == "text"
        and isinstance(text := part.get("text"), str)
    ]


def calculate_length(messages: Sequence[Mapping[str, object]]) -> int:
    """Input size in characters: the sum of ``len(content) + 16`` over the messages.

    A string content counts its characters (code points). A list content
    counts the characters of its text parts (``{"type": "text", "text":
    ...}``); other parts (images, audio) count 0. ``None`` or a missing
    content counts 0. Any other content raises :class:`TypeError`.

    The original (gpt4free's ``calculate_lenght``) took ``len(content)``
    for lists too, so it counted the *number of parts*, not their text, and
    it failed on a ``None`` content.
    """
    return sum(_content_length(m.get("content")) + _PER_MESSAGE for m in messages)


def trim_messages(
    messages: Sequence[Mapping[str, object]], max_length: int
) -> list[dict[str, object]]:
    """Shorten a conversation to fit ``max_length`` as gpt4free did, with its bugs fixed.

    The policy (protocols/hf-inference.md §7.5), lengths by
    :func:`calculate_length`:

    1. If the messages fit (length <= ``max_length``), they are returned as
       they are.
    2. If there are more than 6 messages, keep the first three and the last
       three, plus the last user message (the last with ``role == "user"``)
       in its place when it is in neither. If that fits, stop.
    3. If there is no user message, stop: the result of step 2 is returned
       even though it is too long. Otherwise form the *last user turn*,
       taken from the input: skip the trailing non-user messages, take the
       run of consecutive user messages before them, and make one message
       ``{"role": "user", "content": ...}`` of it. Its content is the run's
       string contents, each stripped, joined with ``"\\n"``. If any message
       of the run has list content, the content is instead a list of parts:
       each string content becomes a text part (stripped), each list content
       gives its parts in order. ``None`` contents are skipped. Other keys of
       those messages (e.g. ``name``) are not kept.
    4. If the list from step 2 has more than two messages, replace it by its
       system messages (in order) followed by the last user turn.
    5. If the result is still too long and has more than one message, it
       becomes the last user turn alone.

    So the result always holds the last user message (unchanged, or inside
    the last user turn), and when the input has a user message the result
    fits ``max_length`` unless it is one message. The caller's list and
    mappings are never changed, and the result shares nothing mutable with
    them: kept messages are deep copies.

    Where the original differs:

    * Its helper (``get_last_user_message``) popped the trailing user run
      *and the non-user message before it* off the list being trimmed,
      which was the *caller's own list* when there were at most 6 messages;
      step 4 counted "more than two" after those pops, and step 5 then
      kept what was left. So a too-long ``[system, user]`` was sent as
      ``[]``, and ``[system, system, user]`` as ``[system]``.
    * It only looked at the very end: if the last message was not a user
      message, it popped that one message and the "last user message" was
      ``""``.
    * It took the run from the step-2 list, so it could join user messages
      across the cut, and step 2 could drop the last user message entirely.
    * It skipped user messages whose content was a list (text with images),
      keeping only string contents; here their parts are kept.
    * Its lengths counted list contents by their number of parts
      (see :func:`calculate_length`).
    """
    if calculate_length(messages) <= max_length:
        return _copies(messages)
    last_user = _last_user_index(messages)
    kept = list(messages)
    if len(kept) > 2 * _KEEP_EACH_END:
        head, tail = kept[:_KEEP_EACH_END], kept[-_KEEP_EACH_END:]
        middle: list[Mapping[str, object]] = []
        if last_user is not None and _KEEP_EACH_END <= last_user < len(kept) - _KEEP_EACH_END:
            middle.append(kept[last_user])  # the fix: step 2 must not cut it away
        kept = head + middle + tail
        if calculate_length(kept) <= max_length:
            return _copies(kept)
    if last_user is None:
        return _copies(kept)
    turn = _last_user_turn(messages, last_user)
    if len(kept) > 2:
        result = _copies([m for m in kept if m.get("role") == "system"])
        result.append(turn)
    else:
        result = _copies(kept)
    if len(result) > 1 and calculate_length(result) > max_length:
        return [turn]
    return result


def _copies(messages: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    return [{key: copy.deepcopy(value) for key, value in m.items()} for m in messages]


def _last_user_index(messages: Sequence[Mapping[str, object]]) -> int | None:
    for index in range(len(messages) - 1, -1, -1):
        if messages[index].get("role") == "user":
            return index
    return None


def _last_user_turn(messages: Sequence[Mapping[str, object]], last: int) -> dict[str, object]:
    first = last
    while first > 0 and messages[first - 1].get("role") == "user":
        first -= 1
    contents = [m.get("content") for m in messages[first : last + 1]]
    contents = [c for c in contents if c is not None]
    if all(isinstance(c, str) for c in contents):
        text = "\n".join(c.strip() for c in contents if isinstance(c, str))
        return {"role": "user", "content": text}
    parts: list[object] = []
    for content in contents:
        if isinstance(content, str):
            parts.append({"type": "text", "text": content.strip()})
        elif isinstance(content, list | tuple):
            parts.extend(copy.deepcopy(content))
    return {"role": "user", "content": parts}


def iter_events(chunks: Iterable[bytes]) -> Iterator[ChatCompletionStreamEvent]:
    """Decode a streaming chat-completion body into typed chunks (protocols/hf-inference.md §5).

    Each SSE event's data, joined lines included, is one JSON document:
    :class:`ChatCompletionChunk`, :class:`StreamError` for an error inside a
    200 stream, :class:`Done` for ``[DONE]``, and ``Unknown`` for anything
    else. Reading goes on to the end of the body (cerebras sends no
    ``[DONE]``; nothing after it is dropped either).
    """
    return iter_decoded(SSEDecoder(), chunks, decode_chat_completion_chunks)


def provider_mappings(model: ModelProviders) -> list[ProviderMapping]:
    """The provider entries of a mapping answer, in the service's order, each naming its provider.

    ``/api/models/{id}`` gives a dict keyed by provider, ``/api/models`` a
    list whose entries carry ``provider`` (protocols/hf-inference.md §2.1,
    §2.2); both come out as a list with ``provider`` set. List entries
    without a provider are left out; a missing or null mapping gives ``[]``.
    """
    mapping = model.inference_provider_mapping
    if isinstance(mapping, dict):
        return [attrs.evolve(entry, provider=name) for name, entry in mapping.items()]
    if isinstance(mapping, list):
        return [entry for entry in mapping if isinstance(entry.provider, str)]
    return []
