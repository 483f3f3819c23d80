"""Rules: PutRule, Describe/List/Enable/Disable/DeleteRule, and scheduled rules firing on
the clock.

A scheduled rule has one clock timer at its next fire time; the timer emits the Scheduled
Event to the rule's targets and arms the next one. Timers live in memory: start() re-arms
every stored rule from the current time (ticks missed while the server was down are not
replayed), and a reset forgets them with the rest of the state."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from cloudlet import ids
from cloudlet.clock import Timer
from cloudlet.gateway.context import RequestContext
from cloudlet.patterns import PatternError, compile_pattern, eventbridge_error
from cloudlet.schedules import ScheduleError, parse_schedule
from cloudlet.services.events import store
from cloudlet.services.events.buses import BusOperations
from cloudlet.services.events.core import RULE_NAME, iso_seconds, page, validation

log = logging.getLogger("cloudlet.events")

STATES = ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def name_error(value: str, field: str, pattern: str) -> Exception:
    return validation(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    )


def check_schedule(expression: str) -> None:
    # Rules take rate(...) and cron(...) only, always in UTC (at(...) is Scheduler's).
    if not expression.startswith(("rate(", "cron(")):
        raise validation("Parameter ScheduleExpression is not valid.")
    try:
        parse_schedule(expression)
    except ScheduleError:
        raise validation("Parameter ScheduleExpression is not valid.") from None


class RuleOperations(BusOperations):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timers: dict[int, Timer] = {}

    # -- operations ------------------------------------------------------------------------
    def put_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["Name"])
        if not RULE_NAME.fullmatch(name):
            raise name_error(name, "name", r"[\.\-_A-Za-z0-9]+")
        bus = self.require_bus(ctx, params.get("EventBusName"))
        pattern = params.get("EventPattern") or None
        schedule = params.get("ScheduleExpression") or None
        if pattern is None and schedule is None:
            raise validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
        if schedule is not None:
            if bus != store.DEFAULT_BUS:
                raise validation("ScheduleExpression is supported only on the default event bus.")
            check_schedule(schedule)
        if pattern is not None:
            try:
                compile_pattern(pattern)
            except PatternError as error:
                raise eventbridge_error(error) from None
        state = str(params.get("State") or "ENABLED")
        if state not in STATES:
            raise validation(
                f"1 validation error detected: Value '{state}' at 'state' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(STATES)}]"
            )
        now = self.clock.now_ms()
        existing = store.get_rule(self.db, ctx.account, ctx.region, bus, name)
        # "A rate expression starts when you create the scheduled event rule": an update that
        # keeps the expression keeps the grid; a new expression starts a new one.
        anchor = now
        if existing is not None and existing.schedule == schedule and existing.schedule_anchor_ms is not None:
            anchor = existing.schedule_anchor_ms
        tags = {t["Key"]: t["Value"] for t in params.get("Tags") or []}
        rule = store.Rule(
            0, ctx.account, ctx.region, bus, name, store.rule_arn(ctx.account, ctx.region, bus, name),
            pattern, schedule, anchor if schedule else None, state, params.get("Description"),
            params.get("RoleArn"), None, existing.tags if existing else tags, existing.created_ms if existing else now,
        )  # fmt: skip
        with self.db.write() as tx:
            rule_id = store.save_rule(tx, rule)
        self.arm(rule_id)
        return {"RuleArn": rule.arn}

    def describe_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        rule = self.require_rule(ctx, str(params["Name"]), bus)
        result = self.rule_view(rule)
        result["CreatedBy"] = rule.account
        return result

    @staticmethod
    def rule_view(rule: store.Rule) -> dict[str, Any]:
        view: dict[str, Any] = {
            "Name": rule.name,
            "Arn": rule.arn,
            "State": rule.state,
            "EventBusName": rule.bus,
        }
        optional = {
            "EventPattern": rule.event_pattern,
            "ScheduleExpression": rule.schedule,
            "Description": rule.description,
            "RoleArn": rule.role_arn,
            "ManagedBy": rule.managed_by,
        }
        view.update({key: value for key, value in optional.items() if value})
        return view

    def list_rules(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        rules = store.list_rules(self.db, ctx.account, ctx.region, bus, str(params.get("NamePrefix") or ""))
        chunk, token = page(rules, params)
        result: dict[str, Any] = {"Rules": [self.rule_view(rule) for rule in chunk]}
        if token:
            result["NextToken"] = token
        return result

    def enable_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._set_state(ctx, params, "ENABLED")

    def disable_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._set_state(ctx, params, "DISABLED")

    def _set_state(self, ctx: RequestContext, params: dict[str, Any], state: str) -> dict[str, Any]:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        rule = self.require_rule(ctx, str(params["Name"]), bus)
        with self.db.write() as tx:
            store.set_rule_state(tx, rule.id, state)
        self.arm(rule.id)
        return {}

    def delete_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        rule = store.get_rule(self.db, ctx.account, ctx.region, bus, str(params["Name"]))
        if rule is None:
            return {}  # AWS answers 200 for a rule that does not exist
        # Force is meant for managed rules; here it also takes the targets with the rule.
        if store.count_targets(self.db, rule.id) and not params.get("Force"):
            raise validation("Rule can't be deleted since it has targets.")
        with self.db.write() as tx:
            store.delete_rule(tx, rule.id)
        self.disarm(rule.id)
        return {}

    # -- the clock -------------------------------------------------------------------------
    def arm_all(self) -> None:
        for rule in store.scheduled_rules(self.db):
            self.arm(rule.id)

    def disarm(self, rule_id: int) -> None:
        timer = self._timers.pop(rule_id, None)
        if timer is not None:
            timer.cancel()

    def forget_bus_timers(self, account: str, region: str, bus: str) -> None:
        for rule_id in list(self._timers):
            if store.rule_by_id(self.db, rule_id) is None:
                self.disarm(rule_id)

    def arm(self, rule_id: int, after: datetime | None = None) -> None:
        """(Re)arm the rule's timer at its first fire strictly after `after` (default: now)."""
        self.disarm(rule_id)
        rule = store.rule_by_id(self.db, rule_id)
        if rule is None or not rule.schedule or not rule.enabled:
            return
        anchor = datetime.fromtimestamp((rule.schedule_anchor_ms or 0) / 1000, UTC)
        try:
            schedule = parse_schedule(rule.schedule, anchor=anchor)
        except ScheduleError:
            return
        fire = schedule.next_after(after or self.clock.now_datetime())
        if fire is None:
            return
        key = (rule.schedule, rule.schedule_anchor_ms)

        def tick() -> None:
            self._tick(rule_id, fire, key)

        self._timers[rule_id] = self.clock.call_at(fire.timestamp(), tick)

    def _tick(self, rule_id: int, fire: datetime, key: tuple[str | None, int | None]) -> None:
        self._timers.pop(rule_id, None)
        rule = store.rule_by_id(self.db, rule_id)
        if rule is None or not rule.enabled or (rule.schedule, rule.schedule_anchor_ms) != key:
            return
        event = {
            "version": "0",
            "id": ids.uuid4(),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": rule.account,
            "time": iso_seconds(fire.timestamp()),
            "region": rule.region,
            "resources": [rule.arn],
            "detail": {},
        }
        try:
            with self.db.write() as tx:
                self.emit_to_targets(tx, rule, event, int(fire.timestamp()) * 1000)
        except Exception:
            log.exception("scheduled rule %s failed to fire", rule.arn)
        self.arm(rule_id, after=fire)

    def reset_timers(self) -> None:
        self._timers.clear()
