"""Resource handlers: AWS::CDK::Metadata and CDK's own custom resources, done natively.

CDK backs these with Node.js (or Python) Lambda functions named by ServiceToken; cloudlet
performs what those functions do through the service APIs instead and ignores the token.
CloudFormation hands custom resources string properties, so numbers and booleans are
accepted as strings too ("7", "true")."""

from __future__ import annotations

import uuid
from typing import Any

from cloudlet.deploy.names import generate_name
from cloudlet.deploy.resources import cdk_bucket_deployment
from cloudlet.deploy.resources.base import Provisioned, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.logs import ensure_log_group, group_arn
from cloudlet.deploy.resources.property_values import as_bool
from cloudlet.deploy.resources.s3_objects import empty_bucket
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text


class MetadataHandler(ResourceHandler):
    """CDK's version analytics: nothing to create."""

    type_name = "AWS::CDK::Metadata"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        return Provisioned(generate_name(ctx.stack_name, ctx.logical_id, 255))

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        return Provisioned(physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        return None


_NOTIFICATION_LISTS = ("QueueConfigurations", "TopicConfigurations", "LambdaFunctionConfigurations")


def _without_ids(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "Id"}


def _merged(existing: dict[str, Any], ours: dict[str, Any], old_ours: dict[str, Any]) -> dict[str, Any]:
    """An unmanaged (imported) bucket's configuration: what others put there, minus what
    this resource put before, plus what it puts now (CDK's handler does the same)."""
    config: dict[str, Any] = {}
    for member in _NOTIFICATION_LISTS:
        previous = [_without_ids(e) for e in old_ours.get(member) or []]
        kept = [e for e in existing.get(member) or [] if _without_ids(e) not in previous]
        entries = kept + list(ours.get(member) or [])
        if entries:
            config[member] = entries
    if "EventBridgeConfiguration" in ours or (
        "EventBridgeConfiguration" in existing and "EventBridgeConfiguration" not in old_ours
    ):
        config["EventBridgeConfiguration"] = {}
    return config


class BucketNotificationsHandler(ResourceHandler):
    """Custom::S3BucketNotifications: NotificationConfiguration (the S3 API's shape) put on
    BucketName. Managed (the default) replaces the bucket's configuration; Managed false
    (an imported bucket) merges with what others configured."""

    type_name = "Custom::S3BucketNotifications"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        await self._put(ctx, properties, {})
        return Provisioned(generate_name(ctx.stack_name, ctx.logical_id, 255))

    async def _put(self, ctx: ResourceContext, properties: dict[str, Any], old: dict[str, Any]) -> None:
        bucket = to_text(properties["BucketName"])
        ours = _normalized(properties.get("NotificationConfiguration"))
        if not as_bool(properties.get("Managed"), default=True):
            existing = await ctx.call("s3", "GetBucketNotificationConfiguration", {"Bucket": bucket})
            old_ours = _normalized(old.get("NotificationConfiguration")) if old else {}
            ours = _merged(existing, ours, old_ours)
        params = {"Bucket": bucket, "NotificationConfiguration": ours}
        await ctx.call("s3", "PutBucketNotificationConfiguration", params)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if to_text(old.get("BucketName")) != to_text(properties.get("BucketName")):
            await self.delete(ctx, physical_id, old)
            old = {}
        await self._put(ctx, properties, old)
        return Provisioned(physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        bucket = to_text(properties.get("BucketName"))
        try:
            config: dict[str, Any] = {}
            if not as_bool(properties.get("Managed"), default=True):
                existing = await ctx.call("s3", "GetBucketNotificationConfiguration", {"Bucket": bucket})
                config = _merged(existing, {}, _normalized(properties.get("NotificationConfiguration")))
            params = {"Bucket": bucket, "NotificationConfiguration": config}
            await ctx.call("s3", "PutBucketNotificationConfiguration", params)
        except Exception as error:
            if not is_missing(error):
                raise


def _normalized(config: Any) -> dict[str, Any]:
    """The configuration as PutBucketNotificationConfiguration takes it (drops empties)."""
    out: dict[str, Any] = {}
    for member in _NOTIFICATION_LISTS:
        entries = (config or {}).get(member)
        if entries:
            out[member] = list(entries)
    if (config or {}).get("EventBridgeConfiguration") is not None:
        out["EventBridgeConfiguration"] = {}
    return out


_AUTO_DELETE_TAG = "aws-cdk:auto-delete-objects"


class AutoDeleteObjectsHandler(ResourceHandler):
    """Custom::S3AutoDeleteObjects: on delete, empties BucketName (every version and delete
    marker) so the bucket's own delete succeeds. Like CDK's handler, only a bucket still
    tagged aws-cdk:auto-delete-objects=true is emptied (a replaced bucket that dropped
    autoDeleteObjects keeps its objects)."""

    type_name = "Custom::S3AutoDeleteObjects"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        return Provisioned(generate_name(ctx.stack_name, ctx.logical_id, 255))

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        # CDK's handler: when the bucket changed, the old one is about to be deleted
        if to_text(old.get("BucketName")) != to_text(properties.get("BucketName")):
            await self.delete(ctx, physical_id, old)
        return Provisioned(physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        bucket = to_text(properties.get("BucketName"))
        try:
            tagging = await ctx.call("s3", "GetBucketTagging", {"Bucket": bucket})
        except Exception as error:
            if is_missing(error, "NoSuchTagSet"):
                return
            raise
        tags = {str(t["Key"]): str(t["Value"]) for t in tagging.get("TagSet") or []}
        if tags.get(_AUTO_DELETE_TAG) != "true":
            return
        try:
            await empty_bucket(ctx, bucket)
        except Exception as error:
            if not is_missing(error):
                raise


class LogRetentionHandler(ResourceHandler):
    """Custom::LogRetention: creates LogGroupName if missing and sets RetentionInDays (no
    value: never expire). Its physical id is the group's name; RemovalPolicy "destroy"
    deletes the group with the resource."""

    type_name = "Custom::LogRetention"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = to_text(properties["LogGroupName"])
        await ensure_log_group(ctx, name, properties.get("RetentionInDays"))
        return Provisioned(name, {"LogGroupName": name, "LogGroupArn": group_arn(ctx, name)})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        return await self.create(ctx, properties)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        if to_text(properties.get("RemovalPolicy")).lower() != "destroy":
            return
        try:
            await ctx.call(
                "logs", "DeleteLogGroup", {"logGroupName": to_text(properties.get("LogGroupName"))}
            )
        except Exception as error:
            if not is_missing(error):
                raise


class BucketDeploymentHandler(ResourceHandler):
    """Custom::CDKBucketDeployment (see cdk_bucket_deployment.py). RetainOnDelete defaults to
    true, as in CDK: the deployed objects stay when the resource goes."""

    type_name = "Custom::CDKBucketDeployment"

    def _provisioned(self, physical_id: str, properties: dict[str, Any], written: list[str]) -> Provisioned:
        bucket, _ = cdk_bucket_deployment.destination(properties)
        arn = to_text(properties.get("DestinationBucketArn") or f"arn:aws:s3:::{bucket}")
        return Provisioned(physical_id, {"DestinationBucketArn": arn, "SourceObjectKeys": written})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        written = await cdk_bucket_deployment.deploy(ctx, properties)
        return self._provisioned(f"aws.cdk.s3deployment.{uuid.uuid4()}", properties, written)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        moved = cdk_bucket_deployment.destination(old) != cdk_bucket_deployment.destination(properties)
        if moved and not as_bool(old.get("RetainOnDelete"), default=True):
            await self._remove(ctx, old)
        written = await cdk_bucket_deployment.deploy(ctx, properties)
        return self._provisioned(physical_id, properties, written)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        if not as_bool(properties.get("RetainOnDelete"), default=True):
            await self._remove(ctx, properties)

    async def _remove(self, ctx: ResourceContext, properties: dict[str, Any]) -> None:
        try:
            await cdk_bucket_deployment.remove(ctx, properties)
        except Exception as error:
            if not is_missing(error):
                raise


HANDLERS: list[ResourceHandler] = [
    MetadataHandler(),
    BucketNotificationsHandler(),
    AutoDeleteObjectsHandler(),
    LogRetentionHandler(),
    BucketDeploymentHandler(),
]
