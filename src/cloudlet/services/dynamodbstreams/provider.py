"""DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator, GetRecords over the stream
tables the dynamodb provider writes in the same transaction as each item change (see
store.py; this provider only reads them, and imports nothing of dynamodb's).

LIMITATIONS:
    - A stream has one shard for its whole life (AWS splits and rolls shards); ShardFilter
      (CHILD_SHARDS) therefore always answers no shards.
    - Sequence numbers are global to the server: increasing within a shard, not contiguous.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider
from cloudlet.services.dynamodbstreams import iterators, store
from cloudlet.services.dynamodbstreams.iterators import Position
from cloudlet.services.dynamodbstreams.store import Row

MAX_RECORDS = (
    1000  # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html
)
MAX_BYTES = 1024 * 1024
MAX_LIST = 100


def sequence_number(seq: int) -> str:
    return f"{seq:021d}"  # the model's SequenceNumber is 21 to 40 characters


class DynamoDbStreamsProvider(Provider):
    service = "dynamodbstreams"

    def list_streams(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        limit = _limit(params.get("Limit"), MAX_LIST)
        after_id = 0
        start = params.get("ExclusiveStartStreamArn")
        if start:
            found = store.find_stream(self.db, ctx.account, ctx.region, str(start))
            if found is None:
                raise _not_found(f"Stream: {start} not found")
            after_id = int(found["id"])
        rows = store.list_streams(
            self.db, ctx.account, ctx.region, params.get("TableName"), after_id, limit + 1
        )
        result: dict[str, Any] = {
            "Streams": [
                {"StreamArn": r["arn"], "TableName": r["table_name"], "StreamLabel": r["label"]}
                for r in rows[:limit]
            ]
        }
        if len(rows) > limit:
            result["LastEvaluatedStreamArn"] = rows[limit - 1]["arn"]
        return result

    def describe_stream(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        stream = self._stream(ctx, params.get("StreamArn"))
        shards = []
        start = params.get("ExclusiveStartShardId")
        if params.get("ShardFilter") is None and start != stream["shard_id"]:
            shards.append(self._shard(stream))
        return {
            "StreamDescription": {
                "StreamArn": stream["arn"],
                "StreamLabel": stream["label"],
                "StreamStatus": "ENABLED" if stream["disabled_at"] is None else "DISABLED",
                "StreamViewType": stream["view_type"],
                "CreationRequestDateTime": stream["created_at"],
                "TableName": stream["table_name"],
                "KeySchema": json.loads(stream["key_schema"]),
                "Shards": shards,
            }
        }

    def _shard(self, stream: Row) -> dict[str, Any]:
        first = int(stream["start_seq"])
        numbers: dict[str, str] = {"StartingSequenceNumber": sequence_number(first)}
        if stream["disabled_at"] is not None:
            last = store.last_seq(self.db, int(stream["id"]))
            numbers["EndingSequenceNumber"] = sequence_number(last if last is not None else first)
        return {"ShardId": stream["shard_id"], "SequenceNumberRange": numbers}

    def get_shard_iterator(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        stream = self._stream(ctx, params.get("StreamArn"))
        if params.get("ShardId") != stream["shard_id"]:
            raise _not_found(f"Shard {params.get('ShardId')} in stream {stream['arn']} does not exist")
        kind = params.get("ShardIteratorType")
        now = self.clock.now()
        horizon = store.horizon(self.db, stream, now)
        sequence = params.get("SequenceNumber")
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            if not sequence:
                raise _validation(f"SequenceNumber is required for ShardIteratorType {kind}")
            try:
                number = int(str(sequence))
            except ValueError:
                raise _validation(f"Invalid SequenceNumber: {sequence}") from None
            position = number if kind == "AT_SEQUENCE_NUMBER" else number + 1
            if position <= horizon:
                raise _trimmed()
        elif kind == "TRIM_HORIZON":
            position = max(horizon + 1, int(stream["start_seq"]))
        elif kind == "LATEST":
            last = store.last_seq(self.db, int(stream["id"]))
            position = max(horizon + 1, int(stream["start_seq"]), 0 if last is None else last + 1)
        elif kind == "AT_TIMESTAMP":
            moment = params.get("Timestamp")
            if moment is None:
                raise _validation("Timestamp is required for ShardIteratorType AT_TIMESTAMP")
            first = store.first_at_or_after(self.db, int(stream["id"]), moment.timestamp())
            last = store.last_seq(self.db, int(stream["id"]))
            fallback = int(stream["start_seq"]) if last is None else last + 1
            position = max(horizon + 1, first if first is not None else fallback)
        else:
            raise _validation(
                f"1 validation error detected: Value '{kind}' at 'shardIteratorType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, "
                "AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP]"
            )
        iterator = iterators.encode(Position(str(stream["arn"]), str(stream["shard_id"]), position, now))
        return {"ShardIterator": iterator}

    def get_records(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        position = iterators.decode(params.get("ShardIterator"))
        now = self.clock.now()
        iterators.check_fresh(position, now)
        stream = self._stream(ctx, position.stream_arn)
        if position.next_seq <= store.horizon(self.db, stream, now):
            raise _trimmed()
        limit = _limit(params.get("Limit"), MAX_RECORDS)
        rows = store.records(self.db, int(stream["id"]), position.next_seq, limit)
        records, size, next_seq = [], 0, position.next_seq
        for row in rows:
            record = _loads(str(row["record"]))
            record["dynamodb"]["SequenceNumber"] = sequence_number(int(row["seq"]))
            records.append(record)
            next_seq = int(row["seq"]) + 1
            size += int(record["dynamodb"].get("SizeBytes", 0))
            if size >= MAX_BYTES:
                break
        result: dict[str, Any] = {"Records": records}
        closed = stream["disabled_at"] is not None
        if not (closed and len(rows) < limit and len(records) == len(rows)):
            # An open shard always has a next iterator; a closed one has none once read to its end.
            result["NextShardIterator"] = iterators.encode(
                Position(position.stream_arn, position.shard_id, next_seq, now)
            )
        return result

    def _stream(self, ctx: RequestContext, arn: Any) -> Row:
        stream = store.find_stream(self.db, ctx.account, ctx.region, str(arn))
        if stream is None:
            raise _not_found(f"Stream: {arn} not found")
        return stream


def _limit(value: Any, maximum: int) -> int:
    if value is None:
        return maximum
    if value < 1:
        raise _validation(
            f"1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    if value > maximum:
        raise _validation(
            f"1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: "
            f"Member must have value less than or equal to {maximum}"
        )
    return int(value)


def _hook(value: dict[str, Any]) -> dict[str, Any]:
    # dynamodb stores binary attribute values as base64 text; the codec wants bytes back.
    if len(value) == 1:
        if isinstance(b := value.get("B"), str):
            return {"B": base64.b64decode(b)}
        if isinstance(bs := value.get("BS"), list):
            return {"BS": [base64.b64decode(x) for x in bs]}
    return value


def _loads(text: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(text, object_hook=_hook) if '"B' in text else json.loads(text)
    return record


def _not_found(detail: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Requested resource not found: {detail}", 400)


def _validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def _trimmed() -> ServiceError:
    return ServiceError(
        "TrimmedDataAccessException",
        "The operation attempted to read past the oldest stream record in a shard.",
        400,
    )
