"""rest-xml protocol: result | error -> response.

Header and status members go on the response line and headers; a blob/string payload member
is the body as is; otherwise the body is an XML document: the payload structure under its
member name, or the remaining members under the output shape's locationName (S3: the root
AWS sends, see rest_s3). Errors: S3's bare `<Error>`, or `<ErrorResponse><Error>` for the
other rest-xml services (Route 53, CloudFront)."""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol import rest_s3
from cloudlet.protocol.http import FileStream, Headers, HttpResponse
from cloudlet.protocol.rest_common import (
    Plan,
    bodiless,
    error_code,
    error_shape,
    payload_bytes,
    plan,
    response_headers,
    response_status,
)
from cloudlet.protocol.rest_xml_writer import (
    DECLARATION,
    escape_text,
    write_element,
    write_fields,
    write_loose,
)

XML = "application/xml"


def serialize(operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
    headers = _id_headers(operation.service_model, request_id)
    shape = operation.output_shape
    members = plan(shape) if shape is not None else None
    status = response_status(operation, members, result)
    if (
        operation.name == "GetObject"
        and result.get("ContentRange")
        and rest_s3.is_s3(operation.service_model)
    ):
        status = 206  # a ranged GetObject is Partial Content; the model has no status member for it
    if operation.name == "PutBucketPolicy" and rest_s3.is_s3(operation.service_model):
        status = 204  # https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html#API_PutBucketPolicy_Examples
    body = b""
    stream = None
    if shape is not None and members is not None:
        for name, value in response_headers(members, result):
            headers.add(name, value)
        payload = members.payload
        streamed = result.get(payload.name) if payload is not None else None
        if isinstance(streamed, FileStream):
            stream = streamed  # a large object body: sent in chunks from its file
            if "content-type" not in headers:
                headers.add("Content-Type", "application/octet-stream")
        else:
            body, content_type = _body(operation, shape, members, result)
            if content_type and "content-type" not in headers:
                headers.add("Content-Type", content_type)
    if bodiless(status, str(operation.http.get("method", ""))):
        body = b""
        if stream is not None:
            stream.close()
            stream = None
    return HttpResponse(status, headers, body, stream)


def _id_headers(service: ServiceModel, request_id: str) -> Headers:
    if rest_s3.is_s3(service):
        return Headers([("x-amz-request-id", request_id), ("x-amz-id-2", rest_s3.host_id(request_id))])
    return Headers([("x-amzn-RequestId", request_id)])


def _body(
    operation: OperationModel, shape: StructureShape, members: Plan, result: dict[str, Any]
) -> tuple[bytes, str | None]:
    payload = members.payload
    if payload is not None:
        value = result.get(payload.name)
        if members.streaming:
            kind = "application/octet-stream" if payload.shape.type_name == "blob" else "text/plain"
            return payload_bytes(value), kind
        if value is None or payload.shape.serialization.get("eventstream"):
            return b"", None
        name = payload.shape.serialization.get("name", payload.name)
        out = [DECLARATION]
        write_element(out, name, payload.shape, value, _default_namespace(operation))
        return "".join(out).encode("utf-8"), XML
    if not members.response_body:
        return b"", None
    return _document(operation, shape, result).encode("utf-8"), XML


def _default_namespace(operation: OperationModel) -> str | None:
    return rest_s3.NAMESPACE if rest_s3.is_s3(operation.service_model) else None


def _document(operation: OperationModel, shape: StructureShape, result: dict[str, Any]) -> str:
    namespace = _default_namespace(operation)
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    text_root = rest_s3.TEXT_ROOTS.get(operation.name) if namespace else None
    if text_root is not None:
        element, member = text_root
        text = escape_text(str(result.get(member) or ""))
        return f"{DECLARATION}<{element}{xmlns}>{text}</{element}>"
    name = shape.serialization.get("name")
    if name is None:
        name = rest_s3.ROOT_ELEMENTS.get(operation.name, shape.name) if namespace else shape.name
    out = [DECLARATION]
    write_element(out, name, shape, result, namespace)
    return "".join(out)


# -- errors ------------------------------------------------------------------------------------


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    headers = _id_headers(service, request_id)
    shape = error_shape(service, error.code)
    if shape is not None:
        for name, value in response_headers(plan(shape), error.fields):
            headers.add(name, value)
    for name, value in error.headers.items():
        headers.add(name, value)
    if operation is not None and bodiless(error.status, str(operation.http.get("method", ""))):
        # S3 answers a failed HEAD with the status alone; clients read the code from it.
        return HttpResponse(error.status, headers, b"")
    code = escape_text(error_code(service, error.code))
    inner = [f"<Code>{code}</Code>"]
    if error.message:  # an empty <Message/> reads back as None, not ""
        inner.append(f"<Message>{escape_text(error.message)}</Message>")
    _write_error_fields(inner, shape, error.fields)
    rid = escape_text(request_id)
    if rest_s3.is_s3(service):
        host = rest_s3.host_id(request_id)
        body = f"<Error>{''.join(inner)}<RequestId>{rid}</RequestId><HostId>{host}</HostId></Error>"
    else:
        kind = "Sender" if error.sender_fault else "Receiver"
        body = (
            f"<ErrorResponse><Error><Type>{kind}</Type>{''.join(inner)}</Error>"
            f"<RequestId>{rid}</RequestId></ErrorResponse>"
        )
    headers.add("Content-Type", XML)
    return HttpResponse(error.status, headers, (DECLARATION + body).encode("utf-8"))


def _write_error_fields(out: list[str], shape: StructureShape | None, fields: dict[str, Any]) -> None:
    modeled: dict[str, Any] = {}
    for key, value in fields.items():
        if key.lower() in ("code", "message") or value is None:
            continue
        if shape is not None and key in shape.members:
            modeled[key] = value
        else:
            write_loose(out, key, value)
    if shape is not None and modeled:
        write_fields(out, shape, modeled)
