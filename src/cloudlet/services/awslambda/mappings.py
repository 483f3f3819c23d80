"""Event source mappings: Create/Get/List/Update/DeleteEventSourceMapping, stored here and
run by the runtime's pollers (the injected MappingRunner, env.extras["pollers"]).

States as AWS shows them: a create answers Creating, an update Updating (Enabling,
Disabling), a delete Deleting; the transition finishes in background work right after
(settle waits for it), and the pollers start or stop there. Stream checkpoints come back
from the pollers through MappingSpec.save_checkpoint and are stored in this service.

LIMITATIONS (event source mappings):
    - Sources: SQS (standard and FIFO) and DynamoDB Streams only; Kinesis, Kafka, MQ and
      DocumentDB are refused as unrecognized event sources.
    - ParallelizationFactor splits each batch read from the shard by item key into
      concurrent invokes; the next read waits for all of them (AWS keeps pulling meanwhile).
    - A LATEST mapping that never processed a record resumes after a restart at the records
      written since its creation or last update (AT_TIMESTAMP); once it has a checkpoint it
      resumes after it.
    - Tumbling-window state lives in memory: a restart mid-window starts an empty state.
    - Stream retries back off 1, 2, 4 ... 60 seconds on the clock (AWS does not document its
      backoff); OnFailure destinations are SQS queues and SNS topics (not S3).
    - KMSKeyArn, MetricsConfig, LoggingConfig, Tags, ProvisionedPollerConfig are ignored;
      StartingPositionTimestamp (AT_TIMESTAMP) is refused as AWS refuses it for DynamoDB.
    - Disabling or deleting a mapping lets an SQS batch in flight finish; a stream batch in
      flight is abandoned (redelivered from the checkpoint if it was not finished)."""

from __future__ import annotations

import re
from typing import Any, Protocol, cast

from cloudlet import ids
from cloudlet.clock import Clock
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.awslambda import mapping_config, mapping_store
from cloudlet.services.awslambda.mapping_config import ENABLED, invalid
from cloudlet.services.awslambda.mapping_store import MappingRow
from cloudlet.services.awslambda.mapping_types import SQS, MappingRunner, MappingSpec
from cloudlet.services.base import ServiceEnv
from cloudlet.storage.db import Database

MAX_LIST = 100
_FUNCTION_ARN = re.compile(r"^(?:arn:[^:]+:lambda:([^:]+):)?(?:(\d{12}):)?function:([^:]+)(?::([^:]+))?$")
_STABLE = ("Enabled", "Disabled")


class _Functions(Protocol):
    """What the function control plane (another mixin of the provider) offers mappings."""

    def resolve(self, account: str, region: str, function: str, qualifier: str | None) -> Any: ...


def _not_found() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "The resource you requested does not exist.", 404)


def _split_function(value: str, account: str, region: str) -> tuple[str, str, str, str | None]:
    """(account, region, name, qualifier) of a function name, partial ARN or ARN."""
    match = _FUNCTION_ARN.match(value)
    if match:
        return match.group(2) or account, match.group(1) or region, match.group(3), match.group(4)
    name, _, qualifier = value.partition(":")
    return account, region, name, qualifier or None


