"""The HuggingChat flow: create a conversation, find the parent message, send, stream.

Each step is one HTTP exchange (protocols/huggingchat.md §2.3-§2.6, §7):

1. ``POST /conversation`` (skipped when continuing a conversation of the
   same model) gives the ``conversationId``; from 2026-07-03 its answer also
   carries the conversation itself, and then step 2 is skipped;
2. the parent message id: ``GET /api/v2/conversations/{id}`` (from
   2025-06-05) or ``GET /conversation/{id}/__data.json`` (before);
3. ``POST /conversation/{id}`` (multipart), whose answer is the NDJSON stream
   of message updates, read to the end of the body (§3.3 rule 5);
4. only when that answer breaks and re-attaching was asked for (2026-07-24
   on): ``GET /conversation/{id}/stream``, the run's updates as SSE, again
   after each plain close, with what was already seen skipped.

What the send carries follows the era (a day): each field of ``SendMessage``
is sent in the era its ``since``/``until`` in the spec cover.

Conversation state follows gpt4free (§8.1): one conversation per model; a
known model re-queries the parent id and sends only the new user text, a new
model starts a conversation with the whole history as one prompt.
"""

from __future__ import annotations

import base64
import datetime
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar, Final, TypeAlias

import attrs

from codec._generated.huggingchat import (
    BASE_URL,
    ERAS,
    OPERATIONS,
    WEB_SEARCH_MCP_SERVER,
    CreateConversation,
    CreateConversationResponse,
    SendMessage,
    build_create_conversation,
    build_get_conversation,
    build_get_conversation_data,
    build_send_message,
    build_stream_generation,
    get_output_url,
    send_message_url,
)
from codec.errors import CodecError, RemoteDataError
from codec.http import FormPart, json_body
from codec.huggingchat import extract_last_content, extract_message_id
from codec.values import UNSET
from hfclient.decoding import StreamDecoder
from hfclient.errors import (
    ArgumentError,
    DecodeError,
    HfClientError,
    IncompleteStreamError,
    LocalProtocolError,
    MissingAuthError,
    ModelNotSupportedError,
    RemoteProtocolError,
    TransportError,
)
from hfclient.events import Conversation, Event
from hfclient.protocol._eras import EraSetting, era_day, in_era
from hfclient.protocol._machine import Exchange, Machine
from hfclient.protocol._messages import checked_messages, checked_model
from hfclient.protocol._prompt import (
    SYSTEM_ROLES,
    role,
    system_text,
    trailing_user_text,
)
from hfclient.protocol._prompt import format_prompt as _format_prompt
from hfclient.protocol._states import Step, Transitions, transition_table
from hfclient.protocol._status import (
    ERROR_BODY_LIMIT,
    error_class,
    error_for_status,
    server_message,
)
from hfclient.translate.huggingchat import HuggingChatTranslator
from hfclient.translate.seen import SeenPrefix

__all__ = [
    "AUTH_HINT",
    "ERA_NAMES",
    "Attachment",
    "Era",
    "HuggingChatMachine",
    "HuggingChatStep",
    "auth_hint",
    "checked_session",
    "format_prompt",
    "mcp_since",
    "require_field",
    "require_operation",
    "utf16_length",
]

Era: TypeAlias = EraSetting
"""A day (``datetime.date`` or ``"YYYY-MM-DD"``), a name of :data:`ERA_NAMES`, or None: today's."""

ERA_NAMES: Final[dict[str, datetime.date]] = {
    # The first day of /api/v2 (the spec's get_conversation), and the day before it.
    "v2": datetime.date.fromisoformat(OPERATIONS["get_conversation"].since or "2025-06-05"),
    "legacy": datetime.date.fromisoformat(OPERATIONS["get_conversation_data"].until or "2025-06-05")
    - datetime.timedelta(days=1),
}
# The day production coupled the session to the `token` cookie (the spec's auth era).
_TOKEN_SINCE: Final = ERAS["auth.token"][0]
TOKEN_HINT: Final = (
    f"since {_TOKEN_SINCE} HuggingChat ties the session to the huggingface.co `token` cookie: "
    "pass token= or set HF_CHAT_TOKEN_COOKIE (the token cookie of the same browser session "
    "as hf-chat)"
)
# Plain closes of the re-attach stream in a row with nothing new before giving up.
_MAX_IDLE_REATTACH: Final = 3

