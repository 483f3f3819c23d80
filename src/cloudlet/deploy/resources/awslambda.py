"""Resource handlers: AWS::Lambda::Function (here) and the other Lambda types
(awslambda_types.py: Permission, EventSourceMapping, Version, Alias, LayerVersion,
EventInvokeConfig).

AWS::Lambda::Function: Ref is the function name, Fn::GetAtt Arn (and SnapStartResponse.*).
Only FunctionName needs replacement (the resource schema's createOnlyProperties); code
changes go through UpdateFunctionCode, the rest through UpdateFunctionConfiguration, each
waiting for LastUpdateStatus Successful as CloudFormation's handler does.

LIMITATIONS: CodeSigningConfigArn, RuntimeManagementConfig and Policy are not applied (the
service answers 501 for code signing and runtime management); ProvisionedConcurrencyConfig
of versions and aliases is not applied either."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.resources import awslambda_types
from cloudlet.deploy.resources.awslambda_code import code_params
from cloudlet.deploy.resources.awslambda_waits import function_ready
from cloudlet.deploy.resources.base import Provisioned, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_bool, as_int, tag_map
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text

# Configuration members and the value UpdateFunctionConfiguration gets when the property
# is removed from the template (the API's defaults; CloudFormation resets them the same way).
_RESETS: dict[str, Any] = {
    "Description": "",
    "Timeout": 3,
    "MemorySize": 128,
    "Environment": {"Variables": {}},
    "Layers": [],
    "DeadLetterConfig": {"TargetArn": ""},
    "TracingConfig": {"Mode": "PassThrough"},
    "EphemeralStorage": {"Size": 512},
    "KMSKeyArn": "",
    "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []},
    "FileSystemConfigs": [],
    "ImageConfig": {},
    "SnapStart": {"ApplyOn": "None"},
    "LoggingConfig": {"LogFormat": "Text"},
}
_CODE_KEYS = ("Code", "Architectures", "PackageType")
_CONFIG_KEYS = ("Role", "Handler", "Runtime", *_RESETS, "KmsKeyArn")


def _configuration(properties: dict[str, Any]) -> dict[str, Any]:
    """The function's configuration members from its properties (CloudFormation's names ->
    the API's: KmsKeyArn -> KMSKeyArn; numbers and booleans accepted as strings)."""
    out: dict[str, Any] = {}
    for key in ("Role", "Handler", "Runtime", "Description"):
        if properties.get(key) is not None:
            out[key] = to_text(properties[key])
    for key in ("Timeout", "MemorySize"):
        if properties.get(key) is not None:
            out[key] = as_int(properties[key])
    environment = properties.get("Environment")
    if environment is not None:
        variables = environment.get("Variables") or {}
        out["Environment"] = {"Variables": {str(k): to_text(v) for k, v in variables.items()}}
    if properties.get("Layers") is not None:
        out["Layers"] = [to_text(layer) for layer in properties["Layers"]]
    if properties.get("DeadLetterConfig") is not None:
        out["DeadLetterConfig"] = {
            "TargetArn": to_text(properties["DeadLetterConfig"].get("TargetArn") or "")
        }
    if properties.get("TracingConfig") is not None:
        out["TracingConfig"] = {"Mode": to_text(properties["TracingConfig"].get("Mode") or "PassThrough")}
    if properties.get("EphemeralStorage") is not None:
        out["EphemeralStorage"] = {"Size": as_int(properties["EphemeralStorage"].get("Size"))}
    if properties.get("KmsKeyArn") is not None:
        out["KMSKeyArn"] = to_text(properties["KmsKeyArn"])
    vpc = properties.get("VpcConfig")
    if vpc is not None:
        out["VpcConfig"] = {
            "SubnetIds": [to_text(v) for v in vpc.get("SubnetIds") or []],
            "SecurityGroupIds": [to_text(v) for v in vpc.get("SecurityGroupIds") or []],
        }
        if vpc.get("Ipv6AllowedForDualStack") is not None:
            out["VpcConfig"]["Ipv6AllowedForDualStack"] = as_bool(vpc["Ipv6AllowedForDualStack"])
    for key in ("FileSystemConfigs", "ImageConfig", "SnapStart", "LoggingConfig"):
        if properties.get(key) is not None:
            out[key] = properties[key]
    return out


