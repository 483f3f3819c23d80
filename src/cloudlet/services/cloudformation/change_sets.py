"""Change sets: CreateChangeSet computes the Changes at once (CREATE_COMPLETE or FAILED);
ExecuteChangeSet runs the create/update as CreateStack/UpdateStack do."""

from __future__ import annotations

import json
import uuid
from typing import Any

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.intrinsics import Resolver
from cloudlet.deploy.names import check_stack_name
from cloudlet.deploy.stack_plan import Plan, check_capabilities
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.cloudformation import render, store
from cloudlet.services.cloudformation.read_ops import ReadOperations
from cloudlet.services.cloudformation.stack_ops import StackOperations
from cloudlet.services.cloudformation.templates import processed_json

NO_CHANGES = (
    "The submitted information didn't contain changes. Submit different information to create a change set."
)


class ChangeSetOperations(StackOperations, ReadOperations):
    async def create_change_set(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["StackName"])
        change_set = str(params["ChangeSetName"])
        kind = params.get("ChangeSetType") or "UPDATE"
        if kind not in ("CREATE", "UPDATE"):
            raise ValidationError(f"ChangeSetType {kind} is not supported by cloudlet")
        row = store.find_stack(self.db, ctx.account, ctx.region, name)
        if kind == "CREATE":
            check_stack_name(name)
            if row is not None and row["status"] != "REVIEW_IN_PROGRESS":
                raise ValidationError(
                    f"Stack [{name}] already exists and cannot be created again with the changeSet [{change_set}]."
                )
        elif row is None or row["status"] == "REVIEW_IN_PROGRESS":
            raise ValidationError(f"Stack [{name}] does not exist")
        else:
            self.check_updatable(row)
        if row is not None and self.db.one(
            "SELECT 1 FROM cfn_change_sets WHERE stack_id = ? AND name = ? AND execution_status NOT LIKE 'EXECUTE_%'",
            (row["stack_id"], change_set),
        ):
            raise ServiceError("AlreadyExistsException", f"ChangeSet {change_set} already exists", 400)
        text = await self.template_text(ctx, params, row)
        given = self.given_parameters(params, row if kind == "UPDATE" else None)
        template, _ = self.load(ctx, text, given)
        check_capabilities(template, list(params.get("Capabilities") or []))
        stack_id = row["stack_id"] if row is not None else self.new_stack_id(ctx, name)
        plan = await self.plan(ctx, template, given, name, stack_id)
        if row is None:
            self.insert_stack(ctx, stack_id, name, text, template, given, None, params, "REVIEW_IN_PROGRESS")
        changes = self._changes(plan, stack_id, kind)
        status, reason, execution = "CREATE_COMPLETE", None, "AVAILABLE"
        if kind == "UPDATE" and not changes and row is not None:
            if not StackOperations.has_changes(row, text, given, params):
                status, reason, execution = "FAILED", NO_CHANGES, "UNAVAILABLE"
        change_set_id = (
            f"arn:aws:cloudformation:{ctx.region}:{ctx.account}:changeSet/{change_set}/{uuid.uuid4()}"
        )
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO cfn_change_sets (change_set_id, stack_id, name, type, status, status_reason,"
                " execution_status, description, template, parameters, capabilities, tags, notification_arns,"
                " changes, described_parameters, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    change_set_id,
                    stack_id,
                    change_set,
                    kind,
                    status,
                    reason,
                    execution,
                    params.get("Description"),
                    text,
                    json.dumps(given),
                    json.dumps(list(params.get("Capabilities") or [])),
                    json.dumps(list(params["Tags"]) if params.get("Tags") is not None else None),
                    json.dumps(list(params.get("NotificationARNs") or [])),
                    json.dumps(changes),
                    json.dumps(plan.described_parameters()),
                    self.clock.now(),
                ),
            )
        return {"Id": change_set_id, "StackId": stack_id}

    def _changes(self, plan: Plan, stack_id: str, kind: str) -> list[dict[str, Any]]:
        """The resource changes, as far as they can be known before anything runs: a value
        that depends on a resource being added or replaced counts as a change."""
        old = store.resource_states(self.db, stack_id) if kind == "UPDATE" else {}
        unknown: set[str] = set()

        def ref(logical_id: str) -> Any:
            state = old.get(logical_id)
            if logical_id in unknown or state is None or state.physical_id is None:
                return f"{{{{unknown:{logical_id}}}}}"
            return state.physical_id

        def get_att(logical_id: str, attribute: str) -> Any:
            state = old.get(logical_id)
            if logical_id in unknown or state is None or attribute not in state.attributes:
                return f"{{{{unknown:{logical_id}.{attribute}}}}}"
            return state.attributes[attribute]

        pseudo = plan_pseudo(stack_id)
        exports = self.exports(pseudo["AWS::AccountId"], pseudo["AWS::Region"])
        resolver = Resolver(
            plan.template,
            plan.values,
            pseudo,
            conditions=plan.conditions,
            ref=ref,
            get_att=get_att,
            exports=lambda name: exports[name][0] if name in exports else None,
        )
        changes: list[dict[str, Any]] = []
        for logical_id in plan.graph.order:
            resource_type = plan.template.resource_type(logical_id)
            state = old.get(logical_id)
            if state is None:
                changes.append(_change("Add", logical_id, resource_type, None, None, []))
                unknown.add(logical_id)
                continue
            handler = self.handlers(resource_type)
            try:
                properties = resolver.properties(logical_id)
            except Exception:  # noqa: BLE001 - depends on values only the deployment knows
                changes.append(
                    _change("Modify", logical_id, resource_type, state.physical_id, "Conditional", [])
                )
                unknown.add(logical_id)
                continue
            if handler is not None and handler.type_name == "AWS::CloudFormation::CustomResource":
                from cloudlet.deploy.engine import stringify

                properties = stringify(properties)
            if state.type == resource_type and properties == state.properties:
                continue
            names = sorted(
                k
                for k in properties.keys() | state.properties.keys()
                if properties.get(k) != state.properties.get(k)
            )
            replace_on = handler.replace_on if handler is not None else frozenset()
            replaced = state.type != resource_type or bool(set(names) & replace_on)
            replacement = "True" if replaced else "False"
            if replaced:
                unknown.add(logical_id)
            changes.append(
                _change(
                    "Modify", logical_id, resource_type, state.physical_id, replacement, names, replace_on
                )
            )
        for logical_id, state in old.items():
            if logical_id not in plan.graph.order:
                changes.append(_change("Remove", logical_id, state.type, state.physical_id, None, []))
        return changes

    def describe_change_set(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.change_set_row(ctx, str(params["ChangeSetName"]), params.get("StackName"))
        stack = store.stack_row(self.db, row["stack_id"])
        tags = json.loads(row["tags"])
        out = {
            "ChangeSetName": row["name"],
            "ChangeSetId": row["change_set_id"],
            "StackId": row["stack_id"],
            "StackName": stack["name"] if stack is not None else "",
            "Description": row["description"],
            "Parameters": json.loads(row["described_parameters"]),
            "CreationTime": render.when(row["created"]),
            "ExecutionStatus": row["execution_status"],
            "Status": row["status"],
            "StatusReason": row["status_reason"],
            "NotificationARNs": json.loads(row["notification_arns"]),
            "RollbackConfiguration": {},
            "Capabilities": json.loads(row["capabilities"]),
            "Tags": tags,
            "Changes": json.loads(row["changes"]),
            "IncludeNestedStacks": False,
        }
        return {k: v for k, v in out.items() if v is not None}

    def list_change_sets(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        stack = self.stack(ctx, str(params["StackName"]))
        rows = self.db.all(
            "SELECT * FROM cfn_change_sets WHERE stack_id = ? AND execution_status NOT LIKE 'EXECUTE_%'"
            " ORDER BY created",
            (stack["stack_id"],),
        )
        return {
            "Summaries": [
                {
                    k: v
                    for k, v in {
                        "StackId": stack["stack_id"],
                        "StackName": stack["name"],
                        "ChangeSetId": r["change_set_id"],
                        "ChangeSetName": r["name"],
                        "ExecutionStatus": r["execution_status"],
                        "Status": r["status"],
                        "StatusReason": r["status_reason"],
                        "CreationTime": render.when(r["created"]),
                        "Description": r["description"],
                    }.items()
                    if v is not None
                }
                for r in rows
            ]
        }

    def delete_change_set(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name, stack_name = str(params["ChangeSetName"]), params.get("StackName")
        if not name.startswith("arn:") and stack_name:
            # By name, the request succeeds as long as the stack exists (the CDK CLI relies
            # on it to clear its fixed-name change set); executed ones are already gone.
            stack = self.stack(ctx, str(stack_name))
            found = self.db.one(
                "SELECT * FROM cfn_change_sets WHERE stack_id = ? AND name = ?"
                " AND execution_status NOT IN ('EXECUTE_COMPLETE', 'EXECUTE_FAILED')",
                (stack["stack_id"], name),
            )
            if found is None:
                return {}
        row = self.change_set_row(ctx, name, stack_name)
        if row["execution_status"] == "EXECUTE_IN_PROGRESS":
            raise ServiceError(
                "InvalidChangeSetStatusException",
                "Cannot delete ChangeSet in status EXECUTE_IN_PROGRESS",
                400,
            )
        with self.db.write() as tx:
            tx.execute("DELETE FROM cfn_change_sets WHERE change_set_id = ?", (row["change_set_id"],))
        return {}

    async def execute_change_set(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        cs = self.change_set_row(ctx, str(params["ChangeSetName"]), params.get("StackName"))
        if cs["execution_status"] != "AVAILABLE":
            raise ServiceError(
                "InvalidChangeSetStatusException",
                f"ChangeSet [{cs['change_set_id']}] cannot be executed in its current status of [{cs['status']}]",
                400,
            )
        row = store.stack_row(self.db, cs["stack_id"])
        text = cs["template"]
        given = json.loads(cs["parameters"])
        template, _ = self.load(ctx, text, given)
        plan = await self.plan(ctx, template, given, row["name"], row["stack_id"])
        stack_params: dict[str, Any] = {
            "Capabilities": json.loads(cs["capabilities"]),
            "DisableRollback": params.get("DisableRollback", bool(row["disable_rollback"])),
        }
        tags = json.loads(cs["tags"])
        if tags is not None:
            stack_params["Tags"] = tags
        with self.db.write() as tx:
            tx.execute(
                "UPDATE cfn_change_sets SET execution_status = 'EXECUTE_IN_PROGRESS' WHERE change_set_id = ?",
                (cs["change_set_id"],),
            )
            tx.execute(
                "DELETE FROM cfn_change_sets WHERE stack_id = ? AND change_set_id != ?",
                (cs["stack_id"], cs["change_set_id"]),
            )
        if cs["type"] == "CREATE":
            rollback = not params.get("DisableRollback")
            store.update_stack(
                self.db,
                row["stack_id"],
                template=text,
                processed=processed_json(template),
                parameters=given,
                description=template.description,
                described_parameters=plan.described_parameters(),
                change_set_id=cs["change_set_id"],
                capabilities=stack_params["Capabilities"],
                disable_rollback=int(not rollback),
                **({"tags": tags} if tags is not None else {}),
            )
            store.DbSink(self.db, self.clock, row["stack_id"], row["name"]).stack_status(
                "CREATE_IN_PROGRESS", "User Initiated"
            )
            task = self.launch(
                self.run_create(
                    ctx.account, ctx.region, row["stack_id"], plan, "ROLLBACK" if rollback else "DO_NOTHING"
                ),
                f"cfn-create-{row['name']}",
                row["stack_id"],
            )
        else:
            task = self.start_update(ctx, row, text, template, given, plan, stack_params, cs["change_set_id"])
        change_set_id = str(cs["change_set_id"])
        task.add_done_callback(lambda _: self._mark_executed(change_set_id))
        await self.answer_soon(task)
        return {}

    def _mark_executed(self, change_set_id: str) -> None:
        """EXECUTE_COMPLETE once the stack operation succeeded, else EXECUTE_FAILED."""
        cs = self.db.one("SELECT stack_id FROM cfn_change_sets WHERE change_set_id = ?", (change_set_id,))
        if cs is None:
            return
        stack = store.stack_row(self.db, cs["stack_id"])
        status = str(stack["status"]) if stack is not None else ""
        good = status in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
        with self.db.write() as tx:
            tx.execute(
                "UPDATE cfn_change_sets SET execution_status = ? WHERE change_set_id = ?",
                ("EXECUTE_COMPLETE" if good else "EXECUTE_FAILED", change_set_id),
            )


def plan_pseudo(stack_id: str) -> dict[str, Any]:
    from cloudlet.deploy.intrinsics import pseudo_parameters

    parts = stack_id.split(":")
    region, account = parts[3], parts[4]
    name = parts[5].split("/")[1]
    return pseudo_parameters(account, region, name, stack_id)


def _change(
    action: str,
    logical_id: str,
    resource_type: str,
    physical_id: str | None,
    replacement: str | None,
    names: list[str],
    replace_on: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    change: dict[str, Any] = {
        "Action": action,
        "LogicalResourceId": logical_id,
        "ResourceType": resource_type,
        "Scope": ["Properties"] if names else [],
        "Details": [
            {
                "Target": {
                    "Attribute": "Properties",
                    "Name": name,
                    "RequiresRecreation": "Always" if name in replace_on else "Never",
                },
                "Evaluation": "Static",
                "ChangeSource": "DirectModification",
            }
            for name in names
        ],
    }
    if physical_id is not None:
        change["PhysicalResourceId"] = physical_id
    if replacement is not None:
        change["Replacement"] = replacement
    return {"Type": "Resource", "ResourceChange": change}
