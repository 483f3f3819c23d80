"""SQS. (stub: being written)"""

from __future__ import annotations

from cloudlet.services.base import Provider


class SqsProvider(Provider):
    service = "sqs"
