"""Event source mappings' control plane through boto3: Create/Get/List/Update/Delete, the
states AWS shows, defaults per source, and AWS's validation errors."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Server

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
HANDLER = "def handler(event, context):\n    return None\n"


def _function(server: Server, name: str = "consumer", timeout: int = 3) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    created = server.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()},
        Timeout=timeout,
    )
    server.settle()
    return str(created["FunctionArn"])


def _queue(server: Server, name: str = "jobs", **attributes: str) -> str:
    sqs = server.client("sqs")
    if name.endswith(".fifo"):
        attributes["FifoQueue"] = "true"
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def _stream(server: Server, table: str = "orders") -> str:
    created = server.client("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return str(created["TableDescription"]["LatestStreamArn"])


def _error(excinfo: Any) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_sqs_mapping_lifecycle_and_states(server: Server) -> None:
    function_arn = _function(server)
    queue_arn = _queue(server)
    client = server.client("lambda")
    created = client.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="consumer")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert created["State"] == "Creating"
    assert created["BatchSize"] == 10
    assert created["MaximumBatchingWindowInSeconds"] == 0
    assert created["EventSourceArn"] == queue_arn
    assert created["FunctionArn"] == function_arn
    assert created["StateTransitionReason"] == "USER_INITIATED"
    assert created["FunctionResponseTypes"] == []
    assert created["EventSourceMappingArn"].endswith(f":event-source-mapping:{created['UUID']}")
    assert "StartingPosition" not in created and "LastProcessingResult" not in created
    uuid = created["UUID"]
    server.settle()
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"

    updated = client.update_event_source_mapping(
        UUID=uuid,
        BatchSize=50,
        MaximumBatchingWindowInSeconds=5,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        ScalingConfig={"MaximumConcurrency": 2},
    )
    assert updated["State"] == "Updating"
    server.settle()
    got = client.get_event_source_mapping(UUID=uuid)
    assert got["State"] == "Enabled"
    assert got["BatchSize"] == 50
    assert got["MaximumBatchingWindowInSeconds"] == 5
    assert got["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert got["ScalingConfig"] == {"MaximumConcurrency": 2}

    assert client.update_event_source_mapping(UUID=uuid, Enabled=False)["State"] == "Disabling"
    server.settle()
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"
    assert client.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] == "Enabling"
    server.settle()
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"

    assert client.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"
    server.settle()
    with pytest.raises(ClientError) as excinfo:
        client.get_event_source_mapping(UUID=uuid)
    assert _error(excinfo) == ("ResourceNotFoundException", "The resource you requested does not exist.", 404)
    assert client.list_event_source_mappings()["EventSourceMappings"] == []


def test_created_disabled_and_listing(server: Server) -> None:
    _function(server, "one")
    _function(server, "two")
    queues = [_queue(server, f"q{n}") for n in range(3)]
    client = server.client("lambda")
    uuids = [
        client.create_event_source_mapping(EventSourceArn=arn, FunctionName="one", Enabled=False)["UUID"]
        for arn in queues
    ]
    other = client.create_event_source_mapping(EventSourceArn=queues[0], FunctionName="two")["UUID"]
    server.settle()
    assert client.get_event_source_mapping(UUID=uuids[0])["State"] == "Disabled"

    listed = client.list_event_source_mappings(FunctionName="one")["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == uuids
    by_source = client.list_event_source_mappings(EventSourceArn=queues[0])["EventSourceMappings"]
    assert {m["UUID"] for m in by_source} == {uuids[0], other}
    page = client.list_event_source_mappings(MaxItems=2)
    assert len(page["EventSourceMappings"]) == 2 and page["NextMarker"]
    rest = client.list_event_source_mappings(Marker=page["NextMarker"])
    assert [m["UUID"] for m in page["EventSourceMappings"] + rest["EventSourceMappings"]] == [*uuids, other]
    assert "NextMarker" not in rest


def test_stream_mapping_defaults(server: Server) -> None:
    _function(server)
    stream_arn = _stream(server)
    client = server.client("lambda")
    created = client.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName="consumer", StartingPosition="TRIM_HORIZON"
    )
    assert created["State"] == "Creating"
    assert created["StartingPosition"] == "TRIM_HORIZON"
    assert created["BatchSize"] == 100
    assert created["ParallelizationFactor"] == 1
    assert created["MaximumRetryAttempts"] == -1
    assert created["MaximumRecordAgeInSeconds"] == -1
    assert created["BisectBatchOnFunctionError"] is False
    assert created["TumblingWindowInSeconds"] == 0
    assert created["DestinationConfig"] == {"OnFailure": {}}
    assert created["LastProcessingResult"] == "No records processed"
    assert created["StateTransitionReason"] == "User action"
    server.settle()
    assert client.get_event_source_mapping(UUID=created["UUID"])["State"] == "Enabled"

    dlq = _queue(server, "failures")
    updated = client.update_event_source_mapping(
        UUID=created["UUID"],
        MaximumRetryAttempts=2,
        BisectBatchOnFunctionError=True,
        MaximumRecordAgeInSeconds=3600,
        DestinationConfig={"OnFailure": {"Destination": dlq}},
        FilterCriteria={"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]},
    )
    assert updated["MaximumRetryAttempts"] == 2
    assert updated["DestinationConfig"] == {"OnFailure": {"Destination": dlq}}
    assert updated["FilterCriteria"] == {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]}
    server.settle()


def test_qualified_function_arn(server: Server) -> None:
    function_arn = _function(server)
    queue_arn = _queue(server)
    client = server.client("lambda")
    created = client.create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName=f"{function_arn}:$LATEST"
    )
    assert created["FunctionArn"] == f"{function_arn}:$LATEST"
    server.settle()


def _create_error(server: Server, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as excinfo:
        server.client("lambda").create_event_source_mapping(**params)
    return _error(excinfo)


def test_validation_errors(server: Server) -> None:
    _function(server, "consumer", timeout=60)
    _function(server, "quick")
    queue_arn = _queue(server, "jobs", VisibilityTimeout="30")
    fifo_arn = _queue(server, "jobs.fifo")
    stream_arn = _stream(server)
    invalid = "InvalidParameterValueException"

    assert _create_error(server, EventSourceArn=queue_arn, FunctionName="nope") == (
        invalid,
        "Function does not exist",
        400,
    )
    assert _create_error(server, EventSourceArn=queue_arn, FunctionName="consumer") == (
        invalid,
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds",
        400,
    )
    missing = queue_arn.replace(":jobs", ":missing")
    code, message, status = _create_error(server, EventSourceArn=missing, FunctionName="quick")
    assert (code, status) == (invalid, 400)
    assert message.startswith(
        "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue."
    )
    assert _create_error(server, EventSourceArn=queue_arn, FunctionName="quick", BatchSize=11) == (
        invalid,
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
        400,
    )
    assert _create_error(server, EventSourceArn=fifo_arn, FunctionName="quick", BatchSize=20)[0] == invalid
    assert _create_error(
        server, EventSourceArn=queue_arn, FunctionName="quick", StartingPosition="LATEST"
    ) == (invalid, "StartingPosition is not valid for SQS event sources.", 400)
    assert _create_error(
        server,
        EventSourceArn=queue_arn,
        FunctionName="quick",
        FilterCriteria={"Filters": [{"Pattern": "{bad"}]},
    ) == (invalid, "Invalid filter pattern definition.", 400)
    assert _create_error(server, EventSourceArn=stream_arn, FunctionName="quick") == (
        invalid,
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
        "Member must not be null.",
        400,
    )
    assert _create_error(
        server, EventSourceArn=stream_arn, FunctionName="quick", StartingPosition="AT_TIMESTAMP"
    ) == (invalid, f"Unsupported starting position for arn type: {stream_arn}", 400)
    gone = stream_arn.replace("table/orders", "table/missing")
    assert _create_error(server, EventSourceArn=gone, FunctionName="quick", StartingPosition="LATEST") == (
        invalid,
        f"Stream not found: {gone}",
        400,
    )
    assert (
        _create_error(
            server,
            EventSourceArn=stream_arn,
            FunctionName="quick",
            StartingPosition="LATEST",
            BatchSize=10001,
        )[0]
        == "ValidationException"
    )

    client = server.client("lambda")
    first = client.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="quick")["UUID"]
    assert _create_error(server, EventSourceArn=queue_arn, FunctionName="quick") == (
        "ResourceConflictException",
        f'An event source mapping with SQS arn (" {queue_arn} ") and function (" quick ") already exists.'
        f" Please update or delete the existing mapping with UUID {first}",
        409,
    )
    server.settle()
    with pytest.raises(ClientError) as excinfo:
        client.update_event_source_mapping(UUID=first, BatchSize=100)
    assert _error(excinfo)[1].startswith("Maximum batch window in seconds must be greater than 0")
    with pytest.raises(ClientError) as excinfo:
        client.update_event_source_mapping(UUID=first, FunctionName="consumer")
    assert (
        _error(excinfo)[1] == "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
    )
    for call in (client.get_event_source_mapping, client.delete_event_source_mapping):
        with pytest.raises(ClientError) as excinfo:
            call(UUID="00000000-0000-4000-8000-000000000000")
        assert _error(excinfo)[0] == "ResourceNotFoundException"
