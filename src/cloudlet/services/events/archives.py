"""Archives and replays: Create/Describe/List/Update/DeleteArchive, StartReplay,
DescribeReplay, ListReplays, CancelReplay.

An archive keeps, in PutEvents' own transaction, every event its bus takes that matches the
archive's pattern (all of them without one). A replay runs in the background: the archived
events whose time is in [EventStartTime, EventEndTime) go, in the order they were archived,
to the rules of the bus (or only the rules Destination.FilterArns names), each with a
"replay-name" field added, as AWS marks replayed events (user guide, "Replaying archived
events")."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.patterns import PatternError, compile_pattern, eventbridge_error
from cloudlet.services.events import archive_store, store
from cloudlet.services.events.core import not_found, page, validation
from cloudlet.services.events.put_events import PutEventsOperations, cached_pattern
from cloudlet.storage.db import Transaction

log = logging.getLogger("cloudlet.events")

ARCHIVE_NAME = re.compile(r"[.\-_A-Za-z0-9]{1,48}")
DAY_MS = 86_400_000
REPLAY_BATCH = 100


def _ms(value: Any) -> int:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    return int(float(value) * 1000)


class ArchiveOperations(PutEventsOperations):
    # -- archiving (called by PutEvents) -------------------------------------------------------
    def to_archives(
        self, tx: Transaction, account: str, region: str, bus: str, event: dict[str, Any], event_ms: int
    ) -> None:
        for archive in archive_store.archives_of_bus(tx, account, region, bus):
            if archive.event_pattern is None or cached_pattern(archive.event_pattern).matches(event):
                archive_store.archive_event(tx, archive.id, event_ms, self.clock.now_ms(), event)

    def _kept_after(self, archive: archive_store.Archive) -> int:
        if archive.retention_days <= 0:
            return 0
        return self.clock.now_ms() - archive.retention_days * DAY_MS

    # -- archives ------------------------------------------------------------------------------
    def create_archive(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["ArchiveName"])
        if not ARCHIVE_NAME.fullmatch(name):
            raise validation(
                f"1 validation error detected: Value '{name}' at 'archiveName' failed to satisfy constraint: "
                r"Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+"
            )
        if archive_store.get_archive(self.db, ctx.account, ctx.region, name) is not None:
            raise ServiceError("ResourceAlreadyExistsException", f"Archive {name} already exists.", 400)
        bus = self.require_bus(ctx, str(params["EventSourceArn"]))
        pattern = self._checked_pattern(params.get("EventPattern"))
        archive = archive_store.Archive(
            0, ctx.account, ctx.region, name, bus, params.get("Description"), pattern,
            int(params.get("RetentionDays") or 0), params.get("KmsKeyIdentifier"), self.clock.now_ms(),
        )  # fmt: skip
        with self.db.write() as tx:
            archive_store.insert_archive(tx, archive)
        return {"ArchiveArn": archive.arn, "State": "ENABLED", "CreationTime": archive.created_ms / 1000}

    @staticmethod
    def _checked_pattern(pattern: Any) -> str | None:
        if not pattern:
            return None
        try:
            compile_pattern(str(pattern))
        except PatternError as error:
            raise eventbridge_error(error) from None
        return str(pattern)

    def _require_archive(self, ctx: RequestContext, name: str) -> archive_store.Archive:
        archive = archive_store.get_archive(self.db, ctx.account, ctx.region, name)
        if archive is None:
            raise not_found(f"Archive {name} does not exist.")
        return archive

    def _archive_view(self, archive: archive_store.Archive) -> dict[str, Any]:
        count, size = archive_store.archive_stats(self.db, archive.id, self._kept_after(archive))
        return {
            "ArchiveName": archive.name,
            "EventSourceArn": store.bus_arn(archive.account, archive.region, archive.bus),
            "State": "ENABLED",
            "RetentionDays": archive.retention_days,
            "SizeBytes": size,
            "EventCount": count,
            "CreationTime": archive.created_ms / 1000,
        }

    def describe_archive(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        archive = self._require_archive(ctx, str(params["ArchiveName"]))
        view = {"ArchiveArn": archive.arn, **self._archive_view(archive)}
        if archive.description:
            view["Description"] = archive.description
        if archive.event_pattern:
            view["EventPattern"] = archive.event_pattern
        if archive.kms_key:
            view["KmsKeyIdentifier"] = archive.kms_key
        return view

    def list_archives(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        archives = archive_store.list_archives(self.db, ctx.account, ctx.region)
        if params.get("EventSourceArn"):
            bus = self.require_bus(ctx, str(params["EventSourceArn"]))
            archives = [a for a in archives if a.bus == bus]
        prefix = str(params.get("NamePrefix") or "")
        archives = [a for a in archives if a.name.startswith(prefix)]
        if params.get("State") and params["State"] != "ENABLED":
            archives = []
        chunk, token = page(archives, params)
        result: dict[str, Any] = {"Archives": [self._archive_view(a) for a in chunk]}
        if token:
            result["NextToken"] = token
        return result

    def update_archive(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        archive = self._require_archive(ctx, str(params["ArchiveName"]))
        fields: dict[str, Any] = {}
        if "Description" in params:
            fields["description"] = params["Description"] or None
        if "EventPattern" in params:
            fields["event_pattern"] = self._checked_pattern(params["EventPattern"])
        if "RetentionDays" in params:
            fields["retention_days"] = int(params["RetentionDays"] or 0)
        if "KmsKeyIdentifier" in params:
            fields["kms_key"] = params["KmsKeyIdentifier"] or None
        with self.db.write() as tx:
            archive_store.update_archive(tx, archive.id, **fields)
        return {"ArchiveArn": archive.arn, "State": "ENABLED", "CreationTime": archive.created_ms / 1000}

    def delete_archive(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        archive = self._require_archive(ctx, str(params["ArchiveName"]))
        with self.db.write() as tx:
            archive_store.delete_archive(tx, archive.id)
        return {}

    # -- replays -------------------------------------------------------------------------------
    def start_replay(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["ReplayName"])
        if archive_store.get_replay(self.db, ctx.account, ctx.region, name) is not None:
            raise ServiceError("ResourceAlreadyExistsException", f"Replay {name} already exists.", 400)
        start_ms, end_ms = _ms(params["EventStartTime"]), _ms(params["EventEndTime"])
        if end_ms <= start_ms:
            raise validation(
                "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime."
            )
        source = str(params["EventSourceArn"])
        archive_name = source.rsplit("/", 1)[-1]
        archive = archive_store.get_archive(self.db, ctx.account, ctx.region, archive_name)
        if archive is None or archive.arn != source:
            raise validation(
                f"Parameter EventSourceArn is not valid. Reason: Archive {archive_name} does not exist."
            )
        destination = dict(params["Destination"])
        bus = self.bus_name(ctx, str(destination["Arn"]))
        if bus != archive.bus:
            if not self.bus_exists(ctx.account, ctx.region, bus):
                raise not_found(f"Event bus {bus} does not exist.")
            raise validation(
                "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."
            )
        for rule_arn in destination.get("FilterArns") or []:
            rule = store.rule_by_arn(self.db, str(rule_arn))
            if rule is None or rule.bus != bus:
                raise validation(
                    f"Parameter Destination.FilterArns is not valid. Reason: {rule_arn} is not valid."
                )
        now = self.clock.now_ms()
        replay = archive_store.Replay(
            0, ctx.account, ctx.region, name, archive.arn, params.get("Description"), destination,
            start_ms, end_ms, "STARTING", None, now, None, None,
        )  # fmt: skip
        with self.db.write() as tx:
            replay_id = archive_store.insert_replay(tx, replay)
        self.env.background.spawn(self._run_replay(replay_id), f"events-replay-{name}")
        return {"ReplayArn": replay.arn, "State": "STARTING", "ReplayStartTime": now / 1000}

    async def _run_replay(self, replay_id: int) -> None:
        await asyncio.sleep(0)  # the StartReplay answer (STARTING) goes out first
        try:
            await self._replay(replay_id)
        except Exception as exc:
            log.exception("replay %s failed", replay_id)
            with self.db.write() as tx:
                archive_store.update_replay(tx, replay_id, state="FAILED", reason=str(exc)[:512])

    async def _replay(self, replay_id: int) -> None:
        replay = archive_store.replay_by_id(self.db, replay_id)
        if replay is None:
            return
        archive = archive_store.get_archive(
            self.db, replay.account, replay.region, replay.archive_arn.rsplit("/")[-1]
        )
        with self.db.write() as tx:
            archive_store.update_replay(tx, replay_id, state="RUNNING")
        only = set(replay.destination.get("FilterArns") or []) or None
        after = 0
        while archive is not None:
            current = archive_store.replay_by_id(self.db, replay_id)
            if current is None:
                return
            if current.state == "CANCELLING":
                with self.db.write() as tx:
                    archive_store.update_replay(
                        tx, replay_id, state="CANCELLED", replay_end_ms=self.clock.now_ms()
                    )
                return
            batch = archive_store.archived_events(
                self.db,
                archive.id,
                replay.start_ms,
                replay.end_ms,
                self._kept_after(archive),
                after,
                REPLAY_BATCH,
            )
            if not batch:
                break
            with self.db.write() as tx:
                for _, time_ms, event in batch:
                    replayed = {**event, "replay-name": replay.name}
                    self.to_rules(tx, replay.account, replay.region, archive.bus, replayed, time_ms, only)
                last = max(time_ms for _, time_ms, _ in batch)
                archive_store.update_replay(tx, replay_id, last_replayed_ms=last)
            after = batch[-1][0]
            await asyncio.sleep(0)
        with self.db.write() as tx:
            archive_store.update_replay(tx, replay_id, state="COMPLETED", replay_end_ms=self.clock.now_ms())

    def fail_interrupted_replays(self) -> None:
        """Replays a stopped server left unfinished are FAILED (they are not resumed)."""
        with self.db.write() as tx:
            for replay in archive_store.unfinished_replays(tx):
                archive_store.update_replay(
                    tx, replay.id, state="FAILED", reason="The server stopped during the replay."
                )

    def _require_replay(self, ctx: RequestContext, name: str) -> archive_store.Replay:
        replay = archive_store.get_replay(self.db, ctx.account, ctx.region, name)
        if replay is None:
            raise not_found(f"Replay {name} does not exist.")
        return replay

    @staticmethod
    def _replay_view(replay: archive_store.Replay) -> dict[str, Any]:
        view: dict[str, Any] = {
            "ReplayName": replay.name,
            "EventSourceArn": replay.archive_arn,
            "State": replay.state,
            "EventStartTime": replay.start_ms / 1000,
            "EventEndTime": replay.end_ms / 1000,
            "ReplayStartTime": replay.replay_start_ms / 1000,
        }
        if replay.reason:
            view["StateReason"] = replay.reason
        if replay.last_replayed_ms is not None:
            view["EventLastReplayedTime"] = replay.last_replayed_ms / 1000
        if replay.replay_end_ms is not None:
            view["ReplayEndTime"] = replay.replay_end_ms / 1000
        return view

    def describe_replay(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        replay = self._require_replay(ctx, str(params["ReplayName"]))
        view = {"ReplayArn": replay.arn, "Destination": replay.destination, **self._replay_view(replay)}
        if replay.description:
            view["Description"] = replay.description
        return view

    def list_replays(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        replays = archive_store.list_replays(self.db, ctx.account, ctx.region)
        prefix = str(params.get("NamePrefix") or "")
        replays = [r for r in replays if r.name.startswith(prefix)]
        if params.get("State"):
            replays = [r for r in replays if r.state == params["State"]]
        if params.get("EventSourceArn"):
            replays = [r for r in replays if r.archive_arn == params["EventSourceArn"]]
        chunk, token = page(replays, params)
        result: dict[str, Any] = {"Replays": [self._replay_view(r) for r in chunk]}
        if token:
            result["NextToken"] = token
        return result

    def cancel_replay(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        replay = self._require_replay(ctx, str(params["ReplayName"]))
        if replay.state not in ("STARTING", "RUNNING"):
            raise ServiceError(
                "IllegalStatusException",
                f"Replay {replay.name} is not in a valid state for this operation.",
                400,
            )
        with self.db.write() as tx:
            archive_store.update_replay(tx, replay.id, state="CANCELLING")
        return {"ReplayArn": replay.arn, "State": "CANCELLING"}
