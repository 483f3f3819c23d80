"""SigV4 Authorization -> account and region. Signatures are not verified."""

from __future__ import annotations

import re

from cloudlet.gateway.context import RequestContext
from cloudlet.protocol.routing import credential_scope

_ACCOUNT = re.compile(r"^\d{12}$")


def identify(ctx: RequestContext, default_account: str, default_region: str) -> None:
    scope = credential_scope(ctx.request)
    ctx.account = default_account
    ctx.region = default_region
    if scope is None:
        return
    ctx.access_key = scope.access_key
    if _ACCOUNT.match(scope.access_key):
        ctx.account = scope.access_key
    if scope.region:
        ctx.region = scope.region