def _code(properties: dict[str, Any]) -> dict[str, Any]:
    return code_params(properties.get("Code") or {}, to_text(properties.get("Runtime") or ""))


def _attributes(name: str, config: dict[str, Any]) -> dict[str, Any]:
    snap = config.get("SnapStart") or {}
    return {
        "Arn": config.get("FunctionArn", ""),
        "SnapStartResponse.ApplyOn": snap.get("ApplyOn", "None"),
        "SnapStartResponse.OptimizationStatus": snap.get("OptimizationStatus", "Off"),
    }


class FunctionHandler(ResourceHandler):
    type_name = "AWS::Lambda::Function"
    replace_on = frozenset({"FunctionName"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        params: dict[str, Any] = {
            "FunctionName": name,
            "Code": _code(properties),
            **_configuration(properties),
        }
        if properties.get("PackageType") is not None:
            params["PackageType"] = to_text(properties["PackageType"])
        if properties.get("Architectures") is not None:
            params["Architectures"] = [to_text(a) for a in properties["Architectures"]]
        tags = tag_map(properties.get("Tags"))
        if tags:
            params["Tags"] = tags
        await ctx.call("lambda", "CreateFunction", params)
        try:
            reserved = as_int(properties.get("ReservedConcurrentExecutions"))
            if reserved is not None:
                await ctx.call(
                    "lambda",
                    "PutFunctionConcurrency",
                    {"FunctionName": name, "ReservedConcurrentExecutions": reserved},
                )
            config = await function_ready(ctx.call, name)
        except Exception:
            await self.delete(ctx, name, properties)  # CloudFormation leaves no half-made function
            raise
        return Provisioned(name, _attributes(name, config))

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        name = physical_id
        if any(properties.get(k) != old.get(k) for k in _CODE_KEYS):
            params: dict[str, Any] = {"FunctionName": name, **_code(properties)}
            if properties.get("Architectures") is not None:
                params["Architectures"] = [to_text(a) for a in properties["Architectures"]]
            await ctx.call("lambda", "UpdateFunctionCode", params)
            await function_ready(ctx.call, name)
        if any(properties.get(k) != old.get(k) for k in _CONFIG_KEYS):
            new = _configuration(properties)
            previous = _configuration(old)
            changes = {k: v for k, v in new.items() if previous.get(k) != v}
            for key in previous:
                if key not in new and key in _RESETS:
                    changes[key] = _RESETS[key]
            if changes:
                await ctx.call("lambda", "UpdateFunctionConfiguration", {"FunctionName": name, **changes})
                await function_ready(ctx.call, name)
        if properties.get("ReservedConcurrentExecutions") != old.get("ReservedConcurrentExecutions"):
            reserved = as_int(properties.get("ReservedConcurrentExecutions"))
            if reserved is None:
                await ctx.call("lambda", "DeleteFunctionConcurrency", {"FunctionName": name})
            else:
                await ctx.call(
                    "lambda",
                    "PutFunctionConcurrency",
                    {"FunctionName": name, "ReservedConcurrentExecutions": reserved},
                )
        config = await function_ready(ctx.call, name)
        await _retag(ctx, config["FunctionArn"], tag_map(old.get("Tags")), tag_map(properties.get("Tags")))
        return Provisioned(name, _attributes(name, config))

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            await ctx.call("lambda", "DeleteFunction", {"FunctionName": physical_id})
        except Exception as error:
            if not is_missing(error):
                raise


async def _retag(ctx: ResourceContext, arn: str, old: dict[str, str], new: dict[str, str]) -> None:
    gone = [k for k in old if k not in new]
    if gone:
        await ctx.call("lambda", "UntagResource", {"Resource": arn, "TagKeys": gone})
    changed = {k: v for k, v in new.items() if old.get(k) != v}
    if changed:
        await ctx.call("lambda", "TagResource", {"Resource": arn, "Tags": changed})


HANDLERS: list[ResourceHandler] = [FunctionHandler(), *awslambda_types.HANDLERS]
