"""Functions, versions, aliases, layers and policies survive a kill -9 and restart, and run."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from lambda_fn_support import create, make_zip

from harness import Server


def test_functions_survive_sigkill() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-lambda-"))
    try:
        first = Server(data_dir=data_dir).start()
        lam = first.client("lambda")
        layer = lam.publish_layer_version(
            LayerName="libs", Content={"ZipFile": make_zip({"python/helper.py": "VALUE = 42\n"})}
        )
        uses_layer = "import helper\n\ndef handler(event, context):\n    return helper.VALUE\n"
        create(lam, "kept", files={"app.py": uses_layer}, Layers=[layer["LayerVersionArn"]], Tags={"a": "b"})
        first.settle()
        lam.publish_version(FunctionName="kept")
        lam.create_alias(FunctionName="kept", Name="live", FunctionVersion="1")
        lam.add_permission(
            FunctionName="kept", StatementId="s", Action="lambda:InvokeFunction", Principal="*"
        )
        first.kill()
        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            lam = second.client("lambda")
            config = lam.get_function(FunctionName="kept")
            assert config["Configuration"]["State"] == "Active"
            assert config["Tags"] == {"a": "b"}
            assert lam.get_alias(FunctionName="kept", Name="live")["FunctionVersion"] == "1"
            assert json.loads(lam.get_policy(FunctionName="kept")["Policy"])["Statement"][0]["Sid"] == "s"
            response = lam.invoke(FunctionName="kept", Qualifier="live", Payload=b"{}")
            assert json.loads(response["Payload"].read()) == 42
            assert response["ExecutedVersion"] == "1"
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
