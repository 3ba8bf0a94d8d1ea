"""The hfclient pytest plugin: tests that run on cassettes (installed with hfclient).

::

    @pytest.mark.hf_cassette("fixtures/router/stream.yaml")
    async def test_answer(hf_router):
        answer = await hf_router.complete([{"role": "user", "content": "Hi"}], model="...")
        assert answer.text

Fixtures: ``hf_cassette`` (the marker's :class:`~hfclient.transport.cassette.Cassette`),
``hf_transport`` (a :class:`~hfclient.transport.replay.ReplayTransport` serving it),
and clients wired to that transport with placeholder credentials:
``hf_router``, ``hf_huggingchat``, ``hf_hailuo``. A cassette path is
relative to the test file's folder, else to the rootdir.

Options:

- ``--hf-record=none`` (the default): the plugin's transports answer from the
  cassette and reach nothing else; a request the cassette does not hold
  fails with ``FixtureMissError``. ``once``: a cassette that does not exist
  yet is recorded (live, with your own credentials from the environment,
  scrubbed and scanned before it is written); ``all``: every cassette is
  recorded again. Give the marker ``service=`` so the recording knows which
  credentials to scrub. Recording is for your own exchanges with your own
  credentials; the clients then read them from the environment.
- ``--hf-rechunk=SEED``: every recorded body is cut at other random points
  (seeded per test) to prove a test does not depend on chunk boundaries; a
  test that checks recorded boundaries opts out with
  ``@pytest.mark.hf_keep_chunks``.
- ``hf_cassette_dir`` (ini): a folder of cassettes; the terminal summary
  lists those no test used.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import attrs
import pytest

from hfclient.client import Hailuo, HuggingChat, InferenceProviders
from hfclient.exchange import Transport
from hfclient.testing.rechunk import rechunk
from hfclient.testing.replay_server import cassette_files
from hfclient.transport.cassette import Cassette, load
from hfclient.transport.replay import ReplayTransport

__all__ = ["hf_cassette", "hf_hailuo", "hf_huggingchat", "hf_router", "hf_transport"]

_USED: Final = pytest.StashKey[set[Path]]()
# Stand-ins for credentials: a replayed request's secrets are placeholders that match anything.
_PLACEHOLDER: Final = "hfclient-replay-placeholder"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hfclient", "hfclient cassettes")
    group.addoption(
        "--hf-record",
        choices=["none", "once", "all"],
        default="none",
        help="none (default): replay only, never reach a server; once: record missing "
        "cassettes; all: record every cassette again",
    )
    group.addoption(
        "--hf-rechunk",
        metavar="SEED",
        default=None,
        help="re-split every recorded body at random points chosen by SEED",
    )
    parser.addini("hf_cassette_dir", "a folder of cassettes; the summary lists unused ones")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hf_cassette(path): the cassette this test's hf_* fixtures replay"
    )
    config.addinivalue_line(
        "markers", "hf_keep_chunks: keep the recorded chunk boundaries under --hf-rechunk"
    )
    config.stash[_USED] = set()


@attrs.frozen
class _Use:
    """What the test's marker asks for, and whether this run records it."""

    path: Path
    service: str | None
    recording: bool


@pytest.fixture
def _hf_use(request: pytest.FixtureRequest) -> _Use:
    marker = request.node.get_closest_marker("hf_cassette")
    if marker is None or not marker.args:
        raise pytest.UsageError(
            f"{request.node.nodeid} uses hf_cassette but has no @pytest.mark.hf_cassette(path)"
        )
    mode = request.config.getoption("--hf-record")
    path = _resolve(Path(str(marker.args[0])), request, must_exist=mode == "none")
    request.config.stash[_USED].add(path)
    recording = mode == "all" or (mode == "once" and not path.is_file())
    return _Use(path, marker.kwargs.get("service"), recording)


@pytest.fixture
def hf_cassette(request: pytest.FixtureRequest, _hf_use: _Use) -> Cassette:
    """The cassette the test's ``hf_cassette`` marker names (re-cut under ``--hf-rechunk``)."""
    if _hf_use.recording:
        raise pytest.UsageError(f"{_hf_use.path} is being recorded: there is no cassette to read")
    cassette = load(_hf_use.path)
    seed = request.config.getoption("--hf-rechunk")
    if seed is not None and request.node.get_closest_marker("hf_keep_chunks") is None:
        cassette = rechunk(cassette, f"{seed}:{request.node.nodeid}")
    return cassette


@pytest.fixture
async def hf_transport(request: pytest.FixtureRequest, _hf_use: _Use) -> AsyncIterator[Transport]:
    """A transport that answers from the cassette only; or, recording, the live one teed into it.

    An async fixture (anyio's plugin runs it in the test's event loop), so a
    recording's connections are closed on the loop that opened them.
    """
    if not _hf_use.recording:
        yield ReplayTransport.from_cassette(request.getfixturevalue("hf_cassette"))
        return
    from hfclient.recorder import known_secrets
    from hfclient.transport.anyio_h11 import AnyioH11Transport
    from hfclient.transport.recording import RecordingTransport

    service = _hf_use.service
    secrets = known_secrets(service) if service is not None else {}
    recorder = RecordingTransport(
        AnyioH11Transport(), service=service, secrets=secrets, owns_inner=True
    )
    try:
        yield recorder
    finally:
        await recorder.aclose()
    _hf_use.path.parent.mkdir(parents=True, exist_ok=True)
    recorder.save(_hf_use.path)  # scanned first: a secret left in it fails the test here


def _credential(_hf_use: _Use) -> str | None:
    # Replaying: a stand-in (recorded secrets are placeholders); recording: the environment's.
    return None if _hf_use.recording else _PLACEHOLDER


@pytest.fixture
def hf_router(hf_transport: Transport, _hf_use: _Use) -> InferenceProviders:
    """An ``InferenceProviders`` client on the cassette."""
    return InferenceProviders(api_key=_credential(_hf_use), transport=hf_transport)


@pytest.fixture
def hf_huggingchat(hf_transport: Transport, _hf_use: _Use) -> HuggingChat:
    """A ``HuggingChat`` client on the cassette."""
    stand_in = _credential(_hf_use)
    return HuggingChat(hf_chat=stand_in, token=stand_in, transport=hf_transport)


@pytest.fixture
def hf_hailuo(hf_transport: Transport, _hf_use: _Use) -> Hailuo:
    """A ``Hailuo`` client on the cassette."""
    stand_in = _credential(_hf_use)
    return Hailuo(token=stand_in, device_id=stand_in, uuid=stand_in, transport=hf_transport)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    folder = config.getini("hf_cassette_dir")
    if not folder:
        return
    root = Path(config.rootpath, str(folder))
    used: set[Path] = config.stash[_USED]
    unused = sorted(
        path for path in (p.resolve() for p in cassette_files(root)) if path not in used
    )
    if unused:
        terminalreporter.section("hfclient: cassettes no test used")
        for path in unused:
            terminalreporter.line(str(path.relative_to(config.rootpath)))


def _resolve(path: Path, request: pytest.FixtureRequest, *, must_exist: bool) -> Path:
    if path.is_absolute():
        return path
    here = Path(request.node.path).parent
    for base in (here, request.config.rootpath):
        candidate = (base / path).resolve()
        if candidate.is_file():
            return candidate
    if must_exist:
        raise pytest.UsageError(
            f"no cassette {path} next to {request.node.path} or under the rootdir "
            "(--hf-record=once records it)"
        )
    return (here / path).resolve()  # a new recording goes next to the test
