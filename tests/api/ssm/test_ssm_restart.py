"""Parameters, their versions, labels and SecureString keys survive a kill -9 and restart."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from harness import Server


def test_parameters_and_keys_survive_sigkill() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-ssm-"))
    try:
        first = Server(data_dir=data_dir).start()
        ssm = first.client("ssm")
        key = first.client("kms").create_key()["KeyMetadata"]["KeyId"]
        ssm.put_parameter(Name="/d/plain", Value="one", Type="String")
        ssm.put_parameter(Name="/d/plain", Value="two", Overwrite=True)
        ssm.label_parameter_version(Name="/d/plain", ParameterVersion=1, Labels=["first"])
        ssm.put_parameter(Name="/d/secret", Value="s3cret", Type="SecureString")
        ssm.put_parameter(Name="/d/mine", Value="m1ne", Type="SecureString", KeyId=key)
        first.kill()
        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            ssm = second.client("ssm")
            assert ssm.get_parameter(Name="/d/plain:first")["Parameter"]["Value"] == "one"
            out = ssm.get_parameters(Names=["/d/plain", "/d/secret", "/d/mine"], WithDecryption=True)
            assert [p["Value"] for p in out["Parameters"]] == ["two", "s3cret", "m1ne"]
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
