"""What every Scheduler operation shares: finding things, rendering them, paging, and the
timers that fire schedules.

Each enabled schedule has one clock timer at its next fire time. The timer's callback emits
the delivery and, in the same transaction, deletes a completed schedule whose
ActionAfterCompletion is DELETE; then it arms the next fire. Timers are re-armed from the
table on start(); fires missed while the server was down are not replayed."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

from cloudlet import ids
from cloudlet.clock import Timer
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider
from cloudlet.services.scheduler import firing, specs, store
from cloudlet.services.scheduler.store import Group, Schedule

log = logging.getLogger("cloudlet.scheduler")

Key = tuple[str, str, str, str]  # account, region, group, name


def schedule_not_found(name: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Schedule {name} does not exist.", 404)


def group_not_found(name: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Schedule group {name} does not exist.", 404)


def encode_token(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def decode_token(token: Any) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(str(token).encode()))
    except (ValueError, binascii.Error):
        raise specs.invalid("Invalid NextToken.") from None


class SchedulerCore(Provider):
    service = "scheduler"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timers: dict[Key, Timer] = {}

    # -- life -------------------------------------------------------------------------------
    async def start(self) -> None:
        await super().start()
        now = self.clock.now()
        for schedule in store.all_schedules(self.db):
            self.arm(schedule, now)
            if schedule.key not in self._timers and self.completed(schedule, now):
                # Its last invocation was due while the server was down (and is not replayed).
                with self.db.write() as tx:
                    store.delete_schedule(tx, schedule.id)

    def reset(self) -> None:
        super().reset()
        self._timers.clear()  # the runtime cleared the clock's timers and wiped the tables

    # -- finding ----------------------------------------------------------------------------
    def group_named(self, ctx: RequestContext, name: str) -> Group:
        if name == store.DEFAULT_GROUP:
            store.ensure_default_group(self.db, ctx.account, ctx.region, self.clock.now())
        group = store.find_group(self.db, ctx.account, ctx.region, name)
        if group is None:
            raise group_not_found(name)
        return group

    def schedule_named(self, ctx: RequestContext, params: dict[str, Any]) -> Schedule:
        name = specs.check_name(params.get("Name"))
        group = specs.check_name(params.get("GroupName") or store.DEFAULT_GROUP, "groupName")
        schedule = store.find_schedule(self.db, ctx.account, ctx.region, group, name)
        if schedule is None:
            raise schedule_not_found(name)
        return schedule

    # -- rendering --------------------------------------------------------------------------
    @staticmethod
    def render_group(group: Group) -> dict[str, Any]:
        return {
            "Arn": store.group_arn(group.region, group.account, group.name),
            "Name": group.name,
            "State": "ACTIVE",
            "CreationDate": group.created,
            "LastModificationDate": group.modified,
        }

    @staticmethod
    def render_schedule(schedule: Schedule) -> dict[str, Any]:
        result: dict[str, Any] = {
            "Arn": schedule.arn,
            "GroupName": schedule.group_name,
            "Name": schedule.name,
            "CreationDate": schedule.created,
            "LastModificationDate": schedule.modified,
        }
        for key, value in schedule.spec.items():
            if value is not None:
                result[key] = value
        result["State"] = schedule.state
        return result

    @staticmethod
    def summarize_schedule(schedule: Schedule) -> dict[str, Any]:
        return {
            "Arn": schedule.arn,
            "Name": schedule.name,
            "GroupName": schedule.group_name,
            "State": schedule.state,
            "CreationDate": schedule.created,
            "LastModificationDate": schedule.modified,
            "Target": {"Arn": schedule.spec["Target"]["Arn"]},
        }

    # -- timers -----------------------------------------------------------------------------
    def arm(self, schedule: Schedule, after: float) -> None:
        """(Re)arm the schedule's timer at its first fire strictly after `after`."""
        self.disarm(schedule.key)
        if schedule.state != "ENABLED":
            return
        try:
            at = firing.next_fire(schedule, after)
        except Exception:
            log.exception("schedule %s: cannot compute its next fire", schedule.arn)
            return
        if at is None:
            return
        timer: Timer | None = None

        def fire() -> None:
            if timer is not None and self._timers.get(schedule.key) is timer:
                del self._timers[schedule.key]
                self.fire(schedule.key, at)

        timer = self.clock.call_at(at, fire)
        self._timers[schedule.key] = timer

    @staticmethod
    def completed(schedule: Schedule, now: float) -> bool:
        """An enabled DELETE schedule with no invocation left (at() past, or past EndDate)."""
        return (
            schedule.state == "ENABLED"
            and schedule.spec.get("ActionAfterCompletion") == "DELETE"
            and firing.next_fire(schedule, now) is None
        )

    def disarm(self, key: Key) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    def fire(self, key: Key, at: float) -> None:
        """One invocation: emit the delivery, delete a completed DELETE schedule, arm the next."""
        schedule = store.find_schedule(self.db, *key)
        if schedule is None or schedule.state != "ENABLED":
            return
        following = firing.next_fire(schedule, at)
        try:
            payload = firing.delivery(schedule, at, ids.uuid4(), self.clock.now_ms())
        except Exception:  # e.g. an event bus Input that context attributes made invalid JSON
            log.exception("schedule %s: cannot build its invocation at %s", schedule.arn, at)
            payload = None
        with self.db.write() as tx:
            if payload is not None:
                tx.emit(firing.TOPIC, payload)
            # "DELETE: EventBridge Scheduler deletes the schedule after it completes its last
            # invocation" (API reference, ActionAfterCompletion).
            if following is None and schedule.spec.get("ActionAfterCompletion") == "DELETE":
                store.delete_schedule(tx, schedule.id)
        if following is not None:
            self.arm(schedule, at)
