"""AWS::S3::Bucket's configuration properties in the S3 API's shapes (pure).

CloudFormation names several members differently from the API (AWS::S3::Bucket reference):
CorsRules/Id/MaxAge/ExposedHeaders vs CORSRules/ID/MaxAgeSeconds/ExposeHeaders; lifecycle
ExpirationInDays/TagFilters vs Expiration.Days/Filter.And.Tags; notifications' singular Event,
Queue/Topic/Function and Filter.S3Key.Rules vs Events, *Arn and Filter.Key.FilterRules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudlet.deploy.resources.property_values import as_bool, as_int, tag_list

Params = dict[str, Any]


def _drop_none(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None and v != {} and v != []}


def versioning(value: Any) -> Params:
    return {"VersioningConfiguration": {"Status": value.get("Status", "Enabled")}}


def encryption(value: Any) -> Params:
    rules = []
    for rule in value.get("ServerSideEncryptionConfiguration") or []:
        out: dict[str, Any] = {}
        default = rule.get("ServerSideEncryptionByDefault")
        if default:
            out["ApplyServerSideEncryptionByDefault"] = _drop_none(
                {"SSEAlgorithm": default.get("SSEAlgorithm"), "KMSMasterKeyID": default.get("KMSMasterKeyID")}
            )
        if rule.get("BucketKeyEnabled") is not None:
            out["BucketKeyEnabled"] = as_bool(rule["BucketKeyEnabled"])
        rules.append(out)
    return {"ServerSideEncryptionConfiguration": {"Rules": rules}}


def public_access_block(value: Any) -> Params:
    names = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    return {"PublicAccessBlockConfiguration": {n: as_bool(value.get(n)) for n in names}}


def ownership(value: Any) -> Params:
    rules = [{"ObjectOwnership": rule["ObjectOwnership"]} for rule in value.get("Rules") or []]
    return {"OwnershipControls": {"Rules": rules}}


def cors(value: Any) -> Params:
    rules = []
    for rule in value.get("CorsRules") or []:
        rules.append(
            _drop_none(
                {
                    "ID": rule.get("Id"),
                    "AllowedHeaders": rule.get("AllowedHeaders"),
                    "AllowedMethods": rule.get("AllowedMethods"),
                    "AllowedOrigins": rule.get("AllowedOrigins"),
                    "ExposeHeaders": rule.get("ExposedHeaders"),
                    "MaxAgeSeconds": as_int(rule.get("MaxAge")),
                }
            )
        )
    return {"CORSConfiguration": {"CORSRules": rules}}


def _lifecycle_filter(rule: dict[str, Any]) -> dict[str, Any]:
    tags = [{"Key": t["Key"], "Value": t["Value"]} for t in rule.get("TagFilters") or []]
    greater = as_int(rule.get("ObjectSizeGreaterThan"))
    less = as_int(rule.get("ObjectSizeLessThan"))
    prefix = rule.get("Prefix")
    parts = _drop_none(
        {"Prefix": prefix, "Tags": tags, "ObjectSizeGreaterThan": greater, "ObjectSizeLessThan": less}
    )
    if len(parts) > 1 or len(tags) > 1:
        return {"And": parts}
    if tags:
        return {"Tag": tags[0]}
    if parts:
        return parts
    return {"Prefix": ""}


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    expiration = _drop_none(
        {
            "Days": as_int(rule.get("ExpirationInDays")),
            "Date": rule.get("ExpirationDate"),
            "ExpiredObjectDeleteMarker": (
                as_bool(rule["ExpiredObjectDeleteMarker"]) if "ExpiredObjectDeleteMarker" in rule else None
            ),
        }
    )
    noncurrent = dict(rule.get("NoncurrentVersionExpiration") or {})
    if rule.get("NoncurrentVersionExpirationInDays") is not None:
        noncurrent.setdefault("NoncurrentDays", rule["NoncurrentVersionExpirationInDays"])
    noncurrent_out = _drop_none(
        {
            "NoncurrentDays": as_int(noncurrent.get("NoncurrentDays")),
            "NewerNoncurrentVersions": as_int(noncurrent.get("NewerNoncurrentVersions")),
        }
    )
    transitions = list(rule.get("Transitions") or [])
    if rule.get("Transition"):
        transitions.append(rule["Transition"])
    noncurrent_transitions = list(rule.get("NoncurrentVersionTransitions") or [])
    if rule.get("NoncurrentVersionTransition"):
        noncurrent_transitions.append(rule["NoncurrentVersionTransition"])
    abort = rule.get("AbortIncompleteMultipartUpload")
    return _drop_none(
        {
            "ID": rule.get("Id"),
            "Status": rule.get("Status", "Enabled"),
            "Filter": _lifecycle_filter(rule),
            "Expiration": expiration,
            "NoncurrentVersionExpiration": noncurrent_out,
            "AbortIncompleteMultipartUpload": (
                {"DaysAfterInitiation": as_int(abort.get("DaysAfterInitiation"))} if abort else None
            ),
            "Transitions": [
                _drop_none(
                    {
                        "Days": as_int(t.get("TransitionInDays")),
                        "Date": t.get("TransitionDate"),
                        "StorageClass": t.get("StorageClass"),
                    }
                )
                for t in transitions
            ],
            "NoncurrentVersionTransitions": [
                _drop_none(
                    {
                        "NoncurrentDays": as_int(t.get("TransitionInDays")),
                        "StorageClass": t.get("StorageClass"),
                        "NewerNoncurrentVersions": as_int(t.get("NewerNoncurrentVersions")),
                    }
                )
                for t in noncurrent_transitions
            ],
        }
    )


def lifecycle(value: Any) -> Params:
    return {"LifecycleConfiguration": {"Rules": [_lifecycle_rule(r) for r in value.get("Rules") or []]}}


def _notification_filter(entry: dict[str, Any]) -> dict[str, Any] | None:
    rules = ((entry.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
    if not rules:
        return None
    return {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}}


# CloudFormation list property -> (API list member, CloudFormation target member, API ARN member)
_NOTIFICATION_KINDS = (
    ("QueueConfigurations", "QueueConfigurations", "Queue", "QueueArn"),
    ("TopicConfigurations", "TopicConfigurations", "Topic", "TopicArn"),
    ("LambdaConfigurations", "LambdaFunctionConfigurations", "Function", "LambdaFunctionArn"),
)


def notification_configuration(value: Any) -> dict[str, Any]:
    """CloudFormation's NotificationConfiguration as the API's NotificationConfiguration."""
    config: dict[str, Any] = {}
    for cfn_list, api_list, target, arn_member in _NOTIFICATION_KINDS:
        entries = []
        for entry in value.get(cfn_list) or []:
            out: dict[str, Any] = {arn_member: entry[target], "Events": [entry["Event"]]}
            found = _notification_filter(entry)
            if found:
                out["Filter"] = found
            entries.append(out)
        if entries:
            config[api_list] = entries
    bridge = value.get("EventBridgeConfiguration")
    if bridge and as_bool(bridge.get("EventBridgeEnabled"), default=True):
        config["EventBridgeConfiguration"] = {}
    return config


def notifications(value: Any) -> Params:
    return {"NotificationConfiguration": notification_configuration(value)}


def tags(value: Any) -> Params:
    return {"Tagging": {"TagSet": tag_list(value)}}


def _redirect(value: dict[str, Any]) -> dict[str, Any]:
    return _drop_none({"HostName": value.get("HostName"), "Protocol": value.get("Protocol")})


def website(value: Any) -> Params:
    config: dict[str, Any] = {}
    if value.get("IndexDocument"):
        config["IndexDocument"] = {"Suffix": value["IndexDocument"]}
    if value.get("ErrorDocument"):
        config["ErrorDocument"] = {"Key": value["ErrorDocument"]}
    if value.get("RedirectAllRequestsTo"):
        config["RedirectAllRequestsTo"] = _redirect(value["RedirectAllRequestsTo"])
    rules = []
    for rule in value.get("RoutingRules") or []:
        redirect = rule.get("RedirectRule") or {}
        out: dict[str, Any] = {
            "Redirect": _drop_none(
                {
                    "HostName": redirect.get("HostName"),
                    "HttpRedirectCode": redirect.get("HttpRedirectCode"),
                    "Protocol": redirect.get("Protocol"),
                    "ReplaceKeyPrefixWith": redirect.get("ReplaceKeyPrefixWith"),
                    "ReplaceKeyWith": redirect.get("ReplaceKeyWith"),
                }
            )
        }
        condition = rule.get("RoutingRuleCondition")
        if condition:
            out["Condition"] = _drop_none(
                {
                    "HttpErrorCodeReturnedEquals": condition.get("HttpErrorCodeReturnedEquals"),
                    "KeyPrefixEquals": condition.get("KeyPrefixEquals"),
                }
            )
        rules.append(out)
    if rules:
        config["RoutingRules"] = rules
    return {"WebsiteConfiguration": config}


def logging(value: Any) -> Params:
    enabled = _drop_none(
        {"TargetBucket": value.get("DestinationBucketName"), "TargetPrefix": value.get("LogFilePrefix", "")}
    )
    return {"BucketLoggingStatus": {"LoggingEnabled": enabled} if enabled.get("TargetBucket") else {}}


def accelerate(value: Any) -> Params:
    return {"AccelerateConfiguration": {"Status": value.get("AccelerationStatus", "Enabled")}}


def object_lock(value: Any) -> Params:
    config: dict[str, Any] = {"ObjectLockEnabled": value.get("ObjectLockEnabled", "Enabled")}
    retention = (value.get("Rule") or {}).get("DefaultRetention")
    if retention:
        config["Rule"] = {
            "DefaultRetention": _drop_none(
                {
                    "Mode": retention.get("Mode"),
                    "Days": as_int(retention.get("Days")),
                    "Years": as_int(retention.get("Years")),
                }
            )
        }
    return {"ObjectLockConfiguration": config}


@dataclass(frozen=True)
class BucketConfig:
    property: str
    put: str  # the operation that applies it
    build: Callable[[Any], Params]
    remove: str | None  # the operation that removes it (None: put `removed` instead)
    removed: Params | None = None


CONFIGS: tuple[BucketConfig, ...] = (
    BucketConfig(
        "OwnershipControls", "PutBucketOwnershipControls", ownership, "DeleteBucketOwnershipControls"
    ),
    BucketConfig(
        "PublicAccessBlockConfiguration",
        "PutPublicAccessBlock",
        public_access_block,
        "DeletePublicAccessBlock",
    ),
    BucketConfig(
        "VersioningConfiguration",
        "PutBucketVersioning",
        versioning,
        None,
        {"VersioningConfiguration": {"Status": "Suspended"}},
    ),
    BucketConfig("BucketEncryption", "PutBucketEncryption", encryption, "DeleteBucketEncryption"),
    BucketConfig("CorsConfiguration", "PutBucketCors", cors, "DeleteBucketCors"),
    BucketConfig(
        "LifecycleConfiguration", "PutBucketLifecycleConfiguration", lifecycle, "DeleteBucketLifecycle"
    ),
    BucketConfig("WebsiteConfiguration", "PutBucketWebsite", website, "DeleteBucketWebsite"),
    BucketConfig("LoggingConfiguration", "PutBucketLogging", logging, None, {"BucketLoggingStatus": {}}),
    BucketConfig(
        "AccelerateConfiguration",
        "PutBucketAccelerateConfiguration",
        accelerate,
        None,
        {"AccelerateConfiguration": {"Status": "Suspended"}},
    ),
    BucketConfig("ObjectLockConfiguration", "PutObjectLockConfiguration", object_lock, None, None),
    BucketConfig("Tags", "PutBucketTagging", tags, "DeleteBucketTagging"),
    BucketConfig(
        "NotificationConfiguration",
        "PutBucketNotificationConfiguration",
        notifications,
        None,
        {"NotificationConfiguration": {}},
    ),
)

# AccessControl's canned ACLs (CloudFormation's names -> the x-amz-acl values)
CANNED_ACLS = {
    "Private": "private",
    "PublicRead": "public-read",
    "PublicReadWrite": "public-read-write",
    "AuthenticatedRead": "authenticated-read",
    "LogDeliveryWrite": "log-delivery-write",
    "BucketOwnerRead": "bucket-owner-read",
    "BucketOwnerFullControl": "bucket-owner-full-control",
    "AwsExecRead": "aws-exec-read",
}
