"""samples/inventory end to end: a CSV uploaded to S3 becomes one SQS message per row; the
updater adds each row's quantity to (product, location) in DynamoDB exactly once; malformed
rows and messages reach the dead-letter queue with their reason; retries end there after 5
receives. Deployed from the committed cloud assembly, and built directly with boto3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from samples_support import (
    SAMPLES,
    assert_assembly_in_step,
    assert_cfn_lint_clean,
    assert_sqs_mapping,
    create_function,
    create_queue,
    create_table,
    deploy,
    map_queue,
    peek,
    queue_counts,
    receive_all,
    redrive_policy,
    scan_all,
)

from harness import Server

SAMPLE = "inventory"
SAMPLE_CSV = (SAMPLES / SAMPLE / "sample_inventory.csv").read_bytes()
UPDATER_VISIBILITY = 180  # the stack's: six times the updater's 30 s timeout

# What sample_inventory.csv leaves in the table, and the rows it rejects (line, row, reason).
SAMPLE_LEVELS = {
    ("SKU-1001", "WH-BERLIN"): 100,
    ("SKU-1001", "WH-PARIS"): 40,
    ("SKU-1002", "WH-BERLIN"): 75,
    ("SKU-1002", "WH-MADRID"): 60,
    ("SKU-1003", "WH-PARIS"): 45,
    ("SKU-1004", "STORE-LYON, BACKROOM"): 12,
}
SAMPLE_REJECTS = [
    (8, "SKU-1002,WH-BERLIN,ten", "quantity 'ten' is not a whole number"),
    (9, "SKU-1005,,8", "location is empty"),
    (10, "SKU-1006,WH-PARIS,5,extra", "expected 3 fields, found 4"),
    (13, "SKU-1007,WH-BERLIN,2.5", "quantity '2.5' is not a whole number"),
]


def build_directly(server: Server) -> dict[str, str]:
    """The stack's resources, made with boto3 from the sample's handlers; named like its Outputs."""
    dead_url, dead_arn = create_queue(server, "inventory-dlq", MessageRetentionPeriod=str(14 * 86400))
    updates_url, updates_arn = create_queue(
        server,
        "inventory-updates",
        VisibilityTimeout=str(UPDATER_VISIBILITY),
        RedrivePolicy=redrive_policy(dead_arn, 5),
    )
    create_table(server, "Inventory", [("product_id", "S"), ("location", "S")])
    create_table(server, "ProcessedUpdates", [("update_id", "S")])
    server.client("dynamodb").update_time_to_live(
        TableName="ProcessedUpdates", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    s3 = server.client("s3")
    s3.create_bucket(Bucket="inventory-uploads")
    s3.put_bucket_versioning(Bucket="inventory-uploads", VersioningConfiguration={"Status": "Enabled"})
    env = {"UPDATES_QUEUE_URL": updates_url, "DEAD_LETTER_QUEUE_URL": dead_url}
    parser_arn = create_function(server, SAMPLE, "csv_parser", "inventory-csv-parser", env, timeout=60)
    server.client("lambda").update_function_configuration(
        FunctionName="inventory-csv-parser", DeadLetterConfig={"TargetArn": dead_arn}
    )
    server.client("lambda").add_permission(
        FunctionName="inventory-csv-parser",
        StatementId="s3-uploads",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::inventory-uploads",
    )
    s3.put_bucket_notification_configuration(
        Bucket="inventory-uploads",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": parser_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".csv"}]}},
                }
            ]
        },
    )
    env = {
        "INVENTORY_TABLE": "Inventory",
        "PROCESSED_TABLE": "ProcessedUpdates",
        "DEAD_LETTER_QUEUE_URL": dead_url,
    }
    create_function(server, SAMPLE, "inventory_updater", "inventory-updater", env, timeout=30)
    map_queue(server, updates_arn, "inventory-updater")
    server.settle()
    return {
        "BucketName": "inventory-uploads",
        "UpdatesQueueUrl": updates_url,
        "DeadLetterQueueUrl": dead_url,
        "InventoryTableName": "Inventory",
        "ProcessedUpdatesTableName": "ProcessedUpdates",
        "ParserFunctionName": "inventory-csv-parser",
        "UpdaterFunctionName": "inventory-updater",
    }


@pytest.fixture(params=["cdk.out", "boto3"])
def stack(request: pytest.FixtureRequest, server: Server) -> dict[str, str]:
    if request.param == "cdk.out":
        return deploy(server, SAMPLE, "InventoryStack")
    return build_directly(server)


@pytest.fixture
def built(server: Server) -> dict[str, str]:
    return build_directly(server)


def levels(server: Server, stack: dict[str, str]) -> dict[tuple[str, str], int]:
    items = scan_all(server, stack["InventoryTableName"])
    return {(i["product_id"]["S"], i["location"]["S"]): int(i["quantity"]["N"]) for i in items}


def dead_letters(server: Server, stack: dict[str, str]) -> list[dict[str, Any]]:
    """The DLQ's messages as (body, reason, stage), in line order for parse rejects."""
    found = []
    for message in peek(server, stack["DeadLetterQueueUrl"]):
        attributes = message.get("MessageAttributes") or {}
        try:
            body = json.loads(message["Body"])
        except ValueError:
            body = {"raw": message["Body"]}
        found.append(
            {
                "body": body,
                "reason": attributes.get("reason", {}).get("StringValue"),
                "stage": attributes.get("stage", {}).get("StringValue"),
                "receives": message["Attributes"]["ApproximateReceiveCount"],
            }
        )
    return sorted(found, key=lambda m: (m["body"].get("source", ""), m["body"].get("line", 0)))


