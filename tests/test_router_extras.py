"""codec.router: calculate_length and every step of the trimming policy of hf-inference.md §7.5."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codec.router import calculate_length, trim_messages

Message = dict[str, object]


def sys(content: object) -> Message:
    return {"role": "system", "content": content}


def user(content: object) -> Message:
    return {"role": "user", "content": content}


def bot(content: object) -> Message:
    return {"role": "assistant", "content": content}


def image(url: str = "https://example.invalid/a.png") -> dict[str, object]:
    return {"type": "image_url", "image_url": {"url": url}}


def text(value: str) -> dict[str, object]:
    return {"type": "text", "text": value}


# --- calculate_length -----------------------------------------------------------------------


def test_length_of_the_documented_example() -> None:
    # 6 + 16 + 9 + 16: characters, not UTF-8 bytes.
    assert calculate_length([{"content": "Привет"}, {"content": "Как дела?"}]) == 47


def test_length_of_no_messages() -> None:
    assert calculate_length([]) == 0


def test_list_content_counts_its_text_parts() -> None:
    content = [text("abcd"), image(), text("de"), {"type": "text"}, "stray"]
    assert calculate_length([user(content)]) == 4 + 2 + 16
    # The original counted list items: 5 + 16 here.
    assert calculate_length([user(content)]) != len(content) + 16
    assert calculate_length([user([])]) == 16
    assert calculate_length([user((text("tuple"),))]) == 5 + 16


def test_none_or_missing_content_counts_zero() -> None:
    assert calculate_length([user(None), {"role": "assistant"}]) == 32


def test_other_content_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="content"):
        calculate_length([user(42)])
    with pytest.raises(TypeError, match="content"):
        calculate_length([user({"text": "not a list"})])


# --- trim_messages: each step ---------------------------------------------------------------


def test_step1_fitting_messages_come_back_unchanged() -> None:
    messages = [sys("s"), user("  hi  "), bot("yo")]
    result = trim_messages(messages, calculate_length(messages))
    assert result == messages
    assert all(r is not m for r, m in zip(result, messages, strict=True))


def test_step2_keeps_three_at_each_end() -> None:
    messages = [sys("s"), user("u1"), bot("a1"), user("x" * 100), bot("a2"), user("u3"), bot("a3")]
    # Too long whole; without the long middle message it fits.
    result = trim_messages(messages, calculate_length(messages) - 1)
    assert result == messages[:3] + messages[-3:]


def test_step2_applies_only_to_more_than_six_messages() -> None:
    messages = [sys("s"), user("u1"), bot("x" * 100), user("u2"), bot("a2"), user("u3")]
    result = trim_messages(messages, calculate_length(messages) - 1)
    # Six messages: straight to steps 3-4 (system messages and the last user turn).
    assert result == [sys("s"), user("u3")]


def test_step2_fix_keeps_the_last_user_message_when_the_ends_miss_it() -> None:
    messages: list[Message] = [
        sys("s"),
        user("u1"),
        bot("a1"),
        bot("x" * 100),
        user("the question"),
        bot("tool call"),
        {"role": "tool", "content": "tool result"},
        bot("more"),
    ]
    result = trim_messages(messages, calculate_length(messages) - 1)
    assert result == [*messages[:3], user("the question"), *messages[-3:]]


def test_step4_keeps_system_messages_and_the_last_user_turn() -> None:
    messages = [sys("s1"), user("u1" * 50), bot("a1"), sys("s2"), user("u2")]
    limit = calculate_length([sys("s1"), sys("s2"), user("u2")])
    assert trim_messages(messages, limit) == [sys("s1"), sys("s2"), user("u2")]


def test_step5_last_user_turn_alone() -> None:
    messages = [sys("s" * 100), user("u1"), bot("a1"), user("u2")]
    assert trim_messages(messages, 50) == [user("u2")]


def test_step5_keeps_the_turn_even_when_it_alone_is_too_long() -> None:
    messages = [sys("s"), bot("a"), user("q" * 100)]
    result = trim_messages(messages, 10)
    assert result == [user("q" * 100)]
    assert calculate_length(result) > 10


def test_last_user_turn_joins_the_trailing_run_stripped() -> None:
    messages = [sys("s"), bot("a" * 100), user("  first \n"), user(None), user("\tsecond  ")]
    result = trim_messages(messages, 60)
    assert result == [sys("s"), user("first\nsecond")]


def test_last_user_turn_skips_trailing_non_user_messages() -> None:
    # The original took "" as the last user message here.
    messages = [sys("s"), user("old"), bot("a" * 100), user("question"), bot("prefill")]
    assert trim_messages(messages, 60) == [sys("s"), user("question")]


def test_last_user_turn_does_not_reach_past_a_non_user_message() -> None:
    messages = [user("older"), bot("a" * 100), user("newer")]
    assert trim_messages(messages, 20) == [user("newer")]


def test_last_user_turn_keeps_list_content_parts() -> None:
    # The original skipped the list-content message and kept only " caption " stripped.
    picture = [text("what is this?"), image()]
    messages = [sys("s" * 100), bot("a"), user(picture), user(" caption ")]
    result = trim_messages(messages, 40)
    assert result == [user([text("what is this?"), image(), text("caption")])]


def test_no_user_message_stops_after_step2() -> None:
    messages = [sys("s" * 50), bot("a" * 50)]
    assert trim_messages(messages, 10) == messages
    many = [bot(str(i) * 20) for i in range(8)]
    assert trim_messages(many, 10) == many[:3] + many[-3:]


def test_fix_system_and_user_is_never_sent_without_the_user() -> None:
    # The original popped both messages off the list and sent [].
    messages = [sys("s" * 100), user("hello")]
    assert trim_messages(messages, 50) == [user("hello")]


def test_fix_system_and_two_users_is_never_sent_empty() -> None:
    # The original popped all three and sent [].
    messages = [sys("s"), user("a" * 100), user("b")]
    limit = calculate_length([sys("s"), user("a" * 100 + "\nb")])
    assert trim_messages(messages, limit) == [sys("s"), user("a" * 100 + "\nb")]
    assert trim_messages(messages, 50) == [user("a" * 100 + "\nb")]


def test_single_over_long_user_message_is_kept_as_is() -> None:
    messages = [{"role": "user", "content": " long " * 20, "name": "me"}]
    assert trim_messages(messages, 10) == messages


def test_caller_list_and_dicts_are_never_changed() -> None:
    messages = [
        sys("s"),
        user([text("a"), image()]),
        bot("b" * 100),
        user(" c "),
        user(" d "),
    ]
    before = copy.deepcopy(messages)
    for limit in [1000, 100, 50, 0]:
        result = trim_messages(messages, limit)
        assert messages == before
        for message in result:
            message["role"] = "changed"
            content = message.get("content")
            if isinstance(content, list):
                for part in content:
                    if isinstance(part, dict):
                        part["type"] = "changed"
        assert messages == before


# --- property ---------------------------------------------------------------------------------

parts = st.lists(
    st.one_of(
        st.builds(text, st.text(alphabet="ab \n", max_size=8)),
        st.just(image()),
    ),
    max_size=3,
)
contents = st.one_of(st.none(), st.text(alphabet="ab \n", max_size=30), parts)
messages_strategy = st.lists(
    st.builds(
        lambda role, content: {"role": role, "content": content},
        st.sampled_from(["system", "user", "assistant", "tool"]),
        contents,
    ),
    max_size=12,
)


def expected_turn(messages: list[Message]) -> Message | None:
    """A straightforward model of step 3's last user turn."""
    roles = [m["role"] for m in messages]
    if "user" not in roles:
        return None
    end = len(roles) - roles[::-1].index("user")
    start = end
    while start > 0 and roles[start - 1] == "user":
        start -= 1
    run = [m["content"] for m in messages[start:end] if m["content"] is not None]
    if all(isinstance(c, str) for c in run):
        return user("\n".join(str(c).strip() for c in run))
    flat: list[object] = []
    for c in run:
        flat.extend([text(c.strip())] if isinstance(c, str) else c)  # type: ignore[arg-type]
    return user(flat)


