"""Projection: the part of an item that a set of document paths selects.

As DynamoDB returns it: paths that do not resolve are left out; nested paths keep their
enclosing maps with only the selected members; list elements selected by index come back
as a list in index order with the gaps closed (c[2], c[0] of [x, y, z] gives [x, z]).
ReturnValues UPDATED_OLD / UPDATED_NEW are the same projection of the updated paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudlet.services.dynamodb.expressions.bound import Path
from cloudlet.services.dynamodb.expressions.paths import get_path
from cloudlet.services.dynamodb.values import AttributeValue, Item


@dataclass
class _Branch:
    """A map or list under construction; `members` keyed by name (map) or index (list)."""

    is_list: bool
    members: dict[Any, _Branch | AttributeValue] = field(default_factory=dict)

    def value(self) -> AttributeValue:
        if self.is_list:
            return {"L": [_finish(self.members[index]) for index in sorted(self.members)]}
        return {"M": {name: _finish(member) for name, member in self.members.items()}}


def _finish(node: _Branch | AttributeValue) -> AttributeValue:
    return node.value() if isinstance(node, _Branch) else node


def project(item: Item, paths: tuple[Path, ...] | list[Path]) -> Item:
    result: dict[str, _Branch | AttributeValue] = {}
    for path in paths:
        value = get_path(item, path)
        if value is None:
            continue
        members: dict[Any, _Branch | AttributeValue] = result
        for position, element in enumerate(path[:-1]):
            branch = members.get(element)
            if not isinstance(branch, _Branch):
                branch = _Branch(is_list=isinstance(path[position + 1], int))
                members[element] = branch
            members = branch.members
        members[path[-1]] = value
    return {str(name): _finish(node) for name, node in result.items()}
