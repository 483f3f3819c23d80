"""Apply inventory updates from SQS to DynamoDB: quantity per (product_id, location).

Each update is one transaction (TransactWriteItems) of two writes: a conditional Put of a
marker keyed by the update's id into the processed-updates table, and an atomic ADD of the
quantity. A redelivered message (or the same row sent again by a retried parser) fails the
marker's condition, the transaction is cancelled as a whole, and nothing counts twice.

Failures are reported per message (ReportBatchItemFailures): a transient error leaves only
that message to be retried, and SQS moves it to the dead-letter queue after 5 receives. A
message that can never succeed (not a valid update) is sent to the dead-letter queue at once
with a `reason` attribute and deleted from the queue, instead of burning 5 receives.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

import boto3
from botocore.exceptions import ClientError

log = logging.getLogger()
log.setLevel(logging.INFO)

# Markers outlive any redelivery: SQS keeps a message 14 days at most, DLQ time included.
MARKER_DAYS = 15

dynamodb = boto3.client("dynamodb")
sqs = boto3.client("sqs")


class InvalidUpdate(ValueError):
    pass


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event["Records"]:
        try:
            try:
                update = read_update(record)
            except InvalidUpdate as error:
                dead_letter(record, f"invalid update: {error}")
                continue
            applied = apply(update)
            log.info(json.dumps({"update_id": update["update_id"], "applied": applied}))
        except Exception:
            log.exception("message %s failed; it will be retried", record["messageId"])
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def read_update(record: dict[str, Any]) -> dict[str, Any]:
    try:
        body = json.loads(record["body"])
    except ValueError as error:
        raise InvalidUpdate(f"body is not JSON ({error})") from None
    if not isinstance(body, dict):
        raise InvalidUpdate("body is not a JSON object")
    for field in ("product_id", "location"):
        if not isinstance(body.get(field), str) or not body[field].strip():
            raise InvalidUpdate(f"{field} must be a non-empty string")
    quantity = body.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise InvalidUpdate("quantity must be a whole number")
    # Messages the parser did not write are idempotent per SQS message id.
    update_id = body.get("update_id") or record["messageId"]
    return {**body, "update_id": str(update_id)}


def apply(update: dict[str, Any]) -> bool:
    """True if applied now, False if it had been applied before."""
    marker = {
        "update_id": {"S": update["update_id"]},
        "product_id": {"S": update["product_id"]},
        "location": {"S": update["location"]},
        "quantity": {"N": str(update["quantity"])},
        "expires_at": {"N": str(int(time.time()) + MARKER_DAYS * 86400)},
    }
    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": os.environ["PROCESSED_TABLE"],
                        "Item": marker,
                        "ConditionExpression": "attribute_not_exists(update_id)",
                    }
                },
                {
                    "Update": {
                        "TableName": os.environ["INVENTORY_TABLE"],
                        "Key": {"product_id": marker["product_id"], "location": marker["location"]},
                        "UpdateExpression": "ADD quantity :change",
                        "ExpressionAttributeValues": {":change": marker["quantity"]},
                    }
                },
            ]
        )
    except ClientError as error:
        reasons = error.response.get("CancellationReasons") or []
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            return False  # the marker exists: this update was applied already
        raise
    return True


def dead_letter(record: dict[str, Any], reason: str) -> None:
    log.warning(json.dumps({"message_id": record["messageId"], "dead_lettered": reason}))
    sqs.send_message(
        QueueUrl=os.environ["DEAD_LETTER_QUEUE_URL"],
        MessageBody=record["body"],
        MessageAttributes={
            "reason": {"DataType": "String", "StringValue": reason},
            "stage": {"DataType": "String", "StringValue": "apply"},
            "source": {"DataType": "String", "StringValue": f"sqs-message:{record['messageId']}"},
        },
    )
