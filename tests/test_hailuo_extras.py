"""codec.hailuo: the yy signature vectors of hailuo.md §6.3 and cumulative-content pieces (§8.2)."""

from __future__ import annotations

import hashlib
import json
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codec.framing import SSEDecoder
from codec.hailuo import (
    ContentDelta,
    ContentPiece,
    ContentSnapshot,
    CumulativeText,
    chat_body_to_yy,
    deltas,
    encode_uri_component,
    json_body_to_yy,
    sign,
    sign_yy,
)
from tests.conftest import DATA
from tests.framing_helpers import run

# The worked example of §6.3 (synthetic values).
PATH = (
    "/v4/api/chat/msg?device_platform=web&biz_id=2&app_id=3001&version_code=22201&lang=en"
    "&uuid=3f2b8c1e-7a4d-4e9b-9c21-5d6e7f8a9b0c&device_id=301234567890123456&os_name=Windows"
    "&browser_name=chrome&cpu_core_num=8&browser_language=en-US&browser_platform=Win32"
    "&screen_width=1920&screen_height=1080&unix=1735689600000"
)
TIMESTAMP = 1735689600000
NEW_CHAT = {
    "characterID": "1",
    "msgContent": "Hello!\nWhat is 2+2?",
    "chatID": "0",
    "searchMode": "0",
}
CONTINUED = {
    "characterID": "1",
    "msgContent": "And 3+3?",
    "chatID": "312345678901234567",
    "searchMode": "0",
}
MD5_1 = "c4ca4238a0b923820dcc509a6f75849b"
MD5_0 = "cfcd208495d565ef66e7dff9f98764da"
MD5_EMPTY = "d41d8cd98f00b204e9800998ecf8427e"

FINAL_TEXT = (
    "Hello in Chinese is 你好 (nǐ hǎo).\n\n"
    '- 你 (nǐ) means "you"\n'
    '- 好 (hǎo) means "good"\n\n'
    "Together they form the everyday greeting."
)


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


# --- encodeURIComponent ---------------------------------------------------------------------


def test_encode_uri_component_of_the_worked_example_path() -> None:
    expected = (
        "%2Fv4%2Fapi%2Fchat%2Fmsg%3Fdevice_platform%3Dweb%26biz_id%3D2%26app_id%3D3001"
        "%26version_code%3D22201%26lang%3Den%26uuid%3D3f2b8c1e-7a4d-4e9b-9c21-5d6e7f8a9b0c"
        "%26device_id%3D301234567890123456%26os_name%3DWindows%26browser_name%3Dchrome"
        "%26cpu_core_num%3D8%26browser_language%3Den-US%26browser_platform%3DWin32"
        "%26screen_width%3D1920%26screen_height%3D1080%26unix%3D1735689600000"
    )
    assert encode_uri_component(PATH) == expected
    # §6.3: identical to Python's quote here, since the path has none of ! ' ( ) *.
    assert urllib.parse.quote(PATH, safe="") == expected


def test_encode_uri_component_keeps_the_js_marks_that_quote_escapes() -> None:
    assert encode_uri_component("!'()*") == "!'()*"
    assert urllib.parse.quote("!'()*", safe="") == "%21%27%28%29%2A"
    # Only those five printable ASCII characters differ between the two encoders.
    differing = [
        c
        for c in map(chr, range(0x20, 0x7F))
        if encode_uri_component(c) != urllib.parse.quote(c, safe="")
    ]
    assert differing == ["!", "'", "(", ")", "*"]


def test_encode_uri_component_unreserved_and_reserved_ascii() -> None:
    unreserved = "ABCXYZabcxyz0189-_.~"
    assert encode_uri_component(unreserved) == unreserved
    assert encode_uri_component(" /?#&=+%:@,;$") == "%20%2F%3F%23%26%3D%2B%25%3A%40%2C%3B%24"
    assert encode_uri_component("\x00\x7f") == "%00%7F"


def test_encode_uri_component_non_ascii_is_utf8_with_uppercase_hex() -> None:
    assert encode_uri_component("é") == "%C3%A9"
    assert encode_uri_component("你好") == "%E4%BD%A0%E5%A5%BD"
    assert encode_uri_component("🙂") == "%F0%9F%99%82"  # one code point, four bytes
    for text in ["é", "你好", "🙂", "a b"]:
        assert encode_uri_component(text) == urllib.parse.quote(text, safe="")


