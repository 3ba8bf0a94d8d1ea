"""The transition tables: every edge is taken, nothing else moves a machine, bad inputs fail it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfclient import protocol
from hfclient.errors import ConnectError, HfClientError, LocalProtocolError, ReadError
from hfclient.exchange import BodyChunk, BodyEnded, ResponseStarted
from hfclient.protocol import (
    NEED_DATA,
    NEXT_REQUEST,
    NO_MORE_EVENTS,
    HailuoMachine,
    HuggingChatMachine,
    HuggingChatStep,
    Input,
    Machine,
    RouterMachine,
    RouterStep,
    State,
)
from hfclient.protocol._states import ERROR, IDLE, Key, Node
from hfclient.protocol._status import ERROR_BODY_LIMIT
from hfclient.protocol.huggingchat_calls import (
    AnswerElicitationMachine,
    McpServersMachine,
    StopGenerationMachine,
)
from hfclient.protocol.router_catalog import ProviderMappingMachine, RouterCatalogMachine
from tests import huggingchat_runs as runs
from tests import test_protocol_hailuo as hailuo
from tests import test_protocol_huggingchat as hc
from tests import test_protocol_router as router
from tests.machine_helpers import Scripted

Edge = tuple[Node, Key, Node]
Action = tuple[str, object]

# --- Recording every call of Machine._fire ------------------------------------------------


@contextmanager
def recording() -> Iterator[list[tuple[Machine, Node, Key, Node]]]:
    """Each ``_fire`` a machine makes: (machine, node before, key, node after)."""
    calls: list[tuple[Machine, Node, Key, Node]] = []
    original = Machine._fire

    def fire(self: Machine, key: Key) -> None:
        before = self._node
        try:
            original(self, key)
        finally:
            calls.append((self, before, key, self._node))

    Machine._fire = fire  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        Machine._fire = original  # type: ignore[method-assign]


def accepted(calls: Sequence[tuple[Machine, Node, Key, Node]]) -> list[Edge]:
    """The calls that followed an edge of their machine's table (a rejected key moves nothing)."""
    edges = []
    for machine, before, key, after in calls:
        if (before, key) in machine.TRANSITIONS:
            assert machine.TRANSITIONS[before, key] == after
            edges.append((before, key, after))
    return edges


# --- Machines and the scripts that drive them ---------------------------------------------

HC_EMBEDDED = hc.ok(
    json.dumps({"conversationId": hc.CONVERSATION_ID, "conversation": hc.V2_NEW.decode()}).encode()
)
HAILUO_OK = Scripted(200, (), [hailuo.STREAM])


def hc_continuing(**kwargs: object) -> HuggingChatMachine:
    return hc.machine(messages=hc.HISTORY, conversation=hc.handle(), **kwargs)


def hc_reattaching() -> HuggingChatMachine:
    return HuggingChatMachine.reattaching(
        hf_chat=hc.HF_CHAT,
        token=hc.TOKEN,
        conversation=attrs.evolve(hc.handle(), generation_id=runs.GENERATION_ID),
    )


def hc_stop() -> StopGenerationMachine:
    return StopGenerationMachine(hf_chat=hc.HF_CHAT, token=hc.TOKEN, conversation=hc.handle())


def hc_answer() -> AnswerElicitationMachine:
    return AnswerElicitationMachine(
        hf_chat=hc.HF_CHAT,
        token=hc.TOKEN,
        conversation=hc.handle(),
        elicitation_id=runs.ELICITATION_ID,
    )


SSE = (("Content-Type", "text/event-stream"),)
LOG = runs.logged(runs.long_answer(6))
# A POST cut after two lines, then the run's log in two parts: a plain close, then its end.
HC_BROKEN = Scripted(200, hc.JSONL, runs.post_lines(runs.long_answer(6))[:2], dropped=True)
HC_LOG_HEAD = Scripted(200, SSE, [runs.sse_updates(LOG[:2], end=None)])
HC_LOG_REST = Scripted(200, SSE, [runs.sse_updates(LOG, after=2)])


def router_cached() -> RouterMachine:
    cache: dict[str, object] = {}
    router.drive(router.machine(mapping_cache=cache), [router.mapping_ok, router.stream_ok])
    return router.machine(mapping_cache=cache)


def router_auto() -> RouterMachine:
    return router.machine(provider="auto")


