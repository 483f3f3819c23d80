"""Lambda layers through boto3: publish, read, list, delete, and functions that use them."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_fn_support import create, error_of, make_zip

from harness import Server

LAYER_ARN = "arn:aws:lambda:us-east-1:000000000000:layer:libs"


@pytest.fixture
def lam(server: Server) -> Any:
    return server.client("lambda")


def _publish(lam: Any, name: str = "libs", **extra: Any) -> dict[str, Any]:
    data = make_zip({"python/helper.py": "VALUE = 42\n"})
    result: dict[str, Any] = lam.publish_layer_version(LayerName=name, Content={"ZipFile": data}, **extra)
    return result


def test_publish_and_get_layer_versions(lam: Any) -> None:
    data = make_zip({"python/helper.py": "VALUE = 42\n"})
    first = _publish(lam, Description="one", CompatibleRuntimes=["python3.12"], LicenseInfo="MIT")
    assert first["LayerArn"] == LAYER_ARN
    assert first["LayerVersionArn"] == f"{LAYER_ARN}:1"
    assert first["Version"] == 1
    assert first["Content"]["CodeSha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert first["Content"]["CodeSize"] == len(data)
    assert first["CompatibleRuntimes"] == ["python3.12"]
    second = _publish(lam, CompatibleRuntimes=["python3.13"])
    assert second["Version"] == 2
    got = lam.get_layer_version(LayerName="libs", VersionNumber=1)
    assert got["Description"] == "one" and got["LicenseInfo"] == "MIT"
    assert lam.get_layer_version_by_arn(Arn=f"{LAYER_ARN}:2")["Version"] == 2
    versions = lam.list_layer_versions(LayerName="libs")["LayerVersions"]
    assert [v["Version"] for v in versions] == [2, 1]
    matching = lam.list_layer_versions(LayerName="libs", CompatibleRuntime="python3.12")["LayerVersions"]
    assert [v["Version"] for v in matching] == [1]
    layers = lam.list_layers()["Layers"]
    assert [(layer["LayerName"], layer["LatestMatchingVersion"]["Version"]) for layer in layers] == [
        ("libs", 2)
    ]


def test_delete_layer_version_keeps_numbers(lam: Any) -> None:
    _publish(lam)
    lam.delete_layer_version(LayerName="libs", VersionNumber=1)
    lam.delete_layer_version(LayerName="libs", VersionNumber=1)  # idempotent
    with pytest.raises(ClientError) as excinfo:
        lam.get_layer_version(LayerName="libs", VersionNumber=1)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
        404,
    )
    assert _publish(lam)["Version"] == 2
    assert lam.list_layers()["Layers"][0]["LatestMatchingVersion"]["Version"] == 2


def test_function_with_layers(server: Server, lam: Any) -> None:
    arn = _publish(lam)["LayerVersionArn"]
    created = create(lam, "layered", Layers=[arn])
    assert created["Layers"] == [
        {"Arn": arn, "CodeSize": lam.get_layer_version_by_arn(Arn=arn)["Content"]["CodeSize"]}
    ]
    with pytest.raises(ClientError) as excinfo:
        create(lam, "missing-layer", Layers=[f"{LAYER_ARN}:9"])
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"Layer version {LAYER_ARN}:9 does not exist.",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        create(lam, "too-many", Layers=[arn] * 6)
    assert error_of(excinfo)[:1] == ("InvalidParameterValueException",)
    server.settle()
    updated = lam.update_function_configuration(FunctionName="layered", Layers=[])
    assert "Layers" not in updated