def test_encode_uri_component_rejects_a_lone_surrogate() -> None:
    # JS throws URIError; here it is a UnicodeEncodeError, which is a ValueError.
    with pytest.raises(ValueError, match="surrogate"):
        encode_uri_component("a\ud800b")


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_encode_uri_component_round_trips_and_matches_quote_with_js_safe_set(text: str) -> None:
    encoded = encode_uri_component(text)
    assert encoded.isascii()
    assert encoded == urllib.parse.quote(text, safe="-_.!~*'()")
    assert urllib.parse.unquote(encoded, errors="strict") == text


# --- bodyToYY and yy ------------------------------------------------------------------------


def test_worked_example_intermediate_values() -> None:
    assert md5("1") == MD5_1
    assert md5("Hello!What is 2+2?") == "4b1c3a4f241196af737470dce21afe63"
    assert md5("0") == MD5_0
    assert md5("") == MD5_EMPTY
    assert md5(str(TIMESTAMP)) == "3387e9ccbe1f1e5fc766f4fdbad31264"
    body = chat_body_to_yy(NEW_CHAT)
    assert body == MD5_1 + "4b1c3a4f241196af737470dce21afe63" + MD5_0 + MD5_EMPTY
    combined = encode_uri_component(PATH) + "_" + body + md5(str(TIMESTAMP)) + "ooui"
    assert len(combined) == 541
    assert md5(combined) == sign(PATH, body, TIMESTAMP)


def test_worked_example_new_chat() -> None:
    assert sign_yy(PATH, NEW_CHAT, TIMESTAMP) == "c20b878e2b97493577eebefb344a2010"


def test_worked_example_continued_chat() -> None:
    assert chat_body_to_yy(CONTINUED) == (
        MD5_1 + "8f65371d981f041202ad5aae6de49b77a020548c498881f1fa1958b31f01f0f8" + MD5_EMPTY
    )
    assert sign_yy(PATH, CONTINUED, TIMESTAMP) == "5ba6d7c9fda97e0ee7a190b90cb5767c"


def test_short_query_vector() -> None:
    form = {"characterID": "1", "msgContent": "hello world", "chatID": "0"}
    body = chat_body_to_yy(form)
    assert body == MD5_1 + "5eb63bbbe01eeed093cb22bb8f5acdc3" + MD5_0 + MD5_EMPTY
    path = "/v4/api/chat/msg?device_platform=web&biz_id=2&app_id=3001"
    assert sign(path, body, 1700000000000) == "6893d64988ecf45b1de1808b91ae855b"
    assert sign_yy(path, form, 1700000000000) == "6893d64988ecf45b1de1808b91ae855b"


def test_json_body_vector() -> None:
    path = (
        "/api/feed/creation/my/processing?device_platform=web&app_id=3001&version_code=22203"
        "&biz_id=0&unix=1789922767000&lang=zh-Intl&uuid=00000000-0000-4000-8000-000000000000"
        "&device_id=100000000000000000&os_name=Mac&browser_name=chrome&device_memory=32"
        "&cpu_core_num=10&browser_language=zh-CN&browser_platform=MacIntel&screen_width=2560"
        "&screen_height=1440"
    )
    body = json_body_to_yy({"projectID": "0"})
    assert body == '{"projectID":"0"}'
    assert sign(path, body, 1789922767000) == "d769e03f5e9a659697e0447a38dc4148"


def test_signature_is_lowercase_hex_and_depends_on_every_input() -> None:
    base = sign_yy(PATH, NEW_CHAT, TIMESTAMP)
    assert len(base) == 32
    assert base == base.lower()
    int(base, 16)
    assert sign_yy(PATH + "x", NEW_CHAT, TIMESTAMP) != base
    assert sign_yy(PATH, NEW_CHAT, TIMESTAMP + 1) != base
    assert sign_yy(PATH, {**NEW_CHAT, "chatID": "1"}, TIMESTAMP) != base


@pytest.mark.parametrize(
    "content",
    ["hello\r\nworld", "hello\nworld", "hello\rworld", "\nhello\r\n\r\nworld\r", "helloworld"],
)
def test_cr_and_lf_are_removed_before_hashing(content: str) -> None:
    form = {"characterID": "1", "chatID": "0", "msgContent": content}
    assert chat_body_to_yy(form) == chat_body_to_yy({**form, "msgContent": "helloworld"})


