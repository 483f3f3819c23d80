"""Which runtimes CreateFunction accepts, and which of them cloudlet can run (Python ones, on
the host interpreter)."""

from __future__ import annotations

import logging
import sys

from cloudlet.errors import ServiceError
from cloudlet.services.awslambda.names import invalid, validation

log = logging.getLogger("cloudlet.lambda")

PYTHON = tuple(f"python3.{minor}" for minor in range(8, 15))

# Runtimes AWS still accepts for new functions besides Python
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html): stored, not run.
OTHERS = (
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "java25",
    "dotnet8",
    "dotnet10",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "provided.al2",
    "provided.al2023",
)

# In the API's enum but no longer accepted for creating or updating functions.
DEPRECATED = (
    "nodejs",
    "nodejs4.3",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "java8",
    "python2.7",
    "python3.6",
    "python3.7",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "nodejs4.3-edge",
    "go1.x",
    "ruby2.5",
    "ruby2.7",
    "provided",
)

_ALL = PYTHON + OTHERS + DEPRECATED
_warned: set[str] = set()


def check(runtime: object) -> str:
    if runtime in PYTHON or runtime in OTHERS:
        return str(runtime)
    if runtime in DEPRECATED:
        raise invalid(
            f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS "
            "Lambda functions. We recommend you use a supported runtime while creating or updating "
            "functions."
        )
    raise validation(
        runtime,
        "runtime",
        f"Member must satisfy enum value set: [{', '.join(_ALL)}] or be a valid ARN",
    )


def host_python() -> str:
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


def runnable(runtime: str) -> None:
    """Raise unless cloudlet can run this runtime; note once when the host Python differs."""
    if runtime not in PYTHON:
        raise ServiceError(
            "InvalidRuntimeException",
            f"The runtime {runtime} cannot be run by cloudlet: only Python runtimes run "
            "(on the server's own interpreter).",
            502,
            sender_fault=False,
        )
    host = host_python()
    if runtime != host and runtime not in _warned:
        _warned.add(runtime)
        log.info("functions with runtime %s run on the host interpreter, %s", runtime, host)
