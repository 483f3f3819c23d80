"""Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s) through boto3, with AWS's errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from lambda_async_support import error_of, make_function, make_queue

from harness import Server

DOESNT_HAVE = "The function {arn} doesn't have an EventInvokeConfig"


@pytest.fixture
def lam(server: Server) -> Any:
    return server.client("lambda")


def test_put_get_update_list_delete(server: Server, lam: Any) -> None:
    arn = make_function(server, "cfg")
    put = lam.put_function_event_invoke_config(FunctionName="cfg", MaximumRetryAttempts=0)
    assert put["FunctionArn"] == f"{arn}:$LATEST"
    assert put["MaximumRetryAttempts"] == 0
    assert "MaximumEventAgeInSeconds" not in put
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    assert isinstance(put["LastModified"], datetime)

    # Put replaces: what it leaves out is gone.
    put = lam.put_function_event_invoke_config(FunctionName="cfg", MaximumEventAgeInSeconds=60)
    assert put["MaximumEventAgeInSeconds"] == 60
    assert "MaximumRetryAttempts" not in put

    # Update merges.
    updated = lam.update_function_event_invoke_config(FunctionName="cfg", MaximumRetryAttempts=1)
    assert (updated["MaximumEventAgeInSeconds"], updated["MaximumRetryAttempts"]) == (60, 1)
    _, queue_arn = make_queue(server, "failures")
    updated = lam.update_function_event_invoke_config(
        FunctionName=arn, DestinationConfig={"OnFailure": {"Destination": queue_arn}}
    )
    assert updated["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": queue_arn}}
    assert updated["MaximumRetryAttempts"] == 1

    got = lam.get_function_event_invoke_config(FunctionName="cfg", Qualifier="$LATEST")
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {
        k: v for k, v in updated.items() if k != "ResponseMetadata"
    }
    listed = lam.list_function_event_invoke_configs(FunctionName="cfg")["FunctionEventInvokeConfigs"]
    assert [c["FunctionArn"] for c in listed] == [f"{arn}:$LATEST"]

    deleted = lam.delete_function_event_invoke_config(FunctionName="cfg")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lam.list_function_event_invoke_configs(FunctionName="cfg")["FunctionEventInvokeConfigs"] == []
    assert error_of(lam.get_function_event_invoke_config, FunctionName="cfg") == {
        "Code": "ResourceNotFoundException",
        "Message": DOESNT_HAVE.format(arn=f"{arn}:$LATEST"),
        "Status": 404,
    }


def test_configs_per_version_and_alias_and_paging(server: Server, lam: Any) -> None:
    arn = make_function(server, "quals")
    lam.publish_version(FunctionName="quals")
    lam.create_alias(FunctionName="quals", Name="live", FunctionVersion="1")
    lam.put_function_event_invoke_config(FunctionName="quals", MaximumRetryAttempts=0)
    assert (
        lam.put_function_event_invoke_config(FunctionName="quals:1", MaximumRetryAttempts=1)["FunctionArn"]
        == f"{arn}:1"
    )
    assert (
        lam.put_function_event_invoke_config(
            FunctionName=f"{arn}:live", Qualifier="live", MaximumRetryAttempts=2
        )["FunctionArn"]
        == f"{arn}:live"
    )
    assert (
        lam.get_function_event_invoke_config(FunctionName="quals", Qualifier="1")["MaximumRetryAttempts"] == 1
    )

    first = lam.list_function_event_invoke_configs(FunctionName="quals", MaxItems=2)
    assert [c["FunctionArn"] for c in first["FunctionEventInvokeConfigs"]] == [f"{arn}:$LATEST", f"{arn}:1"]
    rest = lam.list_function_event_invoke_configs(FunctionName="quals", Marker=first["NextMarker"])
    assert [c["FunctionArn"] for c in rest["FunctionEventInvokeConfigs"]] == [f"{arn}:live"]
    assert "NextMarker" not in rest
    pages = lam.get_paginator("list_function_event_invoke_configs").paginate(FunctionName="quals", MaxItems=1)
    assert sum(len(p["FunctionEventInvokeConfigs"]) for p in pages) == 3

    for qualifier in ("$LATEST", "1", "live"):
        lam.delete_function_event_invoke_config(FunctionName="quals", Qualifier=qualifier)
    assert lam.list_function_event_invoke_configs(FunctionName="quals")["FunctionEventInvokeConfigs"] == []


def test_put_errors(server: Server, lam: Any) -> None:
    arn = make_function(server, "errs")
    prefix = arn.rsplit(":", 1)[0]
    assert error_of(lam.put_function_event_invoke_config, FunctionName="errs") == {
        "Code": "InvalidParameterValueException",
        "Message": "You must specify at least one of error handling or destination setting.",
        "Status": 400,
    }
    for name in ("nope", f"{prefix}:nope", "errs:nope"):
        assert error_of(lam.put_function_event_invoke_config, FunctionName=name, MaximumRetryAttempts=1) == {
            "Code": "ResourceNotFoundException",
            "Message": "The function doesn't exist.",
            "Status": 404,
        }
    assert error_of(
        lam.put_function_event_invoke_config, FunctionName="errs:1", Qualifier="2", MaximumRetryAttempts=1
    ) == {
        "Code": "InvalidParameterValueException",
        "Message": "The derived qualifier from the function name does not match the specified qualifier.",
        "Status": 400,
    }
    retries = error_of(lam.put_function_event_invoke_config, FunctionName="errs", MaximumRetryAttempts=3)
    assert retries["Code"] == "ValidationException"
    assert retries["Message"] == (
        "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: "
        "Member must have value less than or equal to 2"
    )
    age = error_of(lam.put_function_event_invoke_config, FunctionName="errs", MaximumEventAgeInSeconds=21601)
    assert age["Code"] == "ValidationException" and "maximumEventAgeInSeconds" in age["Message"]


def test_destination_errors(server: Server, lam: Any) -> None:
    arn = make_function(server, "dest")
    other = make_function(server, "other")
    prefix = arn.rsplit(":", 1)[0]

    def put(**destinations: Any) -> dict[str, Any]:
        return error_of(
            lam.put_function_event_invoke_config, FunctionName="dest", DestinationConfig=destinations
        )

    assert put(OnSuccess={"Destination": f"{prefix}:doesnotexist"}) == {
        "Code": "InvalidParameterValueException",
        "Message": f"The destination ARN {prefix}:doesnotexist is invalid.",
        "Status": 400,
    }
    assert put(OnFailure={"Destination": arn}) == {
        "Code": "InvalidParameterValueException",
        "Message": "You can't specify the function as a destination for itself.",
        "Status": 400,
    }
    iam_arn = arn.replace(":lambda:", ":iam:")
    assert put(OnSuccess={"Destination": iam_arn}) == {
        "Code": "InvalidParameterValueException",
        "Message": (
            f"The provided destination config DestinationConfig(onSuccess=OnSuccess(destination={iam_arn}),"
            " onFailure=null) is invalid."
        ),
        "Status": 400,
    }
    bad = put(OnFailure={"Destination": "arn:aws:_-/!lambda:us-east-1:000000000000:function:x"})
    assert bad["Code"] == "ValidationException"
    assert "at 'destinationConfig.onFailure.destination' failed to satisfy constraint" in bad["Message"]

    # Another function is a fine destination; an empty one means none.
    done = lam.put_function_event_invoke_config(
        FunctionName="dest", DestinationConfig={"OnSuccess": {"Destination": other}, "OnFailure": {}}
    )
    assert done["DestinationConfig"] == {"OnSuccess": {"Destination": other}, "OnFailure": {}}


def test_get_update_delete_list_errors(server: Server, lam: Any) -> None:
    arn = make_function(server, "miss")
    prefix = arn.rsplit(":", 1)[0]
    lam.publish_version(FunctionName="miss")
    lam.create_alias(FunctionName="miss", Name="live", FunctionVersion="1")
    not_found = {"Code": "ResourceNotFoundException", "Status": 404}
    assert error_of(lam.get_function_event_invoke_config, FunctionName="doesnotexist") == {
        **not_found,
        "Message": DOESNT_HAVE.format(arn=f"{prefix}:doesnotexist:$LATEST"),
    }
    assert error_of(lam.get_function_event_invoke_config, FunctionName="miss", Qualifier="live") == {
        **not_found,
        "Message": DOESNT_HAVE.format(arn=f"{arn}:live"),
    }
    assert error_of(lam.delete_function_event_invoke_config, FunctionName="miss") == {
        **not_found,
        "Message": DOESNT_HAVE.format(arn=f"{arn}:$LATEST"),
    }
    assert error_of(lam.update_function_event_invoke_config, FunctionName="miss", MaximumRetryAttempts=1) == {
        **not_found,
        "Message": DOESNT_HAVE.format(arn=f"{arn}:$LATEST"),
    }
    assert error_of(
        lam.update_function_event_invoke_config, FunctionName="doesnotexist", MaximumRetryAttempts=1
    ) == {**not_found, "Message": "The function doesn't exist."}
    assert error_of(lam.list_function_event_invoke_configs, FunctionName="doesnotexist") == {
        **not_found,
        "Message": "The function doesn't exist.",
    }
    assert error_of(lam.update_function_event_invoke_config, FunctionName="miss") == {
        "Code": "InvalidParameterValueException",
        "Message": "You must specify at least one of error handling or destination setting.",
        "Status": 400,
    }


def test_config_goes_with_its_function(server: Server, lam: Any) -> None:
    make_function(server, "gone")
    lam.put_function_event_invoke_config(FunctionName="gone", MaximumRetryAttempts=0)
    lam.delete_function(FunctionName="gone")
    server.settle()
    make_function(server, "gone")
    assert lam.list_function_event_invoke_configs(FunctionName="gone")["FunctionEventInvokeConfigs"] == []
    assert (
        error_of(lam.get_function_event_invoke_config, FunctionName="gone")["Code"]
        == "ResourceNotFoundException"
    )


def test_config_of_a_deleted_version_is_gone(server: Server, lam: Any) -> None:
    arn = make_function(server, "versioned")
    lam.publish_version(FunctionName="versioned")
    lam.put_function_event_invoke_config(FunctionName="versioned", MaximumRetryAttempts=0)
    lam.put_function_event_invoke_config(FunctionName="versioned", Qualifier="1", MaximumRetryAttempts=1)
    lam.delete_function(FunctionName="versioned", Qualifier="1")
    listed = lam.list_function_event_invoke_configs(FunctionName="versioned")["FunctionEventInvokeConfigs"]
    assert [c["FunctionArn"] for c in listed] == [f"{arn}:$LATEST"]
    assert error_of(lam.get_function_event_invoke_config, FunctionName="versioned", Qualifier="1") == {
        "Code": "ResourceNotFoundException",
        "Message": DOESNT_HAVE.format(arn=f"{arn}:1"),
        "Status": 404,
    }
