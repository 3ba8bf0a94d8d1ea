"""Programmable HTTP/1.1 test servers on 127.0.0.1: an origin (plain or TLS) and a CONNECT proxy.

Transport-agnostic by design: each server runs in background threads with
blocking sockets, so any client can talk to it (anyio+h11 under asyncio or
trio, curl_cffi, a sync client), and it shares no HTTP code with the client
under test.

Scripting a response::

    gate = Gate()
    server.handler = lambda request: Response(
        body=[b"first", gate, b"second"], framing="chunked", encoding="gzip"
    )

Each ``bytes`` part of ``body`` is written (and, with gzip/deflate, flushed
through the compressor) on its own; at a :class:`Gate` the server waits until
the test calls ``gate.open()``; a callable part is called when reached, for
bytes that depend on what happened meanwhile (identity encoding, no
Content-Length). A test
that opens the gate only after its
client saw ``b"first"`` knows the parts reached the client as separate reads,
with no sleep and no timing assumption. ``ending`` cuts the body short with a
clean close (``"eof"``) or a TCP reset (``"reset"``, SO_LINGER 0).

Use as context managers (``with HttpServer() as server:``); leaving stops the
threads, opens every gate still waited on, and closes every socket.
"""

from __future__ import annotations

import contextlib
import http
import selectors
import socket
import ssl
import struct
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Literal, Self
from urllib.parse import urlsplit

import trustme

__all__ = [
    "ConnectProxy",
    "Gate",
    "HttpServer",
    "ReceivedRequest",
    "Response",
]

_HEAD_LIMIT = 64 * 1024
_GATE_TIMEOUT = 10.0  # a forgotten gate fails the test instead of hanging it