Factory = Callable[[], Machine]

# (machine factory, the answers it gets), enough to take every edge of each table.
SCENARIOS: dict[type[Machine], list[tuple[Factory, list[Scripted]]]] = {
    HuggingChatMachine: [
        (hc.machine, [hc.created(), hc.ok(hc.V2_NEW), hc.streamed(hc.STREAM_2026)]),
        (hc.machine, [HC_EMBEDDED, hc.streamed(hc.STREAM_2026)]),
        (hc_continuing, [hc.ok(hc.V2_AFTER), hc.streamed(hc.STREAM_2026)]),
        (hc.machine, [hc.error(400, b'{"message":"Model not found"}')]),
        (hc.machine, [hc.created(), hc.error(403, b'{"message":"no"}')]),
        (hc.machine, [hc.created(), hc.ok(hc.V2_NEW), hc.error(429, b'{"message":"slow"}')]),
        (
            lambda: hc.machine(reattach=True),
            [hc.created(), hc.ok(hc.V2_NEW), HC_BROKEN, HC_LOG_HEAD, HC_LOG_REST],
        ),
        (hc_reattaching, [HC_LOG_HEAD, HC_LOG_REST]),
    ],
    RouterMachine: [
        (router.machine, [router.mapping_ok, router.error(402), router.stream_ok]),
        (router.machine, [router.mapping_ok, router.error(429), router.stream_ok]),
        (router.machine, [router.error(500)]),
        (router_cached, [router.error(401)]),
        (router_auto, [router.error(503), router.stream_ok]),
        (router.machine, [Scripted(307, (("Location", "/api/models/a/b"),)), router.mapping_ok]),
    ],
    HailuoMachine: [
        (hailuo.machine, [HAILUO_OK]),
        (hailuo.machine, [Scripted(401, (), [b"{}"])]),
    ],
    StopGenerationMachine: [
        (hc_stop, [Scripted(200, (), [])]),
        (hc_stop, [hc.error(404, b'{"message":"Conversation not found"}')]),
    ],
    AnswerElicitationMachine: [
        (hc_answer, [hc.ok(b'{"ok":true,"resume":true}')]),
        (hc_answer, [hc.error(409, b'{"message":"Already answered."}')]),
    ],
    McpServersMachine: [
        (McpServersMachine, [hc.ok(b"[]")]),
        (McpServersMachine, [hc.error(500, b'{"message":"An error occurred"}')]),
    ],
    RouterCatalogMachine: [
        (lambda: RouterCatalogMachine(api_key="k"), [Scripted(200, (), [b'{"data":[]}'])]),
        (lambda: RouterCatalogMachine(api_key="k"), [Scripted(500, (), [b"{}"])]),
    ],
    ProviderMappingMachine: [
        (
            lambda: ProviderMappingMachine(api_key="k", model="a/b"),
            [Scripted(307, (("Location", "/api/models/c/d"),)), router.mapping_ok],
        ),
    ],
}


def driven(machine: Machine, answers: Sequence[Scripted]) -> list[Action]:
    """Drive ``machine`` like a driver and return the calls it made (to replay them)."""
    actions: list[Action] = []
    pending = iter(answers)
    inputs: list[object] = []
    while True:
        try:
            event = machine.next_event()
        except HfClientError:
            return actions
        if event is NEXT_REQUEST:
            answer = next(pending, None)
            if answer is None:  # the script stops before this request
                return actions
            machine.next_request()
            actions.append(("request", None))
            inputs = [
                ResponseStarted(answer.status, answer.headers),
                *(BodyChunk(c) for c in answer.chunks),
                BodyEnded(),
            ]
        elif event is NEED_DATA:
            item = inputs.pop(0)
            machine.receive(item)  # type: ignore[arg-type]
            actions.append(("receive", item))
        elif event is NO_MORE_EVENTS:
            return actions


def act(machine: Machine, action: Action) -> None:
    """Apply one driver call; a LocalProtocolError (an input the state refuses) is expected."""
    name, argument = action
    try:
        if name == "request":
            machine.next_request()
        elif name == "receive":
            machine.receive(argument)  # type: ignore[arg-type]
        elif name == "drop":
            machine.connection_dropped()
        elif name == "transport":
            machine.transport_failed(ConnectError("connection refused"))
        else:
            machine.next_event()
    except HfClientError:
        pass


