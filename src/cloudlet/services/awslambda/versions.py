"""PublishVersion, ListVersionsByFunction and the alias operations."""

from __future__ import annotations

from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.ids import uuid4
from cloudlet.services.awslambda import names, store
from cloudlet.services.awslambda.core import LambdaCore, Target, page, revision_check
from cloudlet.services.awslambda.names import LATEST
from cloudlet.storage import Transaction

Doc = dict[str, Any]

# What may differ between $LATEST and a version without being a change worth a new version.
_VOLATILE = frozenset(
    {
        "Version",
        "FunctionArn",
        "RevisionId",
        "LastModified",
        "Description",
        "State",
        "StateReason",
        "StateReasonCode",
        "LastUpdateStatus",
        "LastUpdateStatusReason",
        "LastUpdateStatusReasonCode",
    }
)


def publish(
    tx: Transaction, account: str, region: str, name: str, now: float, description: str | None
) -> Doc:
    """Publish $LATEST as the next version, or give the newest version back when neither code
    nor configuration changed since (as AWS does)."""
    latest = store.version(tx, account, region, name, LATEST)
    assert latest is not None
    published = [v for v in store.versions(tx, account, region, name) if v["Version"] != LATEST]
    if published and _same(published[-1], latest):
        return published[-1]
    number = store.take_version_number(tx, account, region, name)
    config = dict(latest)
    config.update(
        Version=str(number),
        FunctionArn=names.function_arn(region, account, name, str(number)),
        RevisionId=uuid4(),
        LastModified=names.timestamp(now),
    )
    if description is not None:
        config["Description"] = description
    if config.get("LastUpdateStatus") == "InProgress":
        config["LastUpdateStatus"] = "Successful"
        for key in ("LastUpdateStatusReason", "LastUpdateStatusReasonCode"):
            config.pop(key, None)
    store.put_version(tx, account, region, name, config)
    return config


def listed_arn(config: Doc) -> str:
    """Listings of every version qualify $LATEST's ARN too (the ListVersionsByFunction example)."""
    arn = str(config["FunctionArn"])
    return f"{arn}:{LATEST}" if config["Version"] == LATEST else arn


def _same(a: Doc, b: Doc) -> bool:
    keys = (set(a) | set(b)) - _VOLATILE
    return all(a.get(k) == b.get(k) for k in keys)


