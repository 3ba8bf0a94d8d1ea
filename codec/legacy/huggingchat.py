"""HuggingChat bodies of the legacy era: ``__data.json`` and the server-rendered page.

:mod:`codec.huggingchat` calls these when a body is SvelteKit data or HTML
(protocols/huggingchat.md §2.1, §2.4, §4, §6). They give the raw decoded
conversation or model entries; the caller turns them into its own types.
Malformed input raises :class:`~codec.errors.CodecError`; an error node or a
redirect raises :class:`~codec.errors.RemoteDataError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from codec.errors import CodecError, RemoteDataError
from codec.legacy.sveltekit import SvelteKitData, decode_sveltekit_data, read_kit_hydration

__all__ = [
    "is_json_lines",
    "is_sveltekit_document",
    "page_conversation",
    "page_models",
    "sveltekit_models",
]


def is_sveltekit_document(document: Mapping[str, object]) -> bool:
    """Whether a parsed JSON body is SvelteKit data (``{"type":"data",...}``) or a redirect."""
    kind = document.get("type")
    return (kind == "data" and "nodes" in document) or kind == "redirect"


def is_json_lines(text: str) -> bool:
    """Whether ``text``, which is not one JSON document, starts with a JSON line and has more.

    That is ``x-sveltekit-invalidated=11`` data (``text/sveltekit-data``): the
    nodes line, then one ``chunk`` line per streamed promise (§2.4).
    """
    first, _, rest = text.lstrip().partition("\n")
    if not rest.strip():
        return False
    try:
        json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def page_conversation(body: bytes) -> object:
    """The page node's data of ``GET /chat/conversation/{id}/__data.json``, either form."""
    data = decode_sveltekit_data(body)
    _raise_for_remote_error(data)
    if not data.nodes:
        raise CodecError("SvelteKit data without nodes")
    page = data.nodes[-1]  # the page is the leaf node, after the layouts (§4.3)
    if page is None or (isinstance(page, dict) and page.get("type") == "skip"):
        raise CodecError(
            "the page node was not sent: request x-sveltekit-invalidated with a 1 for the page"
        )
    assert isinstance(page, dict)  # _decode_node let only data nodes through here
    return page["data"]


def sveltekit_models(body: bytes) -> list[object]:
    """The root layout's ``models`` of a ``__data.json`` body whose layout node was sent (§4.3)."""
    data = decode_sveltekit_data(body)
    _raise_for_remote_error(data)
    return _models_from_nodes(data.nodes)


def page_models(body: bytes) -> list[object]:
    """The root layout's ``models`` of the ``GET /chat`` HTML page's bootstrap script (§2.1, §6)."""
    # surrogateescape: a stray invalid byte in the markup must not hide the data.
    hydration = read_kit_hydration(body.decode("utf-8", "surrogateescape"))
    return _models_from_nodes(hydration.data)


def _models_from_nodes(nodes: list[object]) -> list[object]:
    for node in nodes:
        data = node.get("data") if isinstance(node, dict) else None
        if isinstance(data, dict) and "models" in data:
            models = data["models"]
            if not isinstance(models, list):
                raise CodecError("the layout's models is not a list")
            return models
    raise CodecError("no layout data with a models list (was the root layout node sent?)")


def _raise_for_remote_error(data: SvelteKitData) -> None:
    """Raise :class:`RemoteDataError` for a redirect or the first error node."""
    if data.redirect is not None:
        raise RemoteDataError(f"redirected to {data.redirect}")
    for node in data.nodes:
        if isinstance(node, dict) and node.get("type") == "error":
            # Access errors come as a 200 body with an error node: §2.4, §4.1, §4.5 step 3.
            error = node.get("error")
            message = error.get("message") if isinstance(error, dict) else None
            if not isinstance(message, str):
                message = json.dumps(node, ensure_ascii=False)
            status = node.get("status")
            valid_status = isinstance(status, int) and not isinstance(status, bool)
            raise RemoteDataError(message, status=status if valid_status else None)
