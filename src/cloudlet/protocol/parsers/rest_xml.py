"""rest_xml protocol: request -> params. (stub, to be written)"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel

from cloudlet.protocol.http import HttpRequest


def parse(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict[str, Any]:
    raise NotImplementedError