AUTH_HINT: Final = (
    "pass hf_chat= (the hf-chat cookie of a logged-in browser session) or set HF_CHAT_COOKIE; "
    f"since {_TOKEN_SINCE} also token= or HF_CHAT_TOKEN_COOKIE (the huggingface.co token "
    "cookie of the same session)"
)
_SERVICE: Final = "huggingchat"
# Characters that would end a cookie value or the header line it sits in.
_COOKIE_UNSAFE: Final = frozenset(';,\r\n\x00 "\\')
_BOUNDARY_TRIES: Final = 8


def _uuid_hex() -> str:
    return uuid.uuid4().hex


def _uuid4() -> str:
    return str(uuid.uuid4())


def utf16_length(text: str) -> int:
    """``text.length`` in JavaScript: what ``seenContentLength`` counts."""
    return len(text.encode("utf-16-le")) // 2


def sends(day: datetime.date | None, field: str) -> bool:
    """Whether ``field`` (``Record.wireKey`` or ``auth.name``, as the spec's ERAS) is in the era."""
    since, until = ERAS.get(field, (None, None))
    return in_era(day, since, until)


def has_operation(day: datetime.date | None, name: str) -> bool:
    """Whether the operation ``name`` of the spec exists in the era."""
    operation = OPERATIONS[name]
    return in_era(day, operation.since, operation.until)


def _lifetime(since: str | None, until: str | None) -> str:
    if since and until:
        return f"from {since} until {until}"
    return f"from {since} on" if since else f"until {until}"


def mcp_since() -> str | None:
    """The first day sends could pick MCP servers (the spec's selectedMcpServerNames)."""
    return ERAS["SendMessage.selectedMcpServerNames"][0]


def require_field(day: datetime.date | None, field: str, what: str) -> None:
    """ArgumentError naming the days ``field`` exists, when ``day`` is not one of them."""
    if not sends(day, field):
        since, until = ERAS.get(field, (None, None))
        raise ArgumentError(f"{what} exists on HuggingChat {_lifetime(since, until)}")


def require_operation(day: datetime.date | None, name: str, what: str) -> None:
    """ArgumentError naming the days the operation ``name`` exists, when ``day`` is not one."""
    if not has_operation(day, name):
        operation = OPERATIONS[name]
        raise ArgumentError(
            f"{what} exists on HuggingChat {_lifetime(operation.since, operation.until)}"
        )


def require_token(day: datetime.date | None, token: str | None, *, what: str) -> None:
    """MissingAuthError before sending, when the era needs the ``token`` cookie and it is absent."""
    if token is None and sends(day, "auth.token"):
        raise MissingAuthError(f"{what} needs the token cookie: {TOKEN_HINT}")


def checked_session(
    hf_chat: str | None, token: str | None, day: datetime.date | None
) -> tuple[str, str | None]:
    """The session cookies to send (an empty ``token`` is none), or why they cannot be.

    MissingAuthError without ``hf_chat``, or without ``token`` in an era that
    couples the session to it; LocalProtocolError for a value no cookie can carry.
    """
    if not hf_chat:
        raise MissingAuthError(f"HuggingChat needs a browser session cookie: {AUTH_HINT}")
    _check_cookie("hf-chat", hf_chat)
    token = token or None
    require_token(day, token, what="HuggingChat")
    if token is not None:
        _check_cookie("token", token)
    return hf_chat, token


def auth_hint(token: str | None) -> str:
    """What a 401 most likely means, by which cookies were sent (neither is ever quoted)."""
    if token is None:
        return (
            "no token cookie was sent, and without it a coupled session is anonymous; " + TOKEN_HINT
        )
    return (
        "both cookies were sent: the hf-chat session has likely expired or logged out, or the "
        "token cookie is not the one of the same browser session (the server then treats the "
        "session as anonymous); copy both again from one logged-in browser: " + AUTH_HINT
    )


