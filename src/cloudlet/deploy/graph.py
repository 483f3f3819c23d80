"""Resource order: DependsOn + every Ref / GetAtt / Sub reference, conditions honoured.

A resource whose Condition is false is skipped; only the Fn::If branch a condition selects
counts as a reference. Creation goes level by level (each level's resources depend only on
earlier levels, so a level can be created in parallel); deletion is the reverse.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudlet.deploy.conditions import included
from cloudlet.deploy.errors import ValidationError, format_error
from cloudlet.deploy.references import depends_on, references
from cloudlet.deploy.template import Template


@dataclass(frozen=True)
class Graph:
    dependencies: dict[str, list[str]]  # included resource -> the resources it needs first
    levels: list[list[str]]  # creation waves, each in template order
    skipped: list[str] = field(default_factory=list)  # resources whose Condition is false

    @property
    def order(self) -> list[str]:
        """A creation order (a topological order of the included resources)."""
        return [logical_id for level in self.levels for logical_id in level]

    @property
    def delete_order(self) -> list[str]:
        return list(reversed(self.order))

    @property
    def delete_levels(self) -> list[list[str]]:
        return [list(level) for level in reversed(self.levels)]

    def dependents(self, logical_id: str) -> list[str]:
        """The resources that need `logical_id` (directly)."""
        return [other for other, needs in self.dependencies.items() if logical_id in needs]


def build_graph(template: Template, conditions: Mapping[str, bool]) -> Graph:
    resources = template.resources
    conditions = dict(conditions)
    members = [r for r in resources if included(template, conditions, r)]
    skipped = [r for r in resources if r not in members]
    dependencies: dict[str, list[str]] = {}
    unresolved: list[str] = []
    for logical_id in members:
        resource = resources[logical_id]
        needs = list(depends_on(resource))
        body = {k: v for k, v in resource.items() if k not in ("Type", "DependsOn", "Condition")}
        needs += [name for name in live_references(body, conditions) if name in resources]
        needs = list(dict.fromkeys(needs))
        unresolved += [name for name in needs if name not in members]
        dependencies[logical_id] = needs
    for output in template.outputs.values():
        condition = output.get("Condition") if isinstance(output, dict) else None
        if isinstance(condition, str) and not conditions.get(condition, False):
            continue
        refs = [n for n in live_references(output, conditions) if n in resources and n not in members]
        if refs:
            names = ", ".join(dict.fromkeys(refs))
            raise format_error(
                f"Unresolved resource dependencies [{names}] in the Outputs block of the template"
            )
    if unresolved:
        names = ", ".join(dict.fromkeys(unresolved))
        raise format_error(
            f"Unresolved resource dependencies [{names}] in the Resources block of the template"
        )
    return Graph(dependencies, _levels(members, dependencies), skipped)


def _levels(members: list[str], dependencies: dict[str, list[str]]) -> list[list[str]]:
    placed: set[str] = set()
    remaining = list(members)
    levels: list[list[str]] = []
    while remaining:
        level = [r for r in remaining if all(d in placed for d in dependencies[r])]
        if not level:
            # What is left is on a cycle or waits on one; CloudFormation names them all.
            raise ValidationError(f"Circular dependency between resources: [{', '.join(remaining)}]")
        levels.append(level)
        placed.update(level)
        remaining = [r for r in remaining if r not in placed]
    return levels


def live_references(value: Any, conditions: Mapping[str, bool]) -> Iterator[str]:
    """Logical names referenced by a value (Ref, Fn::GetAtt, Fn::Sub variables), following
    only the Fn::If branch its condition selects."""
    for _, name in references(value, conditions):
        yield name