# Everything a driver can do, tried once in every state reached.
PROBES: list[Action] = [
    ("request", None),
    ("receive", ResponseStarted(200)),
    ("receive", BodyChunk(b"")),
    ("receive", BodyEnded()),
    ("drop", None),
    ("transport", None),
]


def idle(cls: type[Machine]) -> Machine:
    """A machine before its constructor queued anything (no constructor leaves one so)."""
    machine = cls.__new__(cls)
    Machine.__init__(machine)
    return machine


@pytest.mark.parametrize("cls", list(SCENARIOS), ids=lambda cls: cls.__name__)
def test_every_table_entry_is_taken(cls: type[Machine]) -> None:
    with recording() as calls:
        for factory, answers in SCENARIOS[cls]:
            actions = driven(factory(), answers)
            for cut in range(len(actions) + 1):
                for probe in PROBES:
                    machine = factory()
                    for action in actions[:cut]:
                        act(machine, action)
                    act(machine, probe)
                    act(machine, probe)  # again: e.g. a bad input after an error
        act(idle(cls), PROBES[1])
    taken = {(before, key) for before, key, _ in accepted(calls)}
    missing = set(cls.TRANSITIONS) - taken
    assert not missing, sorted(map(str, missing))


@pytest.mark.parametrize("cls", list(SCENARIOS), ids=lambda cls: cls.__name__)
def test_a_new_machine_starts_idle_and_its_first_edge_queues_a_request(
    cls: type[Machine],
) -> None:
    for factory, _ in SCENARIOS[cls]:
        with recording() as calls:
            machine = factory()
        ours = [c for c in calls if c[0] is machine]
        (_, before, key, after), *_ = ours
        assert before == IDLE
        assert isinstance(key, tuple)
        assert key[0] is Input.QUEUE_REQUEST
        assert after[1] is State.READY
        assert machine.state is State.READY


def test_illegal_inputs_name_state_and_input_and_fail_the_machine() -> None:
    m = hc.machine()
    with pytest.raises(
        LocalProtocolError, match=r"can't handle BODY_ENDED in state READY of create_conversation"
    ):
        m.receive(BodyEnded())
    assert (m.step, m.state) == ERROR
    with pytest.raises(LocalProtocolError, match=r"can't handle SEND_REQUEST in state ERROR"):
        m.next_request()
    m = hc.machine()
    with pytest.raises(LocalProtocolError, match=r"CONNECTION_DROPPED in state READY"):
        m.connection_dropped()
    m = hc.machine()
    with pytest.raises(LocalProtocolError, match=r"not a response event"):
        m.receive("data")  # type: ignore[arg-type]
    assert m.state is State.ERROR
    m = hailuo.machine()
    assert hailuo.drive(m, [HAILUO_OK]).error is None
    assert m.state is State.DONE
    with pytest.raises(LocalProtocolError, match=r"RESPONSE_STARTED in state DONE"):
        m.receive(ResponseStarted(200))


