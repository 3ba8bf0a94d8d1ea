"""What the router offers: its model catalogue and a model's Hub provider mapping, sans-IO.

Each machine here fetches one value, as :mod:`hfclient.protocol._result`
says: after the driver is done, ``machine.result`` holds it, typed.

Wire records (``codec.router``) stay inside; users get the attrs classes
below, each keeping the fields the spec does not name in ``extra``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, MutableMapping
from typing import Any, ClassVar, Final, TypeVar

import attrs

from codec import router as wire
from codec._generated.router import (
    MAX_REDIRECTS,
    OPERATIONS,
    SERVERS,
    build_get_provider_mapping,
    build_router_models,
)
from codec.errors import CodecError
from codec.values import Unset
from hfclient.info import ModelInfo, ModelPricing, ModelProvider
from hfclient.protocol._machine import Exchange, json_record
from hfclient.protocol._result import ResultMachine
from hfclient.protocol._states import Step, Transitions, one_request, transition_table
from hfclient.protocol._status import error_for_status, follow_same_host

__all__ = [
    "CatalogStep",
    "ProviderMappingEntry",
    "ProviderMappingMachine",
    "RouterCatalogMachine",
    "model_providers",
]

log = logging.getLogger(__name__)

_AUTH_HINT: Final = "pass api_key= or set HF_TOKEN to a Hugging Face access token"
T = TypeVar("T")


@attrs.frozen(slots=True, kw_only=True)
class ProviderMappingEntry:
    """One provider of a model on the Hub: its id for the model, status and task."""

    provider: str
    provider_id: str
    status: str
    task: str
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)  # kept as sent


class CatalogStep(Step):
    """The one request of a catalogue machine: the router's models, or the Hub mapping."""

    ROUTER_MODELS = "router_models"
    GET_PROVIDER_MAPPING = "get_provider_mapping"


class _CatalogMachine(ResultMachine[T]):
    """A catalogue request: its errors hint at the router token."""

    def _on_error_status(self, exchange: Exchange, body: bytes) -> None:
        assert exchange.response is not None
        raise error_for_status(
            exchange.operation, exchange.response, body, now=0.0, hint=_AUTH_HINT
        )


def _opt(value: object, kind: type[T]) -> T | None:
    # UNSET, None or a mismatched value: unknown.
    return value if isinstance(value, kind) and not isinstance(value, Unset) else None


def _number(value: object) -> float | None:
    return float(value) if type(value) in (int, float) else None  # type: ignore[arg-type]


def _provider(entry: wire.CatalogProvider) -> ModelProvider:
    pricing = entry.pricing
    return ModelProvider(
        provider=entry.provider,
        status=_opt(entry.status, str),
        context_length=entry.context_length if type(entry.context_length) is int else None,
        supports_tools=_opt(entry.supports_tools, bool),
        supports_structured_output=_opt(entry.supports_structured_output, bool),
        pricing=ModelPricing(input=_number(pricing.input), output=_number(pricing.output))
        if isinstance(pricing, wire.CatalogPricing)
        else None,
        extra=_rest(entry, ("first_token_latency_ms", "throughput", "is_model_author")),
    )


def _rest(record: Any, named: tuple[str, ...]) -> dict[str, Any]:
    # The wire keys the public class has no attribute for, as sent.
    wire_form = record.to_wire()
    rest = {key: wire_form[key] for key in named if key in wire_form}
    rest.update(record.extra)
    return rest


def model_providers(entries: object) -> tuple[ModelProvider, ...]:
    """The router's catalogue providers of one model (``[{provider, status, ...}]``).

    HuggingChat's model details carry the same list. An entry that does not
    fit is left out rather than costing the others.
    """
    if not isinstance(entries, list):
        return ()
    providers = []
    for entry in entries:
        if isinstance(entry, dict):
            with contextlib.suppress(CodecError):
                providers.append(_provider(wire.CatalogProvider.from_wire(entry)))
    return tuple(providers)


