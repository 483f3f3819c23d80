"""Resource handler: AWS::CloudFormation::CustomResource, which also serves every Custom::*
type without a native handler (resources.handler_for).

As CloudFormation does, each Create / Update / Delete sends the provider the custom resource
request (RequestType, ResponseURL, StackId, RequestId, ResourceType, LogicalResourceId,
PhysicalResourceId on Update and Delete, ResourceProperties with ServiceToken,
OldResourceProperties on Update): an asynchronous ("Event") Invoke when the ServiceToken is
a Lambda function, a Publish when it is an SNS topic. Then it waits for the answer PUT to
the ResponseURL, ServiceTimeout seconds if given, else one hour.

SUCCESS: Ref is the returned PhysicalResourceId, Fn::GetAtt names the keys of Data. A new
PhysicalResourceId on Update means the resource was replaced (the engine then sends Delete
for the old one). FAILED: the resource fails with CloudFormation's wording, the Reason kept
whole. The engine hands over properties with every scalar a string, as CloudFormation does."""

from __future__ import annotations

import json
import uuid
from typing import Any

from cloudlet.deploy.resources.base import Provisioned, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text

DEFAULT_TIMEOUT = 3600.0  # "the default ... is 3600 seconds (one hour)" (ServiceTimeout reference)


class CustomResourceFailed(Exception):
    """The provider answered FAILED or never answered; the message is the status reason."""


def failed_message(reason: str, request_id: str) -> str:
    return (
        f"Received response status [FAILED] from custom resource. Message returned: {reason} "
        f"(RequestId: {request_id})"
    )


def timeout_message(request_id: str) -> str:
    return (
        "CloudFormation did not receive a response from your Custom Resource. Please check your logs "
        f"for requestId [{request_id}]. If you are using the Python cfn-response module, you may need "
        "to update your Lambda function code so that CloudFormation can attach the updated version."
    )


def _timeout(properties: dict[str, Any]) -> float:
    given = properties.get("ServiceTimeout")
    if given is None or to_text(given) == "":
        return DEFAULT_TIMEOUT
    return float(to_text(given))


class CustomResourceHandler(ResourceHandler):
    type_name = "AWS::CloudFormation::CustomResource"
    replace_on = frozenset()  # the provider decides, by answering a new PhysicalResourceId

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        answer = await self._request(ctx, "Create", properties)
        return self._provisioned(answer, ctx)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        answer = await self._request(ctx, "Update", properties, physical_id=physical_id, old=old)
        return self._provisioned(answer, ctx, physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            await self._request(ctx, "Delete", properties, physical_id=physical_id)
        except _ProviderGone:
            # AWS would wait out the hour for a provider that no longer exists; nothing
            # can answer, so the resource is considered gone with its provider.
            return

    @staticmethod
    def _provisioned(answer: dict[str, Any], ctx: ResourceContext, current: str | None = None) -> Provisioned:
        physical_id = to_text(answer.get("PhysicalResourceId") or current or "")
        if not physical_id:
            physical_id = f"{ctx.stack_name}-{ctx.logical_id}-{uuid.uuid4().hex[:12].upper()}"
        data = answer.get("Data") or {}
        return Provisioned(physical_id, dict(data) if isinstance(data, dict) else {})

    async def _request(
        self,
        ctx: ResourceContext,
        request_type: str,
        properties: dict[str, Any],
        *,
        physical_id: str | None = None,
        old: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if ctx.responses is None:
            raise CustomResourceFailed("Custom resources need the server's response endpoint")
        token = to_text(properties.get("ServiceToken"))
        if not token:
            raise CustomResourceFailed("Property ServiceToken cannot be empty.")
        request_id = str(uuid.uuid4())
        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": token,
            "ResponseURL": ctx.responses.url(request_id),
            "StackId": ctx.stack_id,
            "RequestId": request_id,
            "LogicalResourceId": ctx.logical_id,
            "ResourceType": ctx.resource_type,
            "ResourceProperties": properties,
        }
        if physical_id is not None:
            event["PhysicalResourceId"] = physical_id
        if old is not None:
            event["OldResourceProperties"] = old
        await self._send(ctx, token, event, gone_ok=request_type == "Delete")
        try:
            answer = await ctx.responses.wait(request_id, _timeout(properties))
        except TimeoutError:
            raise CustomResourceFailed(timeout_message(request_id)) from None
        if to_text(answer.get("Status")).upper() != "SUCCESS":
            raise CustomResourceFailed(failed_message(to_text(answer.get("Reason")), request_id))
        return answer

    @staticmethod
    async def _send(ctx: ResourceContext, token: str, event: dict[str, Any], gone_ok: bool) -> None:
        payload = json.dumps(event)
        try:
            if token.startswith("arn:") and token.split(":")[2] == "sns":
                await ctx.call("sns", "Publish", {"TopicArn": token, "Message": payload})
            else:
                await ctx.call(
                    "lambda",
                    "Invoke",
                    {"FunctionName": token, "InvocationType": "Event", "Payload": payload.encode()},
                )
        except Exception as error:
            if gone_ok and is_missing(error, "NotFound"):
                raise _ProviderGone() from error
            raise


class _ProviderGone(Exception):
    """The ServiceToken's function or topic no longer exists (on Delete)."""


HANDLERS: list[ResourceHandler] = [CustomResourceHandler()]
