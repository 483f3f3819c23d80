"""Local code paths in a template file uploaded and replaced by their S3 location, as
`aws cloudformation package` and `sam deploy` do before CreateStack: a function's
`CodeUri: src/` becomes `s3://bucket/<hash>.zip`, a Lambda `Code: src/` becomes
{S3Bucket, S3Key}. A directory is zipped, a .zip/.jar goes as is, another file is zipped
alone. Paths are relative to the template's directory.
https://docs.aws.amazon.com/cli/latest/reference/cloudformation/package.html
"""

from __future__ import annotations

import copy
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudlet.deploy.assembly import AssetDestination, FileAsset
from cloudlet.deploy.publish import ZIP_DATE, Published, Publisher, asset_bucket, zip_directory


@dataclass(frozen=True)
class Packageable:
    resource_type: str
    property: str
    as_uri: bool  # "s3://bucket/key" (SAM); else {"S3Bucket", "S3Key"}


PACKAGEABLE = (
    Packageable("AWS::Serverless::Function", "CodeUri", True),
    Packageable("AWS::Serverless::LayerVersion", "ContentUri", True),
    Packageable("AWS::Lambda::Function", "Code", False),
    Packageable("AWS::Lambda::LayerVersion", "Content", False),
)


def _is_local(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and "://" not in value


def _zipped(path: Path) -> bytes:
    if path.is_dir():
        return zip_directory(path)
    if path.suffix.lower() in (".zip", ".jar"):
        return path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(path.name, date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o100644 << 16
        archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def package_template(
    body: dict[str, Any],
    base_dir: Path,
    publisher: Publisher,
    on_asset: Callable[[Published], None] | None = None,
) -> dict[str, Any] | None:
    """The template with every local code path uploaded and replaced, or None when it has
    none (then the template goes as written)."""
    packaged = copy.deepcopy(body)
    changed = False
    bucket = asset_bucket(publisher.account, publisher.region)

    def upload(value: str) -> tuple[str, str]:
        source = (base_dir / value).resolve()
        if not source.exists():
            raise FileNotFoundError(f"{value} (from the template) does not exist: {source}")
        data = _zipped(source)
        key = f"{hashlib.sha256(data).hexdigest()}.zip"
        staged = FileAsset(id=key, source=source, packaging="zip", destinations=[])
        result = publisher.publish_bytes(staged, AssetDestination(bucket, key), data)
        if on_asset:
            on_asset(result)
        return bucket, key

    globals_function = (packaged.get("Globals") or {}).get("Function")
    if isinstance(globals_function, dict) and _is_local(globals_function.get("CodeUri")):
        uploaded_bucket, key = upload(globals_function["CodeUri"])
        globals_function["CodeUri"] = f"s3://{uploaded_bucket}/{key}"
        changed = True
    for resource in (packaged.get("Resources") or {}).values():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
            continue
        properties = resource["Properties"]
        for spec in PACKAGEABLE:
            if resource.get("Type") != spec.resource_type or not _is_local(properties.get(spec.property)):
                continue
            uploaded_bucket, key = upload(properties[spec.property])
            properties[spec.property] = (
                f"s3://{uploaded_bucket}/{key}"
                if spec.as_uri
                else {"S3Bucket": uploaded_bucket, "S3Key": key}
            )
            changed = True
    return packaged if changed else None
