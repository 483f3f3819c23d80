"""What every IAM operation shares: ids, validation, errors, paging, tags and documents."""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider
from cloudlet.services.iam import store
from cloudlet.services.iam.store import Row, Table

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_NAME = re.compile(r"^[\w+=,.@-]+$")
_PATH = re.compile(r"^(/|/[\x21-\x7e]*/)$")
MAX_TAGS = 50


def unique_id(prefix: str, length: int = 21) -> str:
    """AWS's unique ids: AROA (role), AIDA (user), ANPA (policy), AIPA (instance profile),
    AKIA (access key, 20 characters), then base32 characters."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length - len(prefix)))


def moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def encoded(document: str) -> str:
    """Policy documents come back URL-encoded, as AWS returns them (RFC 3986)."""
    return quote(document, safe="")


# -- errors ----------------------------------------------------------------------------------------


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationError", message, 400)


def no_such_entity(message: str) -> ServiceError:
    return ServiceError("NoSuchEntityException", message)


def already_exists(message: str) -> ServiceError:
    return ServiceError("EntityAlreadyExistsException", message)


def delete_conflict(message: str) -> ServiceError:
    return ServiceError("DeleteConflictException", message)


def limit_exceeded(message: str) -> ServiceError:
    return ServiceError("LimitExceededException", message)


def invalid_input(message: str) -> ServiceError:
    return ServiceError("InvalidInputException", message)


def constraint(value: Any, member: str, rule: str) -> ServiceError:
    return validation(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must {rule}"
    )


# -- validation ------------------------------------------------------------------------------------


def required(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None:
        raise ServiceError("MissingParameter", f"The request must contain the parameter {name}.", 400)
    return value


def check_name(value: Any, member: str, high: int = 64) -> str:
    name = str(value)
    if len(name) > high:
        raise constraint(name, member, f"have length less than or equal to {high}")
    if not _NAME.match(name):
        raise constraint(name, member, "satisfy regular expression pattern: [\\w+=,.@-]+")
    return name


def check_path(value: Any, member: str = "path") -> str:
    path = "/" if value is None else str(value)
    if len(path) > 512:
        raise constraint(path, member, "have length less than or equal to 512")
    if not _PATH.match(path):
        raise validation(
            f"The specified value for {member} is invalid. It must begin and end with / and contain only"
            " alphanumeric characters and/or / characters."
        )
    return path


def check_prefix(params: dict[str, Any]) -> str:
    """PathPrefix of the List operations: begins with / (it need not end with one)."""
    prefix = str(params.get("PathPrefix") or "/")
    if len(prefix) > 512:
        raise constraint(prefix, "pathPrefix", "have length less than or equal to 512")
    if not re.fullmatch(r"/[\x21-\x7e]*", prefix):
        raise validation(
            "The specified value for pathPrefix is invalid. It must begin with the / character and contain only"
            " alphanumeric characters and/or / characters."
        )
    return prefix


def check_document(value: Any, quota: str | None = None, limit: int = 0) -> str:
    """A policy document: JSON (an object), within its size quota (whitespace not counted)."""
    document = str(value)
    try:
        parsed = json.loads(document)
    except ValueError as exc:
        raise ServiceError("MalformedPolicyDocumentException", "This policy contains invalid Json") from exc
    if not isinstance(parsed, dict):
        raise ServiceError("MalformedPolicyDocumentException", "This policy contains invalid Json")
    if quota and len(re.sub(r"\s", "", document)) > limit:
        raise limit_exceeded(f"Cannot exceed quota for {quota}: {limit}")
    return document


def check_tags(tags: Any) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for tag in tags or []:
        key, value = str(tag.get("Key", "")), str(tag.get("Value", ""))
        if not 1 <= len(key) <= 128:
            raise constraint(key, "tags.member.key", "have length less than or equal to 128")
        if len(value) > 256:
            raise constraint(value, "tags.member.value", "have length less than or equal to 256")
        found.append({"Key": key, "Value": value})
    keys = [tag["Key"].lower() for tag in found]
    if len(set(keys)) != len(keys):
        raise invalid_input("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    return found


def merge_tags(
    current: list[dict[str, str]], added: list[dict[str, str]], quota: str
) -> list[dict[str, str]]:
    """Tags with `added` applied (keys are case-insensitive; a new value replaces the old)."""
    merged = {tag["Key"].lower(): tag for tag in current}
    for tag in added:
        merged[tag["Key"].lower()] = tag
    if len(merged) > MAX_TAGS:
        raise limit_exceeded(f"Cannot exceed quota for {quota}: {MAX_TAGS}")
    return list(merged.values())


def without_tags(current: list[dict[str, str]], keys: Any) -> list[dict[str, str]]:
    drop = {str(key).lower() for key in keys or []}
    return [tag for tag in current if tag["Key"].lower() not in drop]


# -- paging ----------------------------------------------------------------------------------------


def max_items(params: dict[str, Any]) -> int:
    given = params.get("MaxItems")
    value = 100 if given is None else int(given)
    if value < 1:
        raise constraint(value, "maxItems", "have value greater than or equal to 1")
    if value > 1000:
        raise constraint(value, "maxItems", "have value less than or equal to 1000")
    return value


def after_marker(params: dict[str, Any]) -> str | None:
    marker = params.get("Marker")
    if marker is None:
        return None
    try:
        return base64.b64decode(str(marker).encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise validation("Invalid Marker.") from exc


def paged(key: str, items: list[Any], rows: list[Any], limit: int, last: str | None) -> dict[str, Any]:
    """A page of `items` (rows were read with limit + 1 to learn whether more follow)."""
    out: dict[str, Any] = {key: items[:limit], "IsTruncated": len(rows) > limit}
    if len(rows) > limit and last is not None:
        out["Marker"] = base64.urlsafe_b64encode(last.encode()).decode()
    return out


class IamCore(Provider):
    service = "iam"

    def now(self) -> int:
        return int(self.clock.now())

    def named(self, ctx: RequestContext, table: Table, name: Any, missing: str) -> Row:
        """The row of that name in one of the named tables; NoSuchEntity with `missing` when absent."""
        row = store.find(self.db, table, ctx.account, str(name))
        if row is None:
            raise no_such_entity(missing)
        return row

    def list_page(
        self,
        ctx: RequestContext,
        table: Table,
        key: str,
        params: dict[str, Any],
        render: Callable[[Row], dict[str, Any]],
    ) -> dict[str, Any]:
        """A List operation over one of the named tables (roles, users, instance profiles)."""
        limit = max_items(params)
        prefix = check_prefix(params)
        rows = store.page(self.db, table, ctx.account, prefix, after_marker(params), limit + 1)
        last = str(rows[limit - 1]["name_key"]) if len(rows) > limit else None
        return paged(key, [render(row) for row in rows], rows, limit, last)

    def tag(
        self, ctx: RequestContext, table: Table, row: Row, params: dict[str, Any], quota: str
    ) -> dict[str, Any]:
        """Tag* operations: the request's Tags merged into the entity's."""
        tags = merge_tags(store.tags_of(row), check_tags(required(params, "Tags")), quota)
        with self.db.write() as tx:
            store.update(tx, table, ctx.account, str(row["name"]), {"tags": json.dumps(tags)})
        return {}

    def untag(self, ctx: RequestContext, table: Table, row: Row, params: dict[str, Any]) -> dict[str, Any]:
        """Untag* operations: the request's TagKeys removed from the entity's tags."""
        tags = without_tags(store.tags_of(row), required(params, "TagKeys"))
        with self.db.write() as tx:
            store.update(tx, table, ctx.account, str(row["name"]), {"tags": json.dumps(tags)})
        return {}


def paged_list(key: str, items: list[Any], params: dict[str, Any]) -> dict[str, Any]:
    """A page of a list computed whole (inline policy names, attachments): the marker is a position."""
    limit = max_items(params)
    marker = after_marker(params) or "0"
    if not marker.isdigit():
        raise validation("Invalid Marker.")
    start = int(marker)
    out: dict[str, Any] = {key: items[start : start + limit], "IsTruncated": start + limit < len(items)}
    if out["IsTruncated"]:
        out["Marker"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
    return out


def policy_name_of(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def path_of_arn(arn: str) -> str:
    """The path of a policy ARN: arn:aws:iam::aws:policy/service-role/X -> /service-role/."""
    resource = arn.split(":", 5)[-1]
    inner = resource.split("/")[1:-1]
    return "/" + "".join(f"{part}/" for part in inner)
