"""The deploy engine: creates, updates and deletes one stack's resources through their
handlers (clients of the service APIs), with rollback, as CloudFormation does.

The engine holds the stack's resources in memory and reports every change to a StackSink
(the CloudFormation provider persists them and records the stack events). Statuses and
reasons are CloudFormation's words.

- create: level by level (a level's resources in parallel); a failure deletes what was
  created (ROLLBACK_*), unless rollback is disabled (CREATE_FAILED).
- update: per resource, unchanged -> skipped; changed -> handler.update, or a replacement
  when the type or a `replace_on` property changed or update raised Replace (the new
  resource first; the old one goes in the cleanup phase, unless UpdateReplacePolicy
  Retain). Resources gone from the template are deleted in cleanup (DeletionPolicy
  Retain keeps them). A failure re-applies the old properties and deletes what was added.
- delete: dependents first (the dependencies recorded at deploy time), then newest first;
  DeletionPolicy Retain (and Snapshot, treated as Retain) leaves the resource in place.
  A create's or update's rollback keeps Retain/Snapshot resources too, and deletes
  RetainExceptOnCreate ones.
- Custom resources (a type served by the AWS::CloudFormation::CustomResource handler) get
  their properties with every scalar turned into a string, as CloudFormation sends them.
  An update() answering a new physical id is a replacement: the old one is deleted in the
  cleanup phase.

LIMITATIONS:
- When a resource fails, the others of its level still finish (their handlers are not
  interrupted), then count as failed with "Resource creation cancelled" and are rolled
  back like the rest; deletions run one at a time.
- A custom resource whose Create failed gets no Delete request during the rollback.
- Stack-level tags are not propagated to the resources, and the aws:cloudformation:*
  tags are not added.
- CreationPolicy, UpdatePolicy and WaitConditions are not built (nested stacks are the
  CloudFormation provider's handler).
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from typing import Any

from cloudlet.deploy import names
from cloudlet.deploy.engine_model import (
    CUSTOM_TYPE,
    RETAINED,
    RETAINED_ON_ROLLBACK,
    Failed,
    ResourceState,
    StackInfo,
    StackSink,
    deletion_order,
    failure_reason,
    stringify,
)
from cloudlet.deploy.errors import template_error
from cloudlet.deploy.intrinsics import Resolver, resolve_outputs
from cloudlet.deploy.resources.base import (
    Caller,
    CustomResponses,
    ResourceContext,
    ResourceHandler,
)
from cloudlet.deploy.stack_plan import HandlerLookup, Plan
from cloudlet.errors import ServiceError

log = logging.getLogger("cloudlet.deploy")

__all__ = [
    "CUSTOM_TYPE",
    "RETAINED",
    "RETAINED_ON_ROLLBACK",
    "Failed",
    "ResourceState",
    "StackEngine",
    "StackInfo",
    "StackSink",
    "failure_reason",
    "stringify",
]


class StackEngine:
    def __init__(
        self,
        info: StackInfo,
        caller: Caller,
        sink: StackSink,
        handlers: HandlerLookup,
        resources: dict[str, ResourceState] | None = None,
        *,
        responses: CustomResponses | None = None,
        exports: Callable[[str], Any] | None = None,
        check_outputs: Callable[[list[dict[str, str]]], str | None] | None = None,
    ) -> None:
        self.info = info
        self.caller = caller
        self.sink = sink
        self.handlers = handlers
        self.resources: dict[str, ResourceState] = dict(resources or {})
        self.responses = responses
        self._exports = exports
        self._check_outputs = check_outputs
        self.imports: set[str] = set()
        self.cancelling = False  # a resource failed: the ones still in progress are cancelled
        self._seq = max((r.seq for r in self.resources.values()), default=0)

    # -- helpers ----------------------------------------------------------------------------

    def _handler(self, resource_type: str) -> ResourceHandler:
        handler = self.handlers(resource_type)
        if handler is None:
            raise Failed(f"Unsupported resource type: {resource_type}")
        return handler

    def _context(self, logical_id: str, resource_type: str) -> ResourceContext:
        return ResourceContext(
            account=self.info.account,
            region=self.info.region,
            stack_name=self.info.stack_name,
            stack_id=self.info.stack_id,
            logical_id=logical_id,
            resource_type=resource_type,
            call=self.caller,
            endpoint=self.info.endpoint,
            responses=self.responses,
            partition=self.info.partition,
        )

    def _ref(self, logical_id: str) -> Any:
        state = self.resources.get(logical_id)
        if state is None or state.physical_id is None:
            raise template_error(f"resource {logical_id} has no physical id yet")
        return state.physical_id

    def _get_att(self, logical_id: str, attribute: str) -> Any:
        state = self.resources.get(logical_id)
        if state is None or state.physical_id is None:
            raise template_error(f"resource {logical_id} has no attributes yet")
        if attribute not in state.attributes:
            if state.type.startswith("Custom::") or state.type == CUSTOM_TYPE:
                raise Failed(
                    f"CustomResource attribute error: Vendor response doesn't contain {attribute} "
                    f"attribute in object {self.info.stack_id}|{logical_id}|{state.physical_id}"
                )
            raise template_error(
                f"resource {logical_id} does not support attribute type {attribute} in Fn::GetAtt"
            )
        return state.attributes[attribute]

    def _import(self, name: str) -> Any:
        value = self._exports(name) if self._exports is not None else None
        if value is not None:
            self.imports.add(name)
        return value

    def resolver(self, plan: Plan) -> Resolver:
        return Resolver(
            plan.template,
            plan.values,
            self.info.pseudo,
            conditions=plan.conditions,
            ref=self._ref,
            get_att=self._get_att,
            exports=self._import,
        )

    def _properties(self, plan: Plan, logical_id: str, handler: ResourceHandler) -> dict[str, Any]:
        properties = self.resolver(plan).properties(logical_id)
        if handler.type_name == CUSTOM_TYPE:
            properties = stringify(properties)
        return properties

    def outputs(self, plan: Plan) -> list[dict[str, str]]:
        """The stack's Outputs; Failed when they cannot be published (an export clash)."""
        outputs = resolve_outputs(plan.template, self.resolver(plan))
        problem = self._check_outputs(outputs) if self._check_outputs is not None else None
        if problem:
            raise Failed(problem)
        return outputs

    def _save(self, state: ResourceState, status: str, reason: str = "") -> None:
        state.status, state.reason = status, reason
        self.sink.save(state)
        self.sink.event(state.logical_id, state.type, status, state.physical_id, reason, state.properties)

    # -- create -----------------------------------------------------------------------------

    async def _create_resource(self, plan: Plan, logical_id: str) -> None:
        resource_type = plan.template.resource_type(logical_id)
        self._seq += 1
        state = ResourceState(
            logical_id,
            resource_type,
            seq=self._seq,
            depends=list(plan.graph.dependencies.get(logical_id, [])),
            deletion_policy=plan.policy(logical_id, "DeletionPolicy"),
            update_replace_policy=plan.policy(logical_id, "UpdateReplacePolicy"),
        )
        self.resources[logical_id] = state
        try:
            handler = self._handler(resource_type)
            state.properties = self._properties(plan, logical_id, handler)
            self._save(state, "CREATE_IN_PROGRESS")
            made = await handler.create(self._context(logical_id, resource_type), state.properties)
        except Exception as error:  # noqa: BLE001 - every failure is the resource's status
            self._log(logical_id, error)
            self.cancelling = True
            self._save(state, "CREATE_FAILED", failure_reason(error))
            raise Failed(logical_id) from error
        state.physical_id, state.attributes = made.physical_id, dict(made.attributes)
        if self.cancelling:
            # A sibling failed while this one was being created: CloudFormation cancels it
            # (here it finished, so the rollback deletes it like the others).
            self._save(state, "CREATE_FAILED", "Resource creation cancelled")
            raise Failed(logical_id)
        self.sink.save(state)
        self.sink.event(
            logical_id,
            resource_type,
            "CREATE_IN_PROGRESS",
            made.physical_id,
            "Resource creation Initiated",
            state.properties,
        )
        self._save(state, "CREATE_COMPLETE")

    def _log(self, logical_id: str, error: BaseException) -> None:
        if not isinstance(error, ServiceError | Failed):
            log.warning("resource %s of %s failed", logical_id, self.info.stack_name, exc_info=error)

    async def _run_levels(self, levels: list[list[str]], step: Callable[[str], Any]) -> list[str]:
        """Run `step` on each level's resources in parallel; the logical ids that failed."""
        for level in levels:
            results = await asyncio.gather(*(step(lid) for lid in level), return_exceptions=True)
            failed = [
                lid for lid, result in zip(level, results, strict=True) if isinstance(result, BaseException)
            ]
            for result in results:
                if isinstance(result, BaseException) and not isinstance(result, Exception):
                    raise result
            if failed:
                return failed
        return []

    async def create(
        self, plan: Plan, *, rollback: bool = True, announce: bool = True
    ) -> list[dict[str, str]] | None:
        """Create every resource; the stack's outputs, or None when it failed. `announce`:
        report CREATE_IN_PROGRESS (the provider does so itself, before answering)."""
        if announce:
            self.sink.stack_status("CREATE_IN_PROGRESS", "User Initiated")
        failed = await self._run_levels(plan.graph.levels, lambda lid: self._create_resource(plan, lid))
        outputs: list[dict[str, str]] | None = None
        if not failed:
            try:
                outputs = self.outputs(plan)
            except Exception as error:  # noqa: BLE001
                reason = failure_reason(error)
                self.sink.stack_status("ROLLBACK_IN_PROGRESS" if rollback else "CREATE_FAILED", reason)
                if rollback:
                    errors = await self._delete_all()
                    self.sink.stack_status("ROLLBACK_FAILED" if errors else "ROLLBACK_COMPLETE")
                return None
            self.sink.stack_status("CREATE_COMPLETE")
            return outputs
        reason = f"The following resource(s) failed to create: [{', '.join(failed)}]. "
        if not rollback:
            self.sink.stack_status("CREATE_FAILED", reason)
            return None
        self.sink.stack_status("ROLLBACK_IN_PROGRESS", reason + "Rollback requested by user.")
        errors = await self._delete_all()
        if errors:
            self.sink.stack_status("ROLLBACK_FAILED", self._delete_failed_reason(errors))
        else:
            self.sink.stack_status("ROLLBACK_COMPLETE")
        return None

    # -- delete -----------------------------------------------------------------------------

    async def _delete_resource(self, state: ResourceState, *, retain: bool, forget: bool = True) -> None:
        if retain and state.physical_id is not None:
            self.sink.event(
                state.logical_id, state.type, "DELETE_SKIPPED", state.physical_id, "", state.properties
            )
        elif state.physical_id is not None:
            self.sink.event(
                state.logical_id, state.type, "DELETE_IN_PROGRESS", state.physical_id, "", state.properties
            )
            try:
                handler = self._handler(state.type)
                await handler.delete(
                    self._context(state.logical_id, state.type), state.physical_id, state.properties
                )
            except Exception as error:  # noqa: BLE001
                self._log(state.logical_id, error)
                state.status, state.reason = "DELETE_FAILED", failure_reason(error)
                self.sink.save(state)
                self.sink.event(
                    state.logical_id,
                    state.type,
                    "DELETE_FAILED",
                    state.physical_id,
                    state.reason,
                    state.properties,
                )
                raise Failed(state.logical_id) from error
            self.sink.event(
                state.logical_id, state.type, "DELETE_COMPLETE", state.physical_id, "", state.properties
            )
        else:  # never created (its creation failed or was cancelled)
            self.sink.event(state.logical_id, state.type, "DELETE_COMPLETE", None, "", state.properties)
        if forget:
            self.sink.forget(state.logical_id)

    async def _delete_states(self, states: list[ResourceState], *, replaced: bool = False) -> list[str]:
        failed: list[str] = []
        for state in deletion_order(states):
            policy = state.update_replace_policy if replaced else state.deletion_policy
            try:
                await self._delete_resource(state, retain=policy in RETAINED, forget=not replaced)
            except Failed:
                failed.append(state.logical_id)
        return failed

    async def delete_created(self, *, keep_retained: bool = True) -> list[str]:
        """RollbackStack of a CREATE_FAILED stack: what the create made goes; the logical
        ids that could not be deleted."""
        return await self._delete_all(keep_retained=keep_retained)

    async def _delete_all(self, *, keep_retained: bool = True) -> list[str]:
        """Rollback of a create: what was made goes, but Retain/Snapshot resources stay."""
        states = list(self.resources.values())
        failed: list[str] = []
        for state in deletion_order(states):
            retain = keep_retained and state.deletion_policy in RETAINED_ON_ROLLBACK
            try:
                await self._delete_resource(state, retain=retain)
            except Failed:
                failed.append(state.logical_id)
                continue
            self.resources.pop(state.logical_id, None)
        return failed

    @staticmethod
    def _delete_failed_reason(failed: list[str]) -> str:
        return f"The following resource(s) failed to delete: [{', '.join(failed)}]. "

    async def delete(self, *, announce: bool = True) -> bool:
        """Delete the stack's resources; True when the stack is gone."""
        if announce:
            self.sink.stack_status("DELETE_IN_PROGRESS", "User Initiated")
        failed = await self._delete_states(list(self.resources.values()))
        for state in list(self.resources.values()):
            if state.logical_id not in failed:
                self.resources.pop(state.logical_id, None)
        if failed:
            self.sink.stack_status("DELETE_FAILED", self._delete_failed_reason(failed))
            return False
        self.sink.stack_status("DELETE_COMPLETE")
        return True

    # -- update -----------------------------------------------------------------------------

    async def update(
        self, plan: Plan, *, rollback: bool = True, announce: bool = True
    ) -> list[dict[str, str]] | None:
        """Bring the stack to `plan`; its new outputs, or None when it rolled back."""
        from cloudlet.deploy.engine_update import Updater

        return await Updater(self, plan).run(rollback=rollback, announce=announce)

    def custom_name_conflict(self, state: ResourceState, properties: dict[str, Any]) -> str | None:
        rule = names.NAME_RULES.get(state.type)
        if rule is None:
            return None
        new, old = properties.get(rule.property), state.properties.get(rule.property)
        if new is not None and new == old:
            return (
                "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
                f"Rename {new} and update the stack again."
            )
        return None

    def snapshot(self) -> dict[str, ResourceState]:
        return copy.deepcopy(self.resources)
