"""Google field masks: ``a,b(c,d),e/f`` / ``e.f`` for partial responses and update masks."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from .copying import clone

Tree = dict[str, "Tree | None"]  # None marks a leaf: the whole value is selected

_TOKEN = re.compile(r"\s*([A-Za-z0-9_@$*]+|[,()/.])")


@cache
def parse(mask: str) -> Tree:
    """Parse a field mask into a tree; raises ValueError on bad syntax. Trees are cached and
    shared: treat them as read-only."""
    tokens = _TOKEN.findall(mask)
    if "".join(tokens) != re.sub(r"\s", "", mask) or not tokens:
        raise ValueError(f"bad field mask: {mask!r}")
    tree, pos = _parse_list(tokens, 0)
    if pos != len(tokens):
        raise ValueError(f"bad field mask: {mask!r}")
    return tree


def _parse_list(tokens: list[str], pos: int) -> tuple[Tree, int]:
    tree: Tree = {}
    while True:
        path: list[str] = []
        while True:
            if pos >= len(tokens) or not re.match(r"[\w@$*]", tokens[pos]):
                raise ValueError("field name expected")
            path.append(tokens[pos])
            pos += 1
            if pos < len(tokens) and tokens[pos] in "/.":
                pos += 1
                continue
            break
        sub: Tree | None = None
        if pos < len(tokens) and tokens[pos] == "(":
            sub, pos = _parse_list(tokens, pos + 1)
            if pos >= len(tokens) or tokens[pos] != ")":
                raise ValueError("')' expected")
            pos += 1
        _insert(tree, path, sub)
        if pos < len(tokens) and tokens[pos] == ",":
            pos += 1
            continue
        return tree, pos


def _insert(tree: Tree, path: list[str], sub: Tree | None) -> None:
    node = tree
    for i, name in enumerate(path):
        last = i == len(path) - 1
        if name in node and node[name] is None:
            return  # already selected entirely
        if last:
            if sub is None:
                node[name] = None
            else:
                child = node.setdefault(name, {})
                assert child is not None
                for k, v in sub.items():
                    _insert(child, [k], v)
            return
        child = node.setdefault(name, {})
        assert child is not None
        node = child


def paths(tree: Tree, prefix: str = "") -> list[str]:
    """Flatten a tree into dotted leaf paths."""
    out: list[str] = []
    for k, v in tree.items():
        p = f"{prefix}.{k}" if prefix else k
        out.extend([p] if v is None else paths(v, p))
    return out


def narrow(tree: Tree | None, name: str) -> tuple[bool, Tree | None]:
    """Does ``tree`` select field ``name``, and with which subtree (None: all of it)? This
    is the step ``select`` takes into a field, for producers that render only what is asked."""
    if tree is None or "*" in tree:
        return True, None
    if name not in tree:
        return False, None
    return True, tree[name]


class Selected(list[Any]):
    """A list already cut to ``tree``: ``select`` with that same tree returns it untouched, so
    big parts of a response can be rendered masked instead of rendered whole and then cut."""

    def __init__(self, items: list[Any], tree: Tree | None) -> None:
        super().__init__(items)
        self.tree = tree


def select(data: Any, tree: Tree | None) -> Any:
    """Apply a partial-response mask to a JSON value."""
    if tree is None or "*" in tree:
        return data
    if isinstance(data, Selected) and data.tree == tree:
        return data
    if isinstance(data, list):
        return [select(x, tree) for x in data]
    if not isinstance(data, dict):
        return data
    return {
        k: data[k] if sub is None else select(data[k], sub) for k, sub in tree.items() if k in data
    }


def picker(tree: Tree | None) -> Callable[[Any], Any]:
    """``select`` with a fixed tree, as a function: much quicker on dicts for flat masks such
    as ``effectiveValue,note`` (used on every cell of rendered grids)."""
    if tree is None or "*" in tree:
        return lambda data: data
    if any(sub is not None for sub in tree.values()):
        return lambda data: select(data, tree)
    keys = tuple(tree)

    def pick(data: Any) -> Any:
        if isinstance(data, dict):
            return {k: data[k] for k in keys if k in data}
        return select(data, tree)

    return pick


def update(target: dict[str, Any], source: dict[str, Any], tree: Tree) -> None:
    """Apply an update mask: copy the masked fields from source (absent ones are cleared).
    Only ``target`` itself changes: values inside it are replaced by updated copies."""
    if "*" in tree:
        target.clear()
        target.update(clone(source))
        return
    for key, sub in tree.items():
        if sub is None:
            if key in source and source[key] is not None:
                target[key] = clone(source[key])
            else:
                target.pop(key, None)
            continue
        child = target.get(key)
        child = dict(child) if isinstance(child, dict) else {}
        update(child, source.get(key) or {}, sub)
        if child:
            target[key] = child
        else:
            target.pop(key, None)
