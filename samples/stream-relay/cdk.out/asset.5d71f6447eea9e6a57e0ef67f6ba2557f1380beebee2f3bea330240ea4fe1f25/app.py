"""Deliver: on each scheduled run, POST the oldest queued item to the third-party API.

- ReceiveMessage with MaxNumberOfMessages=1 on the FIFO queue: the oldest message of a
  group that has nothing in flight.
- The API key comes from an SSM SecureString (WithDecryption), read on each run so a
  rotated key takes effect at once.
- The message is deleted only when the API answers 200. On any other answer (or no
  answer) it is left alone: it stays in flight for the queue's visibility timeout, during
  which SQS delivers nothing else from its group, and a later run retries it. Order within
  a group is therefore kept across failures.
- The dedup id travels as an Idempotency-Key header, so an API that honours it ignores the
  repeat when a run dies between the 200 and the delete.
"""

import json
import os
import urllib.error
import urllib.request
from typing import Any

import boto3

QUEUE_URL = os.environ["QUEUE_URL"]
API_URL = os.environ["API_URL"]
API_KEY_PARAMETER = os.environ["API_KEY_PARAMETER"]
API_TIMEOUT = float(os.environ.get("API_TIMEOUT", "10"))

sqs = boto3.client("sqs")
ssm = boto3.client("ssm")


def post(body: str, api_key: str, idempotency_key: str) -> int | None:
    """The API's HTTP status, or None when it could not be reached."""
    request = urllib.request.Request(
        API_URL,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "x-api-key": api_key,
            "Idempotency-Key": idempotency_key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=API_TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        print(json.dumps({"error": f"API unreachable: {error}"}))
        return None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    received = sqs.receive_message(
        QueueUrl=QUEUE_URL,
        MaxNumberOfMessages=1,
        WaitTimeSeconds=1,  # a long poll asks every SQS server; a short one only samples some
        MessageSystemAttributeNames=["MessageGroupId", "MessageDeduplicationId", "ApproximateReceiveCount"],
    )
    messages = received.get("Messages", [])
    if not messages:
        print(json.dumps({"delivered": False, "reason": "nothing to deliver"}))
        return {"delivered": False, "status": None}
    message = messages[0]
    attributes = message.get("Attributes", {})
    api_key = ssm.get_parameter(Name=API_KEY_PARAMETER, WithDecryption=True)["Parameter"]["Value"]
    status = post(message["Body"], api_key, attributes.get("MessageDeduplicationId", message["MessageId"]))
    outcome = {
        "group": attributes.get("MessageGroupId"),
        "receiveCount": int(attributes.get("ApproximateReceiveCount", "1")),
        "status": status,
    }
    if status == 200:
        sqs.delete_message(QueueUrl=QUEUE_URL, ReceiptHandle=message["ReceiptHandle"])
        print(json.dumps({"delivered": True, **outcome}))
        return {"delivered": True, "status": status}
    # Not deleted: the message comes back after the visibility timeout, still first in its group.
    print(json.dumps({"delivered": False, **outcome}))
    return {"delivered": False, "status": status}
