"""Resource handlers: AWS::S3::Bucket and AWS::S3::BucketPolicy.

A bucket is created with CreateBucket, then each configuration property is applied with
its Put* operation (s3_config.py maps CloudFormation's shapes to the API's); an update
re-puts what changed and removes what was dropped. Deleting a bucket that still holds
objects fails with S3's BucketNotEmpty, as it does on CloudFormation."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_bool, changed, json_text
from cloudlet.deploy.resources.s3_config import CANNED_ACLS, CONFIGS
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.errors import ServiceError

# Regions whose website endpoints use "s3-website-<region>" (a dash); the rest use a dot.
# https://docs.aws.amazon.com/general/latest/gr/s3.html#s3_website_region_endpoints
_DASH_WEBSITE_REGIONS = frozenset(
    [
        "us-east-1",
        "us-west-1",
        "us-west-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-northeast-1",
        "eu-west-1",
        "sa-east-1",
        "us-gov-west-1",
    ]
)


def bucket_attributes(ctx: ResourceContext, name: str) -> dict[str, Any]:
    region = ctx.region
    separator = "-" if region in _DASH_WEBSITE_REGIONS else "."
    return {
        "Arn": f"arn:{ctx.partition}:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website{separator}{region}.amazonaws.com",
    }


class BucketHandler(ResourceHandler):
    type_name = "AWS::S3::Bucket"
    replace_on = frozenset({"BucketName", "ObjectLockEnabled"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        try:
            await ctx.call("s3", "HeadBucket", {"Bucket": name})
        except Exception as error:  # noqa: BLE001 - any failure means "not ours to adopt"
            if not is_missing(error, "404"):
                raise
        else:
            # CreateBucket answers 200 to its owner in us-east-1; CloudFormation refuses.
            raise ServiceError("AlreadyExists", f"{name} already exists", 400)
        params: dict[str, Any] = {"Bucket": name}
        if ctx.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
        if as_bool(properties.get("ObjectLockEnabled")):
            params["ObjectLockEnabledForBucket"] = True
        acl = properties.get("AccessControl")
        if acl:
            params["ACL"] = CANNED_ACLS.get(str(acl), str(acl))
        # An ACL needs ACLs enabled from the start: CreateBucket refuses one under the default
        # BucketOwnerEnforced (InvalidBucketAclWithObjectOwnership).
        rules = (properties.get("OwnershipControls") or {}).get("Rules") or []
        if rules and rules[0].get("ObjectOwnership"):
            params["ObjectOwnership"] = str(rules[0]["ObjectOwnership"])
        await ctx.call("s3", "CreateBucket", params)
        try:
            await self._apply(ctx, name, properties, {})
        except Exception:
            await self.delete(ctx, name, properties)
            raise
        return Provisioned(name, bucket_attributes(ctx, name))

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        if changed(properties, old, "AccessControl"):
            acl = str(properties.get("AccessControl") or "Private")
            await ctx.call("s3", "PutBucketAcl", {"Bucket": physical_id, "ACL": CANNED_ACLS.get(acl, acl)})
        await self._apply(ctx, physical_id, properties, old)
        return Provisioned(physical_id, bucket_attributes(ctx, physical_id))

    async def _apply(
        self, ctx: ResourceContext, name: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> None:
        for config in CONFIGS:
            value = properties.get(config.property)
            previous = old.get(config.property)
            if value == previous:
                continue
            if value:
                await ctx.call("s3", config.put, {"Bucket": name, **config.build(value)})
            elif config.remove is not None:
                await ctx.call("s3", config.remove, {"Bucket": name})
            elif config.removed is not None:
                await ctx.call("s3", config.put, {"Bucket": name, **config.removed})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            await ctx.call("s3", "DeleteBucket", {"Bucket": physical_id})
        except Exception as error:
            if not is_missing(error):
                raise


class BucketPolicyHandler(ResourceHandler):
    """Ref is the bucket's name (the registry schema's primary identifier is Bucket)."""

    type_name = "AWS::S3::BucketPolicy"
    replace_on = frozenset({"Bucket"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        bucket = str(properties["Bucket"])
        policy = json_text(properties["PolicyDocument"])
        await ctx.call("s3", "PutBucketPolicy", {"Bucket": bucket, "Policy": policy})
        return Provisioned(bucket)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        return await self.create(ctx, properties)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            await ctx.call(
                "s3", "DeleteBucketPolicy", {"Bucket": str(properties.get("Bucket") or physical_id)}
            )
        except Exception as error:
            if not is_missing(error):
                raise


HANDLERS: list[ResourceHandler] = [BucketHandler(), BucketPolicyHandler()]
