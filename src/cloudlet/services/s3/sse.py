"""Server-side encryption parameters: SSE-C keys are checked on write and required on read
(nothing is encrypted; the key's MD5 is kept to recognise the key, never the key itself).
https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.services.s3 import errors


def _key_md5(params: dict[str, Any], prefix: str) -> str | None:
    """The checked key MD5 of a request's SSE-C parameters, or None when it sends none."""
    algorithm = params.get(f"{prefix}SSECustomerAlgorithm")
    key = params.get(f"{prefix}SSECustomerKey")
    md5 = params.get(f"{prefix}SSECustomerKeyMD5")
    if algorithm is None and key is None and md5 is None:
        return None
    if algorithm is None:
        raise errors.invalid_argument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide a valid"
            " encryption algorithm."
        )
    if algorithm != "AES256":
        raise ServiceError(
            "InvalidEncryptionAlgorithmError",
            "The encryption request you specified is not valid. Supported value: AES256.",
            400,
        )
    if not key:
        raise errors.invalid_argument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide an"
            " appropriate secret key."
        )
    try:
        raw = base64.b64decode(str(key), validate=True)
    except (ValueError, binascii.Error):
        raw = b""
    if len(raw) != 32:
        raise errors.invalid_argument("The secret key was invalid for the specified algorithm.")
    actual = base64.b64encode(hashlib.md5(raw).digest()).decode()
    if not md5:
        raise errors.invalid_argument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide the"
            " client calculated MD5 of the secret key."
        )
    if md5 != actual:
        raise errors.invalid_argument(
            "The calculated MD5 hash of the key did not match the hash that was provided."
        )
    return actual


def check_write(params: dict[str, Any]) -> dict[str, Any]:
    """The SSE-C members a write stores (algorithm and key MD5), after checking them."""
    md5 = _key_md5(params, "")
    if md5 is None:
        return {}
    if params.get("ServerSideEncryption") or params.get("SSEKMSKeyId"):
        raise errors.invalid_argument(
            "Server Side Encryption with Customer provided key is incompatible with the encryption method specified"
        )
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKeyMD5": md5}


def check_read(meta: dict[str, Any], params: dict[str, Any], prefix: str = "") -> None:
    """A read of an SSE-C object must bring its key; other objects must not be given one."""
    md5 = _key_md5(params, prefix)
    stored = meta.get("SSECustomerKeyMD5")
    if stored is None:
        if md5 is not None:
            raise errors.invalid_request("The encryption parameters are not applicable to this object.")
        return
    if md5 is None:
        raise errors.invalid_request(
            "The object was stored using a form of Server Side Encryption. The correct parameters must be"
            " provided to retrieve the object."
        )
    if md5 != stored:
        raise errors.access_denied()


def check_part(upload_meta: dict[str, Any], params: dict[str, Any]) -> None:
    """UploadPart/UploadPartCopy into an upload: an SSE-C upload's parts bring its key (400s,
    not GET's 403); others bring none."""
    stored = upload_meta.get("SSECustomerKeyMD5")
    if stored is None:
        check_read(upload_meta, params)
        return
    md5 = _key_md5(params, "")
    if md5 is None:
        raise errors.invalid_request(
            "The multipart upload initiate requested encryption. Subsequent part requests must include"
            " the appropriate encryption parameters."
        )
    if md5 != stored:
        raise errors.invalid_request(
            "The provided encryption parameters did not match the ones used originally."
        )


def check_kms(params: dict[str, Any]) -> None:
    """SSE-KMS parameters must name aws:kms."""
    sse = params.get("ServerSideEncryption")
    if sse is not None and sse not in ("AES256", "aws:kms", "aws:kms:dsse"):
        raise errors.invalid_argument(
            "The encryption method specified is not supported", "x-amz-server-side-encryption", sse
        )
    if params.get("SSEKMSKeyId") and sse not in ("aws:kms", "aws:kms:dsse"):
        raise errors.invalid_argument(
            "Server Side Encryption with KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"
        )
