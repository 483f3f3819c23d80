"""PublishLayerVersion, GetLayerVersion(ByArn), ListLayers, ListLayerVersions,
DeleteLayerVersion. Layer zips are stored and extracted like function code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.awslambda import code, names, store
from cloudlet.services.awslambda.core import LambdaCore, page
from cloudlet.services.awslambda.runtimes import DEPRECATED, OTHERS, PYTHON

Doc = dict[str, Any]


class LayerOps(LambdaCore):
    async def publish_layer_version(self, ctx: RequestContext, params: Doc) -> Doc:
        account, region, name = names.parse_layer_name(params.get("LayerName") or "", ctx.account, ctx.region)
        runtimes = list(params.get("CompatibleRuntimes") or [])
        for runtime in runtimes:
            if runtime not in PYTHON + OTHERS + DEPRECATED:
                raise names.validation(runtimes, "compatibleRuntimes", "Member must satisfy enum value set")
        if len(runtimes) > 15:
            raise names.validation(
                runtimes, "compatibleRuntimes", "Member must have length less than or equal to 15"
            )
        package = await code.fetch_package(
            self.env.extras,
            self.env.data_dir,
            params.get("Content") or {},
            account,
            region,
            "PublishLayerVersion",
        )
        location = package.zip_path or package.directory
        now = self.clock.now()
        with self.db.write() as tx:
            number = store.take_layer_version(tx, account, region, name)
            layer_arn = names.layer_arn(region, account, name)
            config: Doc = {
                "Content": {
                    "Location": Path(location).as_uri(),
                    "CodeSha256": package.sha256,
                    "CodeSize": package.size,
                },
                "LayerArn": layer_arn,
                "LayerVersionArn": f"{layer_arn}:{number}",
                "Description": params.get("Description") or "",
                "CreatedDate": names.timestamp(now),
                "Version": number,
                "_dir": str(package.directory),
            }
            for key in ("CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo"):
                if params.get(key):
                    config[key] = params[key]
            store.put_layer_version(tx, account, region, name, number, config)
        return self.render(config)

    def _layer_version(self, account: str, region: str, name: str, number: int) -> Doc:
        found = store.layer_version(self.db, account, region, name, number)
        if found is None:
            raise names.resource_not_found()
        return found

    def get_layer_version(self, ctx: RequestContext, params: Doc) -> Doc:
        account, region, name = names.parse_layer_name(params.get("LayerName") or "", ctx.account, ctx.region)
        return self.render(self._layer_version(account, region, name, int(params["VersionNumber"])))

    def get_layer_version_by_arn(self, ctx: RequestContext, params: Doc) -> Doc:
        parsed = names.parse_layer_version_arn(params.get("Arn") or "")
        if parsed is None:
            raise names.validation(
                params.get("Arn"),
                "arn",
                "Member must satisfy regular expression pattern: "
                r"(arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:"
                r"[a-zA-Z0-9-_]+:[0-9]+)",
            )
        return self.render(self._layer_version(*parsed))

    def delete_layer_version(self, ctx: RequestContext, params: Doc) -> Doc:
        # Idempotent, as AWS: deleting a missing version succeeds. Functions keep their copy.
        account, region, name = names.parse_layer_name(params.get("LayerName") or "", ctx.account, ctx.region)
        with self.db.write() as tx:
            store.delete_layer_version(tx, account, region, name, int(params["VersionNumber"]))
        return {}

    def list_layer_versions(self, ctx: RequestContext, params: Doc) -> Doc:
        account, region, name = names.parse_layer_name(params.get("LayerName") or "", ctx.account, ctx.region)
        found = [
            _item(c) for c in store.layer_versions(self.db, account, region, name) if _matches(c, params)
        ]
        chosen, marker = page(found, params, 50, 50)
        out: Doc = {"LayerVersions": chosen}
        if marker:
            out["NextMarker"] = marker
        return out

    def list_layers(self, ctx: RequestContext, params: Doc) -> Doc:
        latest: dict[str, Doc] = {}
        for config in store.layer_versions(self.db, ctx.account, ctx.region, None):
            layer_arn = config["LayerArn"]
            if layer_arn not in latest and _matches(config, params):
                latest[layer_arn] = config  # newest first per layer
        items = [
            {
                "LayerName": arn.rsplit(":", 1)[1],
                "LayerArn": arn,
                "LatestMatchingVersion": _item(config),
            }
            for arn, config in latest.items()
        ]
        chosen, marker = page(items, params, 50, 50)
        out: Doc = {"Layers": chosen}
        if marker:
            out["NextMarker"] = marker
        return out


def _matches(config: Doc, params: Doc) -> bool:
    runtime = params.get("CompatibleRuntime")
    architecture = params.get("CompatibleArchitecture")
    if runtime and runtime not in (config.get("CompatibleRuntimes") or []):
        return False
    return not (architecture and architecture not in (config.get("CompatibleArchitectures") or []))


def _item(config: Doc) -> Doc:
    keys = (
        "LayerVersionArn",
        "Version",
        "Description",
        "CreatedDate",
        "CompatibleRuntimes",
        "LicenseInfo",
        "CompatibleArchitectures",
    )
    return {k: config[k] for k in keys if k in config}
