"""REST URI routing: specificity, labels, S3 virtual hosts, no-match errors."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from cloudlet.errors import ServiceError
from cloudlet.protocol import rest_routes
from cloudlet.protocol.http import Headers, HttpRequest
from cloudlet.protocol.routing import Router
from cloudlet.protocol.specs import service_model


def request(method: str, target: str, headers: dict[str, str] | None = None, host: str = "") -> HttpRequest:
    raw_path, _, query = target.partition("?")
    return HttpRequest(
        method=method,
        path=unquote(raw_path),
        raw_path=raw_path,
        query_string=query,
        headers=Headers((headers or {}).items()),
        host=host or "localhost:4566",
    )


def route(service: str, method: str, target: str, **kwargs: object) -> tuple[str, dict[str, str]]:
    return rest_routes.match(service_model(service), request(method, target, **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("host", "bucket"),
    [
        ("my-bucket.s3.localhost.localstack.cloud:4566", "my-bucket"),
        ("my.dotted.bucket.s3.us-east-1.amazonaws.com", "my.dotted.bucket"),
        ("bucket.s3.dualstack.eu-west-1.amazonaws.com", "bucket"),
        ("bucket.s3-accelerate.amazonaws.com", "bucket"),
        ("bucket.s3-us-west-2.amazonaws.com", "bucket"),
        ("s3-data.s3.localhost", "s3-data"),
        ("Bucket.LOCALHOST:4566", "bucket"),
        ("bucket.localhost", "bucket"),
        ("s3.localhost.localstack.cloud:4566", None),
        ("s3.amazonaws.com", None),
        ("s3.localhost", None),
        ("localhost:4566", None),
        ("127.0.0.1:4566", None),
        ("10.1.2.3", None),
        ("[::1]:4566", None),
        ("example.com", None),
        ("", None),
    ],
)
def test_virtual_host_bucket(host: str, bucket: str | None) -> None:
    assert rest_routes.virtual_host_bucket(host) == bucket


def test_path_style_folds_the_bucket_into_the_raw_path() -> None:
    assert rest_routes.path_style("b.localhost", "/") == "/b/"
    assert rest_routes.path_style("b.s3.localhost", "/dir/a%2Fb") == "/b/dir/a%2Fb"
    assert rest_routes.path_style("localhost:4566", "/b/k") == "/b/k"


def test_s3_labels_decode_from_the_raw_path() -> None:
    assert route("s3", "GET", "/b/dir/a%2Fb%20c+d") == ("GetObject", {"Bucket": "b", "Key": "dir/a/b c+d"})
    assert route("s3", "GET", "/b/dir/") == ("GetObject", {"Bucket": "b", "Key": "dir/"})
    # On a virtual host the whole path is the key, even when it starts with the bucket name.
    assert route("s3", "GET", "/b/k", host="b.localhost:4566") == ("GetObject", {"Bucket": "b", "Key": "b/k"})
    assert route("s3", "GET", "/k", host="b.localhost:4566") == ("GetObject", {"Bucket": "b", "Key": "k"})


def test_s3_bucket_routes() -> None:
    assert route("s3", "GET", "/")[0] == "ListBuckets"
    assert route("s3", "GET", "/b")[0] == "ListObjects"
    assert route("s3", "GET", "/b/")[0] == "ListObjects"
    assert route("s3", "GET", "/", host="b.s3.localhost")[0] == "ListObjects"
    assert route("s3", "GET", "/b?list-type=2&prefix=x")[0] == "ListObjectsV2"
    assert route("s3", "GET", "/b?tagging")[0] == "GetBucketTagging"
    assert route("s3", "GET", "/b?uploads")[0] == "ListMultipartUploads"
    assert route("s3", "GET", "/b?lifecycle")[0] == "GetBucketLifecycleConfiguration"
    assert route("s3", "POST", "/b?delete")[0] == "DeleteObjects"
    assert route("s3", "PUT", "/b")[0] == "CreateBucket"


def test_s3_required_members_pick_the_operation() -> None:
    copy = {"x-amz-copy-source": "/src/key"}
    assert route("s3", "PUT", "/b/k")[0] == "PutObject"
    assert route("s3", "PUT", "/b/k", headers=copy)[0] == "CopyObject"
    assert route("s3", "PUT", "/b/k?partNumber=1&uploadId=u")[0] == "UploadPart"
    assert route("s3", "PUT", "/b/k?partNumber=1&uploadId=u", headers=copy)[0] == "UploadPartCopy"
    assert route("s3", "GET", "/b/k?uploadId=u")[0] == "ListParts"
    assert route("s3", "DELETE", "/b/k?uploadId=u")[0] == "AbortMultipartUpload"
    assert route("s3", "POST", "/b/k?uploadId=u")[0] == "CompleteMultipartUpload"
    assert route("s3", "POST", "/b/k?uploads")[0] == "CreateMultipartUpload"
    assert route("s3", "GET", "/b?analytics&id=a")[0] == "GetBucketAnalyticsConfiguration"
    assert route("s3", "GET", "/b?analytics")[0] == "ListBucketAnalyticsConfigurations"


def test_a_missing_required_member_still_routes_to_the_only_operation() -> None:
    # The operation then reports the missing parameter itself.
    assert route("s3", "DELETE", "/b?analytics")[0] == "DeleteBucketAnalyticsConfiguration"


def test_x_id_names_the_operation() -> None:
    assert route("s3", "GET", "/b/k?x-id=GetObject")[0] == "GetObject"
    assert route("s3", "PUT", "/b/k?x-id=PutObject")[0] == "PutObject"


def test_s3_wrong_method_is_method_not_allowed() -> None:
    with pytest.raises(ServiceError) as caught:
        route("s3", "PUT", "/")
    assert (caught.value.code, caught.value.status) == ("MethodNotAllowed", 405)
    assert caught.value.fields == {"Method": "PUT", "ResourceType": "SERVICE"}
    with pytest.raises(ServiceError) as caught:
        route("s3", "PATCH", "/b/k")
    assert caught.value.fields["ResourceType"] == "OBJECT"


def test_lambda_routes() -> None:
    arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Afn"
    assert route("lambda", "GET", "/2015-03-31/functions/") == ("ListFunctions", {})
    assert route("lambda", "GET", "/2015-03-31/functions/fn") == ("GetFunction", {"FunctionName": "fn"})
    assert route("lambda", "GET", f"/2015-03-31/functions/{arn}/configuration") == (
        "GetFunctionConfiguration",
        {"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:fn"},
    )
    assert route("lambda", "POST", "/2015-03-31/functions/fn/invocations")[0] == "Invoke"
    assert route("lambda", "GET", "/2015-03-31/event-source-mappings/")[0] == "ListEventSourceMappings"


def test_scheduler_routes() -> None:
    assert route("scheduler", "GET", "/schedules/s?groupName=g") == ("GetSchedule", {"Name": "s"})
    assert route("scheduler", "GET", "/schedules")[0] == "ListSchedules"
    assert route("scheduler", "POST", "/schedule-groups/g")[0] == "CreateScheduleGroup"


def test_rest_json_without_a_route_is_unknown_operation() -> None:
    with pytest.raises(ServiceError) as caught:
        route("lambda", "GET", "/nothing/here")
    assert (caught.value.code, caught.value.status) == ("UnknownOperationException", 404)


def test_router_sends_unsigned_virtual_host_requests_to_s3() -> None:
    router = Router(["s3", "lambda", "sqs"])
    found = router.route(request("GET", "/photo.jpg", host="pics.s3.localhost.localstack.cloud:4566"))
    assert (found.service, found.protocol, found.operation) == ("s3", "rest-xml", "GetObject")
    assert found.uri_params == {"Bucket": "pics", "Key": "photo.jpg"}


def test_an_unknown_x_id_falls_back_to_the_request() -> None:
    assert route("s3", "PUT", "/b/k?x-id=Nope", headers={"x-amz-copy-source": "/s/k"})[0] == "CopyObject"
