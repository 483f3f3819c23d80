"""Resource handlers for the Lambda types beside the function: Permission,
EventSourceMapping, Version, Alias, LayerVersion, EventInvokeConfig. Ref values and the
replacing properties are the resource reference's (createOnlyProperties of each schema)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cloudlet.deploy import names
from cloudlet.deploy.resources.awslambda_waits import NotStabilized, until
from cloudlet.deploy.resources.base import Provisioned, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_bool, as_int, json_text, tag_map
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text


async def _ignore_missing(ctx: ResourceContext, operation: str, params: dict[str, Any]) -> None:
    try:
        await ctx.call("lambda", operation, params)
    except Exception as error:
        if not is_missing(error):
            raise


def _texts(properties: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: to_text(properties[k]) for k in keys if properties.get(k) is not None}


def _ints(properties: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: as_int(properties[k]) for k in keys if properties.get(k) is not None}


# -- AWS::Lambda::Permission ---------------------------------------------------------------------
_PERMISSION_KEYS = (
    "FunctionName",
    "Action",
    "Principal",
    "SourceArn",
    "SourceAccount",
    "EventSourceToken",
    "PrincipalOrgID",
    "FunctionUrlAuthType",
)


class PermissionHandler(ResourceHandler):
    """Ref: the statement id CloudFormation generates (<stack>-<logical id>-<suffix>)."""

    type_name = "AWS::Lambda::Permission"
    replace_on = frozenset(_PERMISSION_KEYS)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        sid = names.generate_name(ctx.stack_name, ctx.logical_id, 100)
        params = {"StatementId": sid, **_texts(properties, *_PERMISSION_KEYS)}
        await ctx.call("lambda", "AddPermission", params)
        return Provisioned(sid, {"Id": sid})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        function = to_text(properties.get("FunctionName"))
        await _ignore_missing(ctx, "RemovePermission", {"FunctionName": function, "StatementId": physical_id})


# -- AWS::Lambda::EventSourceMapping ----------------------------------------------------------
_MAPPING_INTS = (
    "BatchSize",
    "MaximumBatchingWindowInSeconds",
    "MaximumRecordAgeInSeconds",
    "MaximumRetryAttempts",
    "ParallelizationFactor",
    "TumblingWindowInSeconds",
)
_MAPPING_PASS = (
    "DestinationConfig",
    "FunctionResponseTypes",
    "Queues",
    "Topics",
    "SourceAccessConfigurations",
    "SelfManagedEventSource",
    "AmazonManagedKafkaEventSourceConfig",
    "SelfManagedKafkaEventSourceConfig",
    "DocumentDBEventSourceConfig",
    "MetricsConfig",
    "ProvisionedPollerConfig",
)
_TRANSITIONS = ("Creating", "Enabling", "Disabling", "Updating")


def _mapping_params(properties: dict[str, Any], creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {**_texts(properties, "FunctionName"), **_ints(properties, *_MAPPING_INTS)}
    for key in ("Enabled", "BisectBatchOnFunctionError"):
        if properties.get(key) is not None:
            out[key] = as_bool(properties[key])
    for key in _MAPPING_PASS:
        if properties.get(key) is not None:
            out[key] = properties[key]
    if properties.get("KmsKeyArn") is not None:
        out["KMSKeyArn"] = to_text(properties["KmsKeyArn"])
    scaling = properties.get("ScalingConfig")
    if scaling is not None:
        out["ScalingConfig"] = _ints(scaling, "MaximumConcurrency")
    filters = properties.get("FilterCriteria")
    if filters is not None:
        out["FilterCriteria"] = {
            "Filters": [{"Pattern": json_text(f.get("Pattern", ""))} for f in filters.get("Filters") or []]
        }
    if creating:
        out.update(_texts(properties, "EventSourceArn", "StartingPosition"))
        if properties.get("StartingPositionTimestamp") is not None:
            seconds = float(to_text(properties["StartingPositionTimestamp"]))
            out["StartingPositionTimestamp"] = datetime.fromtimestamp(seconds, UTC)
        tags = tag_map(properties.get("Tags"))
        if tags:
            out["Tags"] = tags
    return out


async def _mapping_settled(ctx: ResourceContext, uuid: str) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        return await ctx.call("lambda", "GetEventSourceMapping", {"UUID": uuid})

    return await until(read, lambda m: m.get("State") not in _TRANSITIONS, f"event source mapping {uuid}")


def _mapping_result(mapping: dict[str, Any]) -> Provisioned:
    uuid = mapping["UUID"]
    return Provisioned(uuid, {"Id": uuid, "EventSourceMappingArn": mapping.get("EventSourceMappingArn", "")})


class EventSourceMappingHandler(ResourceHandler):
    """Ref: the mapping's UUID."""

    type_name = "AWS::Lambda::EventSourceMapping"
    replace_on = frozenset(
        {
            "EventSourceArn",
            "StartingPosition",
            "StartingPositionTimestamp",
            "SelfManagedEventSource",
            "AmazonManagedKafkaEventSourceConfig",
            "SelfManagedKafkaEventSourceConfig",
            "Queues",
            "Topics",
        }
    )

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        made = await ctx.call(
            "lambda", "CreateEventSourceMapping", _mapping_params(properties, creating=True)
        )
        return _mapping_result(await _mapping_settled(ctx, made["UUID"]))

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        params = _mapping_params(properties, creating=False)
        for key in ("Queues", "Topics", "SourceAccessConfigurations", "Tags"):
            params.pop(key, None)
        if old.get("FilterCriteria") and properties.get("FilterCriteria") is None:
            params["FilterCriteria"] = {}  # removing the property removes the filters
        if old.get("Enabled") is not None and properties.get("Enabled") is None:
            params["Enabled"] = True
        await ctx.call("lambda", "UpdateEventSourceMapping", {"UUID": physical_id, **params})
        return _mapping_result(await _mapping_settled(ctx, physical_id))

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await _ignore_missing(ctx, "DeleteEventSourceMapping", {"UUID": physical_id})

        async def read() -> dict[str, Any]:
            try:
                return await ctx.call("lambda", "GetEventSourceMapping", {"UUID": physical_id})
            except Exception as error:
                if is_missing(error):
                    return {}
                raise

        try:
            await until(read, lambda m: not m, f"event source mapping {physical_id}")
        except NotStabilized:
            pass  # Deleting for longer than the bound: it is on its way out


