"""Lambda names and ARNs: parsing FunctionName arguments, validation, and AWS's error wording
(pure)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from cloudlet.errors import ServiceError

LATEST = "$LATEST"

# https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName)
_FUNCTION_ARG = re.compile(
    r"^(?:arn:(?:aws[a-zA-Z-]*):lambda:(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?(?:function:)?(?P<name>[a-zA-Z0-9_-]+)"
    r"(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$"
)
_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_ALIAS = re.compile(r"^(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}$")
_LAYER_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,140}$")
_LAYER_VERSION_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):(?P<account>\d{12}):"
    r"layer:(?P<name>[a-zA-Z0-9_-]+):(?P<version>[0-9]+)$"
)
_LAYER_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):(?P<account>\d{12}):"
    r"layer:(?P<name>[a-zA-Z0-9_-]+)$"
)
ROLE_PATTERN = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
_ROLE = re.compile(f"^{ROLE_PATTERN}$")


# -- errors, worded as AWS words them ---------------------------------------------------------
def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValueException", message, 400)


def validation(value: object, member: str, constraint: str) -> ServiceError:
    return ServiceError(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"{constraint}",
        400,
    )


def conflict(message: str) -> ServiceError:
    return ServiceError("ResourceConflictException", message, 409)


def function_not_found(arn: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Function not found: {arn}", 404)


def resource_not_found(message: str = "The resource you requested does not exist.") -> ServiceError:
    return ServiceError("ResourceNotFoundException", message, 404)


def precondition_failed() -> ServiceError:
    return ServiceError(
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. "
        "Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
        412,
    )


def too_large(limit: int, operation: str) -> ServiceError:
    # The wire code is RequestEntityTooLargeException (the model calls the shape RequestTooLarge).
    return ServiceError(
        "RequestEntityTooLargeException",
        f"Request must be smaller than {limit} bytes for the {operation} operation",
        413,
    )


# -- ARNs --------------------------------------------------------------------------------------
def function_arn(region: str, account: str, name: str, qualifier: str | None = None) -> str:
    base = f"arn:aws:lambda:{region}:{account}:function:{name}"
    return f"{base}:{qualifier}" if qualifier else base


def layer_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{account}:layer:{name}"


def parse_function(
    value: str, qualifier: str | None, account: str, region: str
) -> tuple[str, str, str, str | None]:
    """A FunctionName argument (name, "name:qualifier", partial or full ARN) and a Qualifier
    argument -> (account, region, name, qualifier)."""
    match = _FUNCTION_ARG.match(value or "")
    if match is None:
        raise validation(
            value,
            "functionName",
            "Member must satisfy regular expression pattern: "
            r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?"
            r"([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?",
        )
    name = match["name"]
    if len(name) > 64:
        raise validation(name, "functionName", "Member must have length less than or equal to 64")
    derived = match["qualifier"]
    if derived is not None and qualifier is not None and derived != qualifier:
        raise invalid("The derived qualifier from the function name does not match the specified qualifier.")
    return match["account"] or account, match["region"] or region, name, derived or qualifier


def parse_layer_version_arn(value: str) -> tuple[str, str, str, int] | None:
    match = _LAYER_VERSION_ARN.match(value or "")
    if match is None:
        return None
    return match["account"], match["region"], match["name"], int(match["version"])


def parse_layer_name(value: str, account: str, region: str) -> tuple[str, str, str]:
    """A LayerName argument (a name or a layer ARN) -> (account, region, name)."""
    match = _LAYER_ARN.match(value or "")
    if match is not None:
        return match["account"], match["region"], match["name"]
    if not _LAYER_NAME.match(value or ""):
        raise validation(
            value,
            "layerName",
            "Member must satisfy regular expression pattern: "
            r"(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+",
        )
    return account, region, value


# -- validation --------------------------------------------------------------------------------
def check_name(name: str) -> None:
    if not _NAME.match(name):
        if len(name) > 64:
            raise validation(name, "functionName", "Member must have length less than or equal to 64")
        raise validation(
            name,
            "functionName",
            "Member must satisfy regular expression pattern: "
            r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?"
            r"([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?",
        )


def check_alias_name(name: str) -> None:
    if not _ALIAS.match(name or ""):
        raise validation(
            name, "name", r"Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"
        )


def check_role(role: object) -> None:
    if not isinstance(role, str) or not _ROLE.match(role):
        raise validation(role, "role", f"Member must satisfy regular expression pattern: {ROLE_PATTERN}")


def check_range(value: object, member: str, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise validation(value, member, "Member must be an integer")
    if value < low:
        raise validation(value, member, f"Member must have value greater than or equal to {low}")
    if value > high:
        raise validation(value, member, f"Member must have value less than or equal to {high}")


def timestamp(seconds: float) -> str:
    """Lambda's LastModified / CreatedDate text: 2019-11-26T17:21:49.375+0000."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
