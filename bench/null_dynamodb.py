"""A do-nothing DynamoDB server: the ceiling the client allows.

It answers DynamoDB's JSON 1.0 protocol (``X-Amz-Target: DynamoDB_20120810.<Op>``) with
canned, valid responses that boto3 accepts -- including the ``x-amz-crc32`` header, the
CRC32 of the body, which boto3 verifies on every DynamoDB response -- and keeps no tables
and no items. It runs on the same stack as cloudlet's server (see bench/null_common.py), so
that ``cloudlet / null`` in bench/dynamodb.py measures cloudlet's own work.

What it answers:

- CreateTable / DescribeTable: the table, ACTIVE, with the request's key schema (CreateTable)
  or a canned ``pk``/``sk`` schema (DescribeTable); DeleteTable: DELETING.
- PutItem: ``{}``; GetItem: a canned item (the requested key plus a ~100-byte payload).
- UpdateItem: ``{}``, or with ReturnValues the ``Attributes``: the canned item (ALL_*), or
  every attribute named in ExpressionAttributeNames set to 1 (UPDATED_*; a counter ``ADD``).
- Query: pages of canned items from a partition of ``--query-items`` items (default 1,000):
  ``Limit`` items per page (default: all) with a LastEvaluatedKey while items remain, i.e.
  ceil(items / Limit) pages; the position rides in the key's sort key (``sk``, a number).
- BatchWriteItem: ``{"UnprocessedItems": {}}``; ListTables: no tables; everything else ``{}``.

Run: ``python bench/null_dynamodb.py --port 4599 [--host 127.0.0.1] [--query-items 1000]``.
``GET`` on any path answers 200 (the benchmark's readiness check).
"""

from __future__ import annotations

import argparse
import json
import zlib
from functools import lru_cache
from typing import Any

from null_common import Receive, Scope, Send, header, read_body, respond, serve

ACCOUNT = "000000000000"
PREFIX = "DynamoDB_20120810."
PAYLOAD = "cloudlet null-server canned item " + "x" * 67  # 100 bytes
CREATED = 1_700_000_000.0

Json = dict[str, Any]


def _encode(payload: Json) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _table(name: str, status: str, params: Json) -> Json:
    key_schema = params.get("KeySchema") or [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    definitions = params.get("AttributeDefinitions") or [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
    ]
    return {
        "TableName": name,
        "TableStatus": status,
        "KeySchema": key_schema,
        "AttributeDefinitions": definitions,
        "CreationDateTime": CREATED,
        "ItemCount": 0,
        "TableSizeBytes": 0,
        "TableArn": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}",
        "TableId": "00000000-0000-4000-8000-000000000000",
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
        "ProvisionedThroughput": {
            "ReadCapacityUnits": 0,
            "WriteCapacityUnits": 0,
            "NumberOfDecreasesToday": 0,
        },
    }


def _item(key: Json) -> Json:
    return {**key, "payload": {"S": PAYLOAD}, "n": {"N": "1"}}


@lru_cache(maxsize=256)
def _query_page(pk: str, start: int, count: int, total: int) -> bytes:
    """Items start..start+count-1 of the canned partition, encoded once per shape."""
    items = [_item({"pk": {"S": pk}, "sk": {"N": str(i)}}) for i in range(start, start + count)]
    page: Json = {"Items": items, "Count": len(items), "ScannedCount": len(items)}
    if start + count < total:
        page["LastEvaluatedKey"] = {"pk": {"S": pk}, "sk": {"N": str(start + count - 1)}}
    return _encode(page)


class NullDynamoDbApp:
    """Raw ASGI app: canned DynamoDB JSON 1.0 answers."""

    def __init__(self, query_items: int) -> None:
        self.query_items = query_items

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        if scope["method"] != "POST":
            await _respond(send, 200, b'{"status":"ok"}')
            return
        target = header(scope, b"x-amz-target")
        if not target.startswith(PREFIX):
            await _respond(send, 400, _error("UnknownOperationException", target))
            return
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            await _respond(send, 400, _error("SerializationException", "bad JSON"))
            return
        await _respond(send, 200, self.answer(target[len(PREFIX) :], params))

    def answer(self, operation: str, params: Json) -> bytes:
        if operation == "PutItem":
            return b"{}"
        if operation == "GetItem":
            return _encode({"Item": _item(params.get("Key", {}))})
        if operation == "UpdateItem":
            return self._update(params)
        if operation == "Query":
            return self._query(params)
        if operation == "BatchWriteItem":
            return b'{"UnprocessedItems":{}}'
        name = params.get("TableName", "table")
        if operation == "CreateTable":
            return _encode({"TableDescription": _table(name, "ACTIVE", params)})
        if operation == "DescribeTable":
            return _encode({"Table": _table(name, "ACTIVE", {})})
        if operation == "DeleteTable":
            return _encode({"TableDescription": _table(name, "DELETING", {})})
        if operation == "ListTables":
            return b'{"TableNames":[]}'
        return b"{}"

    def _update(self, params: Json) -> bytes:
        returns = params.get("ReturnValues", "NONE")
        if returns in ("ALL_NEW", "ALL_OLD"):
            return _encode({"Attributes": _item(params.get("Key", {}))})
        if returns in ("UPDATED_NEW", "UPDATED_OLD"):
            names = params.get("ExpressionAttributeNames") or {"#n": "n"}
            return _encode({"Attributes": {name: {"N": "1"} for name in names.values()}})
        return b"{}"

    def _query(self, params: Json) -> bytes:
        values = params.get("ExpressionAttributeValues") or {}
        pk = next((v["S"] for v in values.values() if "S" in v), "pk")
        start = 0
        exclusive = params.get("ExclusiveStartKey")
        if exclusive and "N" in exclusive.get("sk", {}):
            start = int(exclusive["sk"]["N"]) + 1
        start = min(start, self.query_items)
        limit = int(params.get("Limit") or self.query_items)
        return _query_page(pk, start, min(limit, self.query_items - start), self.query_items)


def _error(kind: str, message: str) -> bytes:
    return _encode({"__type": f"com.amazonaws.dynamodb.v20120810#{kind}", "message": message})


async def _respond(send: Send, status: int, body: bytes) -> None:
    headers = [
        (b"content-type", b"application/x-amz-json-1.0"),
        (b"x-amz-crc32", str(zlib.crc32(body)).encode()),
        (b"x-amzn-requestid", b"null"),
    ]
    await respond(send, status, body, headers)


def main(argv: list[str] | None = None) -> None:
    def add_args(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--query-items", type=int, default=1000, help="the size of every partition")

    serve(
        lambda args: NullDynamoDbApp(args.query_items),
        __doc__.splitlines()[0] if __doc__ else None,
        argv,
        default_port=4599,
        add_args=add_args,
    )


if __name__ == "__main__":
    main()
