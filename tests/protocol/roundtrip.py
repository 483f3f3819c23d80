"""What the protocol tests share to put botocore on the other end of our codecs: its requests
as ours, and our responses as botocore's parsers take them. Imported as `roundtrip` (pytest
puts this folder on sys.path: it has no __init__.py)."""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import HeadersDict
from botocore.serialize import create_serializer
from botocore.utils import percent_encode_sequence

from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from cloudlet.protocol.specs import operation_model


def botocore_view(response: HttpResponse) -> dict[str, Any]:
    """Our response as botocore's parsers take one."""
    return {
        "status_code": response.status,
        "headers": HeadersDict(dict(response.headers.items())),
        "body": response.body,
    }


def botocore_request(protocol: str, service: str, operation: str, params: dict[str, Any]) -> HttpRequest:
    """The request botocore's serializer for `protocol` makes of `params`, as the gateway hands it on."""
    serialized = create_serializer(protocol).serialize_to_request(params, operation_model(service, operation))
    body = serialized["body"]
    return HttpRequest(
        method=serialized["method"],
        path=serialized["url_path"],
        headers=Headers(serialized["headers"].items()),
        # A query form stays a dict in botocore until its sender encodes it.
        body=percent_encode_sequence(body).encode() if isinstance(body, dict) else body,
    )


def form_request(body: dict[str, Any] | str) -> HttpRequest:
    """A query-protocol POST of `body`: a form already encoded, or botocore's dict of it."""
    text = body if isinstance(body, str) else percent_encode_sequence(body)
    headers = Headers([("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")])
    return HttpRequest("POST", "/", headers=headers, body=text.encode())
