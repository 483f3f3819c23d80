"""UpdateStack: diff each resource's resolved properties against what was deployed, and
update in place, replace, add or (in the cleanup phase) remove; roll back on failure.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudlet.deploy.engine import RETAINED_ON_ROLLBACK, Failed, ResourceState, failure_reason
from cloudlet.deploy.engine_model import deletion_order
from cloudlet.deploy.resources.base import Replace

if TYPE_CHECKING:
    from cloudlet.deploy.engine import StackEngine
    from cloudlet.deploy.stack_plan import Plan

NEW_RESOURCE = "Requested update requires the creation of a new physical resource; hence creating one."


@dataclass
class Change:
    kind: str  # "added" | "modified" | "replaced"
    logical_id: str
    old: ResourceState | None  # the deployed state before this update
    new: ResourceState | None = None  # a replacement's new resource


class Updater:
    def __init__(self, engine: StackEngine, plan: Plan) -> None:
        self.engine = engine
        self.plan = plan
        self.changes: list[Change] = []

    async def run(self, *, rollback: bool, announce: bool = True) -> list[dict[str, str]] | None:
        engine = self.engine
        if announce:
            engine.sink.stack_status("UPDATE_IN_PROGRESS", "User Initiated")
        failed = await engine._run_levels(self.plan.graph.levels, self._update_one)
        outputs: list[dict[str, str]] | None = None
        reason = ""
        if failed:
            added = {c.logical_id for c in self.changes if c.kind == "added"}
            kind = "create" if all(lid in added for lid in failed) else "update"
            reason = f"The following resource(s) failed to {kind}: [{', '.join(failed)}]. "
        else:
            try:
                outputs = engine.outputs(self.plan)
            except Exception as error:  # noqa: BLE001
                reason = failure_reason(error)
        if reason:
            if not rollback:
                engine.sink.stack_status("UPDATE_FAILED", reason)
                return None
            await self._rollback(reason)
            return None
        engine.sink.stack_status("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        members = set(self.plan.graph.order)
        removed = [s for lid, s in list(engine.resources.items()) if lid not in members]
        for state in removed:
            engine.resources.pop(state.logical_id, None)
        replaced = [c.old for c in self.changes if c.kind == "replaced" and c.old is not None]
        # Cleanup failures leave the resource behind; the update still completes (as AWS does).
        await engine._delete_states(replaced, replaced=True)
        await engine._delete_states(removed)
        engine.sink.stack_status("UPDATE_COMPLETE")
        return outputs

    async def _update_one(self, logical_id: str) -> None:
        engine, plan = self.engine, self.plan
        state = engine.resources.get(logical_id)
        if state is None:
            self.changes.append(Change("added", logical_id, None))
            await engine._create_resource(plan, logical_id)
            return
        resource_type = plan.template.resource_type(logical_id)
        deletion = plan.policy(logical_id, "DeletionPolicy")
        replace_policy = plan.policy(logical_id, "UpdateReplacePolicy")
        try:
            handler = engine._handler(resource_type)
            properties = engine._properties(plan, logical_id, handler)
        except Exception as error:  # noqa: BLE001
            engine.cancelling = True
            engine._save(state, "UPDATE_FAILED", failure_reason(error))
            raise Failed(logical_id) from error
        depends = list(plan.graph.dependencies.get(logical_id, []))
        if state.type == resource_type and properties == state.properties:
            if (state.deletion_policy, state.update_replace_policy, state.depends) != (
                deletion,
                replace_policy,
                depends,
            ):
                state.deletion_policy, state.update_replace_policy = deletion, replace_policy
                state.depends = depends
                engine.sink.save(state)
            return
        changed = {
            k
            for k in properties.keys() | state.properties.keys()
            if properties.get(k) != state.properties.get(k)
        }
        old = copy.deepcopy(state)
        if state.type == resource_type and not changed & handler.replace_on:
            state.properties = properties
            engine._save(state, "UPDATE_IN_PROGRESS")
            ctx = engine._context(logical_id, resource_type)
            try:
                made = await handler.update(ctx, str(old.physical_id), properties, old.properties)
            except Replace:
                state.properties = old.properties
            except Exception as error:  # noqa: BLE001
                engine._log(logical_id, error)
                self.changes.append(Change("modified", logical_id, old))
                engine.cancelling = True
                engine._save(state, "UPDATE_FAILED", failure_reason(error))
                raise Failed(logical_id) from error
            else:
                state.physical_id, state.attributes = made.physical_id, dict(made.attributes)
                state.deletion_policy, state.update_replace_policy = deletion, replace_policy
                state.depends = depends
                # A new physical id from update() (a custom resource's answer) is a
                # replacement: the old one is deleted in the cleanup phase.
                replaced = made.physical_id != old.physical_id
                self.changes.append(Change("replaced" if replaced else "modified", logical_id, old, state))
                engine._save(state, "UPDATE_COMPLETE")
                return
        await self._replace(old, properties, resource_type, deletion, replace_policy)

    async def _replace(
        self,
        old: ResourceState,
        properties: dict[str, Any],
        resource_type: str,
        deletion: str,
        replace_policy: str,
    ) -> None:
        engine = self.engine
        logical_id = old.logical_id
        conflict = engine.custom_name_conflict(old, properties) if old.type == resource_type else None
        if conflict:
            state = engine.resources[logical_id]
            engine._save(state, "UPDATE_FAILED", conflict)
            raise Failed(logical_id)
        handler = engine._handler(resource_type)
        engine._seq += 1
        new = ResourceState(
            logical_id,
            resource_type,
            properties=properties,
            seq=engine._seq,
            depends=list(self.plan.graph.dependencies.get(logical_id, [])),
            deletion_policy=deletion,
            update_replace_policy=replace_policy,
        )
        engine.resources[logical_id] = new
        change = Change("replaced", logical_id, old, new)
        self.changes.append(change)
        engine.sink.event(
            logical_id, resource_type, "UPDATE_IN_PROGRESS", old.physical_id, NEW_RESOURCE, properties
        )
        try:
            made = await handler.create(engine._context(logical_id, resource_type), properties)
        except Exception as error:  # noqa: BLE001
            engine._log(logical_id, error)
            new.physical_id = None
            engine.cancelling = True
            engine._save(new, "UPDATE_FAILED", failure_reason(error))
            raise Failed(logical_id) from error
        new.physical_id, new.attributes = made.physical_id, dict(made.attributes)
        engine.sink.event(
            logical_id,
            resource_type,
            "UPDATE_IN_PROGRESS",
            new.physical_id,
            "Resource creation Initiated",
            properties,
        )
        engine._save(new, "UPDATE_COMPLETE")

    async def _rollback(self, reason: str) -> None:
        engine = self.engine
        engine.sink.stack_status("UPDATE_ROLLBACK_IN_PROGRESS", reason)
        to_delete: list[ResourceState] = []
        errors: list[str] = []
        for change in reversed(self.changes):
            if change.kind == "added":
                state = engine.resources.pop(change.logical_id, None)
                if state is not None:
                    to_delete.append(state)
            elif change.kind == "replaced" and change.old is not None:
                if change.new is not None:
                    to_delete.append(change.new)
                engine.resources[change.logical_id] = change.old
                engine._save(change.old, "UPDATE_COMPLETE")
            elif change.kind == "modified" and change.old is not None:
                if not await self._restore(change.old):
                    errors.append(change.logical_id)
        engine.sink.stack_status("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        for state in deletion_order(to_delete):
            try:
                added = state.logical_id not in engine.resources
                retain = added and state.deletion_policy in RETAINED_ON_ROLLBACK
                await engine._delete_resource(state, retain=retain, forget=added)
            except Failed:
                errors.append(state.logical_id)
        if errors:
            engine.sink.stack_status(
                "UPDATE_ROLLBACK_FAILED",
                f"The following resource(s) failed to update: [{', '.join(errors)}]. ",
            )
        else:
            engine.sink.stack_status("UPDATE_ROLLBACK_COMPLETE")

    async def _restore(self, old: ResourceState) -> bool:
        engine = self.engine
        current = engine.resources.get(old.logical_id)
        engine.sink.event(old.logical_id, old.type, "UPDATE_IN_PROGRESS", old.physical_id, "", old.properties)
        try:
            handler = engine._handler(old.type)
            made = await handler.update(
                engine._context(old.logical_id, old.type),
                str(old.physical_id),
                old.properties,
                current.properties if current is not None else {},
            )
        except Exception as error:  # noqa: BLE001
            engine._log(old.logical_id, error)
            engine.resources[old.logical_id] = old
            engine._save(old, "UPDATE_FAILED", failure_reason(error))
            return False
        old.physical_id, old.attributes = made.physical_id, dict(made.attributes) or old.attributes
        engine.resources[old.logical_id] = old
        engine._save(old, "UPDATE_COMPLETE")
        return True
