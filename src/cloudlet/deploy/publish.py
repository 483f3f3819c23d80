"""Publishing a stack's file assets to S3 before it deploys, as cdk-assets does: a directory
asset is zipped (files sorted, fixed timestamps, so the same tree gives the same bytes), a
file asset goes as is, each to its destination bucket and key; an object already there is
left alone (the key holds the content hash). Big templates go to S3 too: CreateStack takes
at most 51,200 bytes in TemplateBody, more only through TemplateURL.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
https://github.com/cdklabs/cdk-assets/blob/main/lib/private/archive.ts
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudlet.deploy.assembly import AssetDestination, FileAsset

TEMPLATE_BODY_LIMIT = 51_200
# cdk-assets dates every entry 1980-01-01T00:00:00Z: the earliest a zip can hold.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def asset_bucket(account: str, region: str, qualifier: str = "hnb659fds") -> str:
    """The bucket `cdk bootstrap` makes (the default synthesizer's file assets go there)."""
    return f"cdk-{qualifier}-assets-{account}-{region}"


def zip_directory(directory: Path) -> bytes:
    """The directory's files (recursively, dot files too, symlinks followed) in one zip:
    sorted by path, '/'-separated, fixed dates, permission bits kept."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(_files(directory), key=lambda p: p.relative_to(directory).as_posix()):
            info = zipfile.ZipInfo(path.relative_to(directory).as_posix(), date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = stat.S_IMODE(path.stat().st_mode)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.create_system = 3  # Unix: the permission bits above are read (the handler's x bit)
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _files(directory: Path) -> Iterable[Path]:
    for root, _dirs, names in os.walk(directory, followlinks=True):
        for name in names:
            path = Path(root) / name
            if path.is_file():
                yield path


def asset_bytes(asset: FileAsset) -> bytes:
    if asset.packaging == "zip" and asset.source.is_dir():
        return zip_directory(asset.source)
    if asset.packaging not in ("zip", "file"):
        raise ValueError(f"Asset {asset.id}: unsupported packaging {asset.packaging!r}")
    return asset.source.read_bytes()  # a file, or an archive already zipped


@dataclass(frozen=True)
class Published:
    asset_id: str
    bucket: str
    key: str
    uploaded: bool  # False: the object was already there


class Publisher:
    """Uploads to one account and region through a boto3 S3 client."""

    def __init__(self, s3: Any, account: str, region: str) -> None:
        self.s3 = s3
        self.account = account
        self.region = region
        self._buckets: set[str] = set()

    def publish(
        self, assets: Iterable[FileAsset], on_asset: Callable[[Published], None] | None = None
    ) -> list[Published]:
        """Every destination of every asset (the stack templates among them are left to
        `template_argument`)."""
        done: list[Published] = []
        for asset in assets:
            if asset.is_template:
                continue
            for destination in asset.destinations:
                result = self.publish_one(asset, destination.resolved(self.account, self.region))
                done.append(result)
                if on_asset:
                    on_asset(result)
        return done

    def publish_one(self, asset: FileAsset, destination: AssetDestination) -> Published:
        return self.publish_bytes(asset, destination, None)

    def publish_bytes(self, asset: FileAsset, destination: AssetDestination, data: bytes | None) -> Published:
        """Uploads `data` (else the asset's packaged bytes) unless the key is there already."""
        bucket, key = destination.bucket_name, destination.object_key
        self.ensure_bucket(bucket)
        if self._exists(bucket, key):
            return Published(asset.id, bucket, key, uploaded=False)
        self.s3.put_object(Bucket=bucket, Key=key, Body=asset_bytes(asset) if data is None else data)
        return Published(asset.id, bucket, key, uploaded=True)

    def template_argument(
        self, body: str, stack_name: str, template_asset: FileAsset | None = None
    ) -> dict[str, str]:
        """CreateStack/UpdateStack's TemplateBody, or TemplateURL once the body is too big
        for it (at the template asset's own destination when the assembly names one)."""
        data = body.encode("utf-8")
        if len(data) <= TEMPLATE_BODY_LIMIT:
            return {"TemplateBody": body}
        if template_asset is not None and template_asset.destinations:
            destination = template_asset.destinations[0].resolved(self.account, self.region)
            bucket, key = destination.bucket_name, destination.object_key
        else:
            bucket = asset_bucket(self.account, self.region)
            key = f"cloudlet/{stack_name}/{hashlib.sha256(data).hexdigest()}.template"
        self.ensure_bucket(bucket)
        if not self._exists(bucket, key):
            self.s3.put_object(Bucket=bucket, Key=key, Body=data)
        return {"TemplateURL": f"https://s3.{self.region}.amazonaws.com/{bucket}/{key}"}

    def ensure_bucket(self, bucket: str) -> None:
        """The bootstrap bucket is there on a cloudlet server; made when it is not."""
        if bucket in self._buckets:
            return
        try:
            self.s3.head_bucket(Bucket=bucket)
        except self.s3.exceptions.ClientError as error:
            if _status(error) != 404:
                raise
            params: dict[str, Any] = {"Bucket": bucket}
            if self.region != "us-east-1":
                params["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
            try:
                self.s3.create_bucket(**params)
            except self.s3.exceptions.BucketAlreadyOwnedByYou:
                pass
        self._buckets.add(bucket)

    def _exists(self, bucket: str, key: str) -> bool:
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
        except self.s3.exceptions.ClientError as error:
            if _status(error) == 404:
                return False
            raise
        return True


def _status(error: Any) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
