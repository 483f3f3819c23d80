"""What every CloudFormation operation shares: stack lookup, templates, plans, exports, the
engine's construction, and the CDK bootstrap resources."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Coroutine
from typing import Any

from cloudlet.deploy.engine import StackEngine, StackInfo
from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.intrinsics import pseudo_parameters
from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Caller, ResourceHandler
from cloudlet.deploy.stack_plan import Plan, make_plan, ssm_parameter_names
from cloudlet.deploy.template import Template
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import InternalHandler, Provider, ServiceEnv
from cloudlet.services.cloudformation import render, store
from cloudlet.services.cloudformation.nested import STACK_TYPE, NestedStackHandler
from cloudlet.services.cloudformation.operations import CURRENT, Operation, Waiting
from cloudlet.services.cloudformation.responses import RESPONSE_PATH, Responses
from cloudlet.services.cloudformation.templates import fetch_template, process

log = logging.getLogger("cloudlet.cloudformation")

# What `cdk bootstrap` would create and the CDK CLI and templates check (CheckBootstrapVersion
# rejects versions 1-5); cloudlet provides them so no bootstrap is needed.
BOOTSTRAP_QUALIFIER = "hnb659fds"
BOOTSTRAP_VERSION = "28"
IN_PROGRESS_SUFFIX = "_IN_PROGRESS"
# How long CreateStack & co. wait (wall clock) before answering, so a small stack is done by
# the first poll of a client's waiter (5-30 s apart); the operation stays asynchronous.
QUICK_ANSWER_SECONDS = 3.0
TEMPLATE_BODY_LIMIT = 51_200  # bytes; larger templates go through TemplateURL (S3)


class CloudFormationCore(Provider):
    service = "cloudformation"

    def __init__(self, env: ServiceEnv) -> None:
        super().__init__(env)
        self.responses = Responses(self.clock, env.settings.endpoint)
        self._bootstrapped: set[tuple[str, str]] = set()
        self._bootstrap_lock = asyncio.Lock()
        self._running: dict[str, asyncio.Task[None]] = {}  # stack id -> its operation
        self._operations: set[Operation] = set()
        self._nested = NestedStackHandler(self.finished)

    # -- life -------------------------------------------------------------------------------

    async def start(self) -> None:
        self._interrupted()
        settings = self.env.settings
        self.env.background.spawn(
            self._bootstrap_quietly(settings.default_account, settings.default_region), "cfn-bootstrap"
        )

    def _interrupted(self) -> None:
        """Stacks a stopped server left in progress fail now (their engine is gone)."""
        final = {
            "CREATE_IN_PROGRESS": "CREATE_FAILED",
            "ROLLBACK_IN_PROGRESS": "ROLLBACK_FAILED",
            "DELETE_IN_PROGRESS": "DELETE_FAILED",
            "UPDATE_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
            "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_COMPLETE",
            "UPDATE_ROLLBACK_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
            "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_ROLLBACK_COMPLETE",
        }
        rows = self.db.all("SELECT stack_id, name, status FROM cfn_stacks WHERE status LIKE '%IN_PROGRESS'")
        for row in rows:
            status = final.get(row["status"])
            if status is not None:
                sink = store.DbSink(self.db, self.clock, row["stack_id"], row["name"])
                sink.stack_status(status, "Internal Failure: the server stopped during the operation")

    def reset(self) -> None:
        for operation in self._operations:
            if operation.task is not None:
                operation.task.cancel()
        self._operations.clear()
        self.responses.reset()
        self._running.clear()
        self._bootstrapped.clear()
        settings = self.env.settings  # the wipe took the bootstrap resources too
        self.env.background.spawn(
            self._bootstrap_quietly(settings.default_account, settings.default_region), "cfn-bootstrap"
        )

    def busy(self) -> bool:
        return self.responses.waking() or any(operation.busy for operation in self._operations)

    def internal_routes(self) -> dict[tuple[str, str], InternalHandler]:
        return {("PUT", RESPONSE_PATH): self.responses.put, ("POST", RESPONSE_PATH): self.responses.put}

    # -- plumbing ---------------------------------------------------------------------------

    def launch(
        self, work: Coroutine[Any, Any, None], name: str, stack_id: str | None = None
    ) -> asyncio.Task[None]:
        """Run a stack operation in the background (settle waits for it)."""
        operation = Operation(stack_id)

        async def run() -> None:
            CURRENT.set(operation)
            await work

        # A loop task, not spawned work: busy() says when it is doing something (an
        # operation that only waits on a custom resource's answer must not hold settle).
        task = self.env.background.start_loop(run(), name)
        operation.task = task
        self._operations.add(operation)
        task.add_done_callback(lambda _: self._operations.discard(operation))
        if stack_id is not None:
            self._running[stack_id] = task
            task.add_done_callback(lambda done: self._forget(stack_id, done))
        return task

    def _forget(self, stack_id: str, task: asyncio.Task[None]) -> None:
        if self._running.get(stack_id) is task:
            del self._running[stack_id]

    async def finished(self, stack_id: str) -> dict[str, Any]:
        """The stack's description once its current operation has ended (nested stacks)."""
        task = self._running.get(stack_id)
        if task is not None:
            with Waiting():
                await asyncio.wait({task})
        row = store.stack_row(self.db, stack_id)
        if row is None:
            raise ValidationError(f"Stack with id {stack_id} does not exist")
        described = render.stack(row)
        if not described.get("StackStatusReason"):  # why it rolled back, for the parent
            reason = self.db.one(
                "SELECT reason FROM cfn_events WHERE stack_id = ? AND type = ? AND reason IS NOT NULL"
                " AND logical_id = ? ORDER BY seq DESC LIMIT 1",
                (stack_id, store.STACK_TYPE, row["name"]),
            )
            if reason is not None and reason["reason"] != "User Initiated":
                described["StackStatusReason"] = reason["reason"]
        return described

    def handlers(self, type_name: str) -> ResourceHandler | None:
        """The engine's handlers: the resource families', and nested stacks (served here)."""
        return self._nested if type_name == STACK_TYPE else handler_for(type_name)

    async def answer_soon(self, task: asyncio.Task[None]) -> None:
        """Wait for the operation, at most QUICK_ANSWER_SECONDS, and not while it only waits
        (for a custom resource's answer)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + QUICK_ANSWER_SECONDS
        while not task.done() and loop.time() < deadline:
            operation = next((op for op in self._operations if op.task is task), None)
            if operation is not None and not operation.busy and not self.responses.waking():
                return
            await asyncio.wait({task}, timeout=0.02)

    def caller(self, account: str, region: str) -> Caller:
        clients = self.env.extras["clients"]

        async def call(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
            result: dict[str, Any] = await clients.call(service, operation, params, account, region)
            return result

        return call

    async def _bootstrap_quietly(self, account: str, region: str) -> None:
        try:
            await self.ensure_bootstrap(account, region)
        except Exception:  # noqa: BLE001 - a missing service must not stop the server
            log.warning("CDK bootstrap resources not created in %s/%s", account, region, exc_info=True)

    async def ensure_bootstrap(self, account: str, region: str) -> None:
        """The SSM parameter /cdk-bootstrap/hnb659fds/version and the CDK asset bucket."""
        async with self._bootstrap_lock:
            if (account, region) not in self._bootstrapped:
                await self._bootstrap(account, region)
                self._bootstrapped.add((account, region))

    async def _bootstrap(self, account: str, region: str) -> None:
        call = self.caller(account, region)
        name = f"/cdk-bootstrap/{BOOTSTRAP_QUALIFIER}/version"
        try:
            await call("ssm", "GetParameter", {"Name": name})
        except ServiceError:
            try:
                await call(
                    "ssm", "PutParameter", {"Name": name, "Value": BOOTSTRAP_VERSION, "Type": "String"}
                )
            except ServiceError as error:
                log.debug("bootstrap parameter: %s", error.message)
        bucket: dict[str, Any] = {"Bucket": f"cdk-{BOOTSTRAP_QUALIFIER}-assets-{account}-{region}"}
        if region != "us-east-1":
            bucket["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            await call("s3", "CreateBucket", bucket)
        except ServiceError as error:
            if "AlreadyOwned" not in error.code and "AlreadyExists" not in error.code:
                log.debug("bootstrap bucket: %s", error.message)

    @staticmethod
    def new_stack_id(ctx: RequestContext, name: str) -> str:
        return f"arn:aws:cloudformation:{ctx.region}:{ctx.account}:stack/{name}/{uuid.uuid4()}"

    def stack(self, ctx: RequestContext, name: str, *, live: bool = True) -> Any:
        row = store.find_stack(self.db, ctx.account, ctx.region, name, live=live)
        if row is None or (live and row["status"] == "DELETE_COMPLETE" and not name.startswith("arn:")):
            raise ValidationError(f"Stack with id {name} does not exist")
        return row

    def exports(self, account: str, region: str) -> dict[str, tuple[str, Any]]:
        """Export name -> (value, exporting stack row), over the live stacks."""
        found: dict[str, tuple[str, Any]] = {}
        for row in store.stacks(self.db, account, region):
            if row["status"] in ("DELETE_COMPLETE", "REVIEW_IN_PROGRESS"):
                continue
            for output in json.loads(row["outputs"]):
                if "ExportName" in output:
                    found[output["ExportName"]] = (output["OutputValue"], row)
        return found

    def importers(self, account: str, region: str, export: str) -> list[str]:
        return [
            row["name"]
            for row in store.stacks(self.db, account, region)
            if row["status"] != "DELETE_COMPLETE" and export in json.loads(row["imports"])
        ]

    async def template_text(self, ctx: RequestContext, params: dict[str, Any], previous: Any = None) -> str:
        if params.get("TemplateBody") and params.get("TemplateURL"):
            raise ValidationError("Exactly one of TemplateBody or TemplateUrl must be specified.")
        if params.get("TemplateBody"):
            text = str(params["TemplateBody"])
            if len(text.encode()) > TEMPLATE_BODY_LIMIT:
                raise ValidationError(
                    "1 validation error detected: Value '...' at 'templateBody' failed to satisfy constraint: "
                    f"Member must have length less than or equal to {TEMPLATE_BODY_LIMIT}"
                )
            return text
        if params.get("TemplateURL"):
            return await fetch_template(self.caller(ctx.account, ctx.region), str(params["TemplateURL"]))
        if params.get("UsePreviousTemplate") and previous is not None:
            return str(previous["template"])
        raise ValidationError("Either Template URL or Template Body must be specified.")

    def load(
        self, ctx: RequestContext, text: str, given: dict[str, str] | None = None
    ) -> tuple[Template, bool]:
        return process(text, ctx.account, ctx.region, given)

    @staticmethod
    def given_parameters(params: dict[str, Any], previous: Any = None) -> dict[str, str]:
        before = json.loads(previous["parameters"]) if previous is not None else {}
        given: dict[str, str] = {}
        for item in params.get("Parameters") or []:
            key = item.get("ParameterKey", "")
            if item.get("UsePreviousValue"):
                if key not in before:
                    raise ValidationError(
                        f"Invalid input for parameter key {key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template"
                    )
                given[key] = before[key]
            else:
                given[key] = str(item.get("ParameterValue", ""))
        return given

    async def plan(
        self, ctx: RequestContext, template: Template, given: dict[str, str], name: str, stack_id: str
    ) -> Plan:
        await self.ensure_bootstrap(ctx.account, ctx.region)
        call = self.caller(ctx.account, ctx.region)
        ssm: dict[str, str] = {}
        for parameter in ssm_parameter_names(template, given):
            try:
                found = await call("ssm", "GetParameter", {"Name": parameter})
            except ServiceError:
                continue
            ssm[parameter] = str(found.get("Parameter", {}).get("Value", ""))
        pseudo = pseudo_parameters(ctx.account, ctx.region, name, stack_id)
        return make_plan(template, given, ssm, pseudo, self.handlers)

    def engine(self, account: str, region: str, row: Any, sink: store.DbSink) -> StackEngine:
        stack_id, name = row["stack_id"], row["name"]
        info = StackInfo(
            account,
            region,
            name,
            stack_id,
            self.env.settings.endpoint,
            pseudo_parameters(account, region, name, stack_id, json.loads(row["notification_arns"])),
        )
        exports = self.exports(account, region)

        def lookup(export: str) -> Any:
            found = exports.get(export)
            return found[0] if found is not None and found[1]["stack_id"] != stack_id else None

        return StackEngine(
            info,
            self.caller(account, region),
            sink,
            self.handlers,
            store.resource_states(self.db, stack_id),
            responses=self.responses,
            exports=lookup,
            check_outputs=lambda outputs: self.check_outputs(account, region, row, outputs),
        )

    def check_outputs(self, account: str, region: str, row: Any, outputs: list[dict[str, str]]) -> str | None:
        """Why these outputs cannot be published (export clashes, exports in use), or None."""
        exports = self.exports(account, region)
        names = [o["ExportName"] for o in outputs if "ExportName" in o]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            return f"Template format error: duplicate Export names: {', '.join(repeated)}"
        new = {o["ExportName"]: o["OutputValue"] for o in outputs if "ExportName" in o}
        for export in new:
            owner = exports.get(export)
            if owner is not None and owner[1]["stack_id"] != row["stack_id"]:
                return f"Export with name {export} is already exported by stack {owner[1]['name']}"
        for output in json.loads(row["outputs"]):
            export = output.get("ExportName")
            if export is None:
                continue
            users = self.importers(account, region, export)
            if users and export not in new:
                return f"Cannot delete export {export} as it is in use by {', '.join(users)}."
            if users and new[export] != output["OutputValue"]:
                return f"Cannot update export {export} as it is in use by {', '.join(users)}."
        return None

    def busy_stack(self, row: Any, action: str) -> None:
        status = row["status"]
        if status.endswith(IN_PROGRESS_SUFFIX) and status != "REVIEW_IN_PROGRESS":
            raise ValidationError(f"Stack:{row['stack_id']} is in {status} state and can not be {action}.")
