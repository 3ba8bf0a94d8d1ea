"""Every public name has a docstring, so ``python -m pydoc`` reads cleanly everywhere."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import pytest

import codec
import hfclient


def public_modules() -> Iterator[str]:
    """Every module of ``codec`` and ``hfclient`` a user may import (no ``_private`` part)."""
    for package in (codec, hfclient):
        yield package.__name__
        for found in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            parts = found.name.split(".")[1:]
            if all(not part.startswith("_") or part == "_generated" for part in parts):
                yield found.name


def undocumented(module: ModuleType) -> Iterator[str]:
    """The names in ``module.__all__`` defined there without a docstring, methods included."""
    if not (module.__doc__ or "").strip():
        yield "<module>"
    for name in getattr(module, "__all__", ()):
        value = getattr(module, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        if value.__module__ != module.__name__:
            continue  # documented where it is defined
        if not (value.__doc__ or "").strip():
            yield name
        if inspect.isclass(value):
            for attribute, member in vars(value).items():
                function = member.fget if isinstance(member, property) else member
                if attribute.startswith("_") or not inspect.isfunction(function):
                    continue
                if not (function.__doc__ or "").strip():
                    yield f"{name}.{attribute}"


@pytest.mark.parametrize("name", sorted(set(public_modules())))
def test_every_public_name_has_a_docstring(name: str) -> None:
    assert list(undocumented(importlib.import_module(name))) == []


def test_a_missing_docstring_is_found() -> None:
    module = ModuleType("planted", "A module.")

    def helper() -> None:
        pass

    helper.__module__ = "planted"
    module.helper = helper  # type: ignore[attr-defined]
    module.__all__ = ["helper"]  # type: ignore[attr-defined]
    assert list(undocumented(module)) == ["helper"]
