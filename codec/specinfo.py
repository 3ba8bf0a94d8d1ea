"""What a spec says of its operations, streams and providers, for the protocol machines."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from codec.errorkinds import ErrorKind

__all__ = ["OperationInfo", "ProviderInfo", "StreamInfo", "provider_info"]


@attrs.frozen(slots=True)
class OperationInfo:
    """One operation of a spec.

    ``errors`` maps an HTTP status to an error kind (:mod:`codec.errorkinds`);
    ``stream`` names the stream the response carries;
    ``since``/``until`` bound the era (ISO dates) in which the service had it.
    ``record_headers`` names (lower-case) the request and response headers a
    recording of the operation may keep; every other header is left out.
    ``match_on`` says what a replayed request must equal to match a recorded
    one: ``method``, ``path``, ``query`` and ``body`` (the whole of each),
    ``query.<name>``, ``header.<name>`` (one parameter or header) or
    ``body.<path>`` (a dotted path into the JSON body, or into a multipart
    part: ``body.data.inputs``, ``body.msgContent``).
    ``content_types`` are the media types (no parameters) a successful answer
    may be labelled with; empty when the spec does not know them. They
    document, they do not choose the decoder: the spec's stream framing does.
    ``response_type`` names the record class a JSON answer decodes into, when
    the spec gives one; ``response_envelope`` what wraps it (``superjson``,
    ``sveltekit-data``), to unwrap first.
    """

    name: str
    method: str
    path: str
    response: str
    stream: str | None = None
    errors: Mapping[int, ErrorKind] = attrs.field(factory=dict)
    since: str | None = None
    until: str | None = None
    record_headers: tuple[str, ...] = ("content-type",)
    match_on: tuple[str, ...] = ("method", "path", "query", "body")
    content_types: tuple[str, ...] = ()
    response_type: str | None = None
    response_envelope: str | None = None


@attrs.frozen(slots=True)
class StreamInfo:
    """One stream of a spec.

    ``complete_on`` names the events (spec keys, or ``done``) whose arrival
    means the answer is complete; ``errors`` the events that may carry an
    in-band error; ``read_to_eof`` says whether events may still follow the
    completing one; ``content`` is ``delta`` or ``cumulative``; ``done`` is the
    SSE data that marks the end, when the stream has one. ``nested`` names the
    stream whose events one SSE event's data carry (its keys are in
    ``complete_on`` and ``errors`` too); ``since``/``until`` bound its era.
    """

    name: str
    framing: str
    content: str
    complete_on: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    read_to_eof: bool = True
    done: str | None = None
    nested: str | None = None
    since: str | None = None
    until: str | None = None


@attrs.frozen(slots=True)
class ProviderInfo:
    """How one provider is reached through a routed operation (the router's ``{route}``).

    ``route`` is the path prefix, with ``{provider}`` (the provider's name) and
    ``{model}`` (the id the provider gets) to fill in; ``headers`` go with
    every request to it; ``model`` says which id the provider gets, in the
    body's ``model`` and in ``{model}``: ``provider_id`` (the Hub mapping's
    ``providerId``) or ``hub_id``. ``name`` is ``*`` for the entry of
    providers the spec does not list.
    """

    name: str
    route: str
    headers: tuple[tuple[str, str], ...] = ()
    model: str = "provider_id"

    def route_for(self, provider: str, model: str) -> str:
        """The route of ``provider`` serving ``model`` (the id ``self.model`` names)."""
        return self.route.replace("{provider}", provider).replace("{model}", model)


def provider_info(providers: Mapping[str, ProviderInfo], name: str) -> ProviderInfo:
    """The entry of provider ``name``, else the ``*`` entry; ``KeyError`` without either."""
    info = providers.get(name)
    return info if info is not None else providers["*"]
