"""The one endpoint: routing, identity, AWS-shaped errors, 501 for what is not built."""

import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from harness import Server


def test_unbuilt_operation_answers_501_naming_it(server: Server) -> None:
    with pytest.raises(ClientError) as caught:
        server.client("dynamodb").list_backups()
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Error"]["Code"] == "NotImplemented"
    assert "ListBackups" in error["Error"]["Message"]


def test_unbuilt_query_operation_answers_501(server: Server) -> None:
    with pytest.raises(ClientError) as caught:
        server.client("sns").list_platform_applications()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert caught.value.response["Error"]["Code"] == "NotImplemented"


def test_unknown_target_is_a_client_error_not_a_500(server: Server) -> None:
    request = urllib.request.Request(
        server.endpoint + "/",
        data=b"{}",
        method="POST",
        headers={"X-Amz-Target": "NoSuchService_2020.DoThing", "Content-Type": "application/x-amz-json-1.0"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400
    assert b"UnknownOperationException" in caught.value.read()


def test_accounts_and_regions_are_isolated(server: Server) -> None:
    default = server.client("sqs")
    other_account = server.client("sqs", access_key="111122223333")
    other_region = server.client("sqs", region="eu-west-1")
    url = default.create_queue(QueueName="shared-name")["QueueUrl"]
    assert "/000000000000/shared-name" in url
    assert "/111122223333/" in other_account.create_queue(QueueName="shared-name")["QueueUrl"]
    assert other_region.list_queues().get("QueueUrls", []) == []
    assert default.list_queues()["QueueUrls"] == [url]
