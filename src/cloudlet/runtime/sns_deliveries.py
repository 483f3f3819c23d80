"""Outbox subscriber: SNS deliveries to subscriptions: SQS, Lambda, HTTP/S."""

from __future__ import annotations

from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.services.base import Background
from cloudlet.storage.outbox import Outbox


def register(outbox: Outbox, clients: InternalClients, clock: Clock, background: Background) -> None:
    """Subscribe this module's delivery to the outbox."""
