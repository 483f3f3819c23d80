"""Shard iterators: opaque strings naming a stream, a shard, the next sequence number to
read and when the iterator was issued (they expire 15 minutes later:
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from cloudlet.errors import ServiceError

LIFETIME_S = 15 * 60


@dataclass(frozen=True, slots=True)
class Position:
    stream_arn: str
    shard_id: str
    next_seq: int
    issued_at: float


def encode(position: Position) -> str:
    data = [position.stream_arn, position.shard_id, position.next_seq, round(position.issued_at, 3)]
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode("ascii")


def decode(iterator: object) -> Position:
    if not isinstance(iterator, str) or not iterator:
        raise ServiceError("ValidationException", "Invalid ShardIterator", 400)
    try:
        arn, shard, seq, issued = json.loads(base64.urlsafe_b64decode(iterator.encode("ascii")))
        return Position(str(arn), str(shard), int(seq), float(issued))
    except (ValueError, TypeError, binascii.Error, UnicodeEncodeError) as exc:
        raise ServiceError("ValidationException", "Invalid ShardIterator", 400) from exc


def check_fresh(position: Position, now: float) -> None:
    if now - position.issued_at > LIFETIME_S:
        raise ServiceError("ExpiredIteratorException", "Shard iterator has expired", 400)