def _model(entry: wire.CatalogModel) -> ModelInfo:
    providers = (
        tuple(_provider(p) for p in entry.providers) if isinstance(entry.providers, list) else ()
    )
    lengths = [p.context_length for p in providers if p.context_length is not None]
    tools = [p.supports_tools for p in providers if p.supports_tools is not None]
    return ModelInfo(
        service="router",
        id=entry.id,
        owned_by=_opt(entry.owned_by, str),
        created=entry.created if type(entry.created) is int else None,
        context_length=max(lengths) if lengths else None,
        supports_tools=any(tools) if tools else None,
        providers=providers,
        extra=_rest(entry, ("object", "architecture")),
    )


class RouterCatalogMachine(_CatalogMachine[list[ModelInfo]]):
    """``GET /v1/models`` on the router: every model with its providers (§2.3).

    Its result is a ``list[ModelInfo]`` in the router's order. The
    catalogue is public: ``api_key`` may be ``None`` (a token is sent when
    given).
    """

    TRANSITIONS: ClassVar[Transitions] = one_request(CatalogStep.ROUTER_MODELS)
    _WHAT = "the router's model list"

    def __init__(self, *, api_key: str | None = None, base_url: str = SERVERS["default"]) -> None:
        super().__init__()
        request = build_router_models(api_key=api_key or None, base_url=base_url)
        self._queue(CatalogStep.ROUTER_MODELS, Exchange(request, OPERATIONS["router_models"]))

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        answer = json_record(body, wire.CatalogList.from_wire, self._WHAT)
        self._finish([_model(entry) for entry in answer.data])


class ProviderMappingMachine(_CatalogMachine[list[ProviderMappingEntry]]):
    """The Hub's provider mapping of one model (§2.1), in the user's preference order.

    Its result is a ``list[ProviderMappingEntry]``, every status and task
    included (the chat flow filters; this lists). Same-host redirects (a
    renamed repo) are followed, ``MAX_REDIRECTS`` at most; another host is
    refused so the token stays on the Hub. ``mapping_cache`` is filled with
    the wire entries, as :class:`~hfclient.protocol.router.RouterMachine`
    reads it. ``api_key`` may be ``None`` for a public model (a gated one
    needs the token).
    """

    TRANSITIONS: ClassVar[Transitions] = transition_table(
        starts=[CatalogStep.GET_PROVIDER_MAPPING],
        follows={},
        retries=[CatalogStep.GET_PROVIDER_MAPPING],  # a redirect
        completes=[CatalogStep.GET_PROVIDER_MAPPING],
    )
    _WHAT = "the provider mapping"

    def __init__(
        self,
        *,
        model: str,
        api_key: str | None = None,
        mapping_cache: MutableMapping[str, list[wire.ProviderMapping]] | None = None,
        hub_url: str = SERVERS["hub"],
    ) -> None:
        super().__init__()
        self._model = model
        self._cache = mapping_cache
        self._redirects = 0
        request = build_get_provider_mapping(
            model_id=model, api_key=api_key or None, base_url=hub_url
        )
        step = CatalogStep.GET_PROVIDER_MAPPING
        self._queue(step, Exchange(request, OPERATIONS["get_provider_mapping"]))

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        mapping = json_record(body, wire.ModelProviders.from_wire, self._WHAT)
        entries = wire.provider_mappings(mapping)
        if self._cache is not None:
            self._cache[self._model] = entries
        self._finish(
            [
                ProviderMappingEntry(
                    provider=str(entry.provider),
                    provider_id=entry.provider_id,
                    status=entry.status,
                    task=entry.task,
                    extra=_rest(entry, ("isModelAuthor", "adapter", "adapterWeightsPath", "type")),
                )
                for entry in entries
            ]
        )

    def _on_error_status(self, exchange: Exchange, body: bytes) -> None:
        response = exchange.response
        assert response is not None
        error = error_for_status(exchange.operation, response, body, now=0.0, hint=_AUTH_HINT)
        if not 300 <= response.status < 400:
            raise error
        request = follow_same_host(
            exchange.request,
            response,
            error,
            hops=self._redirects,
            max_hops=MAX_REDIRECTS,
            what=f"the provider mapping of {self._model}",
        )
        self._redirects += 1
        log.info("provider mapping of %s redirected to %s", self._model, request.url)
        self._retry(Exchange(request, exchange.operation))
