"""``hfclient chat PROMPT``: one turn with a service, streamed as it arrives.

The answer is printed as it comes, the reasoning apart from it, then the
title, sources, provider and usage (:mod:`hfclient.cli._render`); ``--json``
prints each unified event as one JSON object instead. Every finished turn is
saved (the messages and the service's conversation handle) under the user's
state directory, so ``--continue`` takes the conversation up again.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal, TextIO

from hfclient.cli._base import EXIT_OK, EXIT_SERVICE, SERVICES, Command, UsageError, event_json

__all__ = ["SUMMARY", "define", "run", "state_dir"]

SUMMARY = "chat with a service: the answer streams as it arrives"

_STATE_FORMAT: Final = "hfclient-chat/1"
_SPIN: Final = "|/-\\"


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments of ``chat``; return what runs it."""
    parser.add_argument("prompt", help="your message")
    parser.add_argument("--service", choices=SERVICES, default="router", help="default: router")
    parser.add_argument("--model", help="the model (router, huggingchat; required for a new chat)")
    parser.add_argument("--provider", help="router: pin one provider (default: the mapping's)")
    parser.add_argument(
        "--system", metavar="TEXT", help="a system prompt (huggingchat: the preprompt)"
    )
    parser.add_argument(
        "--web-search", action="store_true", help="huggingchat, hailuo: search the web"
    )
    parser.add_argument(
        "--file", action="append", default=[], metavar="PATH", help="huggingchat: attach a file"
    )
    parser.add_argument(
        "--continue",
        dest="resume",
        action="store_true",
        help="continue the last conversation with this service",
    )
    parser.add_argument(
        "--transport",
        choices=["anyio", "curl"],
        default="anyio",
        help="anyio (default) or curl: curl_cffi with a browser's TLS (pip install hfclient[curl])",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--replay", metavar="DIR", help="answer from the cassettes in DIR, offline")
    where.add_argument("--base-url", metavar="URL", help="another server than the service's")
    parser.add_argument("--hub-url", metavar="URL", help="router: another server for the mapping")
    parser.add_argument("--json", action="store_true", help="JSON Lines: one object per event")
    return run


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where saved chats live: ``$XDG_STATE_HOME/hfclient``, else ``~/.local/state/hfclient``."""
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "hfclient"


def run(args: argparse.Namespace) -> int:
    """Send the prompt, show the answer, save the turn."""
    import anyio

    _check(args)
    saved = _load_state(args) if args.resume else None
    model = args.model or (saved or {}).get("model")
    if args.service != "hailuo" and not model:
        raise UsageError(f"--model is required for a new {args.service} chat")
    history: list[dict[str, Any]] = list((saved or {}).get("messages", []))
    if args.system is not None:
        history = [m for m in history if m.get("role") != "system"]
        if args.service != "huggingchat":  # HuggingChat takes it as the preprompt instead
            history.insert(0, {"role": "system", "content": args.system})
    messages = [*history, {"role": "user", "content": args.prompt}]
    conversation = _conversation((saved or {}).get("conversation"))

    from hfclient.cli._render import Renderer, color_allowed

    renderer = Renderer(sys.stdout, styled=color_allowed(sys.stdout))
    anyio.run(_chat, args, model, messages, conversation, renderer)
    if renderer.error is not None:
        error = renderer.error
        print(f"hfclient chat: {args.service}: {error.kind}: {error.message}", file=sys.stderr)
        return EXIT_SERVICE
    answer = {"role": "assistant", "content": renderer.text}
    _save_state(args, model, [*messages, answer], renderer.conversation or conversation)
    return EXIT_OK


def _check(args: argparse.Namespace) -> None:
    if args.service == "router" and args.web_search:
        raise UsageError("--web-search is for --service huggingchat or hailuo")
    if args.service != "huggingchat" and args.file:
        raise UsageError("--file is for --service huggingchat")
    if args.service == "hailuo" and args.model:
        raise UsageError("hailuo has no model to choose: leave out --model")
    for given, option in ((args.hub_url, "--hub-url"), (args.provider, "--provider")):
        if given and args.service != "router":
            raise UsageError(f"{option} is for --service router")


async def _chat(
    args: argparse.Namespace,
    model: str | None,
    messages: Sequence[Mapping[str, object]],
    conversation: object,
    renderer: Any,
) -> None:
    import anyio

    from hfclient.cli._clients import make_client, on_server, replay_env, replaying
    from hfclient.events import ReasoningDelta, TextDelta, TextSnapshot

    transport: Literal["curl"] | None = "curl" if args.transport == "curl" else None
    async with replaying(args.replay) as replay_url:
        base_url, hub_url, env = args.base_url, args.hub_url, None
        if replay_url is not None:
            base_url, env = on_server(replay_url, args.service), replay_env(args.service)
            if args.service == "router":
                hub_url = on_server(replay_url, "router", "hub")
        client = make_client(
            args.service, base_url=base_url, hub_url=hub_url, transport=transport, env=env
        )
        spinner = _Spinner(sys.stderr)
        failed: Exception | None = None
        async with client, anyio.create_task_group() as group:
            if sys.stderr.isatty():
                group.start_soon(spinner.run)
            try:
                async with _stream(client, args, model, messages, conversation) as events:
                    async for event in events:
                        if isinstance(event, TextDelta | TextSnapshot | ReasoningDelta):
                            spinner.stop()
                        if args.json:
                            print(event_json(event), flush=True)
                        else:
                            renderer.feed(event)
            except Exception as exc:  # raised below, outside the group: not in a group
                failed = exc
            except BaseException:  # Ctrl-C: end the line and reset the style on the way out
                spinner.stop()
                if not args.json:
                    renderer.close(footer=False)
                raise
            finally:
                spinner.stop()
                group.cancel_scope.cancel()
        if failed is not None:
            # A Ctrl-C cancels this task; the stream may have failed first (a replay
            # server in this process closed under it). The cancellation wins: it
            # lands on this checkpoint, and the command ends as interrupted.
            await anyio.lowlevel.checkpoint()
        if not args.json:
            renderer.close(footer=failed is None)
        if failed is not None:
            raise failed


def _stream(
    client: Any,
    args: argparse.Namespace,
    model: str | None,
    messages: Sequence[Mapping[str, object]],
    conversation: object,
) -> Any:
    if args.service == "router":
        return client.stream(messages, model=model, provider=args.provider)
    if args.service == "huggingchat":
        return client.stream(
            messages,
            model=model,
            conversation=conversation,
            preprompt=args.system,
            web_search=args.web_search,
            files=[_attachment(path) for path in args.file],
        )
    return client.stream(
        messages, conversation=conversation, search=True if args.web_search else None
    )


def _attachment(path: str) -> Any:
    from hfclient.protocol.huggingchat import Attachment

    file = Path(path)
    mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return Attachment(name=file.name, mime=mime, data=file.read_bytes())


class _Spinner:
    """An elapsed-time line on a terminal's stderr until the first token; ``stop`` clears it."""

    def __init__(self, err: TextIO) -> None:
        self._err = err
        self._stopped = False
        self._shown = False

    async def run(self) -> None:
        import anyio

        started = anyio.current_time()
        tick = 0
        while not self._stopped:
            elapsed = anyio.current_time() - started
            self._err.write(f"\r{_SPIN[tick % len(_SPIN)]} waiting for the answer {elapsed:.1f}s")
            self._err.flush()
            self._shown = True
            tick += 1
            await anyio.sleep(0.1)

    def stop(self) -> None:
        # Synchronous: the line is gone before the first token is printed.
        if self._stopped:
            return
        self._stopped = True
        if self._shown:
            self._err.write("\r\x1b[K")
            self._err.flush()


# -- the saved conversation ------------------------------------------------------------


def _state_file(args: argparse.Namespace) -> Path:
    # A replayed chat is saved apart: replaying never takes the place of a real conversation.
    return state_dir() / f"{args.service}{'-replay' if args.replay else ''}.json"


def _load_state(args: argparse.Namespace) -> dict[str, Any]:
    path = _state_file(args)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"no saved {args.service} conversation to continue ({path}): "
            "start one without --continue"
        ) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not a saved conversation: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != _STATE_FORMAT:
        raise UsageError(f"{path} is not a saved conversation ({_STATE_FORMAT})")
    return data


def _conversation(saved: object) -> object:
    from hfclient.events import Conversation
    from hfclient.serialization import from_json

    return None if saved is None else from_json(Conversation, json.dumps(saved))


def _save_state(
    args: argparse.Namespace,
    model: str | None,
    messages: Sequence[Mapping[str, object]],
    conversation: object,
) -> None:
    from hfclient.serialization import converter

    path = _state_file(args)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "format": _STATE_FORMAT,
        "service": args.service,
        "model": model,
        "messages": list(messages),
        "conversation": None if conversation is None else converter.unstructure(conversation),
    }
    # Conversation ids are not credentials, but they are the user's: readable by them only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
