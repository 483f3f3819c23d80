"""Document paths: reading one from an item, and the overlap rules between several.

A path is a tuple of map keys (str) and list indexes (int): a.b[2] is ("a", "b", 2)."""

from __future__ import annotations

from collections.abc import Iterable

from cloudlet.services.dynamodb.expressions.bound import Path
from cloudlet.services.dynamodb.expressions.errors import ExpressionError, path_text
from cloudlet.services.dynamodb.values import AttributeValue, Item


def get_path(item: Item, path: Path) -> AttributeValue | None:
    """The value at `path`, or None when any step is missing or of the wrong type."""
    head = path[0]
    value = item.get(head) if isinstance(head, str) else None
    for element in path[1:]:
        if value is None:
            return None
        if isinstance(element, int):
            elements = value.get("L")
            if elements is None or element >= len(elements):
                return None
            value = elements[element]
        else:
            members = value.get("M")
            if members is None:
                return None
            value = members.get(element)
    return value


def check_paths_disjoint(paths: Iterable[Path]) -> None:
    """Raise when one path is a prefix of (or equal to) another, or when two paths use the
    same step as a map key in one and a list index in the other. Overlaps are reported
    before conflicts, each pair as (earlier, later)."""
    seen: list[Path] = []
    conflict: str | None = None
    for path in paths:
        for earlier in seen:
            relation = _relation(earlier, path)
            if relation == "overlap":
                raise ExpressionError(
                    "Two document paths overlap with each other; must remove or rewrite one of these paths; "
                    f"path one: {path_text(earlier)}, path two: {path_text(path)}"
                )
            if relation == "conflict" and conflict is None:
                conflict = (
                    "Two document paths conflict with each other; must remove or rewrite one of these paths; "
                    f"path one: {path_text(earlier)}, path two: {path_text(path)}"
                )
        seen.append(path)
    if conflict is not None:
        raise ExpressionError(conflict)


def _relation(first: Path, second: Path) -> str | None:
    for a, b in zip(first, second, strict=False):
        if isinstance(a, int) != isinstance(b, int):
            return "conflict"
        if a != b:
            return None
    return "overlap"
