"""CloudWatch Logs: log groups, streams and events on SQLite and the clock.

The operations live in groups.py (groups, streams, retention, tags) and events.py (put, get,
filter); the filter pattern language is filter_patterns.py. This class adds the retention sweep.

LIMITATIONS:
    - Only groups, streams, events, retention policies and tags are built. Metric filters,
      subscription filters, Logs Insights queries, exports, destinations, resource policies,
      data protection, anomaly detection, deliveries and Live Tail answer 501.
    - kmsKeyId is stored and returned; events are not encrypted and no KMS call is made.
    - logGroupClass is stored, returned and filterable; every class behaves as STANDARD.
    - storedBytes of a group is the UTF-8 size of its stored messages (AWS reports compressed
      bytes, updated with a delay); a stream's storedBytes is 0, as AWS has reported since 2019.
    - Retention is exact for reads (events older than the retention are never returned); the
      rows are deleted by a sweep every 60 virtual seconds.
    - FilterLogEvents reads at most 100,000 events per call before it answers with a
      nextToken, like AWS's own time budget; searchedLogStreams is always empty (as AWS).
    - Cross-account reads (accountIdentifiers, includeLinkedAccounts, unmask) are ignored; an
      ARN of another account or region names no group (ResourceNotFoundException).
    - PutLogEvents' `entity` is accepted and dropped (rejectedEntityInfo is never returned).
    - Filter patterns: regular expressions use Python's `re` (a superset of AWS's subset, and
      without AWS's limit of two regexes per pattern); unstructured terms match as substrings.
    - Messages of InvalidParameterException for malformed filter patterns are generic.
"""

from __future__ import annotations

import logging

from cloudlet.clock import Timer
from cloudlet.services.logs import store
from cloudlet.services.logs.events import EventOperations
from cloudlet.services.logs.groups import GroupOperations

log = logging.getLogger("cloudlet.logs")

SWEEP_INTERVAL_S = 60.0


class LogsProvider(GroupOperations, EventOperations):
    service = "logs"

    _sweep_timer: Timer | None = None

    async def start(self) -> None:
        await super().start()
        self.arm_sweep()

    def reset(self) -> None:
        super().reset()
        self._sweep_timer = None  # the reset cleared every timer (and every group)

    # A clock timer, not a loop: advancing the clock fires each sweep in time order. Armed
    # only while some group has a retention policy, so advancing the clock costs nothing else.
    def arm_sweep(self) -> None:
        if self._sweep_timer is None and store.groups_with_retention(self.db):
            self._sweep_timer = self.clock.call_at(self.clock.now() + SWEEP_INTERVAL_S, self._sweep_tick)

    def _sweep_tick(self) -> None:
        self._sweep_timer = None
        try:
            self.sweep()
        except Exception:
            log.exception("retention sweep failed")
        self.arm_sweep()

    def sweep(self) -> None:
        """Delete the events each group's retention no longer keeps."""
        now = self.now()
        for group in store.groups_with_retention(self.db):
            with self.db.write() as tx:
                store.expire_events(tx, group.id, group.oldest_kept(now))