def test_a_dropped_connection_is_a_read_error_after_the_events_decoded() -> None:
    m = hc.machine()
    for action in driven(hc.machine(), [hc.created(), hc.ok(hc.V2_NEW)]):
        act(m, action)
    m.next_request()
    m.receive(ResponseStarted(200, hc.JSONL))
    m.receive(BodyChunk(hc.STREAM_2026[: len(hc.STREAM_2026) // 2]))
    assert m.step is HuggingChatStep.SEND_MESSAGE
    m.connection_dropped()
    assert m.state is State.ERROR
    events: list[object] = []
    with pytest.raises(ReadError, match="dropped"):
        drain(m, events)
    assert events  # what arrived before the drop was handed out first


def drain(machine: Machine, into: list[object]) -> None:
    while True:
        into.append(machine.next_event())


def test_flows_move_through_their_steps() -> None:
    with recording() as calls:
        hc.drive(hc.machine(), [hc.created(), hc.ok(hc.V2_NEW), hc.streamed(hc.STREAM_2026)])
        router.drive(router.machine(), [router.mapping_ok, router.error(402), router.stream_ok])
    steps = []
    for _, _, key, after in calls:
        if isinstance(key, tuple) or key is Input.RETRY_REQUEST:
            steps.append(after[0])
    assert steps == [
        HuggingChatStep.CREATE_CONVERSATION,
        HuggingChatStep.GET_CONVERSATION,
        HuggingChatStep.SEND_MESSAGE,
        RouterStep.GET_PROVIDER_MAPPING,
        RouterStep.PROVIDER_CHAT_COMPLETIONS,
        RouterStep.PROVIDER_CHAT_COMPLETIONS,  # the next provider after a 402
    ]


# --- Random input sequences move only along table edges -----------------------------------

FACTORIES: list[Factory] = [
    hc.machine,
    hc_continuing,
    lambda: hc.machine(era="legacy"),
    router.machine,
    router_auto,
    router_cached,
    hailuo.machine,
]
BODIES = [
    hc.created().chunks[0],
    hc.V2_NEW,
    HC_EMBEDDED.chunks[0],
    hc.DATA_11,
    hc.STREAM_2026,
    router.MAPPING,
    router.STREAM,
    hailuo.STREAM,
    b"<html>login</html>",
    b"",
]
HEADERS = [(), hc.JSON, hc.JSONL, (("Content-Type", "text/event-stream"),)]

actions = st.one_of(
    st.just(("request", None)),
    st.just(("event", None)),
    st.just(("drop", None)),
    st.just(("receive", BodyEnded())),
    st.builds(
        lambda status, headers: ("receive", ResponseStarted(status, headers)),
        st.sampled_from([200, 400, 401, 402, 403, 429, 500, 503]),
        st.sampled_from(HEADERS),
    ),
    st.builds(
        lambda body, start, size: ("receive", BodyChunk(body[start : start + size])),
        st.sampled_from(BODIES),
        st.integers(0, 4000),
        st.integers(0, 100_000),
    ),
)


def guided(machine: Machine, data: st.DataObject) -> Action:
    """Mostly the call the machine asks for, so random runs get deep into the flows."""
    if data.draw(st.booleans()):
        return data.draw(actions)
    if machine.state is State.READY:
        return ("request", None)
    if machine.state is State.WAITING:
        return ("receive", ResponseStarted(data.draw(st.sampled_from([200, 200, 429, 402]))))
    if machine.state is State.READING and data.draw(st.booleans()):
        return ("receive", BodyEnded())
    return data.draw(actions)


@settings(max_examples=300, deadline=None)
@given(factory=st.sampled_from(FACTORIES), data=st.data(), length=st.integers(0, 40))
def test_random_inputs_move_the_machine_only_along_table_edges(
    factory: Factory, data: st.DataObject, length: int
) -> None:
    machine = factory()
    for _ in range(length):
        action = guided(machine, data)
        before = (machine.step, machine.state)
        with recording() as calls:
            act(machine, action)
        now = before
        for edge_machine, old, key, new in calls:
            assert edge_machine is machine
            if (old, key) not in machine.TRANSITIONS:
                assert new == old or new == ERROR  # refused: it failed the machine first
                continue
            assert old == now, "the state changed outside Machine._fire"
            assert machine.TRANSITIONS[old, key] == new
            now = new
        assert (machine.step, machine.state) == now


# --- The public surface -------------------------------------------------------------------


def test_every_public_name_is_documented() -> None:
    for name in protocol.__all__:
        value = getattr(protocol, name)
        if name == "MachineEvent":  # a type alias: documented where it is defined
            continue
        assert value.__doc__, name
        assert value.__doc__ != type(value).__doc__ or isinstance(value, type), name


def test_sentinels_and_states_do_not_share_names() -> None:
    sentinels = {protocol.NEED_DATA, protocol.NEXT_REQUEST, protocol.NO_MORE_EVENTS}
    names = {s.__name__ for s in sentinels}
    assert not names & {state.name for state in State}
    assert not names & {i.name for i in Input}


def test_an_error_body_that_fills_its_limit_decides_before_it_ends() -> None:
    # The rest of a huge (or endless) error body is never read: the error comes now.
    m = hc.machine()
    m.next_request()
    m.receive(ResponseStarted(500, (("Content-Type", "text/plain"),)))
    m.receive(BodyChunk(b"x" * (ERROR_BODY_LIMIT - 1)))
    assert m.state is State.READING
    m.receive(BodyChunk(b"yz"))
    assert m.state is State.ERROR
    with pytest.raises(HfClientError) as caught:
        m.next_event()
    assert getattr(caught.value, "body", None) == b"x" * (ERROR_BODY_LIMIT - 1) + b"y"
