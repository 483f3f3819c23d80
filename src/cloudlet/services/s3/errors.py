"""S3's errors, with the codes, statuses and messages AWS sends.
https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList"""

from __future__ import annotations

from cloudlet.errors import ServiceError


def no_such_bucket(bucket: str) -> ServiceError:
    return ServiceError(
        "NoSuchBucket", "The specified bucket does not exist", 404, fields={"BucketName": bucket}
    )


def no_object_lock_configuration() -> ServiceError:
    """GetObjectRetention / GetObjectLegalHold on a version with no retention / legal hold set."""
    return ServiceError(
        "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration", 404
    )


def no_such_key(key: str) -> ServiceError:
    return ServiceError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": key})


def no_such_version(key: str, version_id: str) -> ServiceError:
    return ServiceError(
        "NoSuchVersion",
        "The specified version does not exist.",
        404,
        fields={"Key": key, "VersionId": version_id},
    )


def no_such_upload(upload_id: str) -> ServiceError:
    return ServiceError(
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have"
        " been aborted or completed.",
        404,
        fields={"UploadId": upload_id},
    )


def access_denied(message: str = "Access Denied") -> ServiceError:
    return ServiceError("AccessDenied", message, 403)


def invalid_argument(message: str, name: str | None = None, value: object = None) -> ServiceError:
    fields = {"ArgumentName": name, "ArgumentValue": value} if name else {}
    return ServiceError("InvalidArgument", message, 400, fields=fields)


def invalid_request(message: str) -> ServiceError:
    return ServiceError("InvalidRequest", message, 400)


def malformed_xml() -> ServiceError:
    return ServiceError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


def precondition_failed(condition: str) -> ServiceError:
    return ServiceError(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
        fields={"Condition": condition},
    )


def not_modified() -> ServiceError:
    return ServiceError("NotModified", "Not Modified", 304)


def bad_digest(what: str) -> ServiceError:
    return ServiceError("BadDigest", f"The {what} you specified did not match the calculated checksum.", 400)


def config_missing(code: str, message: str, bucket: str) -> ServiceError:
    return ServiceError(code, message, 404, fields={"BucketName": bucket})
