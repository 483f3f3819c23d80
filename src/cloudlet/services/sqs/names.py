"""Queue names and URLs, receipt handles and move-task handles (pure).

Receipt handles are opaque to clients; ours carry the queue's row id, the message's row id
and the token of the receive that produced them, so a handle from an earlier receive is
recognisably stale, and a retried receive (ReceiveRequestAttemptId) can hand out the same
handles again."""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from typing import NamedTuple
from urllib.parse import urlsplit

from cloudlet.services.sqs.errors import invalid_parameter, receipt_handle_invalid

_STANDARD_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_ACCOUNT = re.compile(r"^\d{12}$")


def check_queue_name(name: str, fifo: bool) -> None:
    if fifo:
        if not name.endswith(".fifo") or not _STANDARD_NAME.match(name[:-5] + "_fifo"):
            raise invalid_parameter(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                "must end with .fifo suffix and be 1 to 80 in length"
            )
    elif not _STANDARD_NAME.match(name):
        raise invalid_parameter(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        )


def queue_url(url_root: str, account: str, name: str) -> str:
    return f"{url_root}/{account}/{name}"


def parse_queue_url(value: str) -> tuple[str | None, str]:
    """(account or None, name) from a queue URL of any host form, a "/<account>/<name>" path,
    or a bare queue name (AWS accepts the name where a URL is expected)."""
    text = value.strip()
    if "://" in text:
        text = urlsplit(text).path
    parts = [part for part in text.split("/") if part]
    if len(parts) >= 2 and _ACCOUNT.match(parts[-2]):
        return parts[-2], parts[-1]
    if len(parts) == 1:
        return None, parts[0]
    return None, "/".join(parts)  # matches no queue: names contain no "/"


class Receipt(NamedTuple):
    queue_id: int
    message_id: int
    token: str


def new_token() -> str:
    return secrets.token_hex(8)


def encode_receipt(queue_id: int, message_row: int, token: str) -> str:
    raw = f"{queue_id}:{message_row}:{token}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_receipt(handle: str) -> Receipt:
    try:
        raw = base64.urlsafe_b64decode(handle.encode("ascii")).decode("ascii")
        queue_id, message_row, token = raw.split(":")
        return Receipt(int(queue_id), int(message_row), token)
    except (ValueError, UnicodeError, binascii.Error):
        raise receipt_handle_invalid(handle) from None


def encode_task_handle(task_id: str, source_arn: str) -> str:
    document = json.dumps({"taskId": task_id, "sourceArn": source_arn}, separators=(",", ":"))
    return base64.b64encode(document.encode()).decode("ascii")


def decode_task_handle(handle: str) -> tuple[str, str]:
    """(task id, source ARN); InvalidParameterValue when the handle is not one of ours."""
    try:
        document = json.loads(base64.b64decode(handle.encode("ascii"), validate=True))
        task_id, source_arn = document["taskId"], document["sourceArn"]
        if isinstance(task_id, str) and isinstance(source_arn, str):
            return task_id, source_arn
    except (ValueError, UnicodeError, KeyError, TypeError, binascii.Error):
        pass
    raise invalid_parameter("Value for parameter TaskHandle is invalid.")