class Gate:
    """A point in a response script where the server waits until the test opens it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def open(self) -> None:
        """Let the server go on (safe from any thread or event loop: it never blocks)."""
        self._event.set()

    @property
    def is_open(self) -> bool:
        """Whether :meth:`open` was called."""
        return self._event.is_set()

    def wait(self) -> bool:
        """Server side: wait until opened; ``False`` when the test never opened it in time."""
        return self._event.wait(_GATE_TIMEOUT)


@dataclass(frozen=True)
class Response:
    """What :class:`HttpServer` sends for one request.

    - ``body``: parts written one by one (see the module docstring); gates between.
    - ``framing``: ``"content-length"`` (the total is announced up front),
      ``"chunked"`` (one HTTP chunk per part) or ``"eof"`` (the body ends when
      the server closes).
    - ``encoding``: ``"gzip"``, ``"deflate"`` (zlib format), ``"raw-deflate"``
      or ``"identity"``; each part is compressed and sync-flushed on its own,
      so it decodes to exactly that part. The header is added for you.
    - ``ending``: ``"complete"``; or ``"eof"``/``"reset"`` to close or reset the
      connection right after the last part, before the framing says the body ended.
    - ``keep_alive=False`` sends ``Connection: close`` and closes after the response;
      ``close_after=True`` closes after it *without* saying so (an idle
      keep-alive connection the server drops).
    - ``raw``: send these bytes verbatim instead (malformed HTTP), then close
      (reset with ``ending="reset"``: ``raw=b""`` resets before any byte).
    """

    status: int = 200
    headers: Sequence[tuple[str, str]] = ()
    body: Sequence[bytes | Gate | Callable[[], bytes]] = ()
    framing: Literal["content-length", "chunked", "eof"] = "content-length"
    encoding: Literal["identity", "gzip", "deflate", "raw-deflate"] = "identity"
    ending: Literal["complete", "eof", "reset"] = "complete"
    keep_alive: bool = True
    close_after: bool = False
    raw: bytes | None = None


@dataclass(frozen=True)
class ReceivedRequest:
    """A request as a server read it; ``connection`` numbers the TCP connection from 0."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    connection: int

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class _ThreadedServer:
    """Accepts on 127.0.0.1 (ephemeral port) in a thread; one more thread per connection."""

    def __init__(self, *, tls: trustme.LeafCert | None = None) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._tls: ssl.SSLContext | None = None
        if tls is not None:
            self._tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._tls.sni_callback = self._record_server_name
            tls.configure_cert(self._tls)
        self._wake_r, self._wake_w = socket.socketpair()
        self._lock = threading.Lock()
        self._finished = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()
        self._gates: set[Gate] = set()
        #: Connections accepted so far.
        self.connection_count = 0
        #: Connections the server is done with (closed by either side).
        self.finished_count = 0
        #: Unexpected exceptions of connection threads (socket errors are expected: clients
        #: hang up and reset; anything else is a bug in the server or the client).
        self.errors: list[BaseException] = []
        #: The SNI server name of each TLS handshake (``None`` when the client sent none).
        self.server_names: list[str | None] = []
        self._stopped = False

    def __enter__(self) -> Self:
        self._spawn(self._accept_loop)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop accepting, release every gate, close every socket, join every thread."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            gates, sockets = list(self._gates), list(self._sockets)
        self._wake_w.send(b"x")
        for gate in gates:
            gate.open()
        for sock in sockets:
            # shutdown, not close, wakes a thread blocked in recv; socket.socket's own
            # method, since SSLSocket.shutdown also drops the TLS state under that thread.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(timeout=5)
        for sock in (self._listener, self._wake_r, self._wake_w):
            sock.close()

    def wait_finished(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` connections are finished (call it via ``anyio.to_thread``)."""
        with self._finished:
            return self._finished.wait_for(lambda: self.finished_count >= count, timeout)

    def _serve(self, sock: socket.socket, connection: int) -> None:
        raise NotImplementedError

    def _record_server_name(
        self, _sock: ssl.SSLObject | ssl.SSLSocket, name: str | None, _context: ssl.SSLContext
    ) -> None:
        with self._lock:
            self.server_names.append(name)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)
            if self._stopped:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def _spawn(self, target: Callable[..., None], *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()
        return thread

    def _hold(self, gates: list[Gate]) -> None:
        # Gates are opened by stop(), so no thread outlives the server waiting on one.
        with self._lock:
            self._gates.update(gates)
            if self._stopped:
                for gate in gates:
                    gate.open()

    def _accept_loop(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is self._wake_r:
                        return
                    sock, _ = self._listener.accept()
                    with self._lock:
                        connection = self.connection_count
                        self.connection_count += 1
                    self._spawn(self._handle, sock, connection)

    def _handle(self, sock: socket.socket, connection: int) -> None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._track(sock)
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_side=True)
                self._track(sock)
            self._serve(sock, connection)
        except OSError:  # includes ssl.SSLError: clients that hang up, reset, distrust us
            pass
        except Exception as exc:
            self.errors.append(exc)
        finally:
            sock.close()
            with self._finished:
                self.finished_count += 1
                self._finished.notify_all()


class HttpServer(_ThreadedServer):
    """An HTTP/1.1 origin server whose answers the test scripts with :class:`Response`.

    ``handler`` maps each :class:`ReceivedRequest` to a ``Response`` (default:
    200 with body ``b"ok"``); it runs in a server thread. ``requests`` lists
    what arrived, in order. Pass ``tls=`` a trustme leaf certificate to serve HTTPS.
    Keep-alive: a connection serves requests until a response ends it.
    """

    def __init__(self, *, tls: trustme.LeafCert | None = None, host: str = "127.0.0.1") -> None:
        super().__init__(tls=tls)
        self.handler: Callable[[ReceivedRequest], Response] = lambda _: Response(body=[b"ok"])
        self.requests: list[ReceivedRequest] = []
        self._scheme = "http" if tls is None else "https"
        self._host = host

    @property
    def url(self) -> str:
        """``scheme://host:port``; ``host`` is the name given to the constructor (it listens on
        127.0.0.1 whatever the name, so e.g. ``localhost`` works when it resolves there)."""
        return f"{self._scheme}://{self._host}:{self.port}"

    def _serve(self, sock: socket.socket, connection: int) -> None:
        reader = _Reader(sock)
        while (request := reader.read_request(connection)) is not None:
            with self._lock:
                self.requests.append(request)
            response = self.handler(request)
            self._hold([part for part in response.body if isinstance(part, Gate)])
            if not _write_response(sock, response):
                return


class ConnectProxy(_ThreadedServer):
    """An HTTP proxy: CONNECT tunnels, and absolute-form requests forwarded to the origin.

    ``seen`` records the first request of each client connection (the CONNECT,
    or the first forwarded request), headers included, so a test can check
    ``Proxy-Authorization``. ``refuse_status`` makes it answer every request
    with that status instead. Later requests on a forwarding connection are
    relayed as bytes, unrecorded.
    """

    def __init__(self, *, refuse_status: int | None = None) -> None:
        super().__init__()
        self.refuse_status = refuse_status
        self.seen: list[ReceivedRequest] = []

    @property
    def url(self) -> str:
        """``http://127.0.0.1:port``."""
        return f"http://127.0.0.1:{self.port}"

    def url_with_credentials(self, user: str, password: str) -> str:
        """The proxy URL with ``user:password@`` in it."""
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    def _serve(self, sock: socket.socket, connection: int) -> None:
        reader = _Reader(sock)
        request = reader.read_request(connection)
        if request is None:
            return
        with self._lock:
            self.seen.append(request)
        if self.refuse_status is not None:
            sock.sendall(
                f"HTTP/1.1 {self.refuse_status} {_reason(self.refuse_status)}\r\n"
                "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )
            return
        if request.method == "CONNECT":
            host, _, port = request.target.rpartition(":")
        else:
            parts = urlsplit(request.target)
            host, port = parts.hostname or "", str(parts.port or 80)
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5) as upstream:
            upstream.settimeout(None)
            self._track(upstream)
            if request.method == "CONNECT":
                sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                upstream.sendall(_forwarded(request))
            upstream.sendall(reader.take_buffered())
            backwards = self._spawn(_pump, upstream, sock)
            _pump(sock, upstream)
            backwards.join()


def _forwarded(request: ReceivedRequest) -> bytes:
    # The proxy's own credentials stop here, as with a real proxy.
    headers = [(k, v) for k, v in request.headers if k.lower() != "proxy-authorization"]
    headers = [
        (k, v) for k, v in headers if k.lower() not in ("content-length", "transfer-encoding")
    ]
    headers.append(("Content-Length", str(len(request.body))))
    head = f"{request.method} {request.target} HTTP/1.1\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode("latin-1") + b"\r\n" + request.body


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


class _Reader:
    """Buffered reads of a blocking socket: request heads and bodies."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = bytearray()

    def read_request(self, connection: int) -> ReceivedRequest | None:
        """The next request, or ``None`` when the client closed between requests."""
        head = self._read_until(b"\r\n\r\n")
        if head is None:
            return None
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers = tuple(
            (name.strip(), value.strip())
            for name, _, value in (line.partition(":") for line in lines if line)
        )
        found = ReceivedRequest(method, target, headers, b"", connection)
        if (found.header("transfer-encoding") or "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = self._read_exact(int(found.header("content-length") or 0))
        return ReceivedRequest(method, target, headers, body, connection)

    def take_buffered(self) -> bytes:
        """Bytes read past the last request (e.g. a TLS hello right after a CONNECT)."""
        data = bytes(self._buffer)
        self._buffer.clear()
        return data

    def _fill(self) -> bool:
        data = self._sock.recv(65536)
        self._buffer += data
        return bool(data)

    def _read_until(self, marker: bytes) -> bytes | None:
        while (end := self._buffer.find(marker)) < 0:
            if len(self._buffer) > _HEAD_LIMIT:
                raise ValueError("request head too long")
            if not self._fill():
                if self._buffer:
                    raise ConnectionError("client closed in the middle of a request head")
                return None
        data = bytes(self._buffer[:end])
        del self._buffer[: end + len(marker)]
        return data

    def _read_exact(self, size: int) -> bytes:
        while len(self._buffer) < size:
            if not self._fill():
                raise ConnectionError("client closed in the middle of a request body")
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _read_chunked(self) -> bytes:
        body = b""
        while (size := int((self._read_until(b"\r\n") or b"0").split(b";")[0], 16)) > 0:
            body += self._read_exact(size)
            self._read_exact(2)
        while self._read_until(b"\r\n"):  # trailers, up to the empty line
            pass
        return body


def _write_response(sock: socket.socket, response: Response) -> bool:
    """Send ``response``; whether the connection stays open for another request."""
    if response.raw is not None:
        sock.sendall(response.raw)
        if response.ending == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return False
    parts, trailer = _encoded(response)
    headers = list(response.headers)
    if response.encoding != "identity":
        headers.append(("Content-Encoding", response.encoding.removeprefix("raw-")))
    if response.framing == "content-length":
        if any(callable(part) for part in parts):
            raise ValueError("callable parts cannot be counted up front: use chunked framing")
        size = sum(len(part) for part in parts if isinstance(part, bytes)) + len(trailer)
        headers.append(("Content-Length", str(size)))
    elif response.framing == "chunked":
        headers.append(("Transfer-Encoding", "chunked"))
    keep_alive = response.keep_alive and response.framing != "eof"
    if not keep_alive:
        headers.append(("Connection", "close"))
    head = f"HTTP/1.1 {response.status} {_reason(response.status)}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers
    )
    sock.sendall(head.encode("latin-1") + b"\r\n")
    for part in parts:
        if isinstance(part, Gate):
            if not part.wait():
                return False
        elif callable(part):
            sock.sendall(_framed(part(), response.framing))
        elif part:
            sock.sendall(_framed(part, response.framing))
    if response.ending == "reset":
        # SO_LINGER 0: close() sends RST instead of FIN, dropping what is unsent.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return False
    if response.ending == "eof":
        return False
    if trailer:
        sock.sendall(_framed(trailer, response.framing))
    if response.framing == "chunked":
        sock.sendall(b"0\r\n\r\n")
    return keep_alive and not response.close_after


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _framed(data: bytes, framing: str) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data) if framing == "chunked" else data


_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS, "raw-deflate": -zlib.MAX_WBITS}


def _encoded(response: Response) -> tuple[list[bytes | Gate | Callable[[], bytes]], bytes]:
    # Each part compressed and sync-flushed alone decodes to exactly that part; the
    # stream's end (the gzip trailer) comes separately, only if the body completes.
    if response.encoding == "identity":
        return list(response.body), b""
    if any(callable(part) for part in response.body):
        raise ValueError("callable parts go with identity encoding only")
    compressor = zlib.compressobj(wbits=_WBITS[response.encoding])
    parts: list[bytes | Gate | Callable[[], bytes]] = [
        compressor.compress(part) + compressor.flush(zlib.Z_SYNC_FLUSH)
        if isinstance(part, bytes)
        else part
        for part in response.body
    ]
    return parts, compressor.flush()
