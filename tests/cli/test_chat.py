"""``hfclient chat``, run as a user runs it, against the corpus over the replay server."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.runner import FIXTURES, cassettes, clean_env, hfclient

ROUTER_MODEL = "meta-llama/Llama-3.3-70B-Instruct"
HC_MODEL = "Qwen/Qwen3-235B-A22B"
TLS = "How does a browser check a TLS certificate?"
PARIS = "The weather in Paris is mild, 14°C and cloudy."


@pytest.mark.parametrize("transport", ["anyio", "curl"])
def test_router_failover_prints_the_answer_then_provider_and_usage(
    tmp_path: Path, transport: str
) -> None:
    replay = str(FIXTURES / "router" / "402-failover.yaml")
    done = hfclient(
        "chat", "--transport", transport, "--replay", replay, "--model", ROUTER_MODEL,
        "Weather in Paris?", env=clean_env(tmp_path),
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        PARIS,
        "provider: groq (llama-3.3-70b-versatile)",
        "usage: 41 prompt + 12 completion = 53 tokens",
    ]


def test_reasoning_is_set_apart_under_headings_when_not_a_terminal(tmp_path: Path) -> None:
    replay = str(FIXTURES / "huggingchat" / "new-conversation.yaml")
    done = hfclient(
        "chat", "--service", "huggingchat", "--replay", replay, "--model", HC_MODEL, TLS,
        env=clean_env(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "[reasoning]"
    assert lines[1].startswith("Okay, the user wants a short answer.")
    assert lines[2] == "[answer]"
    assert lines[3] == "A browser trusts it only if:"
    assert "title: Browser TLS certificate trust" in lines
    assert lines[-1] == "provider: novita (deepseek-ai/DeepSeek-R1-0528)"
    assert "\x1b[" not in done.stdout


def test_json_is_one_unified_event_per_line(tmp_path: Path) -> None:
    replay = str(FIXTURES / "router" / "402-failover.yaml")
    done = hfclient(
        "chat", "--json", "--replay", replay, "--model", ROUTER_MODEL, "Weather in Paris?",
        env=clean_env(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert all(next(iter(event)) == "type" for event in events)
    assert "".join(e["text"] for e in events if e["type"] == "TextDelta") == PARIS
    provider = {"type": "ProviderInfo", "provider": "groq", "model": "llama-3.3-70b-versatile"}
    assert provider in events
    usage = next(e for e in events if e["type"] == "Usage")
    assert (usage["prompt_tokens"], usage["total_tokens"]) == (41, 53)
    assert events[-1]["type"] == "Finished"


@pytest.mark.parametrize(
    ("service", "variable"),
    [("router", "HF_TOKEN"), ("huggingchat", "HF_CHAT_COOKIE"), ("hailuo", "HAILUO_TOKEN")],
)
def test_a_missing_credential_is_one_line_naming_it_and_exit_2(
    tmp_path: Path, service: str, variable: str
) -> None:
    model = [] if service == "hailuo" else ["--model", "org/model"]
    done = hfclient("chat", "--service", service, *model, "Hi", env=clean_env(tmp_path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert variable in done.stderr
    assert done.stderr.startswith("hfclient chat: ")


def test_continue_resumes_the_saved_hailuo_chat(tmp_path: Path) -> None:
    folder = cassettes(tmp_path, "hailuo/new-chat", "hailuo/continued-chat")
    env = clean_env(tmp_path / "state")
    first = hfclient(
        "chat", "--service", "hailuo", "--replay", str(folder),
        "How do you say hello in Chinese?", env=env,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Hello in Chinese is 你好 (nǐ hǎo).")
    assert "title: Saying hello in Chinese" in first.stdout
    saved = json.loads((tmp_path / "state" / "hfclient" / "hailuo-replay.json").read_text())
    assert saved["conversation"]["chat_id"] == "312345678901234567"
    second = hfclient(
        "chat", "--service", "hailuo", "--replay", str(folder), "--continue", "And goodbye?",
        env=env,
    )  # fmt: skip
    assert (second.returncode, second.stdout) == (0, "Goodbye is 再见 (zàijiàn).\n")
    saved = json.loads((tmp_path / "state" / "hfclient" / "hailuo-replay.json").read_text())
    assert [m["role"] for m in saved["messages"]] == ["user", "assistant", "user", "assistant"]


def test_continue_without_a_saved_chat_is_a_usage_error(tmp_path: Path) -> None:
    done = hfclient(
        "chat", "--service", "hailuo", "--continue", "--replay", str(FIXTURES / "hailuo"), "Hi",
        env=clean_env(tmp_path),
    )  # fmt: skip
    assert done.returncode == 2
    assert "no saved hailuo conversation" in done.stderr


def test_options_of_another_service_are_usage_errors(tmp_path: Path) -> None:
    done = hfclient("chat", "--web-search", "--model", "m", "Hi", env=clean_env(tmp_path))
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "hfclient chat: --web-search is for --service huggingchat or hailuo",
    )


def test_hailuo_web_search_sends_the_search_mode(tmp_path: Path) -> None:
    # The cassette was recorded without searchMode, which its match rule compares.
    replay = str(FIXTURES / "hailuo" / "web-search-references.yaml")
    args = ["chat", "--service", "hailuo", "--replay", replay, "What's new in Python 3.14?"]
    plain = hfclient(*args, env=clean_env(tmp_path))
    assert plain.returncode == 0, plain.stderr
    assert "  [2] <https://peps.python.org/pep-0750/>" in plain.stdout.splitlines()
    searching = hfclient(*args, "--web-search", env=clean_env(tmp_path))
    assert searching.returncode == 1
    assert "HTTP 404: no recorded exchange for POST /v4/api/chat/msg" in searching.stderr


def test_an_error_status_exits_1_with_one_line(tmp_path: Path) -> None:
    replay = str(FIXTURES / "hailuo" / "400-bad-signature.yaml")
    done = hfclient(
        "chat", "--service", "hailuo", "--replay", replay, "How do you say hello in Chinese?",
        env=clean_env(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("hfclient chat: HTTP 400")


def test_an_error_inside_the_stream_exits_1_after_what_came(tmp_path: Path) -> None:
    replay = str(FIXTURES / "router" / "error-in-stream.yaml")
    done = hfclient(
        "chat", "--replay", replay, "--model", ROUTER_MODEL, "--provider", "hf-inference",
        "Weather in Paris?", env=clean_env(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.startswith("Deep learning\n")
    assert done.stderr.startswith("hfclient chat: router: validation: Input validation error")
    assert len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "hfclient" / "router-replay.json").exists()  # a failed turn: not saved


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    # stdout and stderr on a pseudo-terminal, as in an interactive shell.
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "hfclient", *args],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env,
    )  # fmt: skip
    os.close(follower)
    out = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower side closed: the process ended
            break
        if not data:
            break
        out += data
    os.close(leader)
    return process.wait(timeout=30), out.decode()


def test_on_a_terminal_reasoning_is_dimmed_and_no_color_turns_it_off(tmp_path: Path) -> None:
    args = [
        "chat", "--service", "huggingchat", "--model", HC_MODEL,
        "--replay", str(FIXTURES / "huggingchat" / "new-conversation.yaml"), TLS,
    ]  # fmt: skip
    code, shown = _on_a_terminal(args, clean_env(tmp_path))
    assert code == 0, shown
    assert "\x1b[2mOkay, the user wants a short answer." in shown
    assert "[reasoning]" not in shown
    code, plain = _on_a_terminal(args, clean_env(tmp_path, NO_COLOR="1"))
    assert code == 0, plain
    assert "\x1b[2m" not in plain
    assert "[reasoning]" in plain


def test_ctrl_c_stops_cleanly_with_exit_130(tmp_path: Path) -> None:
    # The stall cassette sends a few words, then 45 s of silence: interrupt in the silence.
    process = subprocess.Popen(
        [
            sys.executable, "-m", "hfclient", "chat", "--replay",
            str(FIXTURES / "router" / "stall.yaml"), "--model", ROUTER_MODEL,
            "--provider", "groq", "Weather in Paris?",
        ],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(tmp_path),
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.read(3)  # blocks until the first words arrive
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    shown = (first + out).decode()
    assert shown.startswith("The")  # what came before the interrupt (how much is timing)
    assert shown.endswith("\n")  # the line was ended on the way out
    assert err.decode().strip().splitlines()[-1] == "hfclient: interrupted"
    assert "Traceback" not in err.decode()
