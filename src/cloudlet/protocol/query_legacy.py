"""The query (form + XML) wire names of services whose botocore model moved to JSON.

SQS's model is `json` with awsQueryCompatible since 2023, but older SDKs (boto3 < 1.34,
Java v1, the AWS CLI v1 of that era, many libraries) still send the 2012-11-05 query API:
`Attribute.1.Name=...`, `SendMessageBatchRequestEntry.1.Id=...`, and expect XML such as
`<ReceiveMessageResult><Message>...<Attribute><Name/><Value/></Attribute></Message>`.
The json model lost those names, so this module re-applies them: `query_operation` returns
the operation of a copy of the model patched with the legacy locationNames, and the generic
query codec does the rest. Sources: the SQS API reference (Query API examples under each
action, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/) and the SQS
query model botocore shipped until 2023."""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any, NamedTuple

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest

# Patches to the json model, path -> locationName: "Shape" (a map's element name), "Shape.Member"
# (a structure member), "List.member" (the element of a flattened list), "Map.key"/"Map.value".
_SQS_NAMES: dict[str, str] = {
    "AWSAccountIdList.member": "AWSAccountId",
    "ActionNameList.member": "ActionName",
    "AttributeNameList.member": "AttributeName",
    "MessageSystemAttributeList.member": "MessageSystemAttributeName",
    "MessageAttributeNameList.member": "MessageAttributeName",
    "TagKeyList.member": "TagKey",
    "QueueUrlList.member": "QueueUrl",
    "MessageList.member": "Message",
    "StringList.member": "StringListValue",
    "BinaryList.member": "BinaryListValue",
    "BatchResultErrorEntryList.member": "BatchResultErrorEntry",
    "SendMessageBatchRequestEntryList.member": "SendMessageBatchRequestEntry",
    "SendMessageBatchResultEntryList.member": "SendMessageBatchResultEntry",
    "DeleteMessageBatchRequestEntryList.member": "DeleteMessageBatchRequestEntry",
    "DeleteMessageBatchResultEntryList.member": "DeleteMessageBatchResultEntry",
    "ChangeMessageVisibilityBatchRequestEntryList.member": "ChangeMessageVisibilityBatchRequestEntry",
    "ChangeMessageVisibilityBatchResultEntryList.member": "ChangeMessageVisibilityBatchResultEntry",
    "ListMessageMoveTasksResultEntryList.member": "ListMessageMoveTasksResultEntry",
    "QueueAttributeMap": "Attribute",
    "QueueAttributeMap.key": "Name",
    "QueueAttributeMap.value": "Value",
    "MessageSystemAttributeMap": "Attribute",
    "MessageSystemAttributeMap.key": "Name",
    "MessageSystemAttributeMap.value": "Value",
    "MessageBodyAttributeMap.key": "Name",
    "MessageBodyAttributeMap.value": "Value",
    "MessageBodySystemAttributeMap.key": "Name",
    "MessageBodySystemAttributeMap.value": "Value",
    "TagMap": "Tag",
    "TagMap.key": "Key",
    "TagMap.value": "Value",
    "CreateQueueRequest.Attributes": "Attribute",
    "CreateQueueRequest.tags": "Tag",
    "SetQueueAttributesRequest.Attributes": "Attribute",
    "GetQueueAttributesResult.Attributes": "Attribute",
    "ListQueueTagsResult.Tags": "Tag",
    "Message.Attributes": "Attribute",
    "Message.MessageAttributes": "MessageAttribute",
    "SendMessageRequest.MessageAttributes": "MessageAttribute",
    "SendMessageRequest.MessageSystemAttributes": "MessageSystemAttribute",
    "SendMessageBatchRequestEntry.MessageAttributes": "MessageAttribute",
    "SendMessageBatchRequestEntry.MessageSystemAttributes": "MessageSystemAttribute",
    "MessageAttributeValue.StringListValues": "StringListValue",
    "MessageAttributeValue.BinaryListValues": "BinaryListValue",
    "MessageSystemAttributeValue.StringListValues": "StringListValue",
    "MessageSystemAttributeValue.BinaryListValues": "BinaryListValue",
    "SendMessageBatchRequest.Entries": "SendMessageBatchRequestEntry",
    "DeleteMessageBatchRequest.Entries": "DeleteMessageBatchRequestEntry",
    "ChangeMessageVisibilityBatchRequest.Entries": "ChangeMessageVisibilityBatchRequestEntry",
}

# What the query API repeats without a wrapper element (`Attribute.1.Name`, `<Message>`...):
# shapes, or "Shape.Member" references. (The json model still carries most of these flags.)
_SQS_FLATTENED = frozenset(
    {
        *(path.partition(".")[0] for path in _SQS_NAMES if path.endswith(".member")),
        *(path.partition(".")[0] for path in _SQS_NAMES if path.endswith(".key")),
        "MessageAttributeValue.StringListValues",
        "MessageAttributeValue.BinaryListValues",
        "MessageSystemAttributeValue.StringListValues",
        "MessageSystemAttributeValue.BinaryListValues",
    }
    - {"StringList", "BinaryList"}  # wrapped lists, flattened where MessageAttributeValue uses them
)

