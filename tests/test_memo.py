"""The identity cache behind row models: built once per object, bounded in size."""

from __future__ import annotations

from sheetlog.model.memo import IdentityCache
from sheetlog.model.templates import load_template
from sheetlog.rules.rows import row_model


def test_built_once_per_object_and_bounded() -> None:
    built: list[object] = []
    cache: IdentityCache[object, int] = IdentityCache(size=3)
    keys = [object() for _ in range(5)]
    for key in keys:
        assert cache.get(key, lambda k: built.append(k) or len(built)) == len(built)
    assert cache.get(keys[-1], lambda k: -1) == 5  # cached, not rebuilt
    assert len(cache) == 3  # the oldest entries were dropped


def test_parsing_the_template_on_every_pass_does_not_grow_the_cache() -> None:
    first = load_template()
    assert row_model(first) is row_model(first)
    for _ in range(40):
        row_model(load_template())  # what every pass does: a fresh Template object
    from sheetlog import rows

    assert len(rows._MODELS) <= rows._MODELS.size
