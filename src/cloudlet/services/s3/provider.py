"""S3: buckets, objects, versions, listing, multipart uploads, checksums, notifications.

Object bytes are files under <data dir>/s3/blobs named by generated ids; metadata is in
SQLite. Uploads of 1 MiB or more and POST Object forms are spooled to disk by the gateway
(hashed as they arrive), and large GetObject bodies are sent from memory maps of their
file, so memory stays flat whatever the object size.
The operations live in one module per concern; this class puts them together.

LIMITATIONS:
    - Policies, ACLs, public access blocks, ownership controls (except that BucketOwnerEnforced
      refuses ACLs that grant others), encryption, lifecycle, logging and website
      configurations are stored and returned, never enforced: no request is denied by them,
      no object expires (x-amz-expiration announces when a rule would expire it), no log is
      written, nothing is encrypted (SSE-S3/SSE-KMS/SSE-C settings are recorded and echoed).
    - CORS rules are applied by protocol/s3_cors.py, which gateway/server.py calls: it answers
      preflight OPTIONS and adds Access-Control-* headers to requests carrying an Origin.
      They deny nothing else.
    - Signatures (headers, presigned URLs, POST form policies) are not verified; presigned
      URLs and POST policies expire on the clock. Anonymous requests act as the default account.
    - Any bucket is served from any region (AWS redirects requests to the bucket's region).
      A bucket of another account answers AccessDenied (no cross-account policies).
    - Object Lock retention and legal holds protect versions from deletion only.
    - Replication, inventory, analytics, metrics, intelligent tiering, accelerate, request
      payment, S3 Select, restore, torrents and static website hosting are not implemented.
    - Notifications reach SQS queues, SNS topics, Lambda functions (asynchronous invokes)
      and, with EventBridgeConfiguration, the default event bus. Destinations are checked to
      exist; their resource policies are not checked.
    - Delivery is at least once, after the commit, through the outbox.
    - A crash between writing an object's file and committing it leaves an unreferenced file;
      completed multipart uploads are remembered (to answer a repeated Complete) for ever.
"""

from __future__ import annotations

from cloudlet.services.s3.bucket_configs import BucketConfigOperations
from cloudlet.services.s3.buckets import BucketOperations
from cloudlet.services.s3.listing import ListingOperations
from cloudlet.services.s3.multipart import MultipartOperations
from cloudlet.services.s3.notification_ops import NotificationOperations
from cloudlet.services.s3.object_lock import ObjectLockOperations
from cloudlet.services.s3.object_ops import ObjectExtraOperations


class S3Provider(
    BucketOperations,
    BucketConfigOperations,
    NotificationOperations,
    ListingOperations,
    MultipartOperations,
    ObjectExtraOperations,
    ObjectLockOperations,
):
    service = "s3"
