"""HTTP request -> (service, protocol, operation)."""

from cloudlet.protocol.http import Headers, HttpRequest
from cloudlet.protocol.routing import Router, credential_scope
from cloudlet.services.registry import service_names

AUTH = "AWS4-HMAC-SHA256 Credential=123456789012/20260101/eu-west-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
router = Router(service_names())


def request(service: str, **kwargs: object) -> HttpRequest:
    headers = Headers([("Authorization", AUTH.format(service=service))])
    for name, value in dict(kwargs.pop("headers", {})).items():  # type: ignore[call-overload]
        headers.add(name, value)
    return HttpRequest(headers=headers, **kwargs)  # type: ignore[arg-type]


def test_scope_from_header_and_presigned_query() -> None:
    scope = credential_scope(request("sqs", method="POST", path="/"))
    assert scope is not None and (scope.access_key, scope.region, scope.service) == (
        "123456789012",
        "eu-west-1",
        "sqs",
    )
    presigned = HttpRequest(
        method="GET",
        path="/b/k",
        query_string="X-Amz-Credential=AKID%2F20260101%2Fus-west-2%2Fs3%2Faws4_request",
    )
    scope = credential_scope(presigned)
    assert scope is not None and (scope.region, scope.service) == ("us-west-2", "s3")


def test_json_by_target() -> None:
    route = router.route(
        request("sqs", method="POST", path="/", headers={"X-Amz-Target": "AmazonSQS.SendMessage"})
    )
    assert (route.service, route.protocol, route.operation) == ("sqs", "json", "SendMessage")
    streams = request(
        "dynamodb", method="POST", path="/", headers={"X-Amz-Target": "DynamoDBStreams_20120810.ListStreams"}
    )
    assert router.route(streams).service == "dynamodbstreams"


def test_query_by_action_on_a_json_service() -> None:
    form = request(
        "sqs",
        method="POST",
        path="/",
        body=b"Action=ListQueues&Version=2012-11-05",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    route = router.route(form)
    assert (route.service, route.protocol, route.operation) == ("sqs", "query", "ListQueues")


def test_query_without_signature_finds_the_service_by_action() -> None:
    unsigned = HttpRequest(method="GET", path="/", query_string="Action=GetCallerIdentity&Version=2011-06-15")
    route = router.route(unsigned)
    assert (route.service, route.protocol) == ("sts", "query")
