"""SecureString parameters, encrypted by KMS (alias/aws/ssm unless a KeyId is given)."""

from __future__ import annotations

import base64
import json
from typing import Any

from ssm_support import fails

from harness import Server


def test_secure_string_default_key(ssm: Any, server: Server) -> None:
    ssm.put_parameter(Name="/app/secret", Value="hunter2", Type="SecureString")
    hidden = ssm.get_parameter(Name="/app/secret")["Parameter"]
    assert hidden["Type"] == "SecureString" and hidden["Value"] != "hunter2"
    blob = base64.b64decode(hidden["Value"])  # the base64 ciphertext, as AWS returns it
    assert b"hunter2" not in blob
    shown = ssm.get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"]
    assert shown["Value"] == "hunter2"
    assert ssm.describe_parameters()["Parameters"][0]["KeyId"] == "alias/aws/ssm"
    kms = server.client("kms")
    assert kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyManager"] == "AWS"
    # The ciphertext is bound to the parameter's ARN (EncryptionContext PARAMETER_ARN).
    context = {"PARAMETER_ARN": hidden["ARN"]}
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"hunter2"
    assert fails(kms.decrypt, CiphertextBlob=blob)[0] == "InvalidCiphertextException"


def test_secure_string_customer_key(ssm: Any, server: Server) -> None:
    kms = server.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key)
    ssm.put_parameter(Name="/k1", Value="one", Type="SecureString", KeyId=key)
    ssm.put_parameter(Name="/k2", Value="two", Type="SecureString", KeyId="alias/app")
    out = ssm.get_parameters(Names=["/k1", "/k2"], WithDecryption=True)["Parameters"]
    assert [p["Value"] for p in out] == ["one", "two"]
    filtered = ssm.describe_parameters(ParameterFilters=[{"Key": "KeyId", "Values": ["alias/app"]}])
    assert [p["Name"] for p in filtered["Parameters"]] == ["/k2"]
    kms.disable_key(KeyId=key)
    assert fails(ssm.get_parameter, Name="/k1", WithDecryption=True)[0] == "InvalidKeyId"
    assert ssm.get_parameter(Name="/k1")["Parameter"]["Type"] == "SecureString"


def test_bad_key_id(ssm: Any) -> None:
    code, _ = fails(ssm.put_parameter, Name="/s", Value="v", Type="SecureString", KeyId="alias/none")
    assert code == "InvalidKeyId"
    assert fails(ssm.put_parameter, Name="/s", Value="v", Type="String", KeyId="alias/aws/ssm")[0] == (
        "ValidationException"
    )


def test_secure_history_and_path_decrypt(ssm: Any) -> None:
    ssm.put_parameter(Name="/s/a", Value="v1", Type="SecureString")
    ssm.put_parameter(Name="/s/a", Value="v2", Overwrite=True)
    history = ssm.get_parameter_history(Name="/s/a", WithDecryption=True)["Parameters"]
    assert [h["Value"] for h in history] == ["v1", "v2"]
    assert all(h["Type"] == "SecureString" for h in history)
    by_path = ssm.get_parameters_by_path(Path="/s", WithDecryption=True)["Parameters"]
    assert [p["Value"] for p in by_path] == ["v2"]


def test_cli_secure_string(server: Server) -> None:
    server.aws("ssm", "put-parameter", "--name", "/cli/s", "--value", "pw", "--type", "SecureString")
    out = json.loads(server.aws("ssm", "get-parameter", "--name", "/cli/s", "--with-decryption").stdout)
    assert out["Parameter"]["Value"] == "pw"
