"""What every Lambda operation shares: finding functions, versions and aliases by the
FunctionName / Qualifier arguments, rendering configurations, FunctionSpecs for the invoker,
states that settle in the background, and Marker paging."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from pathlib import Path
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.awslambda import names, store
from cloudlet.services.awslambda.invoking import FunctionSpec
from cloudlet.services.awslambda.names import LATEST
from cloudlet.services.base import Provider

Doc = dict[str, Any]


class Target:
    """A function argument resolved: where, which function, which version (and alias)."""

    def __init__(self, account: str, region: str, name: str, qualifier: str | None) -> None:
        self.account = account
        self.region = region
        self.name = name
        self.qualifier = qualifier

    @property
    def arn(self) -> str:
        return names.function_arn(self.region, self.account, self.name)

    @property
    def qualified_arn(self) -> str:
        return names.function_arn(self.region, self.account, self.name, self.qualifier)


class LambdaCore(Provider):
    service = "lambda"

    # -- finding ---------------------------------------------------------------------------------
    def target(self, ctx: RequestContext, params: Doc, qualifier_key: str = "Qualifier") -> Target:
        account, region, name, qualifier = names.parse_function(
            str(params.get("FunctionName") or ""), params.get(qualifier_key), ctx.account, ctx.region
        )
        return Target(account, region, name, qualifier)

    def require_function(self, t: Target) -> Doc:
        row = store.function(self.db, t.account, t.region, t.name)
        if row is None:
            raise names.function_not_found(t.qualified_arn if t.qualifier else t.arn)
        return row

    def version_of(self, t: Target) -> tuple[str, Doc | None]:
        """(the version a qualifier names, the alias document if it was an alias)."""
        if t.qualifier is None or t.qualifier == LATEST or t.qualifier.isdigit():
            return t.qualifier or LATEST, None
        found = store.alias(self.db, t.account, t.region, t.name, t.qualifier)
        if found is None:
            raise names.function_not_found(t.qualified_arn)
        return str(found["FunctionVersion"]), found

    def config_of(self, t: Target) -> Doc:
        """The stored configuration of the version a target names (aliases followed)."""
        label, _ = self.version_of(t)
        config = store.version(self.db, t.account, t.region, t.name, label)
        if config is None:
            raise names.function_not_found(t.qualified_arn if t.qualifier else t.arn)
        return config

    # -- the seams other Lambda parts use --------------------------------------------------------
    def resolve(self, account: str, region: str, function: str, qualifier: str | None) -> FunctionSpec:
        """A function (name, partial or full ARN, maybe "fn:qualifier") -> its FunctionSpec."""
        found_account, found_region, name, found_qualifier = names.parse_function(
            function, qualifier, account, region
        )
        t = Target(found_account, found_region, name, found_qualifier)
        row = self.require_function(t)
        return self.spec(t, self.config_of(t), row.get("reserved_concurrency"))

    def function_row(self, account: str, region: str, name: str) -> dict[str, Any] | None:
        """What async invokes and mappings read: name, arn, dead_letter_target_arn, timeout."""
        row = store.function(self.db, account, region, name)
        config = store.version(self.db, account, region, name, LATEST)
        if row is None or config is None:
            return None
        return {
            "name": name,
            "arn": names.function_arn(region, account, name),
            "dead_letter_target_arn": (config.get("DeadLetterConfig") or {}).get("TargetArn"),
            "timeout": config["Timeout"],
            "memory_size": config["MemorySize"],
            "reserved_concurrency": row["reserved_concurrency"],
            "runtime": config.get("Runtime"),
        }

    def spec(self, t: Target, config: Doc, reserved: int | None) -> FunctionSpec:
        logging_config = config.get("LoggingConfig") or {}
        return FunctionSpec(
            account=t.account,
            region=t.region,
            name=t.name,
            function_arn=t.arn,
            version=config["Version"],
            revision=config["RevisionId"],
            runtime=config.get("Runtime") or "",
            handler=config.get("Handler") or "",
            code_dir=Path(config["_code_dir"]),
            layer_dirs=tuple(Path(p) for p in config.get("_layer_dirs", [])),
            environment=dict((config.get("Environment") or {}).get("Variables") or {}),
            timeout=int(config["Timeout"]),
            memory_size=int(config["MemorySize"]),
            ephemeral_storage=int((config.get("EphemeralStorage") or {}).get("Size", 512)),
            log_group=logging_config.get("LogGroup") or f"/aws/lambda/{t.name}",
            log_format=logging_config.get("LogFormat") or "Text",
            application_log_level=logging_config.get("ApplicationLogLevel") or "",
            system_log_level=logging_config.get("SystemLogLevel") or "",
            reserved_concurrency=reserved,
            tracing_mode=(config.get("TracingConfig") or {}).get("Mode") or "PassThrough",
        )

    def retire(self, t: Target) -> None:
        invoker = self.env.extras.get("invoker")
        if invoker is not None:
            invoker.retire(t.arn)

    # -- rendering -------------------------------------------------------------------------------
    @staticmethod
    def render(config: Doc, arn: str | None = None) -> Doc:
        out = {k: v for k, v in config.items() if not k.startswith("_")}
        if arn is not None:
            out["FunctionArn"] = arn
        return out

    # -- states: Pending -> Active, InProgress -> Successful, in the background ------------------
    def settle_later(self, account: str, region: str, name: str, version: str) -> None:
        self.env.background.spawn(self._settle(account, region, name, version), f"lambda-state-{name}")

    async def _settle(self, account: str, region: str, name: str, version: str) -> None:
        await asyncio.sleep(0)  # the response (Pending / InProgress) goes out first
        self.finish_states(account, region, name, version)

    def finish_states(self, account: str, region: str, name: str, version: str) -> None:
        with self.db.write() as tx:
            config = store.version(tx, account, region, name, version)
            if config is None:
                return
            if config.get("State") == "Pending":
                config["State"] = "Active"
                config.pop("StateReason", None)
                config.pop("StateReasonCode", None)
                config.setdefault("LastUpdateStatus", "Successful")
            if config.get("LastUpdateStatus") == "InProgress":
                config["LastUpdateStatus"] = "Successful"
                config.pop("LastUpdateStatusReason", None)
                config.pop("LastUpdateStatusReasonCode", None)
            store.put_version(tx, account, region, name, config)

    def finish_all_states(self) -> None:
        for account, region, name, version in store.unsettled(self.db):
            self.finish_states(account, region, name, version)


# -- Marker paging -------------------------------------------------------------------------------
def page(
    items: list[Any], params: Doc, default: int, largest: int, cap: int | None = None
) -> tuple[list[Any], str | None]:
    """One page of `items` by MaxItems (1..largest, at most `cap` per page) and Marker."""
    size = params.get("MaxItems")
    if size is None:
        size = default
    elif not isinstance(size, int) or not 1 <= size <= largest:
        raise names.validation(
            size,
            "maxItems",
            f"Member must have value less than or equal to {largest}"
            if isinstance(size, int) and size > largest
            else "Member must have value greater than or equal to 1",
        )
    if cap is not None:
        size = min(size, cap)
    start = _start(params.get("Marker"))
    chosen = items[start : start + size]
    more = start + size < len(items)
    marker = base64.urlsafe_b64encode(json.dumps({"o": start + size}).encode()).decode() if more else None
    return chosen, marker


def _start(marker: Any) -> int:
    if not marker:
        return 0
    try:
        value = json.loads(base64.urlsafe_b64decode(str(marker).encode()))["o"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise names.invalid("Invalid marker.") from exc
    if not isinstance(value, int) or value < 0:
        raise names.invalid("Invalid marker.")
    return value


def revision_check(given: Any, current: str) -> None:
    if given is not None and given != current:
        raise names.precondition_failed()


__all__ = ["LambdaCore", "ServiceError", "Target", "page", "revision_check"]
