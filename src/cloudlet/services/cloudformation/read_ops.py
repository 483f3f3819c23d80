"""The read operations: DescribeStacks, ListStacks, events, resources, templates, exports,
and ValidateTemplate / GetTemplateSummary."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.stack_plan import required_capabilities
from cloudlet.deploy.template import Template, parse_template, validate_template
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.cloudformation import render, store
from cloudlet.services.cloudformation.core import CloudFormationCore


class ReadOperations(CloudFormationCore):
    async def describe_stacks(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        # The CDK CLI's first call: the bootstrap resources exist from here on.
        await self.ensure_bootstrap(ctx.account, ctx.region)
        name = params.get("StackName")
        if name:
            return {"Stacks": [render.stack(self.stack(ctx, str(name)))]}
        rows = [r for r in store.stacks(self.db, ctx.account, ctx.region) if r["status"] != "DELETE_COMPLETE"]
        return {"Stacks": [render.stack(r) for r in rows]}

    def list_stacks(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        wanted = set(params.get("StackStatusFilter") or [])
        rows = store.stacks(self.db, ctx.account, ctx.region)
        return {"StackSummaries": [render.summary(r) for r in rows if not wanted or r["status"] in wanted]}

    def describe_stack_events(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.stack(ctx, str(params["StackName"]))
        return {"StackEvents": [render.event(e, row["name"]) for e in store.events(self.db, row["stack_id"])]}

    def describe_stack_resources(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params.get("StackName")
        physical = params.get("PhysicalResourceId")
        if name:
            row = self.stack(ctx, str(name))
        elif physical:
            found = self.db.one(
                "SELECT s.* FROM cfn_resources r JOIN cfn_stacks s ON s.stack_id = r.stack_id"
                " WHERE s.account = ? AND s.region = ? AND r.physical_id = ?",
                (ctx.account, ctx.region, physical),
            )
            if found is None:
                raise ValidationError(f"Stack for {physical} does not exist")
            row = found
        else:
            raise ValidationError("StackName or PhysicalResourceId must be specified")
        logical = params.get("LogicalResourceId")
        resources = [
            render.resource(r, row)
            for r in store.resources(self.db, row["stack_id"])
            if (not logical or r["logical_id"] == logical) and (not physical or r["physical_id"] == physical)
        ]
        return {"StackResources": resources}

    def describe_stack_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.stack(ctx, str(params["StackName"]))
        logical = str(params["LogicalResourceId"])
        found = self.db.one(
            "SELECT * FROM cfn_resources WHERE stack_id = ? AND logical_id = ?", (row["stack_id"], logical)
        )
        if found is None:
            raise ValidationError(f"Resource {logical} does not exist for stack {params['StackName']}")
        spec = json.loads(row["processed"] or "{}").get("Resources", {}).get(logical, {})
        return {"StackResourceDetail": render.resource_detail(found, row, spec.get("Metadata"))}

    def list_stack_resources(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.stack(ctx, str(params["StackName"]))
        return {
            "StackResourceSummaries": [
                render.resource_summary(r) for r in store.resources(self.db, row["stack_id"])
            ]
        }

    def get_template(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        change_set = params.get("ChangeSetName")
        stage = params.get("TemplateStage") or "Original"
        if change_set:
            cs = self.change_set_row(ctx, str(change_set), params.get("StackName"))
            return {"TemplateBody": cs["template"], "StagesAvailable": ["Original", "Processed"]}
        row = self.stack(ctx, str(params.get("StackName") or ""))
        body = row["processed"] if stage == "Processed" and row["processed"] else row["template"]
        return {"TemplateBody": body, "StagesAvailable": ["Original", "Processed"]}

    def change_set_row(self, ctx: RequestContext, name: str, stack_name: Any) -> Any:
        if name.startswith("arn:"):
            row = self.db.one("SELECT * FROM cfn_change_sets WHERE change_set_id = ?", (name,))
        else:
            if not stack_name:
                raise ValidationError(
                    "StackName must be specified if ChangeSetName is not specified as an ARN."
                )
            stack = store.find_stack(self.db, ctx.account, ctx.region, str(stack_name))
            row = (
                None
                if stack is None
                else self.db.one(
                    "SELECT * FROM cfn_change_sets WHERE stack_id = ? AND name = ? ORDER BY created DESC",
                    (stack["stack_id"], name),
                )
            )
        if row is None:
            raise ServiceError("ChangeSetNotFoundException", f"ChangeSet [{name}] does not exist", 404)
        return row

    def list_exports(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        exports = self.exports(ctx.account, ctx.region)
        return {
            "Exports": [
                {"ExportingStackId": row["stack_id"], "Name": name, "Value": value}
                for name, (value, row) in sorted(exports.items())
            ]
        }

    def list_imports(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["ExportName"])
        users = self.importers(ctx.account, ctx.region, name)
        if not users:
            raise ValidationError(f"Export '{name}' is not imported by any stack.")
        return {"Imports": users}

    async def validate_template(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        await self.ensure_bootstrap(ctx.account, ctx.region)
        if params.get("TemplateBody"):  # "If both are passed, only TemplateBody is used."
            params = {k: v for k, v in params.items() if k != "TemplateURL"}
        template = Template(parse_template(await self.template_text(ctx, params)))
        validate_template(template)
        out: dict[str, Any] = {"Parameters": _declared_parameters(template)}
        out.update(_template_facts(template))
        return out

    async def get_template_summary(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("StackName"):
            text = str(self.stack(ctx, str(params["StackName"]))["template"])
        else:
            text = await self.template_text(ctx, params)
        template = Template(parse_template(text))
        validate_template(template)
        out: dict[str, Any] = {
            "Parameters": [
                {"ParameterType": str(spec.get("Type")), **p}
                for p, spec in zip(_declared_parameters(template), template.parameters.values(), strict=True)
            ],
            "ResourceTypes": sorted({str(r.get("Type")) for r in template.resources.values()}),
            "Version": str(template.body.get("AWSTemplateFormatVersion", "2010-09-09")),
            "ResourceIdentifierSummaries": [],
        }
        out.update(_template_facts(template))
        if "Metadata" in template.body:
            out["Metadata"] = json.dumps(template.body["Metadata"])
        return out


def _declared_parameters(template: Template) -> list[dict[str, Any]]:
    out = []
    for key, spec in template.parameters.items():
        item: dict[str, Any] = {
            "ParameterKey": key,
            "NoEcho": str(spec.get("NoEcho", False)).lower() == "true",
        }
        if "Default" in spec:
            default = spec["Default"]
            item["DefaultValue"] = ",".join(map(str, default)) if isinstance(default, list) else str(default)
        if "Description" in spec:
            item["Description"] = str(spec["Description"])
        out.append(item)
    return out


def _template_facts(template: Template) -> dict[str, Any]:
    """What ValidateTemplate and GetTemplateSummary both tell of a template."""
    facts: dict[str, Any] = {}
    if template.description is not None:
        facts["Description"] = template.description
    needs = required_capabilities(template)
    if needs.capabilities:
        facts["Capabilities"] = needs.capabilities
        facts["CapabilitiesReason"] = needs.reason
    if template.transforms:
        facts["DeclaredTransforms"] = template.transforms
    return facts
