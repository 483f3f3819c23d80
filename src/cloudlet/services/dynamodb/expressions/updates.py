"""Applying a bound update expression to an item.

As DynamoDB does it (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html):
every SET value is computed from the item as it was before the update (SET a = b, b = a
swaps); list indexes refer to the list as it was, so REMOVE l[1], l[2] removes two of the
original elements; a SET or ADD past the end of a list appends, in index order; DELETE of
the last elements of a set removes the attribute. Errors found on the item carry no
"Invalid UpdateExpression" prefix. The input item is never modified: containers on an
updated path are copied, the rest is shared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudlet.errors import validation_error
from cloudlet.services.dynamodb.expressions.bound import (
    Action,
    Arithmetic,
    IfNotExists,
    ListAppend,
    Literal,
    Path,
    PathRef,
    UpdateOperand,
)
from cloudlet.services.dynamodb.expressions.errors import (
    INVALID_UPDATE_PATH,
    MISSING_OPERAND,
    WRONG_OPERAND_TYPE,
)
from cloudlet.services.dynamodb.expressions.paths import get_path
from cloudlet.services.dynamodb.expressions.projection import project
from cloudlet.services.dynamodb.values import AttributeValue, Item, add_numbers, subtract_numbers, type_of
from cloudlet.services.dynamodb.values.compare import set_key

_REMOVED: Any = object()  # a list slot emptied by REMOVE/DELETE, closed up at the end


@dataclass(frozen=True)
class UpdateResult:
    old: Item
    new: Item
    paths: tuple[Path, ...]  # the paths the update wrote, in the order written

    @property
    def changed_attributes(self) -> frozenset[str]:
        """The top-level attributes the update touched."""
        return frozenset(str(path[0]) for path in self.paths)

    def updated_old(self) -> Item:
        """ReturnValues=UPDATED_OLD: the updated paths as they were."""
        return project(self.old, self.paths)

    def updated_new(self) -> Item:
        """ReturnValues=UPDATED_NEW: the updated paths as they are now."""
        return project(self.new, self.paths)


def apply_actions(actions: tuple[Action, ...], item: Item) -> UpdateResult:
    values = [_evaluate(action.value, item) if action.section == "SET" else None for action in actions]
    return _Application(item).run(actions, values)


def _evaluate(operand: UpdateOperand | None, item: Item) -> AttributeValue:
    if isinstance(operand, Literal):
        return operand.value
    if isinstance(operand, PathRef):
        value = get_path(item, operand.path)
        if value is None:
            raise validation_error(MISSING_OPERAND)
        return value
    if isinstance(operand, IfNotExists):
        existing = get_path(item, operand.path)
        return existing if existing is not None else _evaluate(operand.fallback, item)
    if isinstance(operand, ListAppend):
        first = _typed(_evaluate(operand.first, item), "L")
        second = _typed(_evaluate(operand.second, item), "L")
        return {"L": first["L"] + second["L"]}
    assert isinstance(operand, Arithmetic)
    left = _typed(_evaluate(operand.left, item), "N")
    right = _typed(_evaluate(operand.right, item), "N")
    combine = add_numbers if operand.op == "+" else subtract_numbers
    return {"N": combine(left["N"], right["N"])}


def copy_value(value: AttributeValue) -> AttributeValue:
    """A copy sharing nothing mutable with `value` (scalars' str/bytes are immutable)."""
    kind = type_of(value)
    data = value[kind]
    if kind == "M":
        return {"M": {name: copy_value(member) for name, member in data.items()}}
    if kind == "L":
        return {"L": [copy_value(element) for element in data]}
    if kind in ("SS", "NS", "BS"):
        return {kind: list(data)}
    return {kind: data}


def _typed(value: AttributeValue, kind: str) -> AttributeValue:
    if kind not in value:
        raise validation_error(WRONG_OPERAND_TYPE)
    return value


class _Application:
    def __init__(self, item: Item) -> None:
        self.old = item
        self.new: dict[str, Any] = dict(item)
        self.fresh: set[int] = set()  # ids of containers already copied for this update
        self.lists: dict[int, tuple[list[Any], dict[int, AttributeValue]]] = {}  # touched lists, appends

    def run(self, actions: tuple[Action, ...], values: list[AttributeValue | None]) -> UpdateResult:
        for action, value in zip(actions, values, strict=True):
            container = self.parent(action.path)
            if container is None:
                raise validation_error(INVALID_UPDATE_PATH)
            key = action.path[-1]
            if action.section == "SET":
                assert value is not None
                self.put(container, key, copy_value(value))
            elif action.section == "REMOVE":
                self.remove(container, key)
            else:
                assert isinstance(action.value, Literal)
                self.combine(action.section, container, key, action.value.value)
        for elements, appended in self.lists.values():
            elements[:] = [element for element in elements if element is not _REMOVED]
            elements.extend(appended[index] for index in sorted(appended))
        return UpdateResult(self.old, self.new, tuple(action.path for action in actions))

    def parent(self, path: Path) -> dict[str, Any] | list[Any] | None:
        """The (copied) map members or list elements holding the last step of `path`."""
        container: dict[str, Any] | list[Any] = self.new
        for position, element in enumerate(path[:-1]):
            child = self.child(container, element)
            if child is None:
                return None
            inner = child.get("L") if isinstance(path[position + 1], int) else child.get("M")
            if inner is None:
                return None
            container = inner
        return container

    def child(self, container: dict[str, Any] | list[Any], key: str | int) -> AttributeValue | None:
        """The value at `key`, copied first when it is a map or list this update has not copied."""
        value = self.get(container, key)
        if value is None or id(value) in self.fresh:
            return value
        kind = type_of(value)
        if kind not in ("M", "L"):
            return value  # not a container: the path goes no further
        value = {"M": dict(value["M"])} if kind == "M" else {"L": list(value["L"])}
        self.fresh.add(id(value))
        self.set(container, key, value)
        return value

    @staticmethod
    def get(container: dict[str, Any] | list[Any], key: str | int) -> AttributeValue | None:
        if isinstance(container, dict):
            return container.get(key) if isinstance(key, str) else None
        if isinstance(key, int) and key < len(container) and container[key] is not _REMOVED:
            return container[key]  # type: ignore[no-any-return]
        return None

    @staticmethod
    def set(container: dict[str, Any] | list[Any], key: str | int, value: Any) -> None:
        container[key] = value  # type: ignore[index]

    def touched(self, elements: list[Any]) -> dict[int, AttributeValue]:
        return self.lists.setdefault(id(elements), (elements, {}))[1]

    def put(self, container: dict[str, Any] | list[Any], key: str | int, value: AttributeValue) -> None:
        if isinstance(container, list) and isinstance(key, int) and key >= len(container):
            self.touched(container)[key] = value
        else:
            self.set(container, key, value)

    def remove(self, container: dict[str, Any] | list[Any], key: str | int) -> None:
        if isinstance(container, dict):
            container.pop(str(key), None)
        elif isinstance(key, int) and key < len(container):
            self.touched(container)
            container[key] = _REMOVED

    def combine(
        self, section: str, container: dict[str, Any] | list[Any], key: str | int, operand: Any
    ) -> None:
        existing = self.get(container, key)
        kind = type_of(operand)
        if existing is not None and kind not in existing:
            raise validation_error(WRONG_OPERAND_TYPE)
        if section == "ADD":
            if existing is None:
                self.put(container, key, copy_value(operand))
            elif kind == "N":
                self.set(container, key, {"N": add_numbers(existing["N"], operand["N"])})
            else:
                present = {set_key(kind, element) for element in existing[kind]}
                added = [e for e in operand[kind] if set_key(kind, e) not in present]
                self.set(container, key, {kind: [*existing[kind], *added]})
        elif existing is not None:  # DELETE from a set; deleting from nothing does nothing
            removed = {set_key(kind, element) for element in operand[kind]}
            kept = [element for element in existing[kind] if set_key(kind, element) not in removed]
            if kept:
                self.set(container, key, {kind: kept})
            else:
                self.remove(container, key)
