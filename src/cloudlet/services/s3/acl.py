"""Access control lists: canned ACLs and x-amz-grant-* headers -> the Grants S3 returns.
Stored and returned, never enforced.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl"""

from __future__ import annotations

import re
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.services.s3 import errors

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"

CANNED = {
    "private": (),
    "public-read": ((ALL_USERS, "READ"),),
    "public-read-write": ((ALL_USERS, "READ"), (ALL_USERS, "WRITE")),
    "authenticated-read": ((AUTHENTICATED_USERS, "READ"),),
    "aws-exec-read": (),
    "bucket-owner-read": (),
    "bucket-owner-full-control": (),
    "log-delivery-write": ((LOG_DELIVERY, "WRITE"), (LOG_DELIVERY, "READ_ACP")),
}

GRANT_HEADERS = {
    "GrantFullControl": "FULL_CONTROL",
    "GrantRead": "READ",
    "GrantReadACP": "READ_ACP",
    "GrantWrite": "WRITE",
    "GrantWriteACP": "WRITE_ACP",
}

_GRANTEE = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]*)"?\s*', re.IGNORECASE)


def _owner_grant(owner: dict[str, str]) -> dict[str, Any]:
    return {
        "Grantee": {"Type": "CanonicalUser", "ID": owner["ID"], "DisplayName": owner["DisplayName"]},
        "Permission": "FULL_CONTROL",
    }


def _group(uri: str, permission: str) -> dict[str, Any]:
    return {"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}


def default(owner: dict[str, str]) -> dict[str, Any]:
    return {"Owner": owner, "Grants": [_owner_grant(owner)]}


def from_params(params: dict[str, Any], owner: dict[str, str]) -> dict[str, Any] | None:
    """The ACL a request sets (canned, grant headers or a document), or None if it sets none."""
    canned = params.get("ACL")
    grants = {name: params[name] for name in GRANT_HEADERS if params.get(name)}
    policy = params.get("AccessControlPolicy")
    if canned and (grants or policy):
        raise errors.invalid_request("Specifying both Canned ACLs and Header Grants is not allowed")
    if canned:
        if canned not in CANNED:
            raise errors.invalid_argument("", "x-amz-acl", canned)
        return {"Owner": owner, "Grants": [_owner_grant(owner)] + [_group(u, p) for u, p in CANNED[canned]]}
    if grants:
        listed = []
        for name, text in grants.items():
            for match in _GRANTEE.finditer(str(text)):
                kind, value = match.group(1).lower(), match.group(2)
                if kind == "uri":
                    grantee = {"Type": "Group", "URI": value}
                elif kind == "id":
                    grantee = {"Type": "CanonicalUser", "ID": value}
                else:
                    grantee = {"Type": "AmazonCustomerByEmail", "EmailAddress": value}
                listed.append({"Grantee": grantee, "Permission": GRANT_HEADERS[name]})
        return {"Owner": owner, "Grants": listed}
    if policy:
        return {"Owner": policy.get("Owner") or owner, "Grants": policy.get("Grants") or []}
    return None


def is_owner_only(params: dict[str, Any]) -> bool:
    """What a BucketOwnerEnforced bucket accepts: no ACL, private or bucket-owner-full-control."""
    canned = params.get("ACL")
    if canned and canned not in ("private", "bucket-owner-full-control"):
        return False
    if any(params.get(name) for name in GRANT_HEADERS):
        return False
    policy = params.get("AccessControlPolicy")
    if policy:  # a document granting FULL_CONTROL to its owner alone is the one accepted
        owner_id = str((policy.get("Owner") or {}).get("ID") or "")
        return not grants_others(policy, owner_id)
    return True


def grants_others(value: dict[str, Any] | None, owner_id: str) -> bool:
    """Whether a stored ACL grants anything to anyone but the owner."""
    for grant in (value or {}).get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        if grantee.get("Type") != "CanonicalUser" or grantee.get("ID") != owner_id:
            return True
    return False


def invalid_bucket_acl_with_ownership() -> ServiceError:
    """BucketOwnerEnforced with an ACL that grants others (CreateBucket, PutBucketOwnershipControls).
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html"""
    return ServiceError(
        "InvalidBucketAclWithObjectOwnership",
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        400,
    )


def acl_not_supported() -> ServiceError:
    return ServiceError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)
