"""spec/README.md's walkthrough, done for real: a new event is a spec edit and a regeneration.

The repository's packages, specs and generator are copied to a temporary
directory; an event is added to the copy of spec/huggingchat.yaml; the
generator rewrites the copy's generated modules; a fresh interpreter that
imports the copy decodes the new event into its unified class.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import gen_codecs

ROOT = Path(__file__).resolve().parent.parent

NEW_EVENT = """\
      banner:
        doc: "A notice the service shows above the answer."
        fields:
          text: str
        unified:
          - {emit: Status, args: {status: {value: banner}, message: text}}
"""

PROBE = """
import json, sys
import hfclient
from hfclient import decode_stream
body = b'{"type":"banner","text":"Maintenance at noon"}\\n{"type":"finalAnswer","text":""}\\n'
events = list(decode_stream("huggingchat", [body]))
print(json.dumps({"file": hfclient.__file__, "first": repr(events[0])}))
"""


def copy_project(to: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("codec", "hfclient", "tools", "spec"):
        shutil.copytree(ROOT / name, to / name, ignore=ignore)


def add_event(spec: Path) -> None:
    text = spec.read_text()
    anchor = "      title:\n"
    assert anchor in text
    spec.write_text(text.replace(anchor, NEW_EVENT + anchor, 1))


def test_a_new_event_needs_only_the_spec_and_the_generator(tmp_path: Path) -> None:
    copy_project(tmp_path)
    add_event(tmp_path / "spec" / "huggingchat.yaml")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    generate = [sys.executable, "tools/gen_codecs.py"]
    stale = subprocess.run(generate, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert stale.returncode == 1, stale.stderr  # the edit made the generated code stale
    update = subprocess.run(
        [*generate, "--update"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert update.returncode == 0, update.stderr
    assert "hfclient/translate/_generated/huggingchat.py" in update.stdout
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout)
    assert result["file"].startswith(str(tmp_path))  # the copy, not this checkout
    assert result["first"] == "Status(status='banner', message='Maintenance at noon')"


@pytest.fixture
def specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "spec", tmp_path / "spec")
    monkeypatch.setattr(gen_codecs.render_all, "__defaults__", (tmp_path / "spec",))
    return tmp_path / "spec"


def test_an_event_without_unified_rules_is_a_spec_problem(specs: Path) -> None:
    spec = specs / "huggingchat.yaml"
    text = spec.read_text()
    rules = "        unified:\n          - {emit: Title, args: {title: title}}\n"
    assert rules in text
    spec.write_text(text.replace(rules, "", 1))
    _, problems = gen_codecs.render_all()
    assert [str(p) for p in problems] == [
        "error: huggingchat.yaml: streams.message_updates.events.title: "
        "needs `unified`: what the event means to users"
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{emit: Title, args: {title: nope}}", "Title has no field 'nope'"),
        ("{emit: Title, args: {heading: title}}", "Title has no argument 'heading'"),
        ("{emit: Title}", "Title needs 'title'"),
        ("{emit: Titel, args: {title: title}}", "'Titel' is not a class of hfclient.events"),
        ("{emit: ServiceError}", "'ServiceError' is not a class of hfclient.events"),
        ("{when: {title: 3}, drop: odd}", "title is never 3"),
        ("{drop: x, hook: y}", "one of emit, drop, hook, error, not drop and hook"),
        ("{when: {title: x}}", "needs one of emit, drop, hook, error"),
    ],
)
def test_rule_mistakes_are_reported(specs: Path, rule: str, message: str) -> None:
    spec = specs / "huggingchat.yaml"
    text = spec.read_text()
    old = "          - {emit: Title, args: {title: title}}\n"
    spec.write_text(text.replace(old, f"          - {rule}\n", 1))
    _, problems = gen_codecs.render_all()
    assert any(message in str(p) for p in problems), [str(p) for p in problems]