def test_other_whitespace_is_hashed() -> None:
    form = {"characterID": "1", "chatID": "0", "msgContent": "hello world"}
    assert chat_body_to_yy(form) != chat_body_to_yy({**form, "msgContent": "helloworld"})
    assert chat_body_to_yy(form) != chat_body_to_yy({**form, "msgContent": "hello\tworld"})


def test_search_mode_is_not_signed_but_form_is() -> None:
    assert chat_body_to_yy(NEW_CHAT) == chat_body_to_yy({**NEW_CHAT, "searchMode": "1"})
    attachments = '[{"name":"","formType":1,"content":"hi"}]'
    with_form = chat_body_to_yy({**NEW_CHAT, "form": attachments})
    assert with_form[-32:] == md5(attachments)
    assert with_form[:96] == chat_body_to_yy(NEW_CHAT)[:96]
    # An empty form field hashes as the absent one: md5("").
    assert chat_body_to_yy({**NEW_CHAT, "form": ""}) == chat_body_to_yy(NEW_CHAT)


@pytest.mark.parametrize("key", ["characterID", "msgContent", "chatID"])
def test_missing_required_field_is_named(key: str) -> None:
    form = {k: v for k, v in NEW_CHAT.items() if k != key}
    with pytest.raises(ValueError, match=key):
        chat_body_to_yy(form)


@pytest.mark.parametrize("key", ["characterID", "msgContent", "chatID", "form"])
def test_non_string_field_is_a_type_error(key: str) -> None:
    form: dict[str, object] = {**NEW_CHAT, key: 1}
    with pytest.raises(TypeError, match=key):
        chat_body_to_yy(form)  # type: ignore[arg-type]


def test_timestamp_must_be_an_int() -> None:
    body = chat_body_to_yy(NEW_CHAT)
    with pytest.raises(TypeError, match="timestamp"):
        sign(PATH, body, "1735689600000")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="timestamp"):
        sign(PATH, body, True)


def test_json_body_is_compact_and_keeps_non_ascii() -> None:
    body = {"a": [1, True, None], "b": {"c": "你好"}, "d": 'q"\\'}
    assert json_body_to_yy(body) == '{"a":[1,true,null],"b":{"c":"你好"},"d":"q\\"\\\\"}'
    assert json_body_to_yy({}) == "{}"
    with pytest.raises(ValueError, match="not JSON compliant"):
        json_body_to_yy({"x": float("nan")})


# --- cumulative content ---------------------------------------------------------------------


def hailuo_contents() -> list[str]:
    """``data.messageResult.content`` of every ``message_result`` event of the example."""
    data = (DATA / "examples" / "hailuo.stream.sse").read_bytes()
    events = run(SSEDecoder(), [data])
    return [
        json.loads(e.data)["data"]["messageResult"]["content"]
        for e in events
        if e.event == "message_result"
    ]


def apply(pieces: list[ContentPiece], start: str = "") -> str:
    text = start
    for piece in pieces:
        if isinstance(piece, ContentDelta):
            text += piece.text
        else:
            text = piece.text
    return text


def test_example_stream_deltas_join_to_the_final_text() -> None:
    contents = hailuo_contents()
    assert len(contents) == 16
    assert contents[-1] == FINAL_TEXT
    assert contents[3].endswith("\ufffd")  # the transient cut character of §12
    pieces = list(deltas(contents))
    assert all(isinstance(p, ContentDelta) for p in pieces)
    assert all("\ufffd" not in p.text for p in pieces)
    assert "".join(p.text for p in pieces) == FINAL_TEXT
    # The held-back character comes out with the text that replaced it (§12).
    assert [p.text for p in pieces[:4]] == ["Hello", " in Chinese", " is 你", "好 (nǐ"]
    # No empty deltas: the empty first content and the repeated final one give nothing.
    assert all(p.text for p in pieces)
    assert len(pieces) == 14


def test_the_g4f_slicing_would_have_emitted_the_replacement_character() -> None:
    # The regression the example exists for (§12): slicing by length emits U+FFFD.
    contents = hailuo_contents()
    naive = "".join(c[len(p) :] for p, c in zip(["", *contents], contents, strict=False))
    assert "你\ufffd" in naive
    assert "".join(p.text for p in deltas(contents)) != naive