class VersionOps(LambdaCore):
    def publish_version(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        self.require_function(t)
        with self.db.write() as tx:
            latest = store.version(tx, t.account, t.region, t.name, LATEST)
            if latest is None:
                raise names.function_not_found(t.arn)
            revision_check(params.get("RevisionId"), latest["RevisionId"])
            given_sha = params.get("CodeSha256")
            if given_sha is not None and given_sha != latest["CodeSha256"]:
                raise names.invalid(
                    f"CodeSHA256 ({given_sha}) is different from current CodeSHA256 in $LATEST "
                    f"({latest['CodeSha256']}). Please try again with the CodeSHA256 in $LATEST."
                )
            unsettled = latest.get("LastUpdateStatus") == "InProgress" or latest.get("State") == "Pending"
            if unsettled and not ctx.internal:
                raise names.conflict(
                    "The operation cannot be performed at this time. An update is in progress for resource: "
                    f"{t.arn}"
                )
            config = publish(tx, t.account, t.region, t.name, self.clock.now(), params.get("Description"))
        return self.render(config)

    def list_versions_by_function(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        self.require_function(t)
        configs = store.versions(self.db, t.account, t.region, t.name)
        # "returns a maximum of 50 items in each response, even if you set the number higher"
        chosen, marker = page(configs, params, 50, 10000, cap=50)
        out: Doc = {"Versions": [self.render(c, listed_arn(c)) for c in chosen]}
        if marker:
            out["NextMarker"] = marker
        return out

    # -- aliases ---------------------------------------------------------------------------------
    def _alias_target(self, ctx: RequestContext, params: Doc) -> Target:
        t = self.target(ctx, params)
        self.require_function(Target(t.account, t.region, t.name, None))
        return t

    def _check_version(self, t: Target, version: Any) -> str:
        if not isinstance(version, str) or not (version == LATEST or version.isdigit()):
            raise names.validation(
                version,
                "functionVersion",
                r"Member must satisfy regular expression pattern: (\$LATEST|[0-9]+)",
            )
        if store.version(self.db, t.account, t.region, t.name, version) is None:
            raise names.function_not_found(names.function_arn(t.region, t.account, t.name, version))
        return version

    def _routing(self, t: Target, primary: str, routing: Doc | None) -> Doc | None:
        if not routing:
            return None
        weights = routing.get("AdditionalVersionWeights") or {}
        if len(weights) > 1:
            raise names.invalid("Number of items in AdditionalVersionWeights cannot be greater than 1")
        for version, weight in weights.items():
            if version == primary:
                raise names.invalid(
                    f"Invalid function version {version}. Function version {version} is already included "
                    "in routing configuration."
                )
            if not 0.0 <= float(weight) <= 1.0:
                raise names.validation(
                    weight, "routingConfig.additionalVersionWeights", "Member must be in [0.0, 1.0]"
                )
            self._check_version(t, version)
        return {"AdditionalVersionWeights": {k: float(v) for k, v in weights.items()}}

    def create_alias(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._alias_target(ctx, params)
        alias_name = params.get("Name") or ""
        names.check_alias_name(alias_name)
        version = self._check_version(t, params.get("FunctionVersion"))
        arn = names.function_arn(t.region, t.account, t.name, alias_name)
        config: Doc = {
            "AliasArn": arn,
            "Name": alias_name,
            "FunctionVersion": version,
            "Description": params.get("Description") or "",
            "RevisionId": uuid4(),
        }
        routing = self._routing(t, version, params.get("RoutingConfig"))
        if routing:
            config["RoutingConfig"] = routing
        with self.db.write() as tx:
            if store.alias(tx, t.account, t.region, t.name, alias_name) is not None:
                raise names.conflict(f"Alias already exists: {arn}")
            store.put_alias(tx, t.account, t.region, t.name, config)
        return config

    def _alias(self, t: Target, alias_name: str) -> Doc:
        found = store.alias(self.db, t.account, t.region, t.name, alias_name)
        if found is None:
            raise names.resource_not_found(
                f"Alias not found: {names.function_arn(t.region, t.account, t.name, alias_name)}"
            )
        return found

    def get_alias(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._alias_target(ctx, params)
        return self._alias(t, params.get("Name") or "")

    def update_alias(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._alias_target(ctx, params)
        with self.db.write() as tx:
            config = self._alias(t, params.get("Name") or "")
            revision_check(params.get("RevisionId"), config["RevisionId"])
            if params.get("FunctionVersion") is not None:
                config["FunctionVersion"] = self._check_version(t, params["FunctionVersion"])
            if params.get("Description") is not None:
                config["Description"] = params["Description"]
            if "RoutingConfig" in params:
                routing = self._routing(t, config["FunctionVersion"], params.get("RoutingConfig"))
                if routing:
                    config["RoutingConfig"] = routing
                else:
                    config.pop("RoutingConfig", None)
            config["RevisionId"] = uuid4()
            store.put_alias(tx, t.account, t.region, t.name, config)
        return config

    def delete_alias(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._alias_target(ctx, params)
        with self.db.write() as tx:
            store.delete_alias(tx, t.account, t.region, t.name, params.get("Name") or "")
        return {}

    def list_aliases(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._alias_target(ctx, params)
        aliases = store.aliases(self.db, t.account, t.region, t.name)
        if params.get("FunctionVersion"):
            aliases = [a for a in aliases if a["FunctionVersion"] == params["FunctionVersion"]]
        chosen, marker = page(aliases, params, 50, 10000)
        out: Doc = {"Aliases": chosen}
        if marker:
            out["NextMarker"] = marker
        return out
