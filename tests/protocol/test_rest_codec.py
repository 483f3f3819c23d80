"""rest-json / rest-xml behaviours beyond plain round trips: AWS quirks, errors, uploads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import fromstring

import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel
from botocore.parsers import create_parser

from cloudlet import protocol
from cloudlet.errors import ServiceError
from cloudlet.protocol import rest_routes
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from cloudlet.protocol.rest_body import decode_aws_chunked
from cloudlet.protocol.specs import operation_model, protocol_of, service_model

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def parse(
    service: str, method: str, target: str, body: bytes = b"", **headers: str
) -> tuple[str, dict[str, Any]]:
    raw_path, _, query = target.partition("?")
    request = HttpRequest(
        method=method,
        path=raw_path,
        raw_path=raw_path,
        query_string=query,
        headers=Headers((name.replace("_", "-"), value) for name, value in headers.items()),
        body=body,
        host="localhost:4566",
    )
    model = service_model(service)
    name, uri_params = rest_routes.match(model, request)
    return name, protocol.parse_request(protocol_of(model), model.operation_model(name), request, uri_params)


def botocore_view(operation: OperationModel, response: HttpResponse) -> dict[str, Any]:
    raw = {
        "status_code": response.status,
        "headers": HeadersDict(response.headers.items()),
        "body": response.body,
        "context": {"operation_name": operation.name},
    }
    parsed: dict[str, Any] = create_parser(protocol_of(operation.service_model)).parse(
        raw, operation.output_shape
    )
    return parsed


def error_response(service: str, operation: str | None, error: ServiceError) -> HttpResponse:
    model = service_model(service)
    op = model.operation_model(operation) if operation else None
    return protocol.serialize_error(protocol_of(model), model, op, error, "req-9")


# -- requests ----------------------------------------------------------------------------------


def test_s3_put_object_headers_metadata_and_body() -> None:
    name, params = parse(
        "s3",
        "PUT",
        "/b/photos/cat.jpg",
        b"\x89PNG",
        content_type="image/png",
        content_length="4",
        expires="Mon, 06 May 2024 07:08:09 GMT",
        x_amz_meta_Owner="me",
        x_amz_meta_color="black, white",
    )
    assert name == "PutObject"
    assert params == {
        "Bucket": "b",
        "Key": "photos/cat.jpg",
        "Body": b"\x89PNG",
        "ContentType": "image/png",
        "ContentLength": 4,
        "Expires": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        "Metadata": {"Owner": "me", "color": "black, white"},
    }


def test_aws_chunked_upload_is_decoded_with_its_trailer() -> None:
    body = (
        b"5;chunk-signature=abc\r\nhello\r\n"
        b"6;chunk-signature=def\r\n world\r\n"
        b"0;chunk-signature=ghi\r\n"
        b"x-amz-checksum-crc32:DUoRhQ==\r\nx-amz-trailer-signature:sig\r\n\r\n"
    )
    name, params = parse(
        "s3",
        "PUT",
        "/b/k",
        body,
        content_encoding="aws-chunked,gzip",
        x_amz_content_sha256="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        x_amz_decoded_content_length="11",
        x_amz_trailer="x-amz-checksum-crc32",
    )
    assert name == "PutObject"
    assert params["Body"] == b"hello world"
    assert params["ChecksumCRC32"] == "DUoRhQ=="
    assert params["ContentEncoding"] == "gzip"


def test_aws_chunked_rejects_a_truncated_body() -> None:
    with pytest.raises(ValueError):
        decode_aws_chunked(b"a\r\nshort")


def test_s3_xml_payload_with_namespace_and_xsi_attribute() -> None:
    body = (
        b'<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<AccessControlList><Grant>"
        b'<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">'
        b"<ID>abc</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList>"
        b"<Owner><ID>abc</ID></Owner></AccessControlPolicy>"
    )
    name, params = parse("s3", "PUT", "/b?acl", body)
    assert name == "PutBucketAcl"
    assert params["AccessControlPolicy"] == {
        "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "READ"}],
        "Owner": {"ID": "abc"},
    }


def test_s3_delete_objects_flattened_list() -> None:
    body = b"<Delete><Object><Key>a</Key></Object><Object><Key>b</Key><VersionId>v</VersionId></Object><Quiet>true</Quiet></Delete>"
    name, params = parse("s3", "POST", "/b?delete", body)
    assert name == "DeleteObjects"
    assert params["Delete"] == {"Objects": [{"Key": "a"}, {"Key": "b", "VersionId": "v"}], "Quiet": True}


def test_malformed_bodies_are_aws_errors() -> None:
    with pytest.raises(ServiceError) as caught:
        parse("s3", "POST", "/b?delete", b"<Delete><Object>")
    assert (caught.value.code, caught.value.status) == ("MalformedXML", 400)
    with pytest.raises(ServiceError) as caught:
        parse("scheduler", "POST", "/schedule-groups/g", b"{nope")
    assert caught.value.code == "SerializationException"
    with pytest.raises(ServiceError) as caught:
        parse("s3", "PUT", "/b/k", b"x", content_length="many")
    assert caught.value.code == "InvalidArgument"


def test_lambda_invoke_payload_and_headers() -> None:
    name, params = parse(
        "lambda",
        "POST",
        "/2015-03-31/functions/fn/invocations?Qualifier=live",
        b'{"a": 1}',
        x_amz_invocation_type="Event",
        x_amz_log_type="Tail",
    )
    assert name == "Invoke"
    assert params == {
        "FunctionName": "fn",
        "Qualifier": "live",
        "Payload": b'{"a": 1}',
        "InvocationType": "Event",
        "LogType": "Tail",
    }


def test_rest_json_body_members_timestamps_and_empty_body() -> None:
    body = json.dumps(
        {
            "ScheduleExpression": "rate(1 minute)",
            "StartDate": 1714979289.5,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": "arn:t", "RoleArn": "arn:r"},
        }
    ).encode()
    name, params = parse("scheduler", "POST", "/schedules/s", body)
    assert name == "CreateSchedule"
    assert params["StartDate"] == datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=UTC)
    assert params["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert parse("scheduler", "DELETE", "/schedules/s?groupName=g") == (
        "DeleteSchedule",
        {"Name": "s", "GroupName": "g"},
    )


# -- responses ---------------------------------------------------------------------------------


def test_s3_list_objects_v2_document() -> None:
    operation = operation_model("s3", "ListObjectsV2")
    result = {
        "Name": "b",
        "KeyCount": 1,
        "IsTruncated": False,
        "Contents": [{"Key": "a&b", "Size": 3, "LastModified": datetime(2024, 5, 6, tzinfo=UTC)}],
        "CommonPrefixes": [{"Prefix": "dir/"}],
    }
    response = protocol.serialize_result("rest-xml", operation, result, "req-1")
    root = fromstring(response.body)
    assert root.tag == f"{S3_NS}ListBucketResult"
    assert [e.tag for e in root] == [
        f"{S3_NS}{t}" for t in ("IsTruncated", "Contents", "Name", "CommonPrefixes", "KeyCount")
    ]
    assert response.headers["content-type"] == "application/xml"
    assert response.headers["x-amz-request-id"] == "req-1"
    assert "x-amz-id-2" in response.headers
    parsed = botocore_view(operation, response)
    assert parsed["Contents"][0]["Key"] == "a&b"
    assert parsed["Contents"][0]["LastModified"] == datetime(2024, 5, 6, tzinfo=UTC)


def test_s3_get_bucket_location_is_the_root_text() -> None:
    operation = operation_model("s3", "GetBucketLocation")
    response = protocol.serialize_result("rest-xml", operation, {"LocationConstraint": "eu-west-1"}, "r")
    root = fromstring(response.body)
    assert (root.tag, root.text) == (f"{S3_NS}LocationConstraint", "eu-west-1")


def test_s3_get_object_streams_the_body_with_headers() -> None:
    operation = operation_model("s3", "GetObject")
    result = {
        "Body": b"\x00\x01",
        "ContentType": "image/png",
        "ContentLength": 2,
        "ETag": '"abc"',
        "LastModified": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        "Metadata": {"owner": "me"},
    }
    response = protocol.serialize_result("rest-xml", operation, result, "r")
    assert response.body == b"\x00\x01"
    assert response.headers["content-type"] == "image/png"
    assert response.headers["last-modified"] == "Mon, 06 May 2024 07:08:09 GMT"
    assert response.headers["x-amz-meta-owner"] == "me"


def test_head_object_has_no_body() -> None:
    operation = operation_model("s3", "HeadObject")
    response = protocol.serialize_result("rest-xml", operation, {"ContentLength": 5}, "r")
    assert response.body == b""
    assert response.headers["content-length"] == "5"


def test_lambda_status_codes() -> None:
    create = operation_model("lambda", "CreateFunction")
    assert protocol.serialize_result("rest-json", create, {"FunctionName": "f"}, "r").status == 201
    remove = operation_model("lambda", "RemovePermission")
    response = protocol.serialize_result("rest-json", remove, {}, "r")
    assert (response.status, response.body) == (204, b"")
    delete = operation_model("lambda", "DeleteFunction")
    assert protocol.serialize_result("rest-json", delete, {"StatusCode": 204}, "r").status == 204
    invoke = operation_model("lambda", "Invoke")
    response = protocol.serialize_result("rest-json", invoke, {"StatusCode": 202, "Payload": b""}, "r")
    assert response.status == 202
    response = protocol.serialize_result(
        "rest-json", invoke, {"StatusCode": 200, "Payload": b'{"ok":true}', "FunctionError": "Unhandled"}, "r"
    )
    assert response.headers["x-amz-function-error"] == "Unhandled"
    assert response.headers["x-amzn-requestid"] == "r"


# -- errors ------------------------------------------------------------------------------------


def test_s3_error_document() -> None:
    error = ServiceError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": "a<b"})
    response = error_response("s3", "GetObject", error)
    root = fromstring(response.body)
    assert root.tag == "Error"
    assert [e.tag for e in root] == ["Code", "Message", "Key", "RequestId", "HostId"]
    assert root.findtext("Key") == "a<b"
    parsed = botocore_view(operation_model("s3", "GetObject"), response)
    assert parsed["Error"] == {
        "Code": "NoSuchKey",
        "Message": "The specified key does not exist.",
        "Key": "a<b",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"
    assert response.status == 404


def test_s3_head_error_has_no_body() -> None:
    response = error_response("s3", "HeadObject", ServiceError("NoSuchKey", "gone", 404))
    assert (response.status, response.body) == (404, b"")
    parsed = botocore_view(operation_model("s3", "HeadObject"), response)
    assert parsed["Error"]["Code"] == "404"


def test_s3_routing_error_serializes() -> None:
    with pytest.raises(ServiceError) as caught:
        rest_routes.match(service_model("s3"), HttpRequest("PUT", "/", raw_path="/"))
    response = error_response("s3", None, caught.value)
    root = fromstring(response.body)
    assert (root.findtext("Code"), root.findtext("Method"), response.status) == (
        "MethodNotAllowed",
        "PUT",
        405,
    )


def test_route53_error_response_wrapper() -> None:
    error = ServiceError("NoSuchHostedZone", "No hosted zone found", 404)
    response = error_response("route53", "GetHostedZone", error)
    root = fromstring(response.body)
    assert root.tag == "ErrorResponse"
    assert root.findtext("Error/Type") == "Sender"
    assert root.findtext("RequestId") == "req-9"
    parsed = botocore_view(operation_model("route53", "GetHostedZone"), response)
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (
        "NoSuchHostedZone",
        "No hosted zone found",
    )


def test_rest_json_error_with_modeled_fields_and_headers() -> None:
    error = ServiceError(
        "TooManyRequestsException",
        "Rate exceeded",
        429,
        fields={"retryAfterSeconds": "3", "Reason": "CallerRateLimitExceeded"},
        headers={"x-extra": "1"},
    )
    response = error_response("lambda", "Invoke", error)
    assert response.headers["x-amzn-errortype"] == "TooManyRequestsException"
    assert response.headers["retry-after"] == "3"
    assert response.headers["x-extra"] == "1"
    body = json.loads(response.body)
    assert body == {"message": "Rate exceeded", "Type": "User", "Reason": "CallerRateLimitExceeded"}
    parsed = botocore_view(operation_model("lambda", "Invoke"), response)
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"], response.status) == (
        "TooManyRequestsException",
        "Rate exceeded",
        429,
    )


def test_rest_json_unmodeled_error() -> None:
    response = error_response("scheduler", "GetSchedule", ServiceError("Weird", "odd", 400, fields={"n": 1}))
    assert json.loads(response.body) == {"message": "odd", "n": 1}
    assert response.headers["content-type"] == "application/json"
