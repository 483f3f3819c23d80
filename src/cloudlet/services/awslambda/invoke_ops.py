"""Invoke: RequestResponse on the injected invoker, DryRun, and Event handed to the async
queue (async_invokes.enqueue_async). Payload limits and error shapes as AWS.
https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.awslambda import names, runtimes
from cloudlet.services.awslambda.core import LambdaCore

if TYPE_CHECKING:
    from cloudlet.services.awslambda.invoking import FunctionSpec

Doc = dict[str, Any]

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
SYNC_PAYLOAD_LIMIT = 6291456  # 6 MB, request and response
ASYNC_PAYLOAD_LIMIT = 1048576  # 1 MB for Event invocations
# A response over the limit is an Unhandled function error (the runtime API's 6 MB + 100 bytes).
RESPONSE_LIMIT = 6291556
LOG_TAIL_BYTES = 4096


class InvokeOps(LambdaCore):
    async def enqueue_async(self, ctx: Any, spec: FunctionSpec, payload: bytes, invoked_arn: str) -> Doc:
        """Invoke(Event): provided by the async-invokes mixin (async_invokes.py)."""
        raise ServiceError(
            "ServiceException", "asynchronous invocation is not available", 500, sender_fault=False
        )

    async def invoke(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        row = self.require_function(t)
        kind = params.get("InvocationType") or "RequestResponse"
        if kind not in ("RequestResponse", "Event", "DryRun"):
            raise names.validation(
                kind, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
            )
        payload = bytes(params.get("Payload") or b"")
        limit = ASYNC_PAYLOAD_LIMIT if kind == "Event" else SYNC_PAYLOAD_LIMIT
        if len(payload) > limit:
            raise names.too_large(limit, "InvokeFunction")
        _check_json(payload)
        config = self.config_of(t)
        spec = self.spec(t, config, row["reserved_concurrency"])
        if kind == "DryRun":
            return {"StatusCode": 204}
        if spec.runtime:
            runtimes.runnable(spec.runtime)
        invoked_arn = t.qualified_arn if t.qualifier else t.arn
        if kind == "Event":
            return await self.enqueue_async(ctx, spec, payload or b"{}", invoked_arn)
        invoker = self.env.extras["invoker"]
        result = await invoker.invoke(
            spec,
            payload or b"{}",
            request_id=ctx.request_id,
            invoked_arn=invoked_arn,
            client_context=params.get("ClientContext"),
        )
        out: Doc = {"StatusCode": 200, "ExecutedVersion": result.executed_version or spec.version}
        body = result.payload
        function_error = result.function_error
        if len(body) > RESPONSE_LIMIT:
            body = json.dumps(
                {
                    "errorMessage": f"Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).",
                    "errorType": "Function.ResponseSizeTooLarge",
                }
            ).encode()
            function_error = "Unhandled"
        out["Payload"] = body
        if function_error:
            out["FunctionError"] = function_error
        if params.get("LogType") == "Tail":
            tail = result.log_tail.encode("utf-8")[-LOG_TAIL_BYTES:]
            out["LogResult"] = base64.b64encode(tail).decode("ascii")
        return out


def _check_json(payload: bytes) -> None:
    if not payload:
        return
    try:
        json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServiceError(
            "InvalidRequestContentException",
            f"Could not parse request body into json: Could not parse payload into json: {exc}",
            400,
        ) from exc
