"""Service name -> provider class, imported lazily. Also the source of docs/COVERAGE.md."""

from __future__ import annotations

import importlib

from cloudlet.services.base import Provider

# botocore service name -> "module:Class"
PROVIDERS: dict[str, str] = {
    "sqs": "cloudlet.services.sqs.provider:SqsProvider",
}


def service_names() -> list[str]:
    return list(PROVIDERS)


def provider_class(service: str) -> type[Provider]:
    module_name, _, class_name = PROVIDERS[service].partition(":")
    cls: type[Provider] = getattr(importlib.import_module(module_name), class_name)
    return cls
