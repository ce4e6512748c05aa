"""Google field masks: ``a,b(c,d),e/f`` / ``e.f`` for partial responses and update masks."""

from __future__ import annotations

import copy
import re
from typing import Any

Tree = dict[str, "Tree | None"]  # None marks a leaf: the whole value is selected

_TOKEN = re.compile(r"\s*([A-Za-z0-9_@$*]+|[,()/.])")


def parse(mask: str) -> Tree:
    """Parse a field mask into a tree; raises ValueError on bad syntax."""
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


def select(data: Any, tree: Tree | None) -> Any:
    """Apply a partial-response mask to a JSON value."""
    if tree is None or "*" in tree:
        return data
    if isinstance(data, list):
        return [select(x, tree) for x in data]
    if not isinstance(data, dict):
        return data
    return {k: select(data[k], sub) for k, sub in tree.items() if k in data}


def update(target: dict[str, Any], source: dict[str, Any], tree: Tree) -> None:
    """Apply an update mask: copy the masked fields from source (absent ones are cleared)."""
    if "*" in tree:
        target.clear()
        target.update(copy.deepcopy(source))
        return
    for key, sub in tree.items():
        if sub is None:
            if key in source and source[key] is not None:
                target[key] = copy.deepcopy(source[key])
            else:
                target.pop(key, None)
            continue
        child = target.get(key)
        if not isinstance(child, dict):
            child = {}
        update(child, source.get(key) or {}, sub)
        if child:
            target[key] = child
        else:
            target.pop(key, None)
