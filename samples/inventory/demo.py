"""Run the inventory sample against a running cloudlet server, start to finish:

    python samples/inventory/demo.py [--endpoint http://127.0.0.1:4566]

Deploys the committed cloud assembly (no node needed), uploads sample_inventory.csv (8 good
rows, 4 malformed ones) and checks what the README promises: six inventory levels, one
processed-update marker per good row, an empty updates queue and the four malformed rows
in the dead-letter queue with their reasons. A second run against the same server uploads
the file again under a new key: the levels grow by the same amounts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cloudlet.cli.demo_support import Progress, Report, Session, drive, script

HERE = Path(__file__).resolve().parent
SYSTEM = "inventory"
TITLE = "CSV uploads to inventory levels (S3, Lambda, SQS, DynamoDB)"
STACK = "InventoryStack"

# What sample_inventory.csv adds to the table, and the rows it rejects (line, row, reason).
LEVELS = {
    ("SKU-1001", "WH-BERLIN"): 100,
    ("SKU-1001", "WH-PARIS"): 40,
    ("SKU-1002", "WH-BERLIN"): 75,
    ("SKU-1002", "WH-MADRID"): 60,
    ("SKU-1003", "WH-PARIS"): 45,
    ("SKU-1004", "STORE-LYON, BACKROOM"): 12,
}
REJECTS = [
    (8, "SKU-1002,WH-BERLIN,ten", "quantity 'ten' is not a whole number"),
    (9, "SKU-1005,,8", "location is empty"),
    (10, "SKU-1006,WH-PARIS,5,extra", "expected 3 fields, found 4"),
    (13, "SKU-1007,WH-BERLIN,2.5", "quantity '2.5' is not a whole number"),
]
GOOD_ROWS = 8


def levels(session: Session, table: str) -> dict[tuple[str, str], int]:
    return {
        (item["product_id"]["S"], item["location"]["S"]): int(item["quantity"]["N"])
        for item in session.scan(table)
    }


def dead_letters(session: Session, queue_url: str, source: str) -> list[dict[str, Any]]:
    """This upload's rejects in the dead-letter queue, in line order."""
    found = []
    for message in session.peek(queue_url):
        try:
            body = json.loads(message["Body"])
        except ValueError:
            continue
        if not isinstance(body, dict) or body.get("source") != source:
            continue
        attributes = message.get("MessageAttributes") or {}
        found.append(
            {
                "line": body.get("line"),
                "row": body.get("row"),
                "reason": attributes.get("reason", {}).get("StringValue"),
                "stage": attributes.get("stage", {}).get("StringValue"),
            }
        )
    return sorted(found, key=lambda m: m["line"] or 0)


def drive_inventory(session: Session, report: Report) -> None:
    session.progress(f"deploying {STACK}")
    outputs = session.deploy(HERE / "cdk.out", STACK)
    table, processed = outputs["InventoryTableName"], outputs["ProcessedUpdatesTableName"]
    before = levels(session, table)
    markers_before = len(session.scan(processed))

    stamp = session.now().strftime("%Y-%m-%d %H%M%S")
    key = f"drops/{stamp} sample_inventory.csv"
    source = f"s3://{outputs['BucketName']}/{key}"
    session.progress("uploading sample_inventory.csv")
    session.client("s3").put_object(
        Bucket=outputs["BucketName"], Key=key, Body=(HERE / "sample_inventory.csv").read_bytes()
    )
    report.check(session.settle(), "the server did not settle after the upload")

    after = levels(session, table)
    added = {key: after.get(key, 0) - before.get(key, 0) for key in after}
    added = {key: amount for key, amount in added.items() if amount}
    report.add(f"uploaded {source}")
    report.add(f"items written to {table} (product, location: quantity added):")
    for (product, location), amount in sorted(added.items()):
        report.add(f"  {product} @ {location}: {amount:+d}")
    report.expect("inventory levels added", added, LEVELS)
    markers = len(session.scan(processed)) - markers_before
    report.add(f"{markers} processed-update markers written (one per good row)")
    report.expect("processed-update markers", markers, GOOD_ROWS)
    report.expect(
        "updates queue (visible, in flight)", session.queue_counts(outputs["UpdatesQueueUrl"]), (0, 0)
    )

    dead = dead_letters(session, outputs["DeadLetterQueueUrl"], source)
    report.add(f"dead-letter queue: {len(dead)} rejected row(s)")
    for message in dead:
        report.add(
            f"  line {message['line']} {message['row']!r}: {message['reason']} (stage {message['stage']})"
        )
    expected = [
        {"line": line, "row": row, "reason": reason, "stage": "parse"} for line, row, reason in REJECTS
    ]
    report.expect("dead-lettered rows", dead, expected)


def run(endpoint: str, progress: Progress = print) -> Report:
    return drive(SYSTEM, TITLE, endpoint, progress, drive_inventory)


if __name__ == "__main__":
    script(run, __doc__)
