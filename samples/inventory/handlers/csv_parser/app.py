"""Parse an inventory CSV uploaded to S3 into one SQS message per row, sent in batches of 10.

The CSV is UTF-8, with or without a byte order mark (Excel writes one), and has a header
naming the columns product_id, location and quantity (any order, any case; other columns
are ignored). quantity is a signed whole number: the change to apply (+ received, - shipped).

Each good row becomes a message on the updates queue carrying an update_id derived from
the object version and the line, so a repeated notification (S3 delivers at least once) or a
retried invocation produces the same ids and the updater applies them once. A malformed row
is sent straight to the dead-letter queue with a `reason` message attribute: it would fail
the same way on every receive, and SQS's own redrive could not say why.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import urllib.parse
from typing import Any

import boto3

log = logging.getLogger()
log.setLevel(logging.INFO)

COLUMNS = ("product_id", "location", "quantity")
BATCH = 10  # SendMessageBatch takes at most 10 entries
MAX_QUANTITY = 10**12  # well inside DynamoDB's 38 digits; a bigger change is a typo
SEND_ATTEMPTS = 3
ROW_LIMIT = 1024  # characters of a rejected row kept in its message (SQS caps a batch's size)

s3 = boto3.client("s3")
sqs = boto3.client("sqs")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    summary: dict[str, Any] = {"updates": 0, "rejected": 0, "files": []}
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        obj = record["s3"]["object"]
        key = urllib.parse.unquote_plus(obj["key"])
        version = obj.get("versionId")
        request: dict[str, Any] = {"Bucket": bucket, "Key": key}
        if version:
            request["VersionId"] = version  # the bytes of this upload, even if overwritten since
        data = s3.get_object(**request)["Body"].read()
        source = f"s3://{bucket}/{key}"
        # One upload is one object version (the stack versions the bucket); without
        # versioning, the event's sequencer tells uploads of a key apart.
        upload = f"{source}?versionId={version}" if version else f"{source}@{obj.get('sequencer', '')}"
        updates, rejects = parse(data, source, upload)
        send_all(os.environ["UPDATES_QUEUE_URL"], [update_message(u) for u in updates])
        send_all(os.environ["DEAD_LETTER_QUEUE_URL"], [reject_message(r) for r in rejects])
        log.info(json.dumps({"source": source, "updates": len(updates), "rejected": len(rejects)}))
        summary["updates"] += len(updates)
        summary["rejected"] += len(rejects)
        summary["files"].append(source)
    return summary


def parse(data: bytes, source: str, upload: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Good rows as updates and bad ones as rejects (each with its line number and reason)."""
    try:
        text = data.decode("utf-8-sig")  # strips a leading BOM if there is one
    except UnicodeDecodeError as error:
        return [], [reject(source, 0, [], f"file is not UTF-8: {error}")]
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    positions: dict[str, int] = {}
    updates: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # e.g. a field over csv.field_size_limit(): stop there
            rejects.append(reject(source, reader.line_num, [], f"unreadable CSV: {error}"))
            break
        line = reader.line_num
        if not any(field.strip() for field in fields):
            continue  # blank lines carry nothing
        if header is None:
            header = [field.strip().lower() for field in fields]
            missing = [column for column in COLUMNS if column not in header]
            if missing:
                reason = f"header lacks column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}"
                return [], [reject(source, line, fields, reason)]
            positions = {column: header.index(column) for column in COLUMNS}
            continue
        if len(fields) != len(header):
            reason = f"expected {len(header)} fields, found {len(fields)}"
            rejects.append(reject(source, line, fields, reason))
            continue
        problem, update = check_row(fields, positions)
        if problem:
            rejects.append(reject(source, line, fields, problem))
            continue
        update_id = hashlib.sha256(f"{upload}#{line}".encode()).hexdigest()
        updates.append({"update_id": update_id, **update, "source": source, "line": line})
    if header is None and not rejects:
        rejects.append(reject(source, 0, [], "file is empty: no header row"))
    return updates, rejects


def check_row(fields: list[str], positions: dict[str, int]) -> tuple[str, dict[str, Any]]:
    product_id = fields[positions["product_id"]].strip()
    location = fields[positions["location"]].strip()
    raw_quantity = fields[positions["quantity"]].strip()
    if not product_id:
        return "product_id is empty", {}
    if not location:
        return "location is empty", {}
    try:
        quantity = int(raw_quantity)
    except ValueError:
        return f"quantity {clip(raw_quantity, 40)!r} is not a whole number", {}
    if abs(quantity) >= MAX_QUANTITY:
        return f"quantity {quantity} is out of range", {}
    return "", {"product_id": product_id, "location": location, "quantity": quantity}


def reject(source: str, line: int, fields: list[str], reason: str) -> dict[str, Any]:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return {"source": source, "line": line, "row": clip(out.getvalue(), ROW_LIMIT), "reason": reason}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def update_message(update: dict[str, Any]) -> dict[str, Any]:
    return {"MessageBody": json.dumps(update)}


def reject_message(rejected: dict[str, Any]) -> dict[str, Any]:
    return {
        "MessageBody": json.dumps(rejected),
        "MessageAttributes": {
            "reason": {"DataType": "String", "StringValue": rejected["reason"]},
            "stage": {"DataType": "String", "StringValue": "parse"},
            "source": {"DataType": "String", "StringValue": f"{rejected['source']}#{rejected['line']}"},
        },
    }


def send_all(queue_url: str, messages: list[dict[str, Any]]) -> None:
    """SendMessageBatch in tens, resending the entries a batch reports as failed."""
    for start in range(0, len(messages), BATCH):
        pending = {str(n): message for n, message in enumerate(messages[start : start + BATCH])}
        for _attempt in range(SEND_ATTEMPTS):
            entries = [{"Id": entry_id, **message} for entry_id, message in pending.items()]
            result = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
            for failed in result.get("Failed", []):
                if failed.get("SenderFault"):
                    raise RuntimeError(f"SQS rejected a message: {failed}")
            pending = {f["Id"]: pending[f["Id"]] for f in result.get("Failed", [])}
            if not pending:
                break
        else:
            # Failing the invocation makes Lambda retry the whole file; the update ids keep
            # the rows that did go through from counting twice.
            raise RuntimeError(f"{len(pending)} message(s) could not be sent to {queue_url}")
