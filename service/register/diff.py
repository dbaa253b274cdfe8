"""A field-level difference between two versions of a case.

Each change is ``{"path", "title", "old", "new"}``: ``path`` dotted as the validation errors write it
(``risks.0.name``), ``title`` the field's Chinese title, ``old``/``new`` the leaf values (``None`` where
the field is absent on that side). Lists are compared place by place; a leaf is a scalar, or an empty
list or object.
"""

from __future__ import annotations

from typing import Any, Iterator

from service.checks.validation import title_at

MISSING = object()


def leaves(value: Any, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, scalar) for every leaf of a JSON value, in document order."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaves(item, (*prefix, key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaves(item, (*prefix, index))
    else:
        yield prefix, value


def dotted(path: tuple) -> str:
    return ".".join(str(step) for step in path)


def diff(old: Any, new: Any) -> list[dict[str, Any]]:
    """The changes from ``old`` to ``new`` (both case dicts), old's order first, then fields only new has."""
    before, after = dict(leaves(old)), dict(leaves(new))
    paths = list(before) + [p for p in after if p not in before]
    changes = []
    for path in paths:
        was, now = before.get(path, MISSING), after.get(path, MISSING)
        if _filled_or_emptied(path, was, now, before, after):
            continue
        if was is MISSING or now is MISSING or was != now or type(was) is not type(now):
            changes.append(
                {
                    "path": dotted(path),
                    "title": title_at(path),
                    "old": None if was is MISSING else was,
                    "new": None if now is MISSING else now,
                }
            )
    return changes


def _filled_or_emptied(path: tuple, was: Any, now: Any, before: dict, after: dict) -> bool:
    """An empty list/object on one side whose items the other side lists: those items are the change."""
    if was is MISSING and now in ([], {}):
        return any(p[: len(path)] == path and len(p) > len(path) for p in before)
    if now is MISSING and was in ([], {}):
        return any(p[: len(path)] == path and len(p) > len(path) for p in after)
    return False