class MappingOps:
    env: ServiceEnv
    db: Database
    clock: Clock

    # -- life --------------------------------------------------------------------------------
    async def start_mappings(self) -> None:
        """Hand every stored mapping to the pollers (and finish transitions a stop cut short)."""
        for row in mapping_store.all_mappings(self.db):
            await self._settle_mapping(row.uuid, restart=True)

    def _runner(self) -> MappingRunner | None:
        return cast(MappingRunner | None, self.env.extras.get("pollers"))

    def _spec(self, row: MappingRow, restart: bool) -> MappingSpec:
        uuid = row.uuid
        return MappingSpec(
            uuid=uuid,
            account=row.account,
            region=row.region,
            function_arn=row.function_arn,
            source_arn=row.source_arn,
            source=mapping_config.source_of(row.source_arn),
            config={k: v for k, v in row.config.items() if k != ENABLED},
            checkpoints=mapping_store.checkpoints(self.db, uuid),
            save_checkpoint=lambda shard, seq: mapping_store.save_checkpoint(self.db, uuid, shard, seq),
            report=lambda result: mapping_store.set_result(self.db, uuid, result),
            resume_after=row.last_modified if restart else None,
        )

    async def _settle_mapping(self, uuid: str, restart: bool = False) -> None:
        """Finish a transition: Creating/Updating/Enabling -> Enabled or Disabled (pollers
        started or stopped), Disabling -> Disabled, Deleting -> gone."""
        row = mapping_store.get(self.db, uuid)
        runner = self._runner()
        if row is None:
            return
        if row.state == "Deleting":
            if runner is not None:
                runner.stop_mapping(uuid)
            mapping_store.delete(self.db, uuid)
            return
        enabled = bool(row.config.get(ENABLED, True)) and row.state != "Disabling"
        state = "Enabled" if enabled else "Disabled"
        if row.state != state:
            mapping_store.set_state(self.db, uuid, state)
            row.state = state
        if runner is None:
            return
        if enabled:
            runner.run(self._spec(row, restart))
        else:
            runner.stop_mapping(uuid)

    def _transition(self, uuid: str) -> None:
        self.env.background.spawn(self._settle_mapping(uuid), f"lambda-mapping-{uuid}")

    # -- validation helpers ------------------------------------------------------------------
    def _function_arn(self, ctx: RequestContext, value: Any) -> tuple[str, int]:
        """The mapping's FunctionArn and the function's timeout (seconds)."""
        account, region, name, qualifier = _split_function(str(value or ""), ctx.account, ctx.region)
        try:
            spec = cast(_Functions, self).resolve(account, region, name, qualifier)
        except ServiceError as error:
            if error.code == "ResourceNotFoundException":
                raise invalid("Function does not exist") from None
            raise
        timeout = int(getattr(spec, "timeout", 3))
        arn = ids.arn("lambda", region, account, f"function:{name}")
        return (f"{arn}:{qualifier}" if qualifier else arn), timeout

    async def _check_source(self, source: str, arn: str, timeout: int) -> None:
        """The queue or stream must exist; a queue's visibility timeout must cover the function's."""
        clients = self.env.extras["clients"]
        parts = ids.parse_arn(arn) or {}
        account, region = parts.get("account", ""), parts.get("region", "")
        if source == SQS:
            try:
                result = await clients.call(
                    "sqs",
                    "GetQueueAttributes",
                    {
                        "QueueUrl": f"/{account}/{parts.get('resource', '')}",
                        "AttributeNames": ["VisibilityTimeout"],
                    },
                    account,
                    region,
                )
            except ServiceError as error:
                code = error.query_code or "AWS.SimpleQueueService.NonExistentQueue"
                raise invalid(
                    f"Error occurred while ReceiveMessage. SQS Error Code: {code}. SQS Error Message: {error.message}"
                ) from None
            visibility = int(result.get("Attributes", {}).get("VisibilityTimeout", 30))
            if visibility < timeout:
                raise invalid(
                    f"Queue visibility timeout: {visibility} seconds is less than Function timeout: {timeout} seconds"
                )
            return
        try:
            await clients.call("dynamodbstreams", "DescribeStream", {"StreamArn": arn}, account, region)
        except ServiceError:
            raise invalid(f"Stream not found: {arn}") from None

    def _row(self, ctx: RequestContext, uuid: Any) -> MappingRow:
        row = mapping_store.get(self.db, str(uuid or ""))
        if row is None or row.account != ctx.account or row.region != ctx.region:
            raise _not_found()
        return row

    # -- operations --------------------------------------------------------------------------
    async def create_event_source_mapping(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        source_arn = params.get("EventSourceArn")
        if not source_arn:
            raise invalid("Unrecognized event source.")
        source_arn = str(source_arn)
        source = mapping_config.source_of(source_arn)
        config = mapping_config.build(source, source_arn, params, None)
        function_arn, timeout = self._function_arn(ctx, params.get("FunctionName"))
        await self._check_source(source, source_arn, timeout)
        for other in mapping_store.find(self.db, ctx.account, ctx.region, [function_arn], source_arn, 0, 1):
            name = function_arn.split(":")[6]
            if source == SQS:
                message = (
                    f'An event source mapping with SQS arn (" {source_arn} ") and function (" {name} ") already'
                    f" exists. Please update or delete the existing mapping with UUID {other.uuid}"
                )
            else:
                message = (
                    f'The event source arn (" {source_arn} ") and function (" {name} ") provided mapping already'
                    f" exists. Please update or delete the existing mapping with UUID {other.uuid}"
                )
            raise ServiceError("ResourceConflictException", message, 409)
        row = MappingRow(
            uuid=ids.uuid4(),
            account=ctx.account,
            region=ctx.region,
            function_arn=function_arn,
            source_arn=source_arn,
            state="Creating",
            state_reason="USER_INITIATED" if source == SQS else "User action",
            config=config,
            last_modified=self.clock.now(),
            last_result="No records processed",
        )
        mapping_store.insert(self.db, row)
        self._transition(row.uuid)
        return mapping_config.render(row)

    def get_event_source_mapping(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return mapping_config.render(self._row(ctx, params.get("UUID")))

    def list_event_source_mappings(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        limit = min(int(params.get("MaxItems") or MAX_LIST), MAX_LIST)
        if limit < 1:
            raise invalid("MaxItems must be between 1 and 10000.")
        marker = params.get("Marker")
        after = 0
        if marker:
            try:
                after = int(str(marker))
            except ValueError:
                raise invalid("Invalid marker.") from None
        function_arns = None
        if params.get("FunctionName"):
            account, region, name, qualifier = _split_function(
                str(params["FunctionName"]), ctx.account, ctx.region
            )
            arn = ids.arn("lambda", region, account, f"function:{name}")
            function_arns = [f"{arn}:{qualifier}"] if qualifier else [arn]
        source = params.get("EventSourceArn")
        rows = mapping_store.find(
            self.db, ctx.account, ctx.region, function_arns, str(source) if source else None, after, limit + 1
        )
        result: dict[str, Any] = {"EventSourceMappings": [mapping_config.render(r) for r in rows[:limit]]}
        if len(rows) > limit:
            result["NextMarker"] = str(rows[limit - 1].id)
        return result

    async def update_event_source_mapping(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        row = self._row(ctx, params.get("UUID"))
        if row.state not in _STABLE:
            raise ServiceError(
                "ResourceInUseException",
                "Cannot update the event source mapping because it is in use.",
                400,
            )
        source = mapping_config.source_of(row.source_arn)
        was_enabled = bool(row.config.get(ENABLED, True))
        config = mapping_config.build(source, row.source_arn, params, row.config)
        if params.get("FunctionName"):
            row.function_arn, timeout = self._function_arn(ctx, params["FunctionName"])
            if source == SQS:
                await self._check_source(source, row.source_arn, timeout)
        enabled = bool(config.get(ENABLED, True))
        if enabled and not was_enabled:
            row.state = "Enabling"
        elif was_enabled and not enabled:
            row.state = "Disabling"
        else:
            row.state = "Updating"
        row.config = config
        row.last_modified = self.clock.now()
        mapping_store.save(self.db, row)
        self._transition(row.uuid)
        return mapping_config.render(row)

    def delete_event_source_mapping(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self._row(ctx, params.get("UUID"))
        if row.state in ("Creating", "Enabling", "Updating", "Disabling", "Deleting"):
            raise ServiceError(
                "ResourceInUseException",
                "Cannot delete the event source mapping because it is in use.",
                400,
            )
        row.state = "Deleting"
        mapping_store.set_state(self.db, row.uuid, "Deleting")
        self._transition(row.uuid)
        return mapping_config.render(row)
