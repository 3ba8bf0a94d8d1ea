"""OpenAI-style messages to the single text the web chats take as one turn.

Both web services take one text per turn. A new conversation gets the whole
history in gpt4free's ``format_prompt`` shape; a continued one only the
user's latest turn (protocols/huggingchat.md §8.1, protocols/hailuo.md §7).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from hfclient.errors import ArgumentError, LocalProtocolError

__all__ = [
    "SYSTEM_ROLES",
    "content_text",
    "format_prompt",
    "role",
    "system_text",
    "trailing_user_text",
]

SYSTEM_ROLES: Final = frozenset({"system", "developer"})


def role(message: Mapping[str, object]) -> str:
    """The message's role; a message without one is a caller's mistake."""
    value = message.get("role")
    if not isinstance(value, str) or not value:
        raise LocalProtocolError(f"every message needs a role, got {value!r}")
    return value


def content_text(message: Mapping[str, object]) -> str:
    """The text of a message: its string content, or the text parts of a content list."""
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence) and not isinstance(content, (bytes, bytearray)):
        texts = []
        for part in content:
            kind = part.get("type", "text") if isinstance(part, Mapping) else None
            if kind != "text":
                # Dropping it would answer a question the user did not ask.
                raise ArgumentError(
                    f"a {kind!r} part cannot go to a web chat as text "
                    "(HuggingChat takes images as data: URLs or files=[Attachment(...)])"
                )
            if isinstance(part.get("text"), str):
                texts.append(part["text"])
        return "".join(texts)
    raise LocalProtocolError(
        f"a message content is text or a list of parts, not {type(content).__name__}"
    )


def format_prompt(messages: Sequence[Mapping[str, object]]) -> str:
    """The whole history as one prompt, the way gpt4free sends a new conversation.

    One message is sent as its text; several become ``Role: text`` lines
    (role capitalised, empty texts dropped) followed by ``Assistant:``.
    """
    if not messages:
        raise LocalProtocolError("no message to send")
    turns = [(role(m), content_text(m)) for m in messages]
    if len(turns) == 1:
        return turns[0][1]
    lines = [f"{name.capitalize()}: {text}" for name, text in turns if text.strip()]
    return "\n".join([*lines, "Assistant:"])


def trailing_user_text(messages: Sequence[Mapping[str, object]]) -> str:
    """The trailing run of user messages (system messages aside), joined by newlines.

    A history that ends with an assistant message has no new user turn: "".
    """
    texts: list[str] = []
    for message in reversed(messages):
        name = role(message)
        if name in SYSTEM_ROLES:
            continue
        if name != "user":
            break
        texts.append(content_text(message))
    return "\n".join(text for text in reversed(texts) if text)


def system_text(messages: Sequence[Mapping[str, object]]) -> str | None:
    """The system (and developer) messages' texts joined by newlines, or None."""
    texts = [content_text(m) for m in messages if role(m) in SYSTEM_ROLES]
    joined = "\n".join(text for text in texts if text)
    return joined or None
