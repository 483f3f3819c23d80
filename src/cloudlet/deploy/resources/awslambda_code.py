"""A function's Code property as CreateFunction / UpdateFunctionCode parameters.

Inline code (Code.ZipFile): "CloudFormation places it in a file named index and zips it to
create a deployment package" (AWS::Lambda::Function Code reference): index.py for Python
runtimes, index.js for Node.js. For inline Python code CloudFormation also provides the
cfn-response module ("available only when you use the ZipFile property"), so the package
holds a cfnresponse.py with the documented interface: send(event, context, responseStatus,
responseData, physicalResourceId=None, noEcho=False, reason=None)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from cloudlet.deploy.values import to_text

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # a stable zip (same code -> same CodeSha256)

CFNRESPONSE = '''"""The cfn-response module CloudFormation provides to inline (ZipFile) Python code."""

import json
import urllib.request

SUCCESS = "SUCCESS"
FAILED = "FAILED"


def send(event, context, responseStatus, responseData, physicalResourceId=None, noEcho=False, reason=None):
    responseUrl = event["ResponseURL"]
    print(responseUrl)
    log_stream = getattr(context, "log_stream_name", "")
    responseBody = {
        "Status": responseStatus,
        "Reason": reason or "See the details in CloudWatch Log Stream: " + log_stream,
        "PhysicalResourceId": physicalResourceId or log_stream,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "NoEcho": noEcho,
        "Data": responseData,
    }
    json_responseBody = json.dumps(responseBody)
    print("Response body:")
    print(json_responseBody)
    headers = {"content-type": "", "content-length": str(len(json_responseBody))}
    try:
        request = urllib.request.Request(
            responseUrl, data=json_responseBody.encode("utf-8"), headers=headers, method="PUT"
        )
        with urllib.request.urlopen(request) as response:
            print("Status code:", response.status)
    except Exception as e:
        print("send(..) failed executing http.request(..):", e)
'''


def inline_zip(source: str, runtime: str) -> bytes:
    """The deployment package CloudFormation builds from inline source."""
    python = runtime.startswith("python")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "index.py" if python else "index.js", source)
        if python:
            _add(archive, "cfnresponse.py", CFNRESPONSE)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def code_params(code: dict[str, Any], runtime: str) -> dict[str, Any]:
    """Code -> the API's FunctionCode members (ZipFile bytes, S3Bucket/S3Key/S3ObjectVersion, ImageUri)."""
    if code.get("ZipFile") is not None:
        return {"ZipFile": inline_zip(to_text(code["ZipFile"]), runtime)}
    out: dict[str, Any] = {}
    for key in ("S3Bucket", "S3Key", "S3ObjectVersion", "ImageUri"):
        if code.get(key) is not None:
            out[key] = to_text(code[key])
    return out
