"""S3's departures from plain rest-xml that the model does not carry.

- Response documents have root elements the model does not name (ListObjects answers
  `<ListBucketResult>`), in the S3 namespace; clients that bind XML by name need them.
- GetBucketLocation answers `<LocationConstraint>region</LocationConstraint>`: the value is
  the root's text (botocore parses it by hand, "cannot be modeled properly").
- Errors are a bare `<Error>` document (no `<ErrorResponse>` wrapper) with RequestId and HostId,
  and request ids travel as `x-amz-request-id` / `x-amz-id-2`.
https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html"""

from __future__ import annotations

from botocore.model import ServiceModel

from cloudlet.protocol.values import b64encode

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"

ROOT_ELEMENTS = {
    "ListBuckets": "ListAllMyBucketsResult",
    "ListDirectoryBuckets": "ListAllMyDirectoryBucketsResult",
    "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult",
    "ListObjectVersions": "ListVersionsResult",
    "ListMultipartUploads": "ListMultipartUploadsResult",
    "ListParts": "ListPartsResult",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CompleteMultipartUpload": "CompleteMultipartUploadResult",
    "DeleteObjects": "DeleteResult",
    "GetBucketAcl": "AccessControlPolicy",
    "GetObjectAcl": "AccessControlPolicy",
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketTagging": "Tagging",
    "GetObjectTagging": "Tagging",
    "GetBucketCors": "CORSConfiguration",
    "GetBucketLifecycle": "LifecycleConfiguration",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketNotification": "NotificationConfiguration",
    "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketWebsite": "WebsiteConfiguration",
    "GetBucketRequestPayment": "RequestPaymentConfiguration",
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    "ListBucketAnalyticsConfigurations": "ListBucketAnalyticsConfigurationResult",
    "ListBucketInventoryConfigurations": "ListInventoryConfigurationsResult",
    "ListBucketMetricsConfigurations": "ListMetricsConfigurationsResult",
    "GetObjectAttributes": "GetObjectAttributesResponse",
    "CreateSession": "CreateSessionResult",
}

# Operations whose whole document is one text element: operation -> (element, member).
TEXT_ROOTS = {"GetBucketLocation": ("LocationConstraint", "LocationConstraint")}


def is_s3(service: ServiceModel) -> bool:
    return service.metadata.get("serviceId") == "S3" or service.service_name == "s3"


def host_id(request_id: str) -> str:
    """x-amz-id-2: opaque to clients; derived from the request id so it is stable per request."""
    return b64encode(request_id.encode("utf-8") * 2)
