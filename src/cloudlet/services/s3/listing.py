"""ListObjects, ListObjectsV2 and ListObjectVersions: prefixes, delimiters and CommonPrefixes,
markers and continuation tokens, EncodingType=url."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from cloudlet.gateway.context import RequestContext
from cloudlet.services.s3 import errors, store
from cloudlet.services.s3.core import S3Core, owner
from cloudlet.services.s3.objects import meta_of

DEFAULT_MAX_KEYS = 1000
_BATCH = 1000
_PAST = "\U0010ffff"  # sorts after every key that starts with what it follows


class Page:
    def __init__(self) -> None:
        self.rows: list[store.Row] = []
        self.prefixes: list[str] = []
        self.truncated = False
        self.last = ""  # the last key or common prefix listed


def collect(
    fetch: Callable[[str, int], Sequence[store.Row]], prefix: str, delimiter: str, after: str, max_keys: int
) -> Page:
    """Walk keys after `after` in order, folding those with the delimiter past the prefix into
    common prefixes; stop after max_keys entries (keys and prefixes count alike)."""
    page = Page()
    cursor = after
    if delimiter and _is_common_prefix(after, prefix, delimiter):
        cursor = after + _PAST  # a marker that is a common prefix: skip its keys
    if max_keys <= 0:
        return page
    while True:
        rows = fetch(cursor, _BATCH)
        if not rows:
            return page
        for row in rows:
            key = str(row["key"])
            common = common_prefix(key, prefix, delimiter)
            if len(page.rows) + len(page.prefixes) >= max_keys:
                page.truncated = True
                return page
            if common is not None:
                page.prefixes.append(common)
                page.last = common
                cursor = common + _PAST
                break  # fetch again past the group
            page.rows.append(row)
            page.last = key
            cursor = key
        else:
            if len(rows) < _BATCH:
                return page


def common_prefix(key: str, prefix: str, delimiter: str) -> str | None:
    """The common prefix a key folds into: up to the first delimiter past the prefix (None if none)."""
    if delimiter:
        at = key.find(delimiter, len(prefix))
        if at >= 0:
            return key[: at + len(delimiter)]
    return None


def grouping(
    params: dict[str, Any], delimiter: str, prefixes: list[str], encode: Callable[[str], str]
) -> dict[str, Any]:
    """The members a listing adds for its Delimiter, EncodingType and common prefixes, when given."""
    out: dict[str, Any] = {}
    if delimiter:
        out["Delimiter"] = encode(delimiter)
    if params.get("EncodingType"):
        out["EncodingType"] = params["EncodingType"]
    if prefixes:
        out["CommonPrefixes"] = [{"Prefix": encode(p)} for p in prefixes]
    return out


def _is_common_prefix(marker: str, prefix: str, delimiter: str) -> bool:
    return marker.startswith(prefix) and marker.endswith(delimiter) and delimiter in marker[len(prefix) :]


def _max_keys(params: dict[str, Any]) -> int:
    value = params.get("MaxKeys")
    if value is None:
        return DEFAULT_MAX_KEYS
    if int(value) < 0:
        raise errors.invalid_argument("max-keys cannot be negative", "max-keys", value)
    return min(int(value), DEFAULT_MAX_KEYS)


def _encoder(params: dict[str, Any]) -> Callable[[str], str]:
    kind = params.get("EncodingType")
    if kind is None:
        return lambda text: text
    if kind != "url":
        raise errors.invalid_argument("Invalid Encoding Method specified in Request", "encoding-type", kind)
    return lambda text: quote(text, safe="/")


def _entry(row: store.Row, with_owner: bool, account: str, encode: Callable[[str], str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "Key": encode(str(row["key"])),
        "LastModified": row["last_modified"],
        "ETag": row["etag"],
        "Size": row["size"],
        "StorageClass": row["storage_class"] or "STANDARD",
    }
    if row["checksum_algorithm"]:
        entry["ChecksumAlgorithm"] = [row["checksum_algorithm"]]
        entry["ChecksumType"] = row["checksum_type"]
    if with_owner:
        entry["Owner"] = owner(account)
    return entry


class ListingOperations(S3Core):
    def _list(
        self, ctx: RequestContext, params: dict[str, Any], after: str
    ) -> tuple[store.Row, Page, dict[str, Any]]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        prefix = str(params.get("Prefix") or "")
        delimiter = str(params.get("Delimiter") or "")
        max_keys = _max_keys(params)
        name = str(bucket["name"])
        page = collect(
            lambda cursor, limit: store.list_current(self.db, name, prefix, cursor, limit),
            prefix,
            delimiter,
            after,
            max_keys,
        )
        encode = _encoder(params)
        result: dict[str, Any] = {
            "Name": name,
            "Prefix": encode(prefix),
            "MaxKeys": max_keys,
            "IsTruncated": page.truncated,
        }
        result.update(grouping(params, delimiter, page.prefixes, encode))
        return bucket, page, result

    def list_objects(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        marker = str(params.get("Marker") or "")
        bucket, page, result = self._list(ctx, params, marker)
        encode = _encoder(params)
        result["Marker"] = encode(marker)
        result["Contents"] = [_entry(row, True, str(bucket["account"]), encode) for row in page.rows] or None
        # NextMarker comes only with a delimiter; without one the last key is the marker.
        if page.truncated and params.get("Delimiter"):
            result["NextMarker"] = encode(page.last)
        return result

    def list_objects_v2(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        token = params.get("ContinuationToken")
        start_after = str(params.get("StartAfter") or "")
        after = _decode_token(token) if token is not None else start_after
        bucket, page, result = self._list(ctx, params, after)
        encode = _encoder(params)
        with_owner = bool(params.get("FetchOwner"))
        result["Contents"] = [
            _entry(row, with_owner, str(bucket["account"]), encode) for row in page.rows
        ] or None
        result["KeyCount"] = len(page.rows) + len(page.prefixes)
        if token is not None:
            result["ContinuationToken"] = token
        if start_after:
            result["StartAfter"] = encode(start_after)
        if page.truncated:
            result["NextContinuationToken"] = _encode_token(page.last)
        return result

    def list_object_versions(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        name = str(bucket["name"])
        prefix = str(params.get("Prefix") or "")
        delimiter = str(params.get("Delimiter") or "")
        max_keys = _max_keys(params)
        key_marker = str(params.get("KeyMarker") or "")
        version_marker = params.get("VersionIdMarker")
        if version_marker and not key_marker:
            raise errors.invalid_argument(
                "A version-id marker cannot be specified without a key marker.",
                "version-id-marker",
                version_marker,
            )
        id_below = None
        if key_marker and version_marker:
            marker_row = store.version(self.db, name, key_marker, str(version_marker))
            # A marker version deleted since the last page: resume after its key.
            id_below = int(marker_row["id"]) if marker_row is not None else None
        encode = _encoder(params)
        versions: list[dict[str, Any]] = []
        markers: list[dict[str, Any]] = []
        prefixes: list[str] = []
        truncated = False
        last: tuple[str, str] = ("", "")
        cursor_key, at_key, at_id = key_marker, (key_marker if id_below else None), id_below
        if delimiter and not id_below and _is_common_prefix(key_marker, prefix, delimiter):
            cursor_key = key_marker + _PAST
        done = max_keys <= 0
        while not done:
            rows = store.list_versions(self.db, name, prefix, cursor_key, at_key, at_id, _BATCH)
            at_key = at_id = None
            if not rows:
                break
            for row in rows:
                key = str(row["key"])
                common = common_prefix(key, prefix, delimiter)
                if common is not None and prefixes and prefixes[-1] == common:
                    continue
                if len(versions) + len(markers) + len(prefixes) >= max_keys:
                    truncated = True
                    done = True
                    break
                if common is not None:
                    prefixes.append(common)
                    last = (common, "")
                    cursor_key = common + _PAST
                    break
                entry: dict[str, Any] = {
                    "Key": encode(key),
                    "VersionId": row["version_id"],
                    "IsLatest": bool(row["latest"]),
                    "LastModified": row["last_modified"],
                    "Owner": owner(str(bucket["account"])),
                }
                if row["delete_marker"]:
                    markers.append(entry)
                else:
                    meta = meta_of(row)
                    entry.update(
                        {
                            "ETag": row["etag"],
                            "Size": row["size"],
                            "StorageClass": meta.get("StorageClass") or "STANDARD",
                        }
                    )
                    if meta.get("Checksum"):
                        entry["ChecksumAlgorithm"] = [meta["Checksum"]["algorithm"]]
                        entry["ChecksumType"] = meta["Checksum"]["type"]
                    versions.append(entry)
                last = (key, str(row["version_id"]))
                cursor_key, at_key, at_id = key, key, int(row["id"])
            else:
                if len(rows) < _BATCH:
                    break
        result: dict[str, Any] = {
            "Name": name,
            "Prefix": encode(prefix),
            "KeyMarker": encode(key_marker),
            "MaxKeys": max_keys,
            "IsTruncated": truncated,
            "Versions": versions or None,
            "DeleteMarkers": markers or None,
        }
        if version_marker:
            result["VersionIdMarker"] = version_marker
        result.update(grouping(params, delimiter, prefixes, encode))
        if truncated:
            result["NextKeyMarker"] = encode(last[0])
            if last[1]:
                result["NextVersionIdMarker"] = last[1]
        return result


def _encode_token(cursor: str) -> str:
    return base64.urlsafe_b64encode(cursor.encode("utf-8", "surrogatepass")).decode()


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode("utf-8", "surrogatepass")
    except ValueError as exc:
        raise errors.invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        ) from exc
