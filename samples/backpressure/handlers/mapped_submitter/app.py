"""Mapped submitter (the variant): an SQS event source mapping with batch size 1 and
ScalingConfig.MaximumConcurrency invokes this function; it submits each job and reports
the ones the downstream service refused, which come back after the visibility timeout
(and go to the dead-letter queue after maxReceiveCount receives).
"""

import json
import os
import urllib.error
import urllib.request
from typing import Any

DOWNSTREAM_URL = os.environ["DOWNSTREAM_URL"]
REQUEST_TIMEOUT = float(os.environ.get("REQUEST_TIMEOUT", "10"))


def submit(body: str, job_id: str) -> int | None:
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


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event["Records"]:
        status = submit(record["body"], record["messageId"])
        if status is None or not 200 <= status < 300:
            failures.append({"itemIdentifier": record["messageId"]})
    print(json.dumps({"jobs": len(event["Records"]), "refused": len(failures)}))
    return {"batchItemFailures": failures}
