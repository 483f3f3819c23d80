"""rest_json protocol: result | error -> response. (stub, to be written)"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpResponse


def serialize(operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
    raise NotImplementedError


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    raise NotImplementedError
