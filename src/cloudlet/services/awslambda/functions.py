"""CreateFunction, GetFunction(Configuration), ListFunctions, UpdateFunctionCode,
UpdateFunctionConfiguration, DeleteFunction and the function tags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.ids import uuid4
from cloudlet.services.awslambda import code, names, runtimes, settings_doc, store
from cloudlet.services.awslambda.core import LambdaCore, Target, page, revision_check
from cloudlet.services.awslambda.names import LATEST
from cloudlet.services.awslambda.versions import listed_arn, publish

Doc = dict[str, Any]

# "ListFunctions returns a subset of the FunctionConfiguration fields. To get the additional
# fields (State, StateReasonCode, StateReason, LastUpdateStatus, LastUpdateStatusReason,
# LastUpdateStatusReasonCode, RuntimeVersionConfig) ... use GetFunction." (ListFunctions reference)
_NOT_LISTED = (
    "State",
    "StateReason",
    "StateReasonCode",
    "LastUpdateStatus",
    "LastUpdateStatusReason",
    "LastUpdateStatusReasonCode",
    "RuntimeVersionConfig",
)


class FunctionOps(LambdaCore):
    async def create_function(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        names.check_name(t.name)
        if t.qualifier is not None:
            raise names.invalid("Unsupported function name: qualified ARNs cannot be created.")
        if (params.get("PackageType") or "Zip") != "Zip":
            raise names.invalid("cloudlet runs Zip packages only; PackageType Image is not supported.")
        if store.function(self.db, t.account, t.region, t.name) is not None:
            raise names.conflict(f"Function already exist: {t.name}")
        config = settings_doc.new_config(t.name, t.arn, params)
        settings_doc.apply(self.db, config, params, t.account, t.region, creating=True)
        tags = params.get("Tags") or {}
        package = await code.fetch_package(
            self.env.extras,
            self.env.data_dir,
            params.get("Code") or {},
            ctx.account,
            ctx.region,
            "CreateFunction",
        )
        settings_doc.set_code(
            config, package.sha256, package.size, str(package.directory), _opt(package.zip_path)
        )
        now = self.clock.now()
        config.update(
            LastModified=names.timestamp(now),
            RevisionId=uuid4(),
            State="Pending",
            StateReason="The function is being created.",
            StateReasonCode="Creating",
        )
        with self.db.write() as tx:
            if store.function(tx, t.account, t.region, t.name) is not None:
                raise names.conflict(f"Function already exist: {t.name}")
            store.insert_function(tx, t.account, t.region, t.name, dict(tags), now)
            store.put_version(tx, t.account, t.region, t.name, config)
            result = config
            if params.get("Publish"):
                result = publish(tx, t.account, t.region, t.name, now, None)
        self.settle_later(t.account, t.region, t.name, LATEST)
        if result is not config:
            self.settle_later(t.account, t.region, t.name, result["Version"])
        if config.get("Runtime") in runtimes.PYTHON:
            runtimes.runnable(config["Runtime"])  # notes a host-version mismatch once
        return self.render(result)

    def get_function(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        row = self.require_function(t)
        config = self.config_of(t)
        out: Doc = {
            "Configuration": self.render(config, _arn_as_named(t, config)),
            "Code": _code_location(config),
            "Tags": row["tags"],
        }
        if row["reserved_concurrency"] is not None:
            out["Concurrency"] = {"ReservedConcurrentExecutions": row["reserved_concurrency"]}
        return out

    def get_function_configuration(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        self.require_function(t)
        config = self.config_of(t)
        return self.render(config, _arn_as_named(t, config))

    def list_functions(self, ctx: RequestContext, params: Doc) -> Doc:
        every = params.get("FunctionVersion") == "ALL"
        if params.get("FunctionVersion") not in (None, "ALL"):
            raise names.validation(
                params["FunctionVersion"], "functionVersion", "Member must satisfy enum value set: [ALL]"
            )
        configs = store.all_versions(self.db, ctx.account, ctx.region, latest_only=not every)
        # "Lambda returns up to 50 functions per call" (ListFunctions reference).
        chosen, marker = page(configs, params, 50, 10000, cap=50)
        functions = []
        for config in chosen:
            item = self.render(config, listed_arn(config) if every else None)
            for key in _NOT_LISTED:
                item.pop(key, None)
            functions.append(item)
        out: Doc = {"Functions": functions}
        if marker:
            out["NextMarker"] = marker
        return out

    async def update_function_code(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        self.require_function(t)
        current = self.config_of(Target(t.account, t.region, t.name, None))
        revision_check(params.get("RevisionId"), current["RevisionId"])
        package = await code.fetch_package(
            self.env.extras, self.env.data_dir, params, ctx.account, ctx.region, "UpdateFunctionCode"
        )
        if params.get("DryRun"):
            preview = dict(current)
            settings_doc.set_code(preview, package.sha256, package.size, str(package.directory), None)
            return self.render(preview)

        def change(config: Doc) -> None:
            settings_doc.set_code(
                config, package.sha256, package.size, str(package.directory), _opt(package.zip_path)
            )
            if params.get("Architectures"):
                config["Architectures"] = list(params["Architectures"])

        return self._update(ctx, t, params, change, code_change=True)

    def update_function_configuration(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        self.require_function(t)
        current = self.config_of(Target(t.account, t.region, t.name, None))
        revision_check(params.get("RevisionId"), current["RevisionId"])
        changes = {k: v for k, v in params.items() if k not in ("FunctionName", "RevisionId")}
        probe = dict(current)
        settings_doc.apply(self.db, probe, changes, t.account, t.region, creating=False)

        def change(config: Doc) -> None:
            settings_doc.apply(self.db, config, changes, t.account, t.region, creating=False)

        return self._update(ctx, t, params, change, code_change=False)

    def _update(self, ctx: RequestContext, t: Target, params: Doc, change: Any, code_change: bool) -> Doc:
        now = self.clock.now()
        with self.db.write() as tx:
            config = store.version(tx, t.account, t.region, t.name, LATEST)
            if config is None:
                raise names.function_not_found(t.arn)
            # AWS refuses an update while the last one is in progress; calls from the runtime
            # itself (deploys, in-process) come back to back, and ours finish at once anyway.
            if config.get("LastUpdateStatus") == "InProgress" and not ctx.internal:
                raise names.conflict(
                    "The operation cannot be performed at this time. An update is in progress for resource: "
                    f"{t.arn}"
                )
            change(config)
            config.update(
                LastModified=names.timestamp(now),
                RevisionId=uuid4(),
                LastUpdateStatus="InProgress",
                LastUpdateStatusReason="The function is being created.",
                LastUpdateStatusReasonCode="Creating",
            )
            store.put_version(tx, t.account, t.region, t.name, config)
            result = config
            if code_change and params.get("Publish"):
                result = publish(tx, t.account, t.region, t.name, now, None)
        self.retire(t)
        self.settle_later(t.account, t.region, t.name, LATEST)
        return self.render(result)

    def delete_function(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        self.require_function(t)
        with self.db.write() as tx:
            if t.qualifier is None:
                store.delete_function(tx, t.account, t.region, t.name)
            elif t.qualifier == LATEST:
                raise names.invalid("$LATEST version cannot be deleted without deleting the function.")
            elif not t.qualifier.isdigit():
                raise names.invalid("Deletion of aliases is not supported.")
            else:
                if store.version(tx, t.account, t.region, t.name, t.qualifier) is None:
                    raise names.function_not_found(t.qualified_arn)
                for alias in store.aliases(tx, t.account, t.region, t.name):
                    if alias["FunctionVersion"] == t.qualifier:
                        raise names.conflict(
                            f"Unable to delete version because the following aliases reference it: "
                            f"[{alias['Name']}]"
                        )
                store.delete_version(tx, t.account, t.region, t.name, t.qualifier)
        self.retire(t)
        return {}

    # -- tags ------------------------------------------------------------------------------------
    def _tagged(self, ctx: RequestContext, resource: str) -> Target:
        parsed = names.parse_function(resource, None, ctx.account, ctx.region)
        t = Target(*parsed)
        if store.function(self.db, t.account, t.region, t.name) is None:
            raise names.function_not_found(t.qualified_arn if t.qualifier else t.arn)
        return t

    def tag_resource(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._tagged(ctx, params["Resource"])
        with self.db.write() as tx:
            row = store.function(tx, t.account, t.region, t.name)
            if row is None:
                raise names.function_not_found(t.arn)
            tags = {**row["tags"], **(params.get("Tags") or {})}
            if len(tags) > 50:
                raise names.invalid("Number of tags exceeds resource tag limit.")
            store.set_tags(tx, t.account, t.region, t.name, tags)
        return {}

    def untag_resource(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._tagged(ctx, params["Resource"])
        with self.db.write() as tx:
            row = store.function(tx, t.account, t.region, t.name)
            if row is None:
                raise names.function_not_found(t.arn)
            tags = {k: v for k, v in row["tags"].items() if k not in set(params.get("TagKeys") or [])}
            store.set_tags(tx, t.account, t.region, t.name, tags)
        return {}

    def list_tags(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._tagged(ctx, params["Resource"])
        row = store.function(self.db, t.account, t.region, t.name)
        return {"Tags": row["tags"] if row else {}}


def _opt(path: Path | None) -> str | None:
    return None if path is None else str(path)


def _arn_as_named(t: Target, config: Doc) -> str:
    """A version's own ARN, or the alias ARN when the qualifier named an alias."""
    if t.qualifier is not None and not t.qualifier.isdigit() and t.qualifier != LATEST:
        return t.qualified_arn
    return str(config["FunctionArn"])


def _code_location(config: Doc) -> Doc:
    # AWS gives a presigned S3 URL; cloudlet keeps the zip on the server's disk.
    zip_path = config.get("_zip")
    if zip_path:
        return {"RepositoryType": "S3", "Location": Path(zip_path).as_uri()}
    return {"RepositoryType": "S3", "Location": Path(config["_code_dir"]).as_uri()}
