"""STS through boto3 and the AWS CLI: caller identity and temporary credentials."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import Server


def session_client(server: Server, credentials: dict[str, object]) -> object:
    return boto3.client(
        "sts",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=str(credentials["AccessKeyId"]),
        aws_secret_access_key=str(credentials["SecretAccessKey"]),
        aws_session_token=str(credentials["SessionToken"]),
        config=Config(retries={"max_attempts": 1}),
    )


def test_plain_key_is_the_root_of_its_account(server: Server) -> None:
    identity = server.client("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["UserId"] == "000000000000"
    other = server.client("sts", access_key="111122223333").get_caller_identity()
    assert other["Account"] == "111122223333"
    assert other["Arn"] == "arn:aws:iam::111122223333:root"


def test_assume_role_returns_credentials_that_identify_the_role(server: Server) -> None:
    sts = server.client("sts")
    before = datetime.now(UTC)
    answer = sts.assume_role(
        RoleArn="arn:aws:iam::123456789012:role/deploy/Builder",
        RoleSessionName="ci@build-1",
        DurationSeconds=900,
    )
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert credentials["SecretAccessKey"] and credentials["SessionToken"]
    assert before + timedelta(seconds=850) < credentials["Expiration"] < before + timedelta(seconds=960)
    user = answer["AssumedRoleUser"]
    assert user["Arn"] == "arn:aws:sts::123456789012:assumed-role/Builder/ci@build-1"
    assert user["AssumedRoleId"].startswith("AROA") and user["AssumedRoleId"].endswith(":ci@build-1")
    identity = session_client(server, credentials).get_caller_identity()  # type: ignore[attr-defined]
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == user["Arn"]
    assert identity["UserId"] == user["AssumedRoleId"]


def test_expired_credentials_answer_expired_token(server: Server) -> None:
    credentials = server.client("sts").assume_role(
        RoleArn="arn:aws:iam::123456789012:role/Short", RoleSessionName="s1", DurationSeconds=900
    )["Credentials"]
    server.advance(901)
    with pytest.raises(ClientError) as caught:
        session_client(server, credentials).get_caller_identity()  # type: ignore[attr-defined]
    assert caught.value.response["Error"]["Code"] == "ExpiredTokenException"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"RoleSessionName": "has space"},
            "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        ),
        (
            {"DurationSeconds": 50000},
            "1 validation error detected: Value '50000' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value less than or equal to 43200",
        ),
        (
            {"DurationSeconds": 100, "RoleSessionName": "x"},
            "2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: "
            "Member must have length greater than or equal to 2; Value '100' at 'durationSeconds' failed "
            "to satisfy constraint: Member must have value greater than or equal to 900",
        ),
    ],
)
def test_assume_role_validation(server: Server, params: dict[str, object], message: str) -> None:
    sts = server.client("sts", parameter_validation=False)
    request = {"RoleArn": "arn:aws:iam::123456789012:role/R", "RoleSessionName": "ok", **params}
    with pytest.raises(ClientError) as caught:
        sts.assume_role(**request)
    assert caught.value.response["Error"] == {"Type": "Sender", "Code": "ValidationError", "Message": message}
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_role_chaining_is_limited_to_an_hour(server: Server) -> None:
    first = server.client("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/A", RoleSessionName="aa")
    chained = session_client(server, first["Credentials"])
    with pytest.raises(ClientError) as caught:
        chained.assume_role(  # type: ignore[attr-defined]
            RoleArn="arn:aws:iam::123456789012:role/B", RoleSessionName="bb", DurationSeconds=7200
        )
    assert "role chaining" in caught.value.response["Error"]["Message"]
    second = chained.assume_role(RoleArn="arn:aws:iam::123456789012:role/B", RoleSessionName="bb")  # type: ignore[attr-defined]
    assert second["AssumedRoleUser"]["Arn"].endswith(":assumed-role/B/bb")


def test_malformed_role_arn_and_policy(server: Server) -> None:
    sts = server.client("sts")
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn="arn:aws:s3:::some-bucket-name", RoleSessionName="ss")
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/R", RoleSessionName="ss", Policy="{nope")
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"
    ok = sts.assume_role(
        RoleArn="arn:aws:iam::123456789012:role/R",
        RoleSessionName="ss",
        Policy=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    assert 0 < ok["PackedPolicySize"] <= 100


def test_session_token_keeps_the_caller_identity(server: Server) -> None:
    credentials = server.client("sts", access_key="111122223333").get_session_token(DurationSeconds=900)[
        "Credentials"
    ]
    assert credentials["AccessKeyId"].startswith("ASIA")
    identity = session_client(server, credentials).get_caller_identity()  # type: ignore[attr-defined]
    assert identity["Arn"] == "arn:aws:iam::111122223333:root"


def test_assume_role_with_web_identity_reads_the_token_claims(server: Server) -> None:
    def part(value: dict[str, object]) -> str:
        import base64

        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    token = ".".join(
        [
            part({"alg": "RS256"}),
            part({"sub": "repo:me/app", "aud": "sts.amazonaws.com", "iss": "https://x"}),
            "sig",
        ]
    )
    answer = server.client("sts").assume_role_with_web_identity(
        RoleArn="arn:aws:iam::123456789012:role/Gh", RoleSessionName="gh", WebIdentityToken=token
    )
    assert answer["SubjectFromWebIdentityToken"] == "repo:me/app"
    assert answer["Audience"] == "sts.amazonaws.com"
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/Gh/gh"
    with pytest.raises(ClientError) as caught:
        server.client("sts").assume_role_with_web_identity(
            RoleArn="arn:aws:iam::123456789012:role/Gh", RoleSessionName="gh", WebIdentityToken="not-a-jwt"
        )
    assert caught.value.response["Error"]["Code"] == "InvalidIdentityToken"


def test_cli_get_caller_identity(server: Server) -> None:
    identity = json.loads(server.aws("sts", "get-caller-identity").stdout)
    assert identity == {
        "UserId": "000000000000",
        "Account": "000000000000",
        "Arn": "arn:aws:iam::000000000000:root",
    }
    assumed = json.loads(
        server.aws(
            "sts",
            "assume-role",
            "--role-arn",
            "arn:aws:iam::000000000000:role/Cli",
            "--role-session-name",
            "cli",
        ).stdout
    )
    assert assumed["AssumedRoleUser"]["Arn"] == "arn:aws:sts::000000000000:assumed-role/Cli/cli"


def test_get_access_key_info(server: Server) -> None:
    sts = server.client("sts")
    credentials = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/K", RoleSessionName="kk")[
        "Credentials"
    ]
    assert sts.get_access_key_info(AccessKeyId=credentials["AccessKeyId"])["Account"] == "123456789012"
    assert sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"] == "000000000000"
