"""``hfclient drift`` and ``hfclient.drift.check``: the corpus is clean; planted drift is found,
exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import attrs

from hfclient.drift import DriftGroup, check
from hfclient.transport.cassette import Cassette, Chunk, Exchange, dump, load
from tests.cli.runner import FIXTURES, ROOT, clean_env, hfclient
from tests.conftest import DATA

DEMO = ROOT / "hfclient" / "demo" / "cassettes"
SHOWN = ("kind", "service", "operation", "event", "path", "detail", "count")


def shown(groups: tuple[DriftGroup, ...]) -> set[tuple[object, ...]]:
    return {tuple(getattr(g, name) for name in SHOWN) for g in groups}


def planted(
    tmp: Path,
    name: str,
    exchange: int,
    *,
    replace: tuple[bytes, bytes] | None = None,
    prepend: bytes = b"",
    status: int | None = None,
    content_type: str | None = None,
    fault: str | None = None,
) -> Path:
    """A copy of corpus cassette ``name`` with one exchange changed (its fault set to ``fault``)."""
    cassette = load(FIXTURES / f"{name}.yaml")
    exchanges = list(cassette.exchanges)
    response = exchanges[exchange].response
    body = prepend + response.body
    if replace is not None:
        assert replace[0] in body
        body = body.replace(*replace)
    headers = response.headers
    if content_type is not None:
        headers = tuple((k, content_type if k == "content-type" else v) for k, v in headers)
    response = attrs.evolve(
        response,
        chunks=(Chunk(body, 0.1),),
        headers=headers,
        status=response.status if status is None else status,
    )
    exchanges[exchange] = attrs.evolve(exchanges[exchange], response=response)
    path = tmp / f"{name.replace('/', '-')}-{len(list(tmp.iterdir()))}.yaml"
    dump(attrs.evolve(cassette, exchanges=tuple(exchanges), fault=fault), path)
    return path


def test_the_corpus_the_real_recordings_and_the_demo_have_no_drift() -> None:
    report = check([FIXTURES / "router", FIXTURES / "hailuo", DATA / "real", DEMO])
    assert report.groups == ()
    assert report.clean
    folders = [FIXTURES / "router", FIXTURES / "hailuo", DATA / "real", DEMO]
    count = sum(len(list(folder.glob("*.yaml"))) for folder in folders)
    assert report.cassettes == count
    assert report.text().startswith(f"no drift: {count} cassettes")


def test_the_huggingchat_corpus_and_its_spec_agree() -> None:
    # The elicitation updates of web-search-error-elicitation follow chat-ui's shapes
    # (src/lib/types/MessageUpdate.ts), which the spec names: nothing drifts.
    report = check([FIXTURES / "huggingchat"])
    assert report.groups == ()
    assert report.text().startswith("no drift:")


def test_planted_drift_is_reported_exactly(tmp_path: Path) -> None:
    paths = [
        # a new key inside a delta, and a finish_reason of the wrong type
        planted(
            tmp_path,
            "router/tool-result-turn",
            1,
            replace=(b'"delta":{"content":" weather"}', b'"delta":{"content":" weather","x":1}'),
        ),
        planted(
            tmp_path,
            "router/tool-result-turn",
            1,
            replace=(b'"finish_reason":"stop"', b'"finish_reason":5'),
        ),
        # an event name the spec does not know
        planted(
            tmp_path,
            "hailuo/new-chat",
            0,
            prepend=b'event:brand_new\ndata:{"type":9,"statusInfo":{"code":0}}\n\n',
        ),
        # a status and a content type the operation does not name
        planted(tmp_path, "router/401-auth", 1, status=418),
        planted(tmp_path, "router/tool-result-turn", 1, content_type="text/plain"),
    ]
    report = check(paths)
    assert shown(report.groups) == {
        ("extra", "router", "provider_chat_completions", "ChatCompletionChunk",
         "choices[].delta.x", None, 1),
        ("mismatched", "router", "provider_chat_completions", "ChatCompletionChunk",
         "choices[].finish_reason", "expected str | null, got int", 1),
        ("unknown", "hailuo", "send_message", "brand_new", None, None, 1),
        ("status", "router", "provider_chat_completions", None, None, "418", 1),
        ("content-type", "router", "provider_chat_completions", None, None, "text/plain", 1),
    }  # fmt: skip
    assert not report.clean
    extra = next(g for g in report.groups if g.kind == "extra")
    assert extra.where == (f"{paths[0]}#2",)


def test_a_fault_cassettes_declared_fault_is_not_drift(tmp_path: Path) -> None:
    path = planted(tmp_path, "router/401-auth", 1, status=418, fault="a teapot, on purpose")
    assert check([path]).clean
    assert check([FIXTURES / "router" / "truncated-body.yaml"]).clean


def test_drift_in_a_vcrpy_cassette(tmp_path: Path) -> None:
    source = DATA / "real" / "router-cerebras-stream.vcr.yaml"
    copy = tmp_path / "cerebras.vcr.yaml"
    copy.write_text(source.read_text().replace('"time_info"', '"timing_info"'))
    assert shown(check([copy]).groups) == {
        ("extra", "router", "provider_chat_completions", "ChatCompletionChunk",
         "timing_info", None, 1),
    }  # fmt: skip


def test_the_command_exits_0_when_clean_and_1_on_drift_with_json(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    clean = hfclient("drift", str(FIXTURES / "hailuo"), str(DATA / "real"), env=env)
    count = len(list((FIXTURES / "hailuo").glob("*.yaml"))) + len(
        list((DATA / "real").glob("*.yaml"))
    )
    assert clean.returncode == 0
    assert re.fullmatch(rf"no drift: {count} cassettes, \d+ exchanges\n", clean.stdout)
    drifted = planted(tmp_path, "router/401-auth", 1, status=418)
    text = hfclient("drift", str(drifted), env=env)
    assert text.returncode == 1
    assert text.stdout.splitlines() == [
        "drift: 1 findings in 1 groups (1 cassettes, 2 exchanges)",
        f"  router/provider_chat_completions: status 418 is not named by the operation "
        f"(1x, e.g. {drifted}#2)",
    ]
    machine = hfclient("drift", "--json", str(drifted), env=env)
    assert machine.returncode == 1
    report = json.loads(machine.stdout)
    assert report["clean"] is False
    assert report["groups"] == [
        {
            "kind": "status",
            "service": "router",
            "operation": "provider_chat_completions",
            "event": None,
            "path": None,
            "detail": "418",
            "count": 1,
            "where": [f"{drifted}#2"],
        }
    ]


def test_a_file_that_is_not_a_cassette_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("just: text\n")
    done = hfclient("drift", str(bad), env=clean_env(tmp_path))
    assert done.returncode == 2
    assert "is not a cassette" in done.stderr


def test_a_superjson_answer_is_unwrapped_before_its_record_is_checked(tmp_path: Path) -> None:
    def page(extra: str = "") -> bytes:
        conversation = (
            f'{{"_id":"a","id":"a","title":"t","updatedAt":"2026-08-01T10:00:00.000Z"{extra}}}'
        )
        meta = '"meta":{"values":{"conversations.0.updatedAt":["Date"]}}'
        return f'{{"json":{{"conversations":[{conversation}],"hasMore":false}},{meta}}}'.encode()

    url = "https://huggingface.co/chat/api/v2/conversations?p=0"
    json_type = [("content-type", "application/json")]
    paths = []
    for name, body in (("clean", page()), ("drifted", page(',"pinned":true'))):
        exchange = Exchange.of("GET", url, 200, json_type, [body])
        paths.append(tmp_path / f"{name}.yaml")
        dump(Cassette((exchange,), service="huggingchat"), paths[-1])
    assert check(paths[:1]).clean
    assert shown(check(paths[1:]).groups) == {
        ("extra", "huggingchat", "list_conversations", "ConversationPage",
         "conversations[].pinned", None, 1),
    }  # fmt: skip
