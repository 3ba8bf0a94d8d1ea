"""Parse a multipart/form-data body independently of the code that built it."""

from __future__ import annotations

import email.parser
import email.policy


def form_parts(
    content_type: str | None, body: bytes
) -> list[tuple[str, str | None, str | None, bytes]]:
    """(name, filename, content type, body) of each part, parsed by the standard library."""
    assert content_type is not None
    assert content_type.startswith("multipart/form-data; boundary=")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    out = []
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition")
        out.append(
            (
                disposition.params["name"],
                disposition.params.get("filename"),
                part.get("Content-Type"),
                part.get_payload(decode=True),
            )
        )
    return out


def form_fields(content_type: str | None, body: bytes) -> dict[str, str]:
    """The parts as ``{name: text}``."""
    return {name: value.decode() for name, _, _, value in form_parts(content_type, body)}