def test_update_returns_pieces_and_text_tracks_what_was_given() -> None:
    text = CumulativeText()
    assert text.update("") == []
    assert text.update("ab") == [ContentDelta("ab")]
    assert text.text == "ab"
    assert text.update("ab") == []
    assert text.update("abc\ufffd") == [ContentDelta("c")]
    assert text.text == "abc"
    assert text.update("abc\ufffd\ufffd") == []  # one U+FFFD per byte, still held (§13 item 8)
    assert text.update("abc好d") == [ContentDelta("好d")]
    assert text.finish() == []
    assert text.text == "abc好d"


def test_a_rewrite_gives_a_snapshot() -> None:
    text = CumulativeText()
    assert text.update("Hello wrold") == [ContentDelta("Hello wrold")]
    assert text.update("Hello world!") == [ContentSnapshot("Hello world!")]
    assert text.update("Hello world! Bye") == [ContentDelta(" Bye")]
    assert text.text == "Hello world! Bye"


def test_shrinking_gives_a_snapshot() -> None:
    text = CumulativeText()
    text.update("abc")
    assert text.update("ab") == [ContentSnapshot("ab")]
    assert text.update("") == [ContentSnapshot("")]
    assert text.text == ""


def test_a_replacement_character_that_replaces_given_text_gives_a_snapshot() -> None:
    text = CumulativeText()
    text.update("abc")
    assert text.update("ab\ufffd") == [ContentSnapshot("ab")]
    assert text.update("abc") == [ContentDelta("c")]


def test_inner_replacement_character_is_given_out() -> None:
    # Only a trailing run is held back; one followed by text is part of the answer.
    assert list(deltas(["a\ufffdb"])) == [ContentDelta("a\ufffdb")]


def test_finish_gives_out_a_real_trailing_replacement_character() -> None:
    text = CumulativeText()
    assert text.update("x\ufffd\ufffd") == [ContentDelta("x")]
    assert text.finish() == [ContentDelta("\ufffd\ufffd")]
    assert text.text == "x\ufffd\ufffd"
    assert text.finish() == []


def test_finish_without_content_and_update_after_finish() -> None:
    text = CumulativeText()
    assert text.finish() == []
    assert text.text == ""
    with pytest.raises(RuntimeError, match="finished"):
        text.update("late")


def test_content_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="content"):
        CumulativeText().update(None)  # type: ignore[arg-type]


def test_deltas_is_lazy_and_finishes_at_the_end() -> None:
    pieces = deltas(iter(["a", "ab\ufffd"]))
    assert next(pieces) == ContentDelta("a")
    assert next(pieces) == ContentDelta("b")
    assert next(pieces) == ContentDelta("\ufffd")
    assert list(pieces) == []
    assert list(deltas([])) == []


def test_pieces_are_frozen() -> None:
    piece = ContentDelta("a")
    with pytest.raises(AttributeError):
        piece.text = "b"  # type: ignore[misc]
    snapshots: list[ContentPiece] = [ContentSnapshot("a")]
    assert piece not in snapshots  # same text, different meaning


def _broken(text: str, cut: int, fffds: int) -> str:
    return text[:cut] + "\ufffd" * fffds


growing = st.builds(
    lambda text, cuts: [_broken(text, c, n) for c, n in cuts] + [text],
    st.text(alphabet="ab你\ufffd\n", max_size=12),
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 3)), max_size=8),
)
anything = st.lists(st.text(alphabet="ab你\ufffd", max_size=6), min_size=1, max_size=10)


@given(st.one_of(growing, anything))
def test_pieces_always_rebuild_the_last_content(contents: list[str]) -> None:
    text = CumulativeText()
    shown = ""
    for content in contents:
        pieces = text.update(content)
        assert all(p.text for p in pieces if isinstance(p, ContentDelta))
        assert len(pieces) <= 1
        shown = apply(pieces, shown)
        assert shown == text.text
        assert shown == content.rstrip("\ufffd")
    final = text.finish()
    assert all(p.text for p in final if isinstance(p, ContentDelta))
    assert apply(final, shown) == contents[-1]
    assert text.text == contents[-1]
    assert apply(list(deltas(contents))) == contents[-1]


@given(st.text(alphabet="ab你\ufffd", max_size=20))
def test_growing_prefixes_never_give_a_snapshot(final: str) -> None:
    # A service that only ever appends yields deltas only, however its text is cut.
    prefixes = [final[:i] for i in range(len(final) + 1)]
    pieces = list(deltas(prefixes))
    assert all(isinstance(p, ContentDelta) for p in pieces)
    assert "".join(p.text for p in pieces) == final
