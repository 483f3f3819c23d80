"""An object's stored attributes (the `meta` JSON of a version): what PutObject,
CopyObject and CreateMultipartUpload set, and how GetObject/HeadObject return it."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from cloudlet.errors import ServiceError
from cloudlet.protocol import checksums
from cloudlet.services.s3 import errors, sse

CONTENT_HEADERS = (
    "ContentType",
    "ContentEncoding",
    "ContentDisposition",
    "ContentLanguage",
    "CacheControl",
    "Expires",
    "WebsiteRedirectLocation",
)
STORAGE_CLASSES = frozenset(
    {
        "STANDARD",
        "REDUCED_REDUNDANCY",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER",
        "DEEP_ARCHIVE",
        "OUTPOSTS",
        "GLACIER_IR",
        "SNOW",
        "EXPRESS_ONEZONE",
        "FSX_OPENZFS",
    }
)
SSE_FIELDS = (
    "ServerSideEncryption",
    "SSEKMSKeyId",
    "BucketKeyEnabled",
    "SSECustomerAlgorithm",
    "SSECustomerKeyMD5",
)
LOCK_FIELDS = ("ObjectLockMode", "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus")
# The response members GetObject's Response* query parameters override.
OVERRIDES = {
    "ResponseCacheControl": "CacheControl",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentEncoding": "ContentEncoding",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseContentType": "ContentType",
    "ResponseExpires": "Expires",
}
MAX_OBJECT_TAGS = 10
USER_METADATA_LIMIT = 2048  # bytes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html


def default_encryption(configs: dict[str, Any]) -> dict[str, Any]:
    """The SSE members the bucket's default encryption gives objects written without any."""
    rules = (configs.get("encryption") or {}).get("Rules") or [{}]
    default = rules[0].get("ApplyServerSideEncryptionByDefault") or {}
    out: dict[str, Any] = {"ServerSideEncryption": default.get("SSEAlgorithm") or "AES256"}
    if default.get("KMSMasterKeyID"):
        out["SSEKMSKeyId"] = default["KMSMasterKeyID"]
    if rules[0].get("BucketKeyEnabled"):
        out["BucketKeyEnabled"] = True
    return out


def content_from(params: dict[str, Any], defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """Content headers, user metadata, storage class and encryption a request sets."""
    meta: dict[str, Any] = {}
    for name in CONTENT_HEADERS:
        if params.get(name) is not None:
            meta[name] = params[name]
    meta.setdefault("ContentType", "binary/octet-stream")
    user = {str(k).lower(): str(v) for k, v in (params.get("Metadata") or {}).items()}
    if sum(len(k) + len(v) for k, v in user.items()) > USER_METADATA_LIMIT:
        raise ServiceError(
            "MetadataTooLarge",
            "Your metadata headers exceed the maximum allowed metadata size",
            400,
            fields={
                "Size": sum(len(k) + len(v) for k, v in user.items()),
                "MaxSizeAllowed": USER_METADATA_LIMIT,
            },
        )
    if user:
        meta["Metadata"] = user
    storage = params.get("StorageClass")
    if storage:
        if storage not in STORAGE_CLASSES:
            raise ServiceError("InvalidStorageClass", "The storage class you specified is not valid", 400)
        meta["StorageClass"] = storage
    sse.check_kms(params)
    for name in ("ServerSideEncryption", "SSEKMSKeyId", "BucketKeyEnabled"):
        if params.get(name) is not None:
            meta[name] = params[name]
    meta.update(sse.check_write(params))
    if "ServerSideEncryption" not in meta and "SSECustomerAlgorithm" not in meta:
        meta.update(defaults or {"ServerSideEncryption": "AES256"})
    if params.get("Tagging"):
        meta["Tags"] = parse_tagging(str(params["Tagging"]))
    return meta


def parse_tagging(text: str) -> dict[str, str]:
    """The x-amz-tagging header: a URL-encoded query string."""
    pairs = parse_qsl(text, keep_blank_values=True)
    tags = dict(pairs)
    if len(tags) != len(pairs):
        raise ServiceError("InvalidTag", "Cannot provide multiple Tags with the same key", 400)
    if len(tags) > MAX_OBJECT_TAGS:
        raise errors.invalid_argument("Object tags cannot be greater than 10")
    return tags


def tag_set(meta: dict[str, Any]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in (meta.get("Tags") or {}).items()]


def described(meta: dict[str, Any]) -> dict[str, Any]:
    """The members of GetObject/HeadObject that come from meta (not checksums or parts)."""
    out: dict[str, Any] = {}
    for name in CONTENT_HEADERS:
        if meta.get(name) is not None:
            out[name] = meta[name]
    if meta.get("Metadata"):
        out["Metadata"] = meta["Metadata"]
    # S3 leaves x-amz-storage-class out for STANDARD objects.
    if meta.get("StorageClass") and meta["StorageClass"] != "STANDARD":
        out["StorageClass"] = meta["StorageClass"]
    for name in (*SSE_FIELDS, *LOCK_FIELDS):
        if meta.get(name) is not None:
            out[name] = meta[name]
    return out


def checksum_members(meta: dict[str, Any], value_key: str = "Checksum") -> dict[str, Any]:
    """ChecksumCRC32=..., ChecksumType=... for a stored checksum."""
    checksum = meta.get(value_key)
    if not checksum:
        return {}
    return {f"Checksum{checksum['algorithm']}": checksum["value"], "ChecksumType": checksum["type"]}


def requested_checksum(params: dict[str, Any]) -> tuple[str | None, str | None]:
    """(algorithm, expected base64 value) a PutObject/UploadPart names, values checked for form."""
    given = [(a, params.get(f"Checksum{a}")) for a in checksums.ALGORITHMS if params.get(f"Checksum{a}")]
    if len(given) > 1:
        raise errors.invalid_request(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
        )
    algorithm = params.get("ChecksumAlgorithm")
    if algorithm is not None and algorithm not in checksums.ALGORITHMS:
        raise errors.invalid_request(
            "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
        )
    if given:
        name, value = given[0]
        if algorithm and algorithm != name:
            raise errors.invalid_request("Value for x-amz-sdk-checksum-algorithm header is invalid.")
        if not checksums.valid_encoding(name, str(value)):
            raise errors.bad_digest(name)
        return name, str(value)
    return algorithm, None
