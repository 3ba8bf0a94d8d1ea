"""spec/spec.schema.json: every spec validates, the schema agrees with the generator, and typical
mistakes are caught."""

from __future__ import annotations

import copy
import datetime
import json
import keyword
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from tools.codegen import model, types

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"
SCHEMA: dict[str, Any] = json.loads((SPEC_DIR / "spec.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)
SPEC_FILES = sorted(SPEC_DIR.glob("*.yaml"))


def to_json_data(value: Any) -> Any:
    """YAML data as JSON data, as the schema's description says: int keys (HTTP statuses) become
    strings, dates become ISO strings, any other non-string key is an error."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if type(key) is int:
                key = str(key)
            elif type(key) is not str:
                raise TypeError(f"YAML key {key!r} is not a string or an integer; quote it")
            out[key] = to_json_data(item)
        return out
    if isinstance(value, list):
        return [to_json_data(item) for item in value]
    if isinstance(value, datetime.date):  # datetime.datetime too: isoformat() keeps the time
        return value.isoformat()
    return value


def load_raw(name: str) -> Any:
    return yaml.safe_load((SPEC_DIR / f"{name}.yaml").read_bytes())


def all_errors(doc: Any) -> list[ValidationError]:
    """Every validation error, including those nested in oneOf/anyOf contexts."""
    out: list[ValidationError] = []
    stack = list(VALIDATOR.iter_errors(doc))
    while stack:
        error = stack.pop()
        out.append(error)
        stack.extend(error.context or ())
    return out


# -- the schema and the current specs ------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_every_service_has_a_spec_file() -> None:
    assert {path.stem for path in SPEC_FILES} >= {"huggingchat", "router", "hailuo"}


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda path: path.name)
def test_spec_file_validates(path: Path) -> None:
    doc = to_json_data(yaml.safe_load(path.read_bytes()))
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(doc)]
    assert problems == []


def test_error_kinds_are_the_generators() -> None:
    assert set(SCHEMA["$defs"]["errors"]["additionalProperties"]["enum"]) == model.ERROR_KINDS


def test_python_keywords_are_this_pythons() -> None:
    assert SCHEMA["$defs"]["pythonKeyword"]["enum"] == keyword.kwlist


def test_to_json_data_converts_statuses_and_dates_and_rejects_other_keys() -> None:
    raw = yaml.safe_load("errors: {404: not_found}\nera: {since: 2025-10-02}\n")
    assert to_json_data(raw) == {"errors": {"404": "not_found"}, "era": {"since": "2025-10-02"}}
    with pytest.raises(TypeError, match="True"):
        to_json_data(yaml.safe_load("on: x\n"))  # YAML 1.1: an unquoted `on` is True


# -- type text: the schema's pattern against the generator's parser ----------------------------

TYPE_TEXTS = [
    "str",
    "any",
    "null",
    " str | null ",
    "str|int",
    "list[WebSource] | null",
    "dict[str, ProviderMapping] | list[ProviderMapping] | null",
    "list[list[dict[str,int]]]",
    "",
    "string",
    "Str[int]",
    "web_source",
    "list",
    "list[]",
    "dict[str]",
    "dict[int, str]",
    "str int",
    "|str",
    "str |",
    "list[str?]",
    # Unbalanced brackets are left out: the pattern cannot count them; the generator does.
]


def _parses(text: str) -> bool:
    try:
        types.parse_type(text)
    except types.TypeSyntaxError:
        return False
    return True


@pytest.mark.parametrize("text", TYPE_TEXTS)
def test_type_pattern_accepts_what_the_generator_parses(text: str) -> None:
    validator = Draft202012Validator({"$ref": "#/$defs/typeExpr", "$defs": SCHEMA["$defs"]})
    assert validator.is_valid(text) == _parses(text)


def test_type_texts_cover_both_outcomes() -> None:
    outcomes = [_parses(text) for text in TYPE_TEXTS]
    assert True in outcomes
    assert False in outcomes


# -- mistakes ------------------------------------------------------------------------------------


def _set(*path: Any, value: Any) -> Callable[[Any], None]:
    def mutate(doc: Any) -> None:
        for key in path[:-1]:
            doc = doc[key]
        doc[path[-1]] = value

    return mutate


HC_STREAM = ("streams", "message_updates")
HC_SEND = ("operations", "send_message")
ROUTER_EVENTS = ("streams", "chat_completion_chunks", "events")

# (id, spec, mutation, path of the expected error, failing keyword, the generator rejects it too).
# A bad mapping key is reported at the mapping, by the keyword under propertyNames.
MISTAKES: list[tuple[str, str, Callable[[Any], None], tuple[Any, ...], str, bool]] = [
    ("unknown top-level key", "router", _set("version", value=2), (), "additionalProperties", True),
    (
        "bad framing",
        "huggingchat",
        _set(*HC_STREAM, "framing", value="websocket"),
        (*HC_STREAM, "framing"),
        "enum",
        True,
    ),
    (
        "lowercase class name",
        "router",
        _set(*ROUTER_EVENTS, "present", "class", value="streamError"),
        (*ROUTER_EVENTS, "present", "class"),
        "pattern",
        True,
    ),
    (
        "unknown error kind",
        "huggingchat",
        _set(*HC_SEND, "errors", 429, value="too_many_requests"),
        (*HC_SEND, "errors", "429"),
        "enum",
        True,
    ),
    (
        "status that is not an error",
        "huggingchat",
        _set(*HC_SEND, "errors", 302, value="server"),
        (*HC_SEND, "errors"),
        "pattern",
        True,
    ),
    (
        "lowercase constant name",
        "hailuo",
        _set("constants", "chat_path", value={"value": "/x"}),
        ("constants",),
        "pattern",
        True,
    ),
    (
        "unknown type name",
        "huggingchat",
        _set("types", "WebSource", "fields", "uri", value="string"),
        ("types", "WebSource", "fields", "uri"),
        "pattern",
        True,
    ),
    (
        "padding on an int field",
        "huggingchat",
        _set(*HC_STREAM, "events", "stream", "fields", "token", "type", value="int"),
        (*HC_STREAM, "events", "stream", "fields", "token", "type"),
        "pattern",
        True,
    ),
    (
        "unknown field option",
        "router",
        _set("types", "ModelProviders", "fields", "_id?", "alias", value="x"),
        ("types", "ModelProviders", "fields", "_id?"),
        "additionalProperties",
        True,
    ),
    (
        "query entry with both value and param",
        "router",
        _set("operations", "list_models", "query", 0, "value", value="all"),
        ("operations", "list_models", "query", 0),
        "oneOf",
        True,
    ),
    (
        "key-present event other than present/absent",
        "router",
        _set(*ROUTER_EVENTS, "other", value={"fields": {}}),
        ROUTER_EVENTS,
        "enum",
        True,
    ),
    (
        "unknown method",
        "hailuo",
        _set("operations", "send_message", "method", value="FETCH"),
        ("operations", "send_message", "method"),
        "enum",
        True,
    ),
    (
        "unknown response kind",
        "router",
        _set("operations", "router_models", "response", "kind", value="ndjson"),
        ("operations", "router_models", "response", "kind"),
        "enum",
        True,
    ),
    (
        "auth entry that is not secret",
        "hailuo",
        _set("auth", 0, "secret", value=False),
        ("auth", 0, "secret"),
        "const",
        True,
    ),
    (
        "secret on a fixed query value",
        "hailuo",
        _set("operations", "send_message", "query", 0, "secret", value=True),
        ("operations", "send_message", "query", 0),
        "not",
        True,
    ),
    (
        "a recording that keeps a credential header",
        "hailuo",
        _set("operations", "send_message", "record", value={"headers": ["Cookie"]}),
        ("operations", "send_message", "record", "headers", 0),
        "not",
        True,
    ),
    (
        "a match entry of no known form",
        "hailuo",
        _set("operations", "send_message", "record", value={"match": ["verb"]}),
        ("operations", "send_message", "record", "match", 0),
        "pattern",
        True,
    ),
    (
        "a content type with parameters",
        "huggingchat",
        _set(*HC_SEND, "content_types", value=["application/json; charset=utf-8"]),
        (*HC_SEND, "content_types", 0),
        "pattern",
        True,
    ),
    (
        "the old era key",
        "huggingchat",
        _set("operations", "list_models", "era", value={"since": "2025-06-05"}),
        ("operations", "list_models"),
        "additionalProperties",
        True,
    ),
    (
        "a provider route that is not a path",
        "router",
        _set("providers", "novita", "route", value="novita/v3/openai"),
        ("providers", "novita", "route"),
        "pattern",
        True,
    ),
    (
        "a provider model of no known kind",
        "router",
        _set("providers", "novita", "model", value="repo"),
        ("providers", "novita", "model"),
        "enum",
        True,
    ),
    (
        "nested dispatch without its inner stream",
        "huggingchat",
        _set("streams", "generation_updates", "dispatch", value={"kind": "nested", "event": "u"}),
        ("streams", "generation_updates", "dispatch"),
        "required",
        True,
    ),
    # The generator ignores these or emits broken code; only the schema catches them.
    (
        "misspelt operation key",
        "router",
        _set("operations", "router_models", "erorrs", value={404: "not_found"}),
        ("operations", "router_models"),
        "additionalProperties",
        False,
    ),
    (
        "field dispatch on an SSE stream",
        "router",
        _set(
            "streams", "chat_completion_chunks", "dispatch", value={"kind": "field", "path": ["x"]}
        ),
        ("streams", "chat_completion_chunks", "dispatch", "kind"),
        "enum",
        False,
    ),
    (
        "stream name that is not an identifier",
        "hailuo",
        _set("streams", "chat-events", value={}),
        ("streams",),
        "pattern",
        False,
    ),
    (
        "date without a day",
        "huggingchat",
        _set("types", "SendMessage", "fields", "timezone?", "since", value="2026-04"),
        ("types", "SendMessage", "fields", "timezone?", "since"),
        "pattern",
        False,
    ),
    (
        "query parameter named like a builder local",
        "hailuo",
        _set("operations", "send_message", "query", 4, "param", value="url"),
        ("operations", "send_message", "query", 4, "param"),
        "not",
        False,
    ),
]


@pytest.mark.parametrize(
    ("spec", "mutate", "path", "keyword_"),
    [pytest.param(*case[1:5], id=case[0]) for case in MISTAKES],
)
def test_schema_rejects(
    spec: str, mutate: Callable[[Any], None], path: tuple[Any, ...], keyword_: str
) -> None:
    doc = copy.deepcopy(load_raw(spec))
    assert VALIDATOR.is_valid(to_json_data(doc))
    mutate(doc)
    found = {(tuple(e.absolute_path), e.validator) for e in all_errors(to_json_data(doc))}
    assert (path, keyword_) in found, sorted(found, key=str)


@pytest.mark.parametrize(
    ("spec", "mutate"),
    [pytest.param(*case[1:3], id=case[0]) for case in MISTAKES if case[5]],
)
def test_generator_rejects_it_too(spec: str, mutate: Callable[[Any], None]) -> None:
    doc = copy.deepcopy(load_raw(spec))
    source = f"spec/{spec}.yaml"
    model.Loader(source, yaml.safe_dump(doc, sort_keys=False).encode()).load()  # round trip
    mutate(doc)
    with pytest.raises(model.SpecProblems):
        model.Loader(source, yaml.safe_dump(doc, sort_keys=False).encode()).load()
