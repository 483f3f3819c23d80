"""Scheduled submitter: each run submits at most MAX_JOBS_PER_RUN jobs, one message at a time.

- ReceiveMessage with MaxNumberOfMessages=1: a run never holds more messages than it is
  about to submit, so jobs it does not get to stay visible for the next run.
- A message is deleted only after the downstream service accepted the job (2xx).
- MAX_JOBS_PER_RUN bounds the requests made to the downstream service in one run,
  accepted or not: that is the pressure the service sees.
- 429, 5xx or no answer: the service is saturated or down; the run stops at once and the
  job comes back after the queue's visibility timeout. Any other refusal (a 4xx: the job
  itself is bad) leaves that job for a later run too; after maxReceiveCount receives the
  queue's redrive policy moves it to the dead-letter queue.
- The run also stops when less than STOP_MARGIN_MS of its timeout is left.
"""

import json
import os
import urllib.error
import urllib.request
from typing import Any

import boto3

QUEUE_URL = os.environ["QUEUE_URL"]
DOWNSTREAM_URL = os.environ["DOWNSTREAM_URL"]
MAX_JOBS_PER_RUN = int(os.environ.get("MAX_JOBS_PER_RUN", "5"))
REQUEST_TIMEOUT = float(os.environ.get("REQUEST_TIMEOUT", "10"))
STOP_MARGIN_MS = 1000 * (REQUEST_TIMEOUT + 5)

sqs = boto3.client("sqs")


def submit(body: str, job_id: str) -> int | None:
    """The downstream service's HTTP status, or None when it could not be reached."""
    request = urllib.request.Request(
        DOWNSTREAM_URL,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": job_id},
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, TimeoutError, OSError):
        return None


def saturated(status: int | None) -> bool:
    return status is None or status == 429 or status >= 500


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    submitted = refused = requests = 0
    stopped = "queue empty"
    while True:
        if requests >= MAX_JOBS_PER_RUN:
            stopped = "limit reached"
            break
        if context is not None and context.get_remaining_time_in_millis() < STOP_MARGIN_MS:
            stopped = "out of time"
            break
        # WaitTimeSeconds=1: a long poll asks every SQS server; a short one samples some and
        # can answer empty while jobs are queued.
        received = sqs.receive_message(QueueUrl=QUEUE_URL, MaxNumberOfMessages=1, WaitTimeSeconds=1)
        messages = received.get("Messages", [])
        if not messages:
            break
        message = messages[0]
        status = submit(message["Body"], message["MessageId"])
        requests += 1
        if status is not None and 200 <= status < 300:
            sqs.delete_message(QueueUrl=QUEUE_URL, ReceiptHandle=message["ReceiptHandle"])
            submitted += 1
            continue
        refused += 1
        if saturated(status):
            stopped = f"downstream saturated ({status})"
            break
    summary = {"submitted": submitted, "refused": refused, "stopped": stopped}
    print(json.dumps(summary))
    return summary