def upload(server: Server, stack: dict[str, str], key: str, body: bytes) -> str:
    version = server.client("s3").put_object(Bucket=stack["BucketName"], Key=key, Body=body)["VersionId"]
    assert server.settle()
    return str(version)


def test_sample_csv_updates_levels_and_dead_letters_bad_rows_with_reasons(
    server: Server, stack: dict[str, str]
) -> None:
    assert_sqs_mapping(server, stack["UpdaterFunctionName"], stack["UpdatesQueueUrl"], max_receives=5)
    upload(server, stack, "drops/2026-11-25 sample_inventory.csv", SAMPLE_CSV)  # S3 encodes the space

    assert levels(server, stack) == SAMPLE_LEVELS
    assert len(scan_all(server, stack["ProcessedUpdatesTableName"])) == 8  # one marker per good row
    assert queue_counts(server, stack["UpdatesQueueUrl"]) == (0, 0)
    source = f"s3://{stack['BucketName']}/drops/2026-11-25 sample_inventory.csv"
    assert dead_letters(server, stack) == [
        {
            "body": {"source": source, "line": line, "row": row, "reason": reason},
            "reason": reason,
            "stage": "parse",
            "receives": "0",  # never received: sent straight to the DLQ by the parser
        }
        for line, row, reason in SAMPLE_REJECTS
    ]
    # Only .csv uploads trigger the parser.
    upload(server, stack, "drops/readme.txt", b"product_id,location,quantity\nSKU-9,WH-X,1\n")
    assert levels(server, stack) == SAMPLE_LEVELS


def test_without_bom_and_with_crlf_line_ends_the_same_rows_apply(
    server: Server, built: dict[str, str]
) -> None:
    text = SAMPLE_CSV.decode("utf-8-sig").replace("\n", "\r\n").encode()
    assert not text.startswith(b"\xef\xbb\xbf")
    upload(server, built, "plain.csv", text)
    assert levels(server, built) == SAMPLE_LEVELS
    assert [m["body"]["line"] for m in dead_letters(server, built)] == [8, 9, 10, 13]


def test_a_redelivery_never_counts_twice(server: Server, built: dict[str, str]) -> None:
    csv = b"product_id,location,quantity\nSKU-1,WH-A,10\nSKU-1,WH-A,5\nSKU-2,WH-A,7\n"
    version = upload(server, built, "day1.csv", csv)
    assert levels(server, built) == {("SKU-1", "WH-A"): 15, ("SKU-2", "WH-A"): 7}

    # S3 delivers notifications at least once: the same event again re-sends the same rows,
    # with the same update ids, and none of them counts again.
    lambda_ = server.client("lambda")
    event = {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": built["BucketName"]},
                    "object": {"key": "day1.csv", "versionId": version},
                },
            }
        ]
    }
    result = lambda_.invoke(FunctionName=built["ParserFunctionName"], Payload=json.dumps(event).encode())
    assert json.loads(result["Payload"].read())["updates"] == 3
    assert server.settle()
    assert levels(server, built) == {("SKU-1", "WH-A"): 15, ("SKU-2", "WH-A"): 7}

    # A message received twice in one batch (or again after a lost delete) applies once.
    marker = scan_all(server, built["ProcessedUpdatesTableName"])[0]
    body = json.dumps(
        {
            "update_id": marker["update_id"]["S"],
            "product_id": marker["product_id"]["S"],
            "location": marker["location"]["S"],
            "quantity": int(marker["quantity"]["N"]),
        }
    )
    record = {"messageId": "0d0c5b8e-redelivered", "receiptHandle": "r", "body": body, "attributes": {}}
    result = lambda_.invoke(
        FunctionName=built["UpdaterFunctionName"], Payload=json.dumps({"Records": [record, record]}).encode()
    )
    assert json.loads(result["Payload"].read()) == {"batchItemFailures": []}
    assert levels(server, built) == {("SKU-1", "WH-A"): 15, ("SKU-2", "WH-A"): 7}

    # A new upload of the same file is new stock movement: it counts.
    upload(server, built, "day1.csv", csv)
    assert levels(server, built) == {("SKU-1", "WH-A"): 30, ("SKU-2", "WH-A"): 14}
    assert dead_letters(server, built) == []


