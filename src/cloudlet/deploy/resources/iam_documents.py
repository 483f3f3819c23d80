"""IAM handlers' shared steps: policy documents as the API's strings, and diffing a role's or
user's inline policies and managed policy attachments (IAM stores policies; cloudlet does not
enforce them)."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.resources.base import ResourceContext
from cloudlet.deploy.resources.property_values import json_text
from cloudlet.deploy.resources.service_errors import is_missing


def inline_policies(value: Any) -> dict[str, str]:
    """`Policies: [{PolicyName, PolicyDocument}]` as {name: document text}."""
    return {str(p["PolicyName"]): json_text(p["PolicyDocument"]) for p in value or []}


async def sync_inline(
    ctx: ResourceContext, kind: str, owner: str, wanted: dict[str, str], had: dict[str, str]
) -> None:
    """Put the inline policies that are new or changed, delete the dropped ones.
    `kind` is "Role", "User" or "Group" (the operation and parameter names)."""
    for name, document in wanted.items():
        if had.get(name) != document:
            params = {f"{kind}Name": owner, "PolicyName": name, "PolicyDocument": document}
            await ctx.call("iam", f"Put{kind}Policy", params)
    for name in had.keys() - wanted.keys():
        await delete_inline(ctx, kind, owner, name)


async def delete_inline(ctx: ResourceContext, kind: str, owner: str, name: str) -> None:
    try:
        await ctx.call("iam", f"Delete{kind}Policy", {f"{kind}Name": owner, "PolicyName": name})
    except Exception as error:
        if not is_missing(error):
            raise


async def sync_attached(
    ctx: ResourceContext, kind: str, owner: str, wanted: list[str], had: list[str]
) -> None:
    for arn in wanted:
        if arn not in had:
            await ctx.call("iam", f"Attach{kind}Policy", {f"{kind}Name": owner, "PolicyArn": arn})
    for arn in had:
        if arn not in wanted:
            await detach(ctx, kind, owner, arn)


async def detach(ctx: ResourceContext, kind: str, owner: str, arn: str) -> None:
    try:
        await ctx.call("iam", f"Detach{kind}Policy", {f"{kind}Name": owner, "PolicyArn": arn})
    except Exception as error:
        if not is_missing(error):
            raise


def texts(value: Any) -> list[str]:
    return [str(v) for v in value or []]
