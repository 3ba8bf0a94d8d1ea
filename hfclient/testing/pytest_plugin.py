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

- ``--hf-record=none`` (the default, and the only mode for now): the
  plugin's transports answer from the cassette and reach nothing else; a
  request the cassette does not hold fails with ``FixtureMissError``.
- ``--hf-rechunk=SEED``: every recorded body is cut at other random points
  (seeded per test) to prove a test does not depend on chunk boundaries; a
  test that checks recorded boundaries opts out with
  ``@pytest.mark.hf_keep_chunks``.
- ``hf_cassette_dir`` (ini): a folder of cassettes; the terminal summary
  lists those no test used.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from hfclient.client import Hailuo, HuggingChat, InferenceProviders
from hfclient.testing.rechunk import rechunk
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
        choices=["none"],
        default="none",
        help="none (default): replay cassettes only, never reach a server",
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


@pytest.fixture
def hf_cassette(request: pytest.FixtureRequest) -> Cassette:
    """The cassette the test's ``hf_cassette`` marker names (re-cut under ``--hf-rechunk``)."""
    marker = request.node.get_closest_marker("hf_cassette")
    if marker is None or not marker.args:
        raise pytest.UsageError(
            f"{request.node.nodeid} uses hf_cassette but has no @pytest.mark.hf_cassette(path)"
        )
    path = _resolve(Path(str(marker.args[0])), request)
    request.config.stash[_USED].add(path)
    cassette = load(path)
    seed = request.config.getoption("--hf-rechunk")
    if seed is not None and request.node.get_closest_marker("hf_keep_chunks") is None:
        cassette = rechunk(cassette, f"{seed}:{request.node.nodeid}")
    return cassette


@pytest.fixture
def hf_transport(hf_cassette: Cassette) -> ReplayTransport:
    """A transport that answers from the cassette only."""
    return ReplayTransport.from_cassette(hf_cassette)


@pytest.fixture
def hf_router(hf_transport: ReplayTransport) -> InferenceProviders:
    """An ``InferenceProviders`` client on the cassette."""
    return InferenceProviders(api_key=_PLACEHOLDER, transport=hf_transport)


@pytest.fixture
def hf_huggingchat(hf_transport: ReplayTransport) -> HuggingChat:
    """A ``HuggingChat`` client on the cassette."""
    return HuggingChat(hf_chat=_PLACEHOLDER, token=_PLACEHOLDER, transport=hf_transport)


@pytest.fixture
def hf_hailuo(hf_transport: ReplayTransport) -> Hailuo:
    """A ``Hailuo`` client on the cassette."""
    return Hailuo(
        token=_PLACEHOLDER, device_id=_PLACEHOLDER, uuid=_PLACEHOLDER, transport=hf_transport
    )


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    folder = config.getini("hf_cassette_dir")
    if not folder:
        return
    root = Path(config.rootpath, str(folder))
    used: set[Path] = config.stash[_USED]
    unused = sorted(path for path in set(_cassettes_under(root)) if path not in used)
    if unused:
        terminalreporter.section("hfclient: cassettes no test used")
        for path in unused:
            terminalreporter.line(str(path.relative_to(config.rootpath)))


def _resolve(path: Path, request: pytest.FixtureRequest) -> Path:
    if path.is_absolute():
        return path
    for base in (Path(request.node.path).parent, request.config.rootpath):
        candidate = (base / path).resolve()
        if candidate.is_file():
            return candidate
    raise pytest.UsageError(f"no cassette {path} next to {request.node.path} or under the rootdir")


def _cassettes_under(root: Path) -> Iterator[Path]:
    for pattern in ("*.yaml", "*.yml"):
        for path in root.rglob(pattern):
            yield path.resolve()
