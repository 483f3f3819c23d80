"""Service name -> provider class, imported lazily. Also the source of docs/COVERAGE.md.

Every service of the design is registered, built or not, so each of its operations is
routed and answers either its result or an AWS-style 501 naming it."""

from __future__ import annotations

import importlib

from cloudlet.services.base import Provider

# botocore service name -> "module:Class", or None while no operation is built yet
PROVIDERS: dict[str, str | None] = {
    "sqs": "cloudlet.services.sqs.provider:SqsProvider",
    "s3": "cloudlet.services.s3.provider:S3Provider",
    "dynamodb": "cloudlet.services.dynamodb.provider:DynamoDbProvider",
    "dynamodbstreams": "cloudlet.services.dynamodbstreams.provider:DynamoDbStreamsProvider",
    "lambda": "cloudlet.services.awslambda.provider:LambdaProvider",
    "events": "cloudlet.services.events.provider:EventsProvider",
    "scheduler": "cloudlet.services.scheduler.provider:SchedulerProvider",
    "sns": "cloudlet.services.sns.provider:SnsProvider",
    "ssm": "cloudlet.services.ssm.provider:SsmProvider",
    "kms": "cloudlet.services.kms.provider:KmsProvider",
    "logs": "cloudlet.services.logs.provider:LogsProvider",
    "cloudformation": "cloudlet.services.cloudformation.provider:CloudFormationProvider",
    "sts": "cloudlet.services.sts.provider:StsProvider",
    "iam": "cloudlet.services.iam.provider:IamProvider",
}


def service_names() -> list[str]:
    return list(PROVIDERS)


def packages() -> list[str]:
    """The services' package names under cloudlet.services (where their schema/ lives)."""
    return [package(name) for name in PROVIDERS]


def package(service: str) -> str:
    return "awslambda" if service == "lambda" else service  # `lambda` is a Python keyword


def provider_class(service: str) -> type[Provider]:
    target = PROVIDERS[service]
    if target is None:
        return type(f"Unbuilt_{service}", (Provider,), {"service": service})
    module_name, _, class_name = target.partition(":")
    cls: type[Provider] = getattr(importlib.import_module(module_name), class_name)
    return cls