# awsQueryError codes of the 2012-11-05 API (error shape -> code); the rest use the shape name.
_SQS_ERROR_CODES: dict[str, str] = {
    "BatchEntryIdsNotDistinct": "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
    "BatchRequestTooLong": "AWS.SimpleQueueService.BatchRequestTooLong",
    "EmptyBatchRequest": "AWS.SimpleQueueService.EmptyBatchRequest",
    "InvalidBatchEntryId": "AWS.SimpleQueueService.InvalidBatchEntryId",
    "MessageNotInflight": "AWS.SimpleQueueService.MessageNotInflight",
    "PurgeQueueInProgress": "AWS.SimpleQueueService.PurgeQueueInProgress",
    "QueueDeletedRecently": "AWS.SimpleQueueService.QueueDeletedRecently",
    "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue",
    "QueueNameExists": "QueueAlreadyExists",
    "TooManyEntriesInBatchRequest": "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    "UnsupportedOperation": "AWS.SimpleQueueService.UnsupportedOperation",
}


class _Legacy(NamedTuple):
    xmlns: str
    names: dict[str, str]
    flattened: frozenset[str]
    errors: dict[str, str]


_LEGACY: dict[str, _Legacy] = {
    "sqs": _Legacy(
        "http://queue.amazonaws.com/doc/2012-11-05/", _SQS_NAMES, _SQS_FLATTENED, _SQS_ERROR_CODES
    ),
}


# Query clients of SQS may post to the queue's URL and leave QueueUrl out (boto 2, some SDKs).
_QUEUE_PATH = re.compile(r"/\d{12}/[^/]+")


def fill_from_path(operation: OperationModel, request: HttpRequest, params: dict[str, Any]) -> None:
    """Complete params from the request path where the legacy API allowed that (SQS's QueueUrl)."""
    if (
        "QueueUrl" not in params
        and operation.service_model.service_name == "sqs"
        and _QUEUE_PATH.fullmatch(request.path)
        and operation.input_shape is not None
        and "QueueUrl" in operation.input_shape.members
    ):
        params["QueueUrl"] = request.url_root + request.path


@cache
def query_operation(operation: OperationModel) -> OperationModel:
    """The operation as the query protocol names it: itself for query services, else the
    operation of the patched legacy model (SQS), else itself (best effort: model names)."""
    service = operation.service_model
    if "query" in _protocols(service) or service.service_name not in _LEGACY:
        return operation
    return legacy_model(service.service_name).operation_model(operation.name)


def xml_namespace(service: ServiceModel) -> str | None:
    legacy = _LEGACY.get(service.service_name)
    if legacy is not None and "query" not in _protocols(service):
        return legacy.xmlns
    namespace = service.metadata.get("xmlNamespace")
    return str(namespace) if namespace else None


def query_error_code(service: ServiceModel, error: ServiceError, shape: StructureShape | None) -> str:
    """The code query clients see: the error's own, the legacy table's, the model's awsQueryError."""
    if error.query_code:
        return error.query_code
    legacy = _LEGACY.get(service.service_name)
    if legacy is not None and error.code in legacy.errors:
        return legacy.errors[error.code]
    if shape is not None:
        code = shape.metadata.get("error", {}).get("code")
        if code:
            return str(code)
    return error.code


@cache
def legacy_model(service_name: str) -> ServiceModel:
    """A copy of the service's model with the query protocol's names, outputs wrapped in
    `<{Operation}Result>` and the awsQueryError codes: what botocore shipped before the move."""
    legacy = _LEGACY[service_name]
    description: dict[str, Any] = copy.deepcopy(Loader().load_service_model(service_name, "service-2"))
    description["metadata"].update(protocol="query", protocols=["query"], xmlNamespace=legacy.xmlns)
    shapes = description["shapes"]
    for path, name in legacy.names.items():
        _target(shapes, path)["locationName"] = name
    for path in legacy.flattened:
        _target(shapes, path)["flattened"] = True
    for shape_name, code in legacy.errors.items():
        shapes[shape_name]["error"] = {"code": code, "senderFault": True}
    for name, operation in description["operations"].items():
        if "output" in operation:
            operation["output"]["resultWrapper"] = f"{name}Result"
    return ServiceModel(description, service_name=service_name)


def _target(shapes: dict[str, Any], path: str) -> dict[str, Any]:
    shape_name, _, part = path.partition(".")
    shape: dict[str, Any] = shapes[shape_name]
    if not part:
        return shape
    if part in ("member", "key", "value"):
        return shape[part]  # type: ignore[no-any-return]
    return shape["members"][part]  # type: ignore[no-any-return]


def _protocols(service: ServiceModel) -> list[str]:
    metadata = service.metadata
    return list(metadata.get("protocols") or [metadata.get("protocol", "")])