# -- AWS::Lambda::Version ------------------------------------------------------------------------
class VersionHandler(ResourceHandler):
    """Ref: the version's ARN; Fn::GetAtt Version (the number) and FunctionArn."""

    type_name = "AWS::Lambda::Version"
    replace_on = frozenset({"FunctionName", "CodeSha256", "Description"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        params = _texts(properties, "FunctionName", "CodeSha256", "Description")
        made = await ctx.call("lambda", "PublishVersion", params)
        arn = made["FunctionArn"]
        return Provisioned(arn, {"Version": made["Version"], "FunctionArn": arn})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        # Only ProvisionedConcurrencyConfig / RuntimePolicy are left to change: not run here.
        function, _, version = physical_id.rpartition(":")
        return Provisioned(physical_id, {"Version": version, "FunctionArn": physical_id})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        function, _, version = physical_id.rpartition(":")
        await _ignore_missing(ctx, "DeleteFunction", {"FunctionName": function, "Qualifier": version})


# -- AWS::Lambda::Alias --------------------------------------------------------------------------
def _alias_params(properties: dict[str, Any]) -> dict[str, Any]:
    out = _texts(properties, "FunctionName", "Name", "FunctionVersion", "Description")
    routing = properties.get("RoutingConfig")
    if routing is not None:
        weights = {
            to_text(w["FunctionVersion"]): float(to_text(w["FunctionWeight"]))
            for w in routing.get("AdditionalVersionWeights") or []
        }
        out["RoutingConfig"] = {"AdditionalVersionWeights": weights}
    return out


class AliasHandler(ResourceHandler):
    """Ref: the alias ARN; Fn::GetAtt AliasArn."""

    type_name = "AWS::Lambda::Alias"
    replace_on = frozenset({"FunctionName", "Name"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        made = await ctx.call("lambda", "CreateAlias", _alias_params(properties))
        return Provisioned(made["AliasArn"], {"AliasArn": made["AliasArn"]})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        params = _alias_params(properties)
        if properties.get("Description") is None:
            params["Description"] = ""
        if properties.get("RoutingConfig") is None:
            params["RoutingConfig"] = {"AdditionalVersionWeights": {}}
        made = await ctx.call("lambda", "UpdateAlias", params)
        return Provisioned(made["AliasArn"], {"AliasArn": made["AliasArn"]})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await _ignore_missing(
            ctx,
            "DeleteAlias",
            {
                "FunctionName": to_text(properties.get("FunctionName")),
                "Name": to_text(properties.get("Name")),
            },
        )


# -- AWS::Lambda::LayerVersion -------------------------------------------------------------------
class LayerVersionHandler(ResourceHandler):
    """Ref: the layer version ARN; Fn::GetAtt LayerVersionArn. Every property replaces."""

    type_name = "AWS::Lambda::LayerVersion"
    replace_on = frozenset(
        {
            "CompatibleRuntimes",
            "LicenseInfo",
            "CompatibleArchitectures",
            "LayerName",
            "Description",
            "Content",
        }
    )

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = to_text(properties.get("LayerName")) or names.generate_name(
            ctx.stack_name, ctx.logical_id, 140
        )
        content = properties.get("Content") or {}
        params: dict[str, Any] = {
            "LayerName": name,
            "Content": _texts(content, "S3Bucket", "S3Key", "S3ObjectVersion"),
            **_texts(properties, "Description", "LicenseInfo"),
        }
        for key in ("CompatibleRuntimes", "CompatibleArchitectures"):
            if properties.get(key) is not None:
                params[key] = [to_text(v) for v in properties[key]]
        made = await ctx.call("lambda", "PublishLayerVersion", params)
        arn = made["LayerVersionArn"]
        return Provisioned(arn, {"LayerVersionArn": arn})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        layer, _, number = physical_id.rpartition(":")
        await _ignore_missing(ctx, "DeleteLayerVersion", {"LayerName": layer, "VersionNumber": int(number)})


# -- AWS::Lambda::EventInvokeConfig --------------------------------------------------------------
class EventInvokeConfigHandler(ResourceHandler):
    """Ref: "<function>|<qualifier>" (the schema's primary identifier, FunctionName + Qualifier)."""

    type_name = "AWS::Lambda::EventInvokeConfig"
    replace_on = frozenset({"FunctionName", "Qualifier"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        params = {
            **_texts(properties, "FunctionName", "Qualifier"),
            **_ints(properties, "MaximumRetryAttempts", "MaximumEventAgeInSeconds"),
        }
        if properties.get("DestinationConfig") is not None:
            params["DestinationConfig"] = properties["DestinationConfig"]
        await ctx.call("lambda", "PutFunctionEventInvokeConfig", params)
        ident = f"{to_text(properties.get('FunctionName'))}|{to_text(properties.get('Qualifier'))}"
        return Provisioned(ident)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        return await self.create(ctx, properties)  # Put replaces the whole configuration

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await _ignore_missing(
            ctx, "DeleteFunctionEventInvokeConfig", _texts(properties, "FunctionName", "Qualifier")
        )


HANDLERS: list[ResourceHandler] = [
    PermissionHandler(),
    EventSourceMappingHandler(),
    VersionHandler(),
    AliasHandler(),
    LayerVersionHandler(),
    EventInvokeConfigHandler(),
]
