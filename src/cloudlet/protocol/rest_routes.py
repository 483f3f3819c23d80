"""REST URI matching: (model, request) -> (operation name, uri params). (stub, to be written)"""

from __future__ import annotations

from botocore.model import ServiceModel

from cloudlet.protocol.http import HttpRequest


def match(model: ServiceModel, request: HttpRequest) -> tuple[str, dict[str, str]]:
    raise NotImplementedError
