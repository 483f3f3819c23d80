"""SNS: standard and FIFO topics, subscriptions for SQS, Lambda and HTTP/S (loopback) endpoints,
filter policies, signed notifications, tags. Deliveries are made by runtime/sns_deliveries.py
from the "sns.delivery" outbox events Publish emits.

LIMITATIONS:
    - No SMS, email, mobile push (platform applications and endpoints) or Firehose: those
      operations answer 501, and Subscribe/Publish refuse those protocols with InvalidParameter.
    - HTTP/S deliveries go only to loopback hosts (127.0.0.0/8, ::1, localhost); others are
      dropped with a log line. https endpoints are POSTed without certificate verification.
    - Policies (Policy, AddPermission) are stored and returned, never enforced; KmsMasterKeyId,
      TracingConfig, ArchivePolicy, DataProtectionPolicy and the feedback attributes are stored only.
    - Retries keep their state in memory: a restart during a backoff drops the retry (the
      message was already out of the outbox). Retry schedule: see runtime/sns_deliveries.py.
    - A FIFO topic delivers only to SQS subscriptions; MessageGroupId given to a standard topic
      is accepted and ignored. Deduplication scope is the topic (FifoThroughputScope is stored).
    - PublishBatch's 256 KB total counts the message bodies only; per-entry limits count
      attributes too. Message attribute error messages are close to AWS's, not verified verbatim.
    - A dead-lettered message carries the body the subscriber would have got (for Lambda, the
      notification envelope) and its raw-delivery attributes; AWS's extra DLQ attributes
      (ErrorCode, ErrorMessage, ...) are not added.
    - A message for a subscription that is filtered out or pending leaves no trace (no
      CloudWatch metrics or delivery status logs).
    - Unconfirmed HTTP/S subscriptions and their tokens never expire (AWS: three days).
    - Subscriptions of other accounts: any account may subscribe to or publish on any topic.
    - Signatures use a key made per data dir (its certificate is served at SigningCertURL
      under /_cloudlet/sns/); it is not Amazon's, so verifiers that pin the amazonaws.com
      host of SigningCertURL will refuse it.
"""

from __future__ import annotations

import asyncio

from cloudlet.protocol.http import Headers, HttpResponse
from cloudlet.services.base import InternalHandler
from cloudlet.services.sns.envelope import CERT_PATH
from cloudlet.services.sns.permissions import PermissionOperations
from cloudlet.services.sns.publish import PublishOperations
from cloudlet.services.sns.subscriptions import SubscriptionOperations
from cloudlet.services.sns.topics import TopicOperations


class SnsProvider(TopicOperations, SubscriptionOperations, PublishOperations, PermissionOperations):
    service = "sns"

    async def start(self) -> None:
        await super().start()
        # Make (or load) the signing key off the event loop before the first Publish needs it.
        await asyncio.to_thread(self.signer.certificate_pem)

    def internal_routes(self) -> dict[tuple[str, str], InternalHandler]:
        return {("GET", CERT_PATH): self.certificate}

    def certificate(self, query: dict[str, str], body: dict[str, object]) -> HttpResponse:
        """The PEM certificate of the signing key (SigningCertURL)."""
        pem = self.signer.certificate_pem()
        return HttpResponse(200, Headers([("Content-Type", "application/x-pem-file")]), pem)
