"""botocore-model-driven codec: HTTP request -> params dict, result dict | error -> HTTP response.

Providers never see this layer: they take and return plain dicts shaped like the model's
input and output shapes (timestamps as datetime or epoch numbers, blobs as bytes)."""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest, HttpResponse
from cloudlet.protocol.parsers import json as json_parser
from cloudlet.protocol.parsers import query as query_parser
from cloudlet.protocol.parsers import rest_json as rest_json_parser
from cloudlet.protocol.parsers import rest_xml as rest_xml_parser
from cloudlet.protocol.serializers import json as json_serializer
from cloudlet.protocol.serializers import query as query_serializer
from cloudlet.protocol.serializers import rest_json as rest_json_serializer
from cloudlet.protocol.serializers import rest_xml as rest_xml_serializer
from cloudlet.protocol.values import error_shape

PROTOCOLS = ("json", "query", "rest-json", "rest-xml")

_PARSERS = {
    "json": json_parser,
    "query": query_parser,
    "rest-json": rest_json_parser,
    "rest-xml": rest_xml_parser,
}
_SERIALIZERS = {
    "json": json_serializer,
    "query": query_serializer,
    "rest-json": rest_json_serializer,
    "rest-xml": rest_xml_serializer,
}


def parse_request(
    protocol: str, operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]
) -> dict[str, Any]:
    """Request -> params dict, as botocore's client had them before serializing.
    Malformed input raises ServiceError (SerializationException / MalformedQueryString...)."""
    return _PARSERS[protocol].parse(operation, request, uri_params)


def serialize_result(
    protocol: str, operation: OperationModel, result: dict[str, Any], request_id: str
) -> HttpResponse:
    return _SERIALIZERS[protocol].serialize(operation, result, request_id)


def serialize_error(
    protocol: str,
    service: ServiceModel,
    operation: OperationModel | None,
    error: ServiceError,
    request_id: str,
) -> HttpResponse:
    if not error.status_given:
        shape = error_shape(service, error.code)
        if shape is not None:
            error.status = int((shape.metadata.get("error") or {}).get("httpStatusCode", error.status))
    return _SERIALIZERS[protocol].serialize_error(service, operation, error, request_id)