def test_files_that_cannot_be_read_are_dead_lettered_whole(server: Server, built: dict[str, str]) -> None:
    upload(server, built, "latin1.csv", "product_id,location,quantity\nCAFÉ,WH-A,1\n".encode("latin-1"))
    upload(server, built, "noheader.csv", b"SKU-1,WH-A,1\nSKU-2,WH-A,2\n")
    upload(server, built, "empty.csv", b"\xef\xbb\xbf\r\n")
    huge = b'product_id,location,quantity\nSKU-1,WH-A,1\nSKU-2,"' + b"x" * 140_000 + b'",1\n'
    upload(server, built, "huge.csv", huge)
    found = {m["body"]["source"].rsplit("/", 1)[1]: m for m in dead_letters(server, built)}
    assert set(found) == {"latin1.csv", "noheader.csv", "empty.csv", "huge.csv"}
    assert found["latin1.csv"]["reason"].startswith("file is not UTF-8: 'utf-8' codec can't decode byte 0xc9")
    assert found["noheader.csv"]["reason"] == (
        "header lacks column(s) product_id, location, quantity; expected product_id, location, quantity"
    )
    assert found["noheader.csv"]["body"]["line"] == 1
    assert found["empty.csv"]["reason"] == "file is empty: no header row"
    # A field past csv's size limit stops the file there; the rows before it apply.
    assert found["huge.csv"]["reason"] == "unreadable CSV: field larger than field limit (131072)"
    assert found["huge.csv"]["body"]["line"] == 3
    assert levels(server, built) == {("SKU-1", "WH-A"): 1}


def test_an_upload_that_cannot_be_processed_is_kept_in_the_dead_letter_queue(
    server: Server, built: dict[str, str]
) -> None:
    # The object is gone by the time the parser runs: each run fails; Lambda retries twice
    # (1 and 2 minutes later), then sends the S3 event to the function's dead-letter queue.
    event = {"Records": [{"s3": {"bucket": {"name": built["BucketName"]}, "object": {"key": "gone.csv"}}}]}
    server.client("lambda").invoke(
        FunctionName=built["ParserFunctionName"], InvocationType="Event", Payload=json.dumps(event).encode()
    )
    assert server.settle()
    for minutes in (1, 2):
        server.advance(minutes * 60)
        assert server.settle()
    [dead] = peek(server, built["DeadLetterQueueUrl"])
    assert json.loads(dead["Body"]) == event
    assert "NoSuchKey" in dead["MessageAttributes"]["ErrorMessage"]["StringValue"]


def test_an_invalid_message_is_dead_lettered_by_the_updater_with_its_reason(
    server: Server, built: dict[str, str]
) -> None:
    sqs = server.client("sqs")
    sqs.send_message(QueueUrl=built["UpdatesQueueUrl"], MessageBody=json.dumps({"product_id": "SKU-1"}))
    sqs.send_message(QueueUrl=built["UpdatesQueueUrl"], MessageBody="not json")
    sqs.send_message(
        QueueUrl=built["UpdatesQueueUrl"],
        MessageBody=json.dumps({"product_id": "SKU-1", "location": "WH-A", "quantity": 3}),
    )
    assert server.settle()
    assert levels(server, built) == {("SKU-1", "WH-A"): 3}
    assert queue_counts(server, built["UpdatesQueueUrl"]) == (0, 0)  # deleted, not retried 5 times
    found = sorted((m["reason"], m["stage"]) for m in dead_letters(server, built))
    assert found == [
        ("invalid update: body is not JSON (Expecting value: line 1 column 1 (char 0))", "apply"),
        ("invalid update: location must be a non-empty string", "apply"),
    ]


def test_a_failing_update_is_retried_and_dead_lettered_after_5_receives(
    server: Server, built: dict[str, str]
) -> None:
    # The markers' table is gone: every transaction fails, as on an outage.
    server.client("dynamodb").delete_table(TableName=built["ProcessedUpdatesTableName"])
    upload(server, built, "one.csv", b"product_id,location,quantity\nSKU-1,WH-A,4\n")
    for receives in range(1, 6):
        [message] = peek(server, built["UpdatesQueueUrl"])
        assert message["Attributes"]["ApproximateReceiveCount"] == str(receives)
        server.advance(UPDATER_VISIBILITY)
        assert server.settle()
    assert queue_counts(server, built["UpdatesQueueUrl"]) == (0, 0)
    [dead] = receive_all(server, built["DeadLetterQueueUrl"])
    assert json.loads(dead["Body"])["product_id"] == "SKU-1"
    assert dead["Attributes"]["DeadLetterQueueSourceArn"].endswith(":inventory-updates")
    assert "reason" not in dead.get("MessageAttributes", {})  # the updater's log says why
    assert levels(server, built) == {}


def test_committed_assembly_is_in_step_with_the_app(tmp_path: Path) -> None:
    assert_assembly_in_step(SAMPLE, tmp_path)


def test_templates_pass_cfn_lint() -> None:
    assert_cfn_lint_clean(SAMPLE)
