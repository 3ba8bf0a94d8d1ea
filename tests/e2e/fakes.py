"""Fake services for end-to-end tests: scripted answers per route, bodies cut into parts."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterable, Iterable

from hfclient.events import Event
from tests.transport.servers import ReceivedRequest, Response


def parts(body: bytes, count: int = 7) -> list[bytes]:
    """``body`` cut into ``count`` parts (sent as separate chunks)."""
    size = max(1, -(-len(body) // count))
    return [body[i : i + size] for i in range(0, len(body), size)]


def stream(body: bytes, *, content_type: str, ending: str = "complete") -> Response:
    """A streamed 200 answer: chunked, one HTTP chunk per part."""
    return Response(
        headers=[("Content-Type", content_type)],
        body=parts(body),
        framing="chunked",
        ending=ending,  # type: ignore[arg-type]
    )


def json_answer(body: bytes, status: int = 200, *headers: tuple[str, str]) -> Response:
    """A JSON answer with a Content-Length."""
    return Response(
        status=status, headers=[("Content-Type", "application/json"), *headers], body=[body]
    )


class FakeService:
    """Answers each request with the next scripted response of its route.

    A route is ``(method, path)``; the path is compared without the query.
    A request with no scripted answer left gets a 599 that names it, which
    fails the test loudly instead of hanging it.
    """

    def __init__(self, routes: dict[tuple[str, str], Iterable[Response]]) -> None:
        self._routes = {key: deque(answers) for key, answers in routes.items()}
        self.seen: list[ReceivedRequest] = []

    def __call__(self, request: ReceivedRequest) -> Response:
        self.seen.append(request)
        path = _path(request.target)
        answers = self._routes.get((request.method, path))
        if not answers:
            message = f"no scripted answer for {request.method} {path}".encode()
            return Response(status=599, body=[message])
        return answers.popleft()

    def paths(self) -> list[str]:
        """``METHOD path`` of every request seen, in order."""
        return [f"{r.method} {_path(r.target)}" for r in self.seen]


async def drain(events: AsyncIterable[Event]) -> tuple[list[Event], Exception | None]:
    """Every event until the stream ends or raises, and what it raised."""
    seen: list[Event] = []
    try:
        async for event in events:
            seen.append(event)
    except Exception as exc:  # the test checks which
        return seen, exc
    return seen, None


def _path(target: str) -> str:
    # Through an http:// proxy the target is absolute: http://host:port/path?query.
    if target.startswith(("http://", "https://")):
        target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
    return target.split("?", 1)[0]
