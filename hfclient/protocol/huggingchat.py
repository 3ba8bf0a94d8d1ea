"""The HuggingChat flow: create a conversation, find the parent message, send, stream.

Each step is one HTTP exchange (protocols/huggingchat.md §2.3-§2.6, §7):

1. ``POST /conversation`` (skipped when continuing a conversation of the
   same model) gives the ``conversationId``; from 2026-07-03 its answer also
   carries the conversation itself, and then step 2 is skipped;
2. the parent message id: ``GET /api/v2/conversations/{id}`` (era ``v2``) or
   ``GET /conversation/{id}/__data.json`` (era ``legacy``, before 2025-06-05);
3. ``POST /conversation/{id}`` (multipart), whose answer is the NDJSON stream
   of message updates, read to the end of the body (§3.3 rule 5).

Conversation state follows gpt4free (§8.1): one conversation per model; a
known model re-queries the parent id and sends only the new user text, a new
model starts a conversation with the whole history as one prompt.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar, Final, Literal, TypeAlias

import attrs

from codec._generated.huggingchat import (
    BASE_URL,
    OPERATIONS,
    CreateConversation,
    CreateConversationResponse,
    SendMessage,
    build_create_conversation,
    build_get_conversation,
    build_get_conversation_data,
    build_send_message,
    get_output_url,
    send_message_url,
)
from codec.errors import CodecError, RemoteDataError
from codec.http import FormPart, json_body
from codec.huggingchat import extract_message_id
from codec.values import UNSET
from hfclient.decoding import StreamDecoder
from hfclient.errors import (
    ArgumentError,
    DecodeError,
    HfClientError,
    LocalProtocolError,
    MissingAuthError,
    ModelNotSupportedError,
    RemoteProtocolError,
)
from hfclient.events import Conversation
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

__all__ = [
    "AUTH_HINT",
    "Attachment",
    "Era",
    "HuggingChatMachine",
    "HuggingChatStep",
    "format_prompt",
]

Era: TypeAlias = Literal["v2", "legacy"]
_ERAS: Final = ("v2", "legacy")

AUTH_HINT: Final = (
    "pass hf_chat= (the hf-chat cookie of a logged-in browser session) or set HF_CHAT_COOKIE; "
    "since 2025-10 also token= or HF_CHAT_TOKEN_COOKIE (the huggingface.co token cookie of "
    "the same session)"
)
_SERVICE: Final = "huggingchat"
# Characters that would end a cookie value or the header line it sits in.
_COOKIE_UNSAFE: Final = frozenset(';,\r\n\x00 "\\')
_BOUNDARY_TRIES: Final = 8


def _uuid_hex() -> str:
    return uuid.uuid4().hex


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


_CREATE: Final = HuggingChatStep.CREATE_CONVERSATION
_GET: Final = HuggingChatStep.GET_CONVERSATION
_SEND: Final = HuggingChatStep.SEND_MESSAGE


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
    for the next turn.

    ``era`` picks how the parent message is found: ``"v2"`` (2025-06-05 on)
    or ``"legacy"`` (``__data.json``; the send then also carries
    ``is_continue`` and ``tools`` as that era's clients did). ``web_search``
    is sent only when true (the server drops the key since 2025-09-24).
    ``files`` (:class:`Attachment`) go as ``files`` parts (§2.6).

    ``new_id`` makes multipart boundaries, ``now`` is the clock for
    HTTP-date ``Retry-After`` values; the machine reads nothing else.
    ``read_timeout`` is the deadline the driver enforces between two body
    chunks: keepAlive lines arrive about ten times a second (§3.1).
    ``headers`` are added to every request (e.g. a browser User-Agent).
    """

    TRANSITIONS: ClassVar[Transitions] = transition_table(
        starts=[_CREATE, _GET],  # a new conversation, or continuing one
        follows={_CREATE: [_GET, _SEND], _GET: [_SEND]},
        completes=[_SEND],
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
        files: Sequence[Attachment] = (),
        era: Era = "v2",
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
        read_timeout: float | None = 30.0,
        new_id: Callable[[], str] = _uuid_hex,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        if not hf_chat:
            raise MissingAuthError(f"HuggingChat needs a browser session cookie: {AUTH_HINT}")
        _check_cookie("hf-chat", hf_chat)
        token = token or None  # an empty cookie is no cookie
        if token is not None:
            _check_cookie("token", token)
        checked_model(model)
        messages, images = images_as_files(checked_messages(messages))
        files = (*files, *images)
        if era not in _ERAS:
            raise LocalProtocolError(f"era must be 'v2' or 'legacy', not {era!r}")
        if read_timeout is not None and not read_timeout > 0:
            raise LocalProtocolError("read_timeout must be a positive number of seconds or None")
        if conversation is not None and conversation.service != _SERVICE:
            raise LocalProtocolError(
                f"a {conversation.service} conversation cannot continue on HuggingChat"
            )
        self._hf_chat = hf_chat
        self._token = token
        self._model = model
        self._era = era
        self._web_search = web_search
        self._files = tuple(files)
        self._base_url = base_url
        self._headers = tuple(headers)
        self._read_timeout = None if read_timeout is None else float(read_timeout)
        self._new_id = new_id
        self._now = now
        self._conversation_id: str | None = None
        continuing = (
            conversation is not None
            and conversation.conversation_id is not None
            and conversation.model == model
        )
        if continuing:
            assert conversation is not None
            self._inputs = trailing_user_text(messages)
            if not self._inputs:
                raise LocalProtocolError(
                    "no user message to send: the last message is not a user's"
                )
            self._conversation_id = conversation.conversation_id
            self._emit([self._handle()])
            self._send_parent_query()
        else:
            self._inputs = format_prompt(messages)
            if not self._inputs:
                raise LocalProtocolError("no text to send: the messages are empty")
            self._send_create(preprompt if preprompt is not None else system_text(messages))

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

    # The flow.

    def _handle(self) -> Conversation:
        # No message id: the next turn re-queries its parent, as gpt4free does (§8.1).
        return Conversation(_SERVICE, conversation_id=self._conversation_id, model=self._model)

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
        if self._era == "legacy":
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

    def _send_message(self, parent: str) -> None:
        legacy = self._era == "legacy"
        data = SendMessage(
            inputs=self._inputs,
            id=parent,
            is_retry=False,
            is_continue=False if legacy else UNSET,  # removed 2025-10-12 (§2.6)
            web_search=True if self._web_search else UNSET,
            tools=[] if legacy else UNSET,  # removed 2025-09-24 (§2.6)
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
        translator = HuggingChatTranslator(file_url=self._file_url)
        stream = StreamDecoder("huggingchat", translator=translator)
        self._queue(_SEND, Exchange(request, OPERATIONS["send_message"], stream=stream))

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
            exchange.operation, response, body, now=self._now(), hint=AUTH_HINT
        )
        if self.step is _CREATE and response.status == 400:
            # Unknown or unlisted model: the only field a caller controls here (§2.3).
            raise ModelNotSupportedError(
                f"{error.message} (model {self._model!r})", status=400, body=error.body
            )
        raise error
