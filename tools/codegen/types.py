"""The spec's type grammar: ``list[WebSource] | null`` and friends, parsed and described."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

PRIMITIVES = ("str", "int", "float", "bool", "any")


@dataclass(frozen=True)
class Prim:
    name: str  # one of PRIMITIVES


@dataclass(frozen=True)
class ListOf:
    item: TypeExpr


@dataclass(frozen=True)
class DictOf:
    value: TypeExpr


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class UnionOf:
    members: tuple[TypeExpr, ...]  # never nested unions; None stands for null


TypeExpr: TypeAlias = Prim | ListOf | DictOf | Ref | UnionOf | None


class TypeSyntaxError(ValueError):
    pass


_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[\[\],|]))")


def parse_type(text: str) -> TypeExpr:
    """Parse ``list[WebSource] | null``-style type text."""
    tokens = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            if text[pos:].strip() == "":
                break
            raise TypeSyntaxError(f"unexpected {text[pos:]!r}")
        tokens.append(match.group("name") or match.group("punct"))
        pos = match.end()
    result, rest = _parse_union(tokens)
    if rest:
        raise TypeSyntaxError(f"unexpected {' '.join(rest)!r}")
    return result


def _parse_union(tokens: list[str]) -> tuple[TypeExpr, list[str]]:
    members: list[TypeExpr] = []
    term, tokens = _parse_term(tokens)
    members.append(term)
    while tokens[:1] == ["|"]:
        term, tokens = _parse_term(tokens[1:])
        members.append(term)
    if len(members) == 1:
        return members[0], tokens
    return UnionOf(tuple(members)), tokens


def _parse_term(tokens: list[str]) -> tuple[TypeExpr, list[str]]:
    if not tokens:
        raise TypeSyntaxError("a type is missing")
    head, rest = tokens[0], tokens[1:]
    if head == "null":
        return None, rest
    if head in PRIMITIVES:
        return Prim(head), rest
    if head in ("list", "dict"):
        if rest[:1] != ["["]:
            raise TypeSyntaxError(f"{head} needs [...]")
        rest = rest[1:]
        if head == "dict":
            if rest[:2] != ["str", ","]:
                raise TypeSyntaxError("dict keys are str: dict[str, T]")
            rest = rest[2:]
        inner, rest = _parse_union(rest)
        if rest[:1] != ["]"]:
            raise TypeSyntaxError(f"{head}[... is not closed")
        return (ListOf(inner) if head == "list" else DictOf(inner)), rest[1:]
    if head[0].isupper():
        return Ref(head), rest
    raise TypeSyntaxError(f"unknown type {head!r}")


def type_refs(t: TypeExpr) -> Iterator[str]:
    if isinstance(t, Ref):
        yield t.name
    elif isinstance(t, ListOf):
        yield from type_refs(t.item)
    elif isinstance(t, DictOf):
        yield from type_refs(t.value)
    elif isinstance(t, UnionOf):
        for member in t.members:
            yield from type_refs(member)


def json_kinds(t: TypeExpr) -> set[str]:
    """The JSON kinds a type accepts (for telling union members apart)."""
    if t is None:
        return {"null"}
    if isinstance(t, Prim):
        return {"float": {"int", "float"}, "any": {"any"}}.get(t.name, {t.name})
    if isinstance(t, ListOf):
        return {"list"}
    if isinstance(t, (DictOf, Ref)):
        return {"object"}
    kinds: set[str] = set()
    for member in t.members:
        kinds |= json_kinds(member)
    return kinds


def annotation(t: TypeExpr) -> str:
    if t is None:
        return "None"
    if isinstance(t, Prim):
        return "Any" if t.name == "any" else t.name
    if isinstance(t, ListOf):
        return f"list[{annotation(t.item)}]"
    if isinstance(t, DictOf):
        return f"dict[str, {annotation(t.value)}]"
    if isinstance(t, Ref):
        return t.name
    return " | ".join(annotation(m) for m in t.members)


def display(t: TypeExpr) -> str:
    """The type as the spec writes it (for error messages in generated code)."""
    return annotation(t).replace("None", "null").replace("Any", "any")


def type_key(t: TypeExpr) -> str:
    """A name-safe, deterministic key for a type (names converter functions)."""
    if t is None:
        return "null"
    if isinstance(t, Prim):
        return t.name
    if isinstance(t, ListOf):
        return f"list_{type_key(t.item)}"
    if isinstance(t, DictOf):
        return f"dict_{type_key(t.value)}"
    if isinstance(t, Ref):
        return t.name
    return "_or_".join(type_key(m) for m in t.members)


def needs_encoding(t: TypeExpr) -> bool:
    return any(True for _ in type_refs(t))
