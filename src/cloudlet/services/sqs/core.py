"""What every SQS operation shares: finding queues (cached), queue URLs, long-poll waiters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider, ServiceEnv
from cloudlet.services.sqs import names, store
from cloudlet.services.sqs.errors import missing_parameter, queue_does_not_exist
from cloudlet.services.sqs.queues import Key, Queue, QueueCache, key_of_arn
from cloudlet.services.sqs.waiters import Waiters


@dataclass
class Attempt:
    """A FIFO receive remembered under its ReceiveRequestAttemptId."""

    expires_at: int
    token: str
    row_ids: list[int]


class SqsCore(Provider):
    service = "sqs"

    def __init__(self, env: ServiceEnv) -> None:
        super().__init__(env)
        self.queues = QueueCache()
        self.waiters = Waiters()
        self.attempts: dict[tuple[int, str], Attempt] = {}
        self._url_keys: dict[tuple[str, str, str], Key] = {}  # (QueueUrl, account, region) -> queue key

    def reset(self) -> None:
        self.queues.clear()
        self.waiters.clear()
        self.attempts.clear()
        self._url_keys.clear()

    # -- finding queues ----------------------------------------------------------------------
    def load_queue(self, key: Key) -> Queue | None:
        queue = self.queues.get(key)
        if queue is None:
            row = store.find_queue(self.db, *key)
            if row is None:
                return None
            queue = self.queues.put(Queue.from_row(row))
        return queue

    def queue_by_arn(self, arn: str) -> Queue | None:
        key = key_of_arn(arn)
        return None if key is None else self.load_queue(key)

    def queue_of(self, ctx: RequestContext, params: dict[str, Any]) -> Queue:
        """The queue a request names by QueueUrl (any host, a path, or a bare name); an old
        query-protocol client may instead have posted to the queue URL itself."""
        url = params.get("QueueUrl")
        if not url:
            account, name = names.parse_queue_url(ctx.request.path)
            if account is None:
                raise missing_parameter("QueueUrl")
            key = (account, ctx.region, name)
        else:
            seen = (str(url), ctx.account, ctx.region)
            cached = self._url_keys.get(seen)
            if cached is None:
                account, name = names.parse_queue_url(seen[0])
                cached = (account or ctx.account, ctx.region, name)
                if len(self._url_keys) > 10_000:
                    self._url_keys.clear()
                self._url_keys[seen] = cached
            key = cached
        queue = self.load_queue(key)
        if queue is None:
            raise queue_does_not_exist(legacy_wording=self.legacy(ctx))
        return queue

    @staticmethod
    def legacy(ctx: RequestContext) -> bool:
        return ctx.route is not None and ctx.route.protocol == "query"

    @staticmethod
    def url_of(ctx: RequestContext, queue: Queue) -> str:
        return names.queue_url(ctx.request.url_root, queue.account, queue.name)

    def now(self) -> int:
        return self.clock.now_ms()