@attrs.frozen(slots=True, repr=False)
class Attachment:
    """A file sent with the message (e.g. an image for a multimodal model).

    It travels as a ``files`` part: filename ``base64;<name>``, the base64
    text of ``data`` as body and ``mime`` as Content-Type, which the server
    records as the file's type (§2.6).
    """

    name: str
    mime: str
    data: bytes

    def __repr__(self) -> str:
        return f"Attachment(name={self.name!r}, mime={self.mime!r}, data=<{len(self.data)} bytes>)"

    def form_part(self) -> FormPart:
        """The multipart part that carries this file."""
        return FormPart(
            "files",
            base64.b64encode(self.data),
            filename=f"base64;{self.name}",
            content_type=self.mime,
        )


def images_as_files(
    messages: Sequence[Mapping[str, object]],
) -> tuple[list[dict[str, object]], list[Attachment]]:
    """OpenAI ``image_url`` parts taken out of ``messages`` as attachments.

    HuggingChat takes images as uploaded files, not as message parts; a
    ``data:`` URL is decoded, any other URL is an error (the library fetches
    nothing on its own).
    """
    kept: list[dict[str, object]] = []
    images: list[Attachment] = []
    for index, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, str) or not isinstance(content, Sequence):
            kept.append(dict(message))
            continue
        parts = []
        for part in content:
            if isinstance(part, Mapping) and part.get("type") == "image_url":
                images.append(_image(index, len(images), part.get("image_url")))
            else:
                parts.append(part)
        kept.append({**message, "content": parts})
    return kept, images


def _image(index: int, number: int, value: object) -> Attachment:
    url = value.get("url") if isinstance(value, Mapping) else value
    if not isinstance(url, str) or not url.startswith("data:"):
        raise ArgumentError(
            f"messages[{index}] has an image_url that is not a data: URL; HuggingChat needs "
            "the image itself: pass a data: URL or files=[Attachment(...)]"
        )
    header, comma, payload = url[5:].partition(",")
    mime, _, encoding = header.partition(";")
    if not comma or encoding != "base64" or not mime:
        raise ArgumentError(f"messages[{index}] has an image data: URL that is not base64")
    try:
        data = base64.b64decode(payload, validate=True)
    except ValueError:
        raise ArgumentError(f"messages[{index}] has an image whose base64 is broken") from None
    extension = mime.rpartition("/")[2] or "bin"
    return Attachment(f"image-{number + 1}.{extension}", mime, data)


def format_prompt(messages: Sequence[Mapping[str, object]]) -> str:
    """The whole history as one prompt, the way gpt4free sends a new conversation (§8.1).

    System (and developer) messages are left out: they become the
    conversation's preprompt.
    """
    turns = [m for m in messages if role(m) not in SYSTEM_ROLES]
    if not turns:
        raise LocalProtocolError("no message to send: every message is a system message")
    return _format_prompt(turns)


def _check_cookie(name: str, value: str) -> None:
    # Never quote the value: it is a credential.
    if not value.isascii() or any(c in _COOKIE_UNSAFE or not c.isprintable() for c in value):
        raise LocalProtocolError(f"the {name} cookie value has characters a cookie cannot carry")


def _is_html(body: bytes) -> bool:
    return body.lstrip()[:1] == b"<"


class HuggingChatStep(Step):
    """The requests of a HuggingChat turn, in flow order.

    ``CREATE_CONVERSATION`` (``POST /conversation``; skipped when continuing),
    ``GET_CONVERSATION`` (the parent message id: ``/api/v2/conversations/{id}``
    or, era ``legacy``, ``__data.json``; skipped when the create answer
    embeds the conversation), ``SEND_MESSAGE`` (the NDJSON stream).
    """

    CREATE_CONVERSATION = "create_conversation"
    GET_CONVERSATION = "get_conversation"
    SEND_MESSAGE = "send_message"
    STREAM_GENERATION = "stream_generation"


_CREATE: Final = HuggingChatStep.CREATE_CONVERSATION
_GET: Final = HuggingChatStep.GET_CONVERSATION
_SEND: Final = HuggingChatStep.SEND_MESSAGE
_REATTACH: Final = HuggingChatStep.STREAM_GENERATION


