"""The stream record of one item change, as GetRecords returns it (less its SequenceNumber,
which is the row's seq). https://docs.aws.amazon.com/amazondynamodbstreams/latest/APIReference/API_StreamRecord.html"""

from __future__ import annotations

import uuid
from typing import Any

from cloudlet.services.dynamodb import item_json
from cloudlet.services.dynamodb.tables import StreamRef, Table
from cloudlet.services.dynamodb.values import item_size

Item = dict[str, Any]

# TTL deletions are attributed to the service itself:
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html
SERVICE_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


def record_json(
    table: Table, stream: StreamRef, old: Item | None, new: Item | None, now: float, by_service: bool
) -> str:
    event = "INSERT" if old is None else ("REMOVE" if new is None else "MODIFY")
    source = new if new is not None else old
    assert source is not None
    keys = table.key_of(source)
    change: dict[str, Any] = {"ApproximateCreationDateTime": int(now), "Keys": keys}
    size = item_size(keys)
    view = stream.view_type
    if new is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        change["NewImage"] = new
        size += item_size(new)
    if old is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        change["OldImage"] = old
        size += item_size(old)
    change["SizeBytes"] = size
    change["StreamViewType"] = view
    record: dict[str, Any] = {
        "eventID": uuid.uuid4().hex,
        "eventName": event,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": table.region,
        "dynamodb": change,
    }
    if by_service:
        record["userIdentity"] = SERVICE_IDENTITY
    return item_json.dumps(record)
