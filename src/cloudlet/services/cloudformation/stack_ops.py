"""CreateStack, UpdateStack, DeleteStack: checked at once, run by the engine in the background."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.names import check_stack_name
from cloudlet.deploy.stack_plan import Plan, check_capabilities
from cloudlet.deploy.template import Template
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.cloudformation import store
from cloudlet.services.cloudformation.core import CloudFormationCore
from cloudlet.services.cloudformation.operations import CURRENT
from cloudlet.services.cloudformation.templates import processed_json

log = logging.getLogger("cloudlet.cloudformation")


class StackOperations(CloudFormationCore):
    # -- create -----------------------------------------------------------------------------

    async def create_stack(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["StackName"])
        check_stack_name(name)
        existing = store.find_stack(self.db, ctx.account, ctx.region, name)
        if existing is not None:
            raise_already_exists(name)
        text = await self.template_text(ctx, params)
        given = self.given_parameters(params)
        template, transformed = self.load(ctx, text, given)
        capabilities = list(params.get("Capabilities") or [])
        check_capabilities(template, capabilities, transformed)
        stack_id = self.new_stack_id(ctx, name)
        plan = await self.plan(ctx, template, given, name, stack_id)
        on_failure = params.get("OnFailure") or (
            "DO_NOTHING" if params.get("DisableRollback") else "ROLLBACK"
        )
        if params.get("DisableRollback") and params.get("OnFailure"):
            raise ValidationError("You can specify either DisableRollback or OnFailure, but not both.")
        self.insert_stack(ctx, stack_id, name, text, template, given, plan, params, "CREATE_IN_PROGRESS")
        task = self.launch(
            self.run_create(ctx.account, ctx.region, stack_id, plan, on_failure),
            f"cfn-create-{name}",
            stack_id,
        )
        await self.answer_soon(task)
        return {"StackId": stack_id}

    def insert_stack(
        self,
        ctx: RequestContext,
        stack_id: str,
        name: str,
        text: str,
        template: Template,
        given: dict[str, str],
        plan: Plan | None,
        params: dict[str, Any],
        status: str,
    ) -> None:
        parent = CURRENT.get()  # a nested stack is created by its parent's operation
        parent_id = parent.stack_id if parent is not None and ctx.internal else None
        parent_row = store.stack_row(self.db, parent_id) if parent_id else None
        root_id = (parent_row["root_id"] or parent_id) if parent_row is not None else None
        with self.db.write() as tx:
            if store.find_stack(tx, ctx.account, ctx.region, name) is not None:
                raise_already_exists(name)  # a concurrent CreateStack got there first
            tx.execute(
                "INSERT INTO cfn_stacks (stack_id, account, region, name, status, status_reason, template,"
                " processed, parameters, described_parameters, description, capabilities, tags,"
                " notification_arns, disable_rollback, termination_protection, role_arn, timeout, created,"
                " parent_id, root_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    stack_id,
                    ctx.account,
                    ctx.region,
                    name,
                    status,
                    "User Initiated",
                    text,
                    processed_json(template),
                    json.dumps(given),
                    json.dumps(plan.described_parameters() if plan else []),
                    template.description,
                    json.dumps(list(params.get("Capabilities") or [])),
                    json.dumps(list(params.get("Tags") or [])),
                    json.dumps(list(params.get("NotificationARNs") or [])),
                    int(bool(params.get("DisableRollback"))),
                    int(bool(params.get("EnableTerminationProtection"))),
                    params.get("RoleARN"),
                    params.get("TimeoutInMinutes"),
                    self.clock.now(),
                    parent_id if parent_row is not None else None,
                    root_id,
                ),
            )
            store.add_event(
                tx, self.clock, stack_id, name, store.STACK_TYPE, status, stack_id, "User Initiated"
            )

    async def run_create(self, account: str, region: str, stack_id: str, plan: Plan, on_failure: str) -> None:
        row = store.stack_row(self.db, stack_id)
        sink = store.DbSink(self.db, self.clock, stack_id, row["name"])
        engine = self.engine(account, region, row, sink)
        try:
            outputs = await engine.create(plan, rollback=on_failure != "DO_NOTHING", announce=False)
            if outputs is not None:
                store.update_stack(self.db, stack_id, outputs=outputs, imports=sorted(engine.imports))
            elif on_failure == "DELETE":
                await engine.delete(announce=False)
        except Exception as error:  # noqa: BLE001 - a bug must not leave the stack in progress
            log.exception("stack %s: create failed", row["name"])
            sink.stack_status("CREATE_FAILED", f"Internal Failure: {error}")

    # -- update -----------------------------------------------------------------------------

    async def update_stack(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.stack(ctx, str(params["StackName"]))
        self.check_updatable(row)
        text = await self.template_text(ctx, params, row)
        given = self.given_parameters(params, row)
        template, transformed = self.load(ctx, text, given)
        capabilities = list(params.get("Capabilities") or [])
        check_capabilities(template, capabilities, transformed)
        plan = await self.plan(ctx, template, given, row["name"], row["stack_id"])
        if not self.has_changes(row, text, given, params):
            raise ValidationError("No updates are to be performed.")
        await self.answer_soon(self.start_update(ctx, row, text, template, given, plan, params))
        return {"StackId": row["stack_id"]}

    def check_updatable(self, row: Any) -> None:
        self.busy_stack(row, "updated")
        if row["status"] in (
            "ROLLBACK_COMPLETE",
            "ROLLBACK_FAILED",
            "CREATE_FAILED",
            "DELETE_FAILED",
            "REVIEW_IN_PROGRESS",
            "UPDATE_ROLLBACK_FAILED",  # ContinueUpdateRollback is not built
        ):
            raise ValidationError(
                f"Stack:{row['stack_id']} is in {row['status']} state and can not be updated."
            )

    @staticmethod
    def has_changes(row: Any, text: str, given: dict[str, str], params: dict[str, Any]) -> bool:
        if text != row["template"] or given != json.loads(row["parameters"]):
            return True
        tags = params.get("Tags")
        return tags is not None and list(tags) != json.loads(row["tags"])

    def start_update(
        self,
        ctx: RequestContext,
        row: Any,
        text: str,
        template: Template,
        given: dict[str, str],
        plan: Plan,
        params: dict[str, Any],
        change_set_id: str | None = None,
    ) -> asyncio.Task[None]:
        previous = {
            k: row[k]
            for k in (
                "template",
                "processed",
                "parameters",
                "described_parameters",
                "description",
                "capabilities",
                "tags",
            )
        }
        columns: dict[str, Any] = {
            "template": text,
            "processed": processed_json(template),
            "parameters": given,
            "described_parameters": plan.described_parameters(),
            "description": template.description,
            "capabilities": list(params.get("Capabilities") or []),
            "updated": self.clock.now(),
        }
        if params.get("Tags") is not None:
            columns["tags"] = list(params["Tags"])
        if change_set_id is not None:
            columns["change_set_id"] = change_set_id
        store.update_stack(self.db, row["stack_id"], **columns)
        store.DbSink(self.db, self.clock, row["stack_id"], row["name"]).stack_status(
            "UPDATE_IN_PROGRESS", "User Initiated"
        )
        rollback = not params.get("DisableRollback", bool(row["disable_rollback"]))
        return self.launch(
            self.run_update(ctx.account, ctx.region, row["stack_id"], plan, previous, rollback),
            f"cfn-update-{row['name']}",
            row["stack_id"],
        )

    async def run_update(
        self, account: str, region: str, stack_id: str, plan: Plan, previous: dict[str, Any], rollback: bool
    ) -> None:
        row = store.stack_row(self.db, stack_id)
        sink = store.DbSink(self.db, self.clock, stack_id, row["name"])
        engine = self.engine(account, region, row, sink)
        try:
            outputs = await engine.update(plan, rollback=rollback, announce=False)
        except Exception as error:  # noqa: BLE001
            log.exception("stack %s: update failed", row["name"])
            sink.stack_status("UPDATE_FAILED", f"Internal Failure: {error}")
            return
        if outputs is not None:
            store.update_stack(self.db, stack_id, outputs=outputs, imports=sorted(engine.imports))
        elif sink.status.startswith("UPDATE_ROLLBACK"):
            store.update_stack(self.db, stack_id, **previous)

    def update_termination_protection(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.stack(ctx, str(params["StackName"]))
        store.update_stack(
            self.db, row["stack_id"], termination_protection=int(bool(params["EnableTerminationProtection"]))
        )
        return {"StackId": row["stack_id"]}

    async def rollback_stack(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """A create left in CREATE_FAILED (rollback disabled) rolled back now. Rolling back
        an UPDATE_FAILED stack is not built (its previous resource states are not kept)."""
        row = self.stack(ctx, str(params["StackName"]))
        if row["status"] != "CREATE_FAILED":
            raise ValidationError(
                f"Stack:{row['stack_id']} is in {row['status']} state and can not be rolled back."
            )
        sink = store.DbSink(self.db, self.clock, row["stack_id"], row["name"])
        sink.stack_status("ROLLBACK_IN_PROGRESS", "User Initiated")
        engine = self.engine(ctx.account, ctx.region, row, sink)
        keep_retained = not params.get("RetainExceptOnCreate")

        async def roll_back() -> None:
            errors = await engine.delete_created(keep_retained=keep_retained)
            sink.stack_status("ROLLBACK_FAILED" if errors else "ROLLBACK_COMPLETE")

        await self.answer_soon(self.launch(roll_back(), f"cfn-rollback-{row['name']}", row["stack_id"]))
        return {"StackId": row["stack_id"]}

    # -- delete -----------------------------------------------------------------------------

    async def delete_stack(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["StackName"])
        row = store.find_stack(self.db, ctx.account, ctx.region, name)
        if row is None or row["status"] == "DELETE_COMPLETE":
            return {}  # deleting a stack that does not exist succeeds (AWS)
        if row["status"] == "DELETE_IN_PROGRESS":
            return {}
        self.busy_stack(row, "deleted")
        if row["termination_protection"]:
            raise ValidationError(
                f"Stack [{row['name']}] cannot be deleted while TerminationProtection is enabled"
            )
        retain = list(params.get("RetainResources") or [])
        store.DbSink(self.db, self.clock, row["stack_id"], row["name"]).stack_status(
            "DELETE_IN_PROGRESS", "User Initiated"
        )
        task = self.launch(
            self.run_delete(ctx.account, ctx.region, row["stack_id"], retain),
            f"cfn-delete-{row['name']}",
            row["stack_id"],
        )
        await self.answer_soon(task)
        return {}

    async def run_delete(self, account: str, region: str, stack_id: str, retain: list[str]) -> None:
        row = store.stack_row(self.db, stack_id)
        sink = store.DbSink(self.db, self.clock, stack_id, row["name"])
        if not store.resources(self.db, stack_id) and not json.loads(row["outputs"]):
            sink.stack_status("DELETE_COMPLETE")
            return
        for output in json.loads(row["outputs"]):
            export = output.get("ExportName")
            users = self.importers(account, region, export) if export else []
            if users:
                sink.stack_status(
                    "DELETE_FAILED",
                    f"Export {export} cannot be deleted as it is in use by {', '.join(users)}",
                )
                return
        engine = self.engine(account, region, row, sink)
        for logical_id in retain:
            if logical_id in engine.resources:
                engine.resources[logical_id].deletion_policy = "Retain"
        try:
            await engine.delete(announce=False)
        except Exception as error:  # noqa: BLE001
            log.exception("stack %s: delete failed", row["name"])
            sink.stack_status("DELETE_FAILED", f"Internal Failure: {error}")


def raise_already_exists(name: str) -> None:
    raise ServiceError("AlreadyExistsException", f"Stack [{name}] already exists", 400)
