"""Parameter names, selectors, labels and ARNs: AWS's rules and error messages (pure)."""

from __future__ import annotations

import re
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.ids import arn

MAX_LEVELS = 15
MAX_NAME = 1011  # "including the full ARN" in AWS; we count the name
_NAME = re.compile(r"^/?[a-zA-Z0-9_.\-]+(/[a-zA-Z0-9_.\-]+)*$")
_LABEL = re.compile(r"^[a-zA-Z0-9_.\-]{1,100}$")

BAD_NAME = (
    'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it'
    " can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters,"
    " numbers and the following 3 symbols .-_"
)


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def not_found(name: str) -> ServiceError:
    # AWS answers ParameterNotFound with an empty message (the name is not repeated).
    del name
    return ServiceError("ParameterNotFound", "")


def version_not_found(name: str, version: Any) -> ServiceError:
    return ServiceError(
        "ParameterVersionNotFound",
        f"Systems Manager could not find version {version} of {name}. Verify the version and try again.",
    )


def check_name(name: Any) -> str:
    """A valid parameter name (to create); the errors AWS gives for the broken ones."""
    if not isinstance(name, str) or not name:
        raise validation("1 validation error detected: Value at 'name' failed to satisfy constraint")
    if len(name) > MAX_NAME:
        raise validation(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint:"
            f" Member must have length less than or equal to {MAX_NAME}"
        )
    if "/" in name and not name.startswith("/"):
        raise validation("Parameter name must be a fully qualified name.")
    if not _NAME.match(name) or name.lstrip("/").lower().startswith(("aws", "ssm")):
        raise validation(BAD_NAME)
    if len(name.strip("/").split("/")) > MAX_LEVELS:
        raise ServiceError(
            "HierarchyLevelLimitExceededException",
            f"A hierarchy can have a maximum of {MAX_LEVELS} levels. For more information, see"
            " Requirements and constraints for parameter names in the AWS Systems Manager User Guide.",
        )
    return name


def parameter_arn(region: str, account: str, name: str) -> str:
    return arn("ssm", region, account, "parameter" + (name if name.startswith("/") else "/" + name))


def name_of(value: str) -> str:
    """A name given as a parameter ARN -> the name; anything else as it is."""
    if value.startswith("arn:") and ":parameter/" in value:
        rest = value.split(":parameter/", 1)[1]
        return rest if "/" not in rest else "/" + rest
    return value


def split_selector(value: Any) -> tuple[str, str | None]:
    """ "name", "name:3" or "name:label" (a name or an ARN) -> (name, selector or None)."""
    if not isinstance(value, str) or not value:
        raise validation("1 validation error detected: Value at 'name' failed to satisfy constraint")
    head, colon, selector = value.rpartition(":")
    if colon and not value.startswith("arn:") or (colon and head.count(":") >= 5):
        return name_of(head), selector
    return name_of(value), None


def label_is_valid(label: str) -> bool:
    """AWS: up to 100 of a-zA-Z0-9_.-, not starting with a number, "aws" or "ssm"."""
    return (
        bool(_LABEL.match(label)) and not label[0].isdigit() and not label.lower().startswith(("aws", "ssm"))
    )


def parent_path(name: str) -> str:
    """The path a name is directly under ("/a/b" -> "/a", "/a" and "a" -> "/")."""
    head = name.rsplit("/", 1)[0] if name.startswith("/") else ""
    return head or "/"


def under_path(name: str, path: str, recursive: bool) -> bool:
    if recursive:
        return path == "/" or name.startswith(path.rstrip("/") + "/")
    return parent_path(name) == (path.rstrip("/") or "/")