def last_user(messages: list[Message]) -> Message | None:
    return next((m for m in reversed(messages) if m["role"] == "user"), None)


@given(messages=messages_strategy, max_length=st.integers(0, 300))
def test_trimming_properties(messages: list[Message], max_length: int) -> None:
    """What always holds of the result.

    * The input is unchanged.
    * Fitting input comes back equal; otherwise no longer than the input.
    * Every message is an input message or the last user turn of step 3.
    * With a user message in the input, the result holds the last user
      message itself or the last user turn (which ends with its content),
      and the result fits ``max_length`` unless it is a single message.
    """
    before = copy.deepcopy(messages)
    result = trim_messages(messages, max_length)
    assert messages == before
    if calculate_length(messages) <= max_length:
        assert result == messages
    assert len(result) <= len(messages)
    turn = expected_turn(messages)
    assert all(m in messages or m == turn for m in result)
    last = last_user(messages)
    if last is None:
        return
    assert turn is not None
    assert last in result or turn in result
    if turn in result and last not in result:
        turn_content, last_content = turn["content"], last["content"]
        if isinstance(last_content, str) and isinstance(turn_content, str):
            assert turn_content.endswith(last_content.strip())
        elif isinstance(last_content, str):
            assert isinstance(turn_content, list)
            assert turn_content[-1] == text(last_content.strip())
        elif isinstance(last_content, list):
            assert isinstance(turn_content, list)
            assert turn_content[len(turn_content) - len(last_content) :] == last_content
    assert len(result) == 1 or calculate_length(result) <= max_length
