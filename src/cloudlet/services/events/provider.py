"""EventBridge: event buses, rules (event patterns and schedules), targets, PutEvents.

The operations live in buses.py, rules.py (with the schedule timers), targets.py,
put_events.py and archives.py (archives and replays); what a target receives is
transformer.py; deliveries, retries and dead-letter queues are
cloudlet/runtime/event_targets.py (outbox topic "events.target").

LIMITATIONS:
    - API destinations, connections, endpoints, partner event sources and log configuration
      answer 501.
    - Archives are not shown as the managed "Events-Archive-<name>" rules AWS creates; every
      archive is ENABLED at once. Retention hides events older than RetentionDays (they are
      not deleted). A replay that a server stop interrupts is marked FAILED, not resumed.
      Replayed events are delivered in archive order as fast as the targets take them.
    - Scheduled rules fire from in-memory clock timers: ticks missed while the server was
      down are not replayed (start() re-arms every rule from the current time); a rule's
      Scheduled Event carries the tick time (whole seconds, UTC).
    - Pending delivery retries are in-memory clock timers: a restart forgets them. Backoff is
      deterministic (1 s doubling, capped at 300 s) where AWS adds jitter.
    - Targets: SQS (standard and FIFO, the event id as deduplication id), SNS, Lambda
      (asynchronous Invoke), event buses and CloudWatch log groups. Other target kinds are
      accepted and fail at delivery (to the DLQ if there is one). RoleArn is stored, not used;
      Lambda resource policies and bus policies are stored, never enforced.
    - InputPath matching nothing delivers null.
    - Cross-account and cross-region bus targets are delivered like any bus ARN, without the
      resource-policy check.
    - KMS keys, DeadLetterConfig and Policy on buses are stored and returned, not used.
    - ManagedBy, EventSourceName and TraceHeader are ignored. DeleteRule's Force (meant for
      managed rules) deletes a rule with its targets.
    - PutEvents: an EventBusName ARN of another account or region puts on that bus without
      checking its resource policy; a bus that does not exist drops the event with an
      EventId, as AWS does.
    - Validation messages not found in AWS's documentation (InputPath, Input, InputPathsMap
      errors) are close paraphrases with the right error codes.
"""

from __future__ import annotations

from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.events import store
from cloudlet.services.events.archives import ArchiveOperations
from cloudlet.services.events.core import not_found


class EventsProvider(ArchiveOperations):
    service = "events"

    async def start(self) -> None:
        await super().start()
        self.arm_all()
        self.fail_interrupted_replays()

    def reset(self) -> None:
        super().reset()
        self.reset_timers()  # the runtime cleared the clock's timers with the database

    # -- tags ------------------------------------------------------------------------------
    def _tagged(self, ctx: RequestContext, arn: str) -> tuple[str, str, tuple[Any, ...], dict[str, str]]:
        """(table, key SQL, key, tags) of the rule or bus `arn` names."""
        resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
        if resource.startswith("rule/"):
            rule = store.rule_by_arn(self.db, arn)
            if rule is None or rule.account != ctx.account:
                parts = resource.removeprefix("rule/").rsplit("/", 1)
                bus = parts[0] if len(parts) == 2 else store.DEFAULT_BUS
                raise not_found(f"Rule {parts[-1]} does not exist on EventBus {bus}.")
            return "events_rules", "id = ?", (rule.id,), rule.tags
        if resource.startswith("event-bus/"):
            name = resource.removeprefix("event-bus/")
            if name == store.DEFAULT_BUS:
                with self.db.write() as tx:
                    store.ensure_default_bus(tx, ctx.account, ctx.region, self.clock.now_ms())
            found = store.get_bus(self.db, ctx.account, ctx.region, name)
            if found is None:
                raise not_found(f"Event bus {name} does not exist.")
            key = (ctx.account, ctx.region, name)
            return "events_buses", "account = ? AND region = ? AND name = ?", key, found.tags
        raise ServiceError(
            "ValidationException", f"Parameter {arn} is not valid. Reason: Provided Arn is not valid."
        )

    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table, key_sql, key, tags = self._tagged(ctx, str(params["ResourceARN"]))
        tags = {**tags, **{t["Key"]: t["Value"] for t in params.get("Tags") or []}}
        with self.db.write() as tx:
            store.set_tags(tx, table, key_sql, key, tags)
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table, key_sql, key, tags = self._tagged(ctx, str(params["ResourceARN"]))
        removed = set(params.get("TagKeys") or [])
        with self.db.write() as tx:
            store.set_tags(tx, table, key_sql, key, {k: v for k, v in tags.items() if k not in removed})
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        tags = self._tagged(ctx, str(params["ResourceARN"]))[3]
        return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}
