"""The Inference Providers router flow: provider mapping, then providers in turn.

Before the first byte of an answer: 402 moves on to the next provider;
429 waits ``Retry-After`` (capped) and tries the same provider again, up
to ``max_retries`` times, then moves on; 5xx and connection failures do the
same after a backoff that doubles; any other 4xx stops. Nothing is sent
again once an answer started. When every provider fails, the error lists
each attempt with its status, and is also of the attempts' own class when
they all failed alike (protocols/hf-inference.md §4, §7.4 and the fixes
listed there). Each retry and each move to the next provider is logged at
INFO (provider, status, wait; never a credential).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any, ClassVar, Final

from codec import router as wire
from codec._generated.router import (
    CONVERSATIONAL_TASK,
    LIVE_STATUS,
    MAX_REDIRECTS,
    MODEL_ALIASES,
    OPERATIONS,
    POLICY_SUFFIXES,
    PROVIDERS,
    RATE_LIMIT_HEADER_PREFIXES,
    REQUEST_ID_HEADER,
    SERVERS,
    build_chat_completions,
    build_chat_completions_json,
    build_get_provider_mapping,
    build_provider_chat_completions,
    build_provider_chat_completions_json,
)
from codec.specinfo import provider_info
from hfclient.decoding import StreamDecoder
from hfclient.errors import (
    AllProvidersFailedError,
    HfClientError,
    HTTPStatusError,
    MissingAuthError,
    ModelNotSupportedError,
    ProviderAttempt,
    TransportError,
)
from hfclient.events import Event, ResponseMetadata, Status
from hfclient.exchange import ResponseStarted
from hfclient.protocol._machine import Exchange, Machine, json_record
from hfclient.protocol._messages import checked_json, checked_messages, checked_model
from hfclient.protocol._states import Step, Transitions, transition_table
from hfclient.protocol._status import error_for_status, follow_same_host, retry_after_seconds
from hfclient.translate.router import RouterTranslator

__all__ = [
    "AUTO",
    "RouterMachine",
    "RouterStep",
    "provider_route",
    "resolve_model",
    "response_metadata",
    "split_model",
]

log = logging.getLogger(__name__)

AUTO: Final = "auto"
_AUTH_HINT: Final = "pass api_key= or set HF_TOKEN to a Hugging Face access token"


def provider_route(provider: str, model: str) -> str:
    """The router path prefix of ``provider`` (its OpenAI-compatible base), §2.5.

    ``model`` is the id the provider gets (``PROVIDERS``' ``model``: its providerId).
    """
    return provider_info(PROVIDERS, provider).route_for(provider, model)


def resolve_model(model: str) -> str:
    """A short alias to its Hub id; any other name passes through unchanged."""
    return MODEL_ALIASES.get(model, model)


def response_metadata(response: ResponseStarted) -> ResponseMetadata | None:
    """The request id and rate-limit headers of an answer (the spec names them), if any."""
    request_id = response.header(REQUEST_ID_HEADER)
    limits = {
        name.lower(): value
        for name, value in response.headers
        if name.lower().startswith(RATE_LIMIT_HEADER_PREFIXES)
    }
    if request_id is None and not limits:
        return None
    return ResponseMetadata(request_id=request_id, rate_limits=limits)


def split_model(model: str) -> tuple[str, str | None, str | None]:
    """``org/name:suffix`` as ``(hub_id, provider, policy)``, aliases resolved.

    A suffix the spec lists in ``POLICY_SUFFIXES`` (``fastest``, ``cheapest``,
    ...) is a policy for the auto route; any other names a provider; without
    a suffix both are ``None``.
    """
    name, colon, suffix = model.rpartition(":")
    if not colon or not name or not suffix:
        return resolve_model(model), None, None
    if suffix in POLICY_SUFFIXES:
        return resolve_model(name), None, suffix
    return resolve_model(name), suffix, None


class RouterStep(Step):
    """The requests of a router completion.

    ``GET_PROVIDER_MAPPING`` (the Hub's provider list for the model; skipped
    when cached), ``PROVIDER_CHAT_COMPLETIONS`` (one provider's stream; the
    next provider is this step again), ``CHAT_COMPLETIONS`` (``provider="auto"``:
    the router picks).
    """

    GET_PROVIDER_MAPPING = "get_provider_mapping"
    PROVIDER_CHAT_COMPLETIONS = "provider_chat_completions"
    CHAT_COMPLETIONS = "chat_completions"


_MAPPING: Final = RouterStep.GET_PROVIDER_MAPPING
_PROVIDER: Final = RouterStep.PROVIDER_CHAT_COMPLETIONS
_AUTO: Final = RouterStep.CHAT_COMPLETIONS


class RouterMachine(Machine):
    """One streaming chat completion through the router.

    ``provider`` ``None`` tries the model's ``live`` conversational providers
    in mapping order; a provider name uses only that one, whatever its
    mapping status (``staging`` and ``error`` are logged as a warning);
    ``"auto"`` lets the router choose (``/v1/chat/completions``, no mapping
    request). ``model`` may name the provider itself, ``org/name:provider``,
    or a policy of the auto route, ``org/name:fastest`` (the spec's
    ``POLICY_SUFFIXES``; sent as written). ``bill_to`` sends
    ``X-HF-Bill-To`` (the organization billed). The Hub lookup follows
    same-host redirects (a renamed repo), ``MAX_REDIRECTS`` at most; a
    redirect to another host is an error, so the token never leaves it.
    ``stream=False`` asks for one JSON answer (``stream: false``) and gives
    the same events a stream would, all at once. Every successful answer
    starts with a :class:`~hfclient.events.ResponseMetadata` when its
    headers carry a request id or rate limits.
    ``mapping_cache`` (model id → mapping) is shared by the caller so the
    mapping is fetched once per model. ``max_retries`` is how many times one
    provider is tried again after a 429, a 5xx or a connection failure
    before the next one (the auto route and the Hub lookup: before the
    error is raised); 5xx
    and connection failures wait ``server_error_backoff`` seconds, doubled
    at each retry. ``now`` is the clock for HTTP-date ``Retry-After``
    values; the machine reads no other clock.
    """

    TRANSITIONS: ClassVar[Transitions] = transition_table(
        starts=[_MAPPING, _PROVIDER, _AUTO],  # no mapping cached, cached, auto
        follows={_MAPPING: [_PROVIDER], _PROVIDER: [_PROVIDER]},  # the next provider
        # Providers after a 429, a 5xx or a connection failure; the mapping after a redirect.
        retries=[_MAPPING, _PROVIDER, _AUTO],
        completes=[_PROVIDER, _AUTO],
    )

    def __init__(
        self,
        *,
        api_key: str | None,
        model: str,
        messages: Sequence[Mapping[str, object]],
        provider: str | None = None,
        parameters: Mapping[str, object] | None = None,
        max_inputs_length: int | None = None,
        mapping_cache: MutableMapping[str, list[wire.ProviderMapping]] | None = None,
        bill_to: str | None = None,
        stream: bool = True,
        max_retries: int = 1,
        retry_after_cap: float = 10.0,
        server_error_backoff: float = 1.0,
        base_url: str = SERVERS["default"],
        hub_url: str = SERVERS["hub"],
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
        if not api_key:
            raise MissingAuthError(f"the router needs a token: {_AUTH_HINT}")
        self._api_key = api_key
        self._model, pinned, policy = split_model(checked_model(model))
        if pinned is not None and provider not in (None, AUTO, pinned):
            raise ValueError(f"model {model!r} names provider {pinned!r} but provider={provider!r}")
        if policy is not None and provider not in (None, AUTO):
            raise ValueError(f"model {model!r} asks the auto route, but provider={provider!r}")
        suffix = pinned or policy
        # The auto route gets the suffix as written: the router applies it (§2.4).
        self._auto_model = f"{self._model}:{suffix}" if suffix else self._model
        if provider is None:
            provider = AUTO if policy is not None else pinned
        self._pinned = pinned  # what the auto route was asked for, when its header says nothing
        self._bill_to = bill_to
        self._stream = stream
        self._redirects = 0
        self._parameters = dict(parameters or {})
        self._base_url = base_url
        self._hub_url = hub_url
        self._now = now
        self._retry_after_cap = retry_after_cap
        self._backoff = server_error_backoff
        self._cache = mapping_cache if mapping_cache is not None else {}
        self._wanted = provider
        self._providers: list[wire.ProviderMapping] = []
        self._attempts: list[ProviderAttempt] = []
        self._max_retries = max_retries
        self._tries = 0  # retries of the current provider so far
        self._translator: RouterTranslator | None = None
        self._messages = checked_messages(messages)
        checked_json("messages", self._messages)
        checked_json("the request's parameters", self._parameters)
        if max_inputs_length is not None:
            self._trim(max_inputs_length)
        if provider == AUTO:
            self._queue(_AUTO, self._auto_exchange())
        elif self._model in self._cache:
            self._use_mapping(self._cache[self._model])
        else:
            request = build_get_provider_mapping(
                model_id=self._model, api_key=api_key, base_url=hub_url
            )
            self._queue(_MAPPING, Exchange(request, OPERATIONS["get_provider_mapping"]))

    @property
    def model(self) -> str:
        """The Hub id of the model (aliases resolved)."""
        return self._model

    # The flow.

    def _trim(self, max_length: int) -> None:
        before = wire.calculate_length(self._messages)
        trimmed = wire.trim_messages(self._messages, max_length)
        after = wire.calculate_length(trimmed)
        if after < before:
            self._messages = trimmed
            self._emit([Status("trimmed", f"messages trimmed from {before} to {after} characters")])

    def _body(self, model: str) -> dict[str, Any]:
        body: dict[str, Any] = {"model": model, "messages": self._messages}
        body.update(self._parameters)
        body["stream"] = self._stream
        if not self._stream:
            body.pop("stream_options", None)  # only valid with stream true
            return body
        # Ask for the usage-only last chunk (§5.3); keep the caller's other options.
        options = dict(body.get("stream_options") or {})
        options.setdefault("include_usage", True)
        body["stream_options"] = options
        return body

    def _stream_decoder(self, provider: str | None) -> StreamDecoder | None:
        self._translator = RouterTranslator(provider=provider)
        if not self._stream:
            return None  # the JSON answer goes to _on_body
        return StreamDecoder("router", translator=self._translator)

    def _auto_exchange(self) -> Exchange:
        build, name = (
            (build_chat_completions, "chat_completions")
            if self._stream
            else (build_chat_completions_json, "chat_completions_json")
        )
        request = build(
            body=self._body(self._auto_model),
            api_key=self._api_key,
            bill_to=self._bill_to,
            base_url=self._base_url,
        )
        return Exchange(request, OPERATIONS[name], stream=self._stream_decoder(None))

    def _use_mapping(self, entries: list[wire.ProviderMapping]) -> None:
        if self._wanted is None:
            usable = [
                e for e in entries if e.status == LIVE_STATUS and e.task == CONVERSATIONAL_TASK
            ]
        else:
            usable = [
                e for e in entries if e.provider == self._wanted and e.task == CONVERSATIONAL_TASK
            ]
            for entry in usable:
                if entry.status != LIVE_STATUS:
                    # Named explicitly: used as huggingface_hub does, with a warning (§8).
                    log.warning(
                        "provider %s serves %s with mapping status %r, not %r",
                        entry.provider, self._model, entry.status, LIVE_STATUS,
                    )  # fmt: skip
        if not usable:
            wanted = f" through {self._wanted}" if self._wanted else ""
            raise ModelNotSupportedError(
                f"no live conversational provider serves {self._model}{wanted}"
            )
        self._providers = usable
        self._queue(_PROVIDER, self._provider_exchange())

    def _provider_exchange(self) -> Exchange:
        entry = self._providers[0]
        provider = str(entry.provider)
        info = provider_info(PROVIDERS, provider)
        model = entry.provider_id if info.model == "provider_id" else self._model
        build, name = (
            (build_provider_chat_completions, "provider_chat_completions")
            if self._stream
            else (build_provider_chat_completions_json, "provider_chat_completions_json")
        )
        request = build(
            route=info.route_for(provider, model),
            body=self._body(model),
            api_key=self._api_key,
            bill_to=self._bill_to,
            base_url=self._base_url,
            headers=info.headers,
        )
        return Exchange(
            request,
            OPERATIONS[name],
            stream=self._stream_decoder(provider),
            provider=provider,
        )

    def _next_provider(self, failed: str, why: str) -> None:
        self._tries = 0
        self._providers.pop(0)
        if self._providers:
            log.info("provider %s failed (%s); trying %s", failed, why, self._providers[0].provider)
            self._queue(_PROVIDER, self._provider_exchange())
            return
        log.info("provider %s failed (%s); no provider left", failed, why)
        raise AllProvidersFailedError.from_attempts(
            f"every provider of {self._model} failed", self._attempts
        )

    def _attempt_failed(
        self,
        exchange: Exchange,
        error: HfClientError,
        *,
        status: int | None,
        wait: float | None,
        moves_on: bool = True,
    ) -> None:
        """One attempt failed: retry after ``wait`` (None: not retryable), else move on or raise."""
        provider = exchange.provider or AUTO
        why = f"HTTP {status}" if status is not None else type(error).__name__
        message = error.message if isinstance(error, HTTPStatusError) else str(error)
        retry_after = error.retry_after if isinstance(error, HTTPStatusError) else None
        self._attempts.append(ProviderAttempt(provider, status, message, type(error), retry_after))
        if wait is not None and self._tries < self._max_retries:
            self._tries += 1
            log.info(
                "retrying %s after %s in %.2f s (retry %d of %d)",
                provider, why, wait, self._tries, self._max_retries,
            )  # fmt: skip
            exchange = self._auto_exchange() if self.step is _AUTO else self._provider_exchange()
            self._retry(exchange, delay=wait)
        elif moves_on and self.step is _PROVIDER:
            self._next_provider(provider, why)
        else:
            raise error

    def _follow(self, exchange: Exchange, error: HTTPStatusError) -> None:
        """A Hub redirect (a renamed repo): the same host only, a few hops at most."""
        assert exchange.response is not None
        request = follow_same_host(
            exchange.request,
            exchange.response,
            error,
            hops=self._redirects,
            max_hops=MAX_REDIRECTS,
            what=f"the provider mapping of {self._model}",
        )
        self._redirects += 1
        log.info("provider mapping of %s redirected to %s", self._model, request.url)
        self._retry(Exchange(request, exchange.operation))

    def _backoff_wait(self) -> float:
        return self._backoff * float(2**self._tries)

    # Machine hooks.

    def _reads_pages_as_errors(self, exchange: Exchange) -> bool:
        return True  # no router or Hub operation answers HTML

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        if self.step is not _MAPPING:
            self._on_completion(exchange, body)
            return
        mapping = json_record(body, wire.ModelProviders.from_wire, "the provider mapping")
        entries = wire.provider_mappings(mapping)
        self._cache[self._model] = entries
        self._tries = 0  # the providers' retries are their own
        self._use_mapping(entries)

    def _on_completion(self, exchange: Exchange, body: bytes) -> None:
        """A non-streaming answer: the stream's events, from one JSON chat.completion."""
        self._emit(self._on_stream_start(exchange))
        answer = json_record(body, wire.ChatCompletion.from_wire, "the chat completion")
        assert self._translator is not None
        self._emit(self._translator.completion(answer))
        self._complete()

    def _on_stream_start(self, exchange: Exchange) -> list[Event]:
        assert exchange.response is not None
        if self.step is _AUTO and self._translator is not None:
            # The auto route names the provider it picked in a header, when it does.
            picked = exchange.response.header("x-inference-provider")
            self._translator.provider = picked or self._pinned
        metadata = response_metadata(exchange.response)
        return [metadata] if metadata is not None else []

    def _on_transport_failed(self, exchange: Exchange, error: TransportError) -> None:
        if self.step is _MAPPING:
            self._retry_mapping(exchange, error, type(error).__name__, self._backoff_wait())
            return
        self._attempt_failed(exchange, error, status=None, wait=self._backoff_wait())

    def _retry_mapping(
        self, exchange: Exchange, error: HfClientError, why: str, wait: float
    ) -> None:
        """The Hub lookup failed in a way a retry may mend (429, 5xx, no connection)."""
        if self._tries >= self._max_retries:
            raise error
        self._tries += 1
        log.info(
            "retrying the provider mapping of %s after %s in %.2f s (retry %d of %d)",
            self._model, why, wait, self._tries, self._max_retries,
        )  # fmt: skip
        self._retry(Exchange(exchange.request, exchange.operation), delay=wait)

    def _wait_for_429(self, response: ResponseStarted) -> float:
        wait = retry_after_seconds(response.header("Retry-After"), now=self._now())
        return min(wait if wait is not None else 1.0, self._retry_after_cap)

    def _on_error_status(self, exchange: Exchange, body: bytes) -> None:
        response = exchange.response
        assert response is not None
        status = response.status
        error = error_for_status(
            exchange.operation,
            response,
            body,
            now=self._now(),
            provider=exchange.provider,
            hint=_AUTH_HINT,
        )
        if self.step is _MAPPING and 300 <= status < 400:
            self._follow(exchange, error)
            return
        if self.step is _MAPPING and (status == 429 or status >= 500):
            wait = self._wait_for_429(response) if status == 429 else self._backoff_wait()
            self._retry_mapping(exchange, error, f"HTTP {status}", wait)
            return
        if self.step is _MAPPING or status in (401, 403):
            raise error  # the mapping request, or a token problem: no provider will do better
        if status == 429:
            self._attempt_failed(exchange, error, status=status, wait=self._wait_for_429(response))
        elif status >= 500:
            self._attempt_failed(exchange, error, status=status, wait=self._backoff_wait())
        elif status == 402:
            self._attempt_failed(exchange, error, status=status, wait=None)
        else:
            raise error