class HuggingChatMachine(Machine):
    """One turn of a HuggingChat conversation, as sans-IO steps.

    ``hf_chat`` (required) and ``token`` are the cookies of a logged-in
    browser session (§1.2); nothing is invented. ``messages`` are
    ``{"role", "content"}`` mappings. ``conversation``, a
    :class:`~hfclient.events.Conversation` from an earlier turn, is continued
    when it is for the same ``model``: only the trailing user message(s) are
    sent. Otherwise a new conversation starts, with the system messages as
    its preprompt (``preprompt`` wins over them) and the history as one
    prompt (:func:`format_prompt`). A :class:`~hfclient.events.Conversation`
    event is emitted as soon as the conversation id is known; pass it back
    for the next turn, or to stop or re-attach to this one.

    ``era`` is the day whose protocol to speak (:data:`Era`; default
    today's): it picks how the parent message is found (``__data.json``
    before 2025-06-05) and which fields the send carries. Where the era ties
    the session to the ``token`` cookie (2025-10-14 on), a missing one is a
    :class:`MissingAuthError` before anything is sent.

    ``tools`` names the MCP servers the turn may use (2025-11-12 on); none by
    default, so the server runs no tool it was not asked for.
    ``web_search`` adds the web search server, or, before 2025-09-24, sends
    ``web_search``. ``files`` (:class:`Attachment`) go as ``files`` parts
    (§2.6). ``generation_id`` (a uuid; made with ``new_uuid`` when not given)
    names the run (2026-06-11 on) for ``stop-generating`` and re-attaching.
    ``resume_elicitation`` is the id of an answered, parked elicitation of
    ``conversation``: the send then continues the parked turn instead of
    adding a message. ``reattach`` (2026-07-24 on): when the answer breaks
    off (a cut body, a dropped connection, a read error), re-attach to the
    run (``GET /conversation/{id}/stream``) and go on where it broke.

    ``new_id`` makes multipart boundaries, ``now`` is the clock for
    HTTP-date ``Retry-After`` values; the machine reads nothing else.
    ``read_timeout`` is the deadline the driver enforces between two body
    chunks: keepAlive lines arrive about ten times a second (§3.1).
    ``headers`` are added to every request (e.g. a browser User-Agent).
    """

    _seen: SeenPrefix | None = None  # what a replay of the run skips
    _reattach = False

    TRANSITIONS: ClassVar[Transitions] = transition_table(
        starts=[_CREATE, _GET, _REATTACH],  # a new conversation, continuing one, re-attaching
        follows={_CREATE: [_GET, _SEND], _GET: [_SEND], _SEND: [_REATTACH], _REATTACH: [_REATTACH]},
        completes=[_SEND, _REATTACH],
    )

    def __init__(
        self,
        *,
        hf_chat: str | None,
        model: str,
        messages: Sequence[Mapping[str, object]],
        token: str | None = None,
        conversation: Conversation | None = None,
        preprompt: str | None = None,
        web_search: bool = False,
        tools: Sequence[str] = (),
        files: Sequence[Attachment] = (),
        era: Era = None,
        generation_id: str | None = None,
        resume_elicitation: str | None = None,
        retry: bool | str = False,
        reattach: bool = False,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
        read_timeout: float | None = 30.0,
        new_id: Callable[[], str] = _uuid_hex,
        new_uuid: Callable[[], str] = _uuid4,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self._given: list[Event] = []
        self._day = era_day(era, ERA_NAMES)
        hf_chat, token = checked_session(hf_chat, token, self._day)
        checked_model(model)
        if resume_elicitation is None:
            messages, images = images_as_files(checked_messages(messages))
        else:
            images = []
        files = (*files, *images)
        if read_timeout is not None and not read_timeout > 0:
            raise LocalProtocolError("read_timeout must be a positive number of seconds or None")
        if conversation is not None and conversation.service != _SERVICE:
            raise LocalProtocolError(
                f"a {conversation.service} conversation cannot continue on HuggingChat"
            )
        self._hf_chat = hf_chat
        self._token = token
        self._model = model
        self._mcp_servers = self._checked_tools(tools, web_search)
        self._web_search = web_search
        self._files = tuple(files)
        self._base_url = base_url
        self._headers = tuple(headers)
        self._read_timeout = None if read_timeout is None else float(read_timeout)
        self._new_id = new_id
        self._now = now
        self._resume_elicitation = resume_elicitation
        self._initial_length = 0
        self._generation_id = self._checked_generation(generation_id, new_uuid)
        self._reattach = self._checked_reattach(reattach)
        self._translator = HuggingChatTranslator(file_url=self._file_url)
        self._from_seq = 0
        self._idle_reattaches = 0
        self._conversation_id: str | None = None
        continuing = (
            conversation is not None
            and conversation.conversation_id is not None
            and conversation.model == model
        )
        # is_retry (chat-ui src/routes/conversation/[id]/+server.ts): the id is the
        # message to answer again (an assistant's), or a user's to replace with inputs.
        self._retry_of = self._checked_retry(retry, continuing, resume_elicitation)
        if self._retry_of is not None and not trailing_user_text(messages):
            self._inputs = ""  # a new answer to the same question
        elif resume_elicitation is not None:
            if not continuing:
                raise ArgumentError(
                    "resume_elicitation continues a parked turn: pass its conversation "
                    "(the Conversation of that turn, same model)"
                )
            require_field(self._day, "SendMessage.resumeElicitationId", "resuming an elicitation")
            self._inputs = ""
        elif continuing:
            self._inputs = trailing_user_text(messages)
            if not self._inputs:
                raise LocalProtocolError(
                    "no user message to send: the last message is not a user's"
                )
        else:
            self._inputs = format_prompt(messages)
            if not self._inputs:
                raise LocalProtocolError("no text to send: the messages are empty")
        if continuing:
            assert conversation is not None
            self._conversation_id = conversation.conversation_id
            self._emit([self._handle()])
            self._send_parent_query()
        else:
            self._send_create(preprompt if preprompt is not None else system_text(messages))

    @classmethod
    def reattaching(
        cls,
        *,
        hf_chat: str | None,
        conversation: Conversation,
        token: str | None = None,
        generation_id: str | None = None,
        from_seq: int = 0,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
        read_timeout: float | None = 30.0,
        seen: Iterable[Event] = (),
    ) -> HuggingChatMachine:
        """Re-attach to a run of ``conversation`` (2026-07-24 on): its updates after ``from_seq``.

        ``generation_id`` picks the run (default: the conversation's, else its
        newest); ``from_seq`` 0 gives the run from its start. The answer goes
        on through plain closes of the stream until the run's ``end``.
        ``seen`` are the events a broken stream of the run already gave: the
        run is replayed from its start and they are not given again, so the
        caller gets the rest of the answer with nothing repeated or lost.
        """
        self = cls.__new__(cls)
        Machine.__init__(self)
        self._given = []
        self._day = era_day(era, ERA_NAMES)
        self._hf_chat, self._token = checked_session(hf_chat, token, self._day)
        if conversation.service != _SERVICE or conversation.conversation_id is None:
            raise ArgumentError("re-attaching needs the Conversation of a HuggingChat turn")
        if isinstance(from_seq, bool) or not isinstance(from_seq, int) or from_seq < 0:
            raise ArgumentError(f"from_seq is a whole number, 0 or more, not {from_seq!r}")
        seen = tuple(seen)
        if seen and from_seq:
            raise ArgumentError("seen= goes with a replay from the start (from_seq=0)")
        self._model = conversation.model or ""
        self._base_url = base_url
        self._headers = tuple(headers)
        self._read_timeout = None if read_timeout is None else float(read_timeout)
        self._now = time.time
        self._conversation_id = conversation.conversation_id
        self._generation_id = generation_id or conversation.generation_id
        self._reattach = self._checked_reattach(True)
        self._translator = HuggingChatTranslator(
            file_url=self._file_url, stream="generation_updates"
        )
        self._from_seq = from_seq
        self._idle_reattaches = 0
        self._resume_elicitation = None
        self._initial_length = 0
        # The handle is always given: it is no part of the run the filter compares.
        self._emit([attrs.evolve(conversation, generation_id=self._generation_id)])
        self._seen = SeenPrefix(seen) if seen else None
        self._queue_reattach(from_seq)
        return self

    def _emit(self, events: list[Event]) -> None:
        if self._seen is not None:
            events = [new for e in events if (new := self._seen.take(e)) is not None]
        if self._reattach:
            self._given += events  # what a replay of the run must not give again
        super()._emit(events)

    def _checked_tools(self, tools: Sequence[str], web_search: bool) -> list[str] | None:
        if isinstance(tools, str) or not all(isinstance(t, str) and t for t in tools):
            raise ArgumentError("tools is a list of MCP server names")
        if not sends(self._day, "SendMessage.selectedMcpServerNames"):
            if tools:
                require_field(self._day, "SendMessage.selectedMcpServerNames", "tools= (MCP)")
            if web_search and not sends(self._day, "SendMessage.web_search"):
                gone, back = ERAS["SendMessage.web_search"][1], mcp_since()
                raise ArgumentError(f"HuggingChat had no web search from {gone} to {back} (MCP)")
            return None
        names = list(dict.fromkeys(tools))
        if web_search and WEB_SEARCH_MCP_SERVER not in names:
            names.append(WEB_SEARCH_MCP_SERVER)
        return names

    def _checked_generation(
        self, generation_id: str | None, new_uuid: Callable[[], str]
    ) -> str | None:
        if not sends(self._day, "SendMessage.generationId"):
            return None
        chosen = generation_id or new_uuid()
        try:
            uuid.UUID(chosen)
        except ValueError:
            raise ArgumentError(f"generation_id must be a uuid, not {chosen!r}") from None
        return chosen

    def _checked_reattach(self, reattach: bool) -> bool:
        if reattach:
            require_operation(self._day, "stream_generation", "re-attaching to a run")
        return reattach

    @property
    def model(self) -> str:
        """The model of the conversation."""
        return self._model

    @property
    def conversation_id(self) -> str | None:
        """The conversation's id, once known."""
        return self._conversation_id

    @property
    def read_timeout(self) -> float | None:
        """Seconds the driver allows between two body chunks before giving up (None: no limit)."""
        return self._read_timeout

    @property
    def generation_id(self) -> str | None:
        """The run's id (sent from 2026-06-11), for stop-generating and re-attaching."""
        return self._generation_id

    @property
    def content(self) -> str:
        """The message text streamed so far, ``<think>`` sections included (what chat-ui stores)."""
        return self._translator.content

    @property
    def seen_content_length(self) -> int:
        """The stop point of what was streamed: the message's length in UTF-16 units.

        What chat-ui's web client sends as ``seenContentLength``: the message
        content (``<think>`` sections included, and for a resumed turn the
        text the parked message already had) as JavaScript counts it.
        """
        return self._initial_length + utf16_length(self._translator.content)

    @property
    def answered(self) -> bool:
        """Whether the run's end came (final answer, error, a parked question): nothing to stop."""
        return self._translator.complete

    # The flow.

    def _handle(self) -> Conversation:
        # No message id: the next turn re-queries its parent, as gpt4free does (§8.1).
        return Conversation(
            _SERVICE,
            conversation_id=self._conversation_id,
            model=self._model,
            generation_id=self._generation_id,
        )

    @property
    def _id(self) -> str:
        assert self._conversation_id is not None
        return self._conversation_id

    def _send_create(self, preprompt: str | None) -> None:
        body = CreateConversation(
            model=self._model, preprompt=UNSET if preprompt is None else preprompt
        )
        request = build_create_conversation(
            hf_chat=self._hf_chat,
            token=self._token,
            body=body,
            base_url=self._base_url,
            headers=self._headers,
        )
        self._queue(_CREATE, Exchange(request, OPERATIONS["create_conversation"]))

    def _send_parent_query(self) -> None:
        if not has_operation(self._day, "get_conversation"):
            # "11": both nodes, as gpt4free asked; the page node is the one needed (§2.4).
            request = build_get_conversation_data(
                conversation_id=self._id,
                hf_chat=self._hf_chat,
                token=self._token,
                invalidated="11",
                base_url=self._base_url,
                headers=self._headers,
            )
            self._queue(_GET, Exchange(request, OPERATIONS["get_conversation_data"]))
        else:
            request = build_get_conversation(
                conversation_id=self._id,
                hf_chat=self._hf_chat,
                token=self._token,
                base_url=self._base_url,
                headers=self._headers,
            )
            self._queue(_GET, Exchange(request, OPERATIONS["get_conversation"]))

    @staticmethod
    def _checked_retry(
        retry: bool | str, continuing: bool, resume_elicitation: str | None
    ) -> str | None:
        # "": retry the conversation's last message (the parent the query finds).
        if retry is False:
            return None
        if not continuing or resume_elicitation is not None:
            raise ArgumentError(
                "retry answers a message of a conversation again: pass its conversation "
                "(same model), and no resume_elicitation"
            )
        if retry is True:
            return ""
        if not isinstance(retry, str) or not retry:
            raise ArgumentError(f"retry is True or a message id, not {retry!r}")
        return retry

    def _send_message(self, parent: str) -> None:
        wanted: dict[str, object] = {
            "inputs": self._inputs or None,
            "id": self._retry_of or parent,
            "is_retry": self._retry_of is not None,
            "is_continue": False,
            "web_search": True if self._web_search else None,  # sent only when asked (§2.6)
            "tools": [],
            "selectedMcpServerNames": self._mcp_servers,
            "generationId": self._generation_id,
            "resumeElicitationId": self._resume_elicitation,
        }
        # Each field in the era its spec dates cover (§2.6: is_continue until
        # 2025-10-12, web_search and tools until 2025-09-24, MCP from 2025-11-12).
        data = SendMessage.from_wire(
            {
                key: value
                for key, value in wanted.items()
                if value is not None and sends(self._day, f"SendMessage.{key}")
            }
        )
        files = [attachment.form_part() for attachment in self._files]
        referer = send_message_url(conversation_id=self._id, base_url=self._base_url)
        request = build_send_message(
            conversation_id=self._id,
            hf_chat=self._hf_chat,
            token=self._token,
            data=data,
            boundary=self._boundary([json_body(data.to_wire()), *(p.value for p in files)]),
            files=files,
            base_url=self._base_url,
            headers=(("Referer", referer), *self._headers),
        )
        stream = StreamDecoder("huggingchat", translator=self._translator)
        self._queue(_SEND, Exchange(request, OPERATIONS["send_message"], stream=stream))

    # Re-attaching (2026-07-24 on).

    def _queue_reattach(self, from_seq: int) -> None:
        request = build_stream_generation(
            conversation_id=self._id,
            hf_chat=self._hf_chat,
            token=self._token,
            generation_id=self._generation_id,
            from_seq=str(from_seq),
            base_url=self._base_url,
            headers=self._headers,
        )
        stream = StreamDecoder(stream="generation_updates", translator=self._translator)
        self._queue(_REATTACH, Exchange(request, OPERATIONS["stream_generation"], stream=stream))

    def _can_reattach(self) -> bool:
        if not self._reattach or self._translator.complete or self.step not in (_SEND, _REATTACH):
            return False
        idle = self.step is _REATTACH and not self._translator.updates_seen
        return not (idle and self._idle_reattaches + 1 >= _MAX_IDLE_REATTACH)

    def _broke_off(self) -> bool:
        """The answer in flight broke before its end: re-attach if asked, and say so."""
        if not self._can_reattach():
            return False
        if self.step is _SEND:
            # The POST stream has no sequence numbers, and the server's log joins its
            # tokens otherwise: replay the run through a new translator and skip the
            # events already given (compared by text, however they are cut).
            self._translator = HuggingChatTranslator(
                file_url=self._file_url, stream="generation_updates"
            )
            self._seen = SeenPrefix(self._given)
            self._from_seq = 0
        else:
            seen = self._translator.updates_seen
            self._idle_reattaches = 0 if seen else self._idle_reattaches + 1
            self._from_seq += seen
            self._translator.switch_stream()
        self._queue_reattach(self._from_seq)
        return True

    def survives_read_error(self, error: TransportError) -> bool:
        """A read error in the answer: re-attach instead of failing, when asked to."""
        if not self._can_reattach():
            return False
        self.connection_dropped()  # the same as a body cut short
        return True

    def _on_connection_dropped(self, exchange: Exchange) -> None:
        if not self._broke_off():
            super()._on_connection_dropped(exchange)

    def _end(self, exchange: Exchange) -> None:
        if exchange.stream is None or not self._reattach:
            super()._end(exchange)
            return
        try:
            super()._end(exchange)
        except IncompleteStreamError as exc:
            # A body that ended before the run did: the re-attach stream's lifetime
            # cap, or a cut POST. The events decoded before it still count.
            self._emit(exc.events)  # type: ignore[arg-type]
            if not self._broke_off():
                raise

    def _file_url(self, sha: str) -> str:
        return get_output_url(conversation_id=self._id, sha=sha, base_url=self._base_url)

    def _boundary(self, values: Sequence[bytes]) -> str:
        for _ in range(_BOUNDARY_TRIES):
            boundary = self._new_id()
            if not (0 < len(boundary) <= 70 and boundary.isascii() and boundary.isprintable()):
                raise LocalProtocolError(f"new_id() gave {boundary!r}: not a multipart boundary")
            delimiter = b"--" + boundary.encode("ascii")
            if not any(delimiter in value for value in values):
                return boundary
        raise LocalProtocolError("new_id() kept giving boundaries that occur in the message")

    # Machine hooks.

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        if self.step is _CREATE:
            self._created(body)
        else:
            self._send_message(self._parent_id(body))

    def _created(self, body: bytes) -> None:
        try:
            document = json.loads(body)
        except ValueError:
            # gpt4free reads a non-JSON answer here as a login or bot-check page (§2.3).
            what = server_message(body)
            raise MissingAuthError(
                f"POST /conversation did not answer JSON but {what}: {AUTH_HINT}",
                status=200,
                body=body[:ERROR_BODY_LIMIT],
            ) from None
        if not isinstance(document, dict):
            raise DecodeError("the POST /conversation answer is not a JSON object")
        try:
            created = CreateConversationResponse.from_wire(document)
        except CodecError as exc:
            raise DecodeError.from_codec(exc) from None
        self._conversation_id = created.conversation_id
        self._emit([self._handle()])
        if created.conversation is not UNSET:
            # 2026-07-03 on, the answer embeds the conversation: no GET needed (§2.3).
            try:
                parent = extract_message_id(body)
            except CodecError:
                parent = None  # the GET will say what is wrong
            if parent is not None:
                self._send_message(parent)
                return
        self._send_parent_query()

    def _parent_id(self, body: bytes) -> str:
        parent = self._checked_parent(body)
        if self._resume_elicitation is not None:
            # The parked message is continued in place: what it already says counts
            # towards a stop point (seenContentLength is the whole message's).
            self._initial_length = utf16_length(extract_last_content(body))
        return parent

    def _checked_parent(self, body: bytes) -> str:
        if _is_html(body):
            raise MissingAuthError(
                f"the conversation came back as {server_message(body)}: {AUTH_HINT}",
                status=200,
                body=body[:ERROR_BODY_LIMIT],
            )
        try:
            parent = extract_message_id(body)
        except RemoteDataError as exc:
            raise self._remote_error(exc, body) from None
        except CodecError as exc:
            raise DecodeError.from_codec(exc) from None
        if parent is None:
            raise RemoteProtocolError(
                f"conversation {self._id} has no messages, so no parent message to answer"
            )
        return parent

    @staticmethod
    def _remote_error(error: RemoteDataError, body: bytes) -> HfClientError:
        # An error node inside a 200 body (§2.4, §4.5 step 3): the spec's status map says
        # what it means, as for an error status (403 is a session problem).
        status = error.status
        cls = error_class(OPERATIONS["get_conversation_data"], status, error.message)
        message = f"{error.message} ({AUTH_HINT})" if cls is MissingAuthError else error.message
        return cls(message, status=status, body=body[:ERROR_BODY_LIMIT])

    def _on_error_status(self, exchange: Exchange, body: bytes) -> None:
        response = exchange.response
        assert response is not None
        error = error_for_status(
            exchange.operation, response, body, now=self._now(), hint=auth_hint(self._token)
        )
        if self.step is _CREATE and response.status == 400:
            # Unknown or unlisted model: the only field a caller controls here (§2.3).
            raise ModelNotSupportedError(
                f"{error.message} (model {self._model!r})", status=400, body=error.body
            )
        raise error
