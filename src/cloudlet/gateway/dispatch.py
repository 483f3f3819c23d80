"""Operation -> provider method (botocore.xform_name); a missing one answers 501."""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any

from botocore import xform_name

from cloudlet.errors import not_implemented
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider


@cache
def method_name(operation: str) -> str:
    return xform_name(operation)


async def dispatch(provider: Provider, ctx: RequestContext) -> dict[str, Any]:
    method = getattr(provider, method_name(ctx.operation), None)
    if method is None:
        raise not_implemented(ctx.service, ctx.operation)
    result = method(ctx, ctx.params)
    if not isinstance(result, dict):  # an async operation (or None)
        result = await result if inspect.isawaitable(result) else None
    return result or {}
