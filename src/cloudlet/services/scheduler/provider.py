"""EventBridge Scheduler.

LIMITATIONS: (filled in as the service lands)"""

from __future__ import annotations

from cloudlet.services.base import Provider


class SchedulerProvider(Provider):
    service = "scheduler"
