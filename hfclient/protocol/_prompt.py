"""OpenAI-style messages to the single text the web chats take as one turn.

Both web services take one text per turn. A new conversation gets the whole
history in gpt4free's ``format_prompt`` shape; a continued one only the
user's latest turn (protocols/huggingchat.md §8.1, protocols/hailuo.md §7).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["content_text", "format_prompt", "last_user_turn", "system_prompt"]


def content_text(content: object) -> str:
    """The text of a message content: a string, or the text parts of a list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part["text"]
            for part in content
            if isinstance(part, Mapping)
            and part.get("type") == "text"
            and isinstance(part.get("text"), str)
        )
    return ""


def format_prompt(messages: Sequence[Mapping[str, object]]) -> str:
    """One message: its text as is. Several: ``Role: text`` lines, then ``Assistant:``.

    Roles are capitalised and messages with empty text are left out.
    """
    if len(messages) == 1:
        return content_text(messages[0].get("content"))
    lines = [
        f"{str(m.get('role', 'user')).capitalize()}: {text}"
        for m in messages
        if (text := content_text(m.get("content")))
    ]
    return "\n".join(lines) + "\nAssistant:"


def last_user_turn(messages: Sequence[Mapping[str, object]]) -> str:
    """The trailing run of user messages, each stripped, joined with newlines.

    Trailing messages of other roles are skipped first; no user message gives "".
    """
    end = len(messages)
    while end > 0 and messages[end - 1].get("role") != "user":
        end -= 1
    start = end
    while start > 0 and messages[start - 1].get("role") == "user":
        start -= 1
    return "\n".join(content_text(m.get("content")).strip() for m in messages[start:end])


def system_prompt(messages: Sequence[Mapping[str, object]]) -> str | None:
    """The system messages' texts joined with blank lines, or None when there are none."""
    texts = [content_text(m.get("content")) for m in messages if m.get("role") == "system"]
    return "\n\n".join(t for t in texts if t) or None
