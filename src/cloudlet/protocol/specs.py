"""Service models from botocore's data, loaded lazily and cached once per process."""

from __future__ import annotations

from functools import cache

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel


@cache
def _loader() -> Loader:
    return Loader()


@cache
def service_model(name: str) -> ServiceModel:
    """`name` is botocore's service name: "sqs", "s3", "dynamodb", "lambda", "events"..."""
    return ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)


@cache
def metadata(name: str) -> dict[str, str]:
    """A model's metadata without keeping the model: routing needs the metadata of every
    service, but only the models of the services actually called stay in memory."""
    raw = Loader().load_service_model(name, "service-2")  # a fresh loader caches nothing
    return {key: value for key, value in raw["metadata"].items() if isinstance(value, str)}


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


def protocol_of(model: ServiceModel) -> str:
    """The wire protocol cloudlet speaks for a model: json, query, rest-json or rest-xml."""
    protocols = model.metadata.get("protocols") or [model.metadata["protocol"]]
    for candidate in ("json", "rest-json", "rest-xml", "query"):
        if candidate in protocols:
            return candidate
    return str(model.metadata["protocol"])
