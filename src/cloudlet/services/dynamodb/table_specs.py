"""CreateTable / UpdateTable input checks and the description parts they produce.

Messages follow DynamoDB's (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
and the ValidationException texts the service returns)."""

from __future__ import annotations

import re
from typing import Any

from cloudlet.services.dynamodb.errors import constraint, invalid, validation

NAME = re.compile(r"^[a-zA-Z0-9_.-]+$")
MAX_GSI = 20  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
MAX_LSI = 5
MAX_CAPACITY = 1_000_000_000_000
STREAM_VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")
PROJECTION_TYPES = ("ALL", "KEYS_ONLY", "INCLUDE")
MAX_PROJECTED = 100  # NonKeyAttributes across all of a table's indexes


def check_table_name(name: Any, member: str = "tableName") -> str:
    if not isinstance(name, str) or not name:
        raise validation("The parameter 'TableName' is required but was not present in the request")
    if len(name) < 3 or len(name) > 255:
        raise validation("TableName must be at least 3 characters long and at most 255 characters long")
    if not NAME.match(name):
        raise constraint(name, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    return name


def check_index_name(name: Any, member: str) -> str:
    if not isinstance(name, str) or not name:
        raise constraint(None, member, "Member must not be null")
    if len(name) < 3:
        raise constraint(name, member, "Member must have length greater than or equal to 3")
    if len(name) > 255:
        raise constraint(name, member, "Member must have length less than or equal to 255")
    if not NAME.match(name):
        raise constraint(name, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    return name


def attribute_types(definitions: Any) -> dict[str, str]:
    if not isinstance(definitions, list) or not definitions:
        raise validation(
            "The parameter 'AttributeDefinitions' is required but was not present in the request"
        )
    types: dict[str, str] = {}
    for number, definition in enumerate(definitions, 1):
        kind = definition.get("AttributeType")
        if kind not in ("S", "N", "B"):
            raise constraint(
                kind,
                f"attributeDefinitions.{number}.member.attributeType",
                "Member must satisfy enum value set: [B, N, S]",
            )
        name = definition.get("AttributeName")
        if name in types:
            raise invalid(f"Duplicate AttributeName in AttributeDefinitions: {name}")  # nosec: wording
        types[str(name)] = kind
    return types


def check_key_schema(schema: Any, types: dict[str, str], index: str | None = None) -> list[dict[str, str]]:
    """A KeySchema: HASH first, optional RANGE second, every attribute defined."""
    if not isinstance(schema, list) or not schema:
        raise validation("The parameter 'KeySchema' is required but was not present in the request")
    if len(schema) > 2:
        raise constraint(schema, "keySchema", "Member must have length less than or equal to 2")
    names = [str(element.get("AttributeName")) for element in schema]
    missing = [n for n in names if n not in types]
    if missing:
        raise invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(names)}], AttributeDefinitions: [{', '.join(types)}]"
        )
    if len(names) == 2 and names[0] == names[1]:
        raise validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
    if schema[0].get("KeyType") != "HASH":
        raise validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(schema) == 2 and schema[1].get("KeyType") != "RANGE":
        raise validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
    return [{"AttributeName": n, "KeyType": e["KeyType"]} for n, e in zip(names, schema, strict=True)]


def check_projection(projection: Any, index: str) -> dict[str, Any]:
    if not isinstance(projection, dict):
        raise invalid("Unknown ProjectionType: null")
    kind = projection.get("ProjectionType")
    if kind is None:
        raise invalid("Unknown ProjectionType: null")
    if kind not in PROJECTION_TYPES:
        raise invalid(f"Unknown ProjectionType: {kind}")
    non_key = projection.get("NonKeyAttributes")
    if non_key is not None and kind != "INCLUDE":
        raise invalid(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    if kind == "INCLUDE" and not non_key:
        raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    result: dict[str, Any] = {"ProjectionType": kind}
    if non_key:
        result["NonKeyAttributes"] = list(non_key)
    return result


def check_throughput(throughput: Any, billing: str, index: str | None = None) -> dict[str, int] | None:
    """The provisioned throughput to record, or None for on-demand."""
    if billing == "PAY_PER_REQUEST":
        if throughput:
            if index is not None:
                raise invalid(
                    f"ProvisionedThroughput should not be specified for index: {index} "
                    "when BillingMode is PAY_PER_REQUEST"
                )
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        return None
    if not throughput or not throughput.get("ReadCapacityUnits") or not throughput.get("WriteCapacityUnits"):
        if index is not None:
            raise invalid(f"ProvisionedThroughput must be specified for index: {index}")
        raise invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )
    read, write = int(throughput["ReadCapacityUnits"]), int(throughput["WriteCapacityUnits"])
    for value, name in ((read, "ReadCapacityUnits"), (write, "WriteCapacityUnits")):
        if value < 1:
            raise constraint(
                value,
                f"provisionedThroughput.{name[0].lower()}{name[1:]}",
                "Member must have value greater than or equal to 1",
            )
        if value > MAX_CAPACITY:
            raise validation(f"Given value {value} for {name} is out of bounds")
    return {"ReadCapacityUnits": read, "WriteCapacityUnits": write}


def throughput_description(throughput: dict[str, int] | None) -> dict[str, Any]:
    base = throughput or {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    return {"NumberOfDecreasesToday": 0, **base}


def check_billing_mode(mode: Any) -> str:
    if mode is None:
        return "PROVISIONED"
    if mode not in ("PROVISIONED", "PAY_PER_REQUEST"):
        raise constraint(
            mode, "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"
        )
    return str(mode)


def check_stream_spec(spec: Any) -> dict[str, Any] | None:
    """A StreamSpecification -> {"StreamEnabled": bool, "StreamViewType"?}, or None if absent."""
    if spec is None:
        return None
    enabled = spec.get("StreamEnabled")
    if enabled is None:
        raise invalid("StreamEnabled is required in StreamSpecification")  # the model marks it required
    view = spec.get("StreamViewType")
    if enabled:
        if view is None:
            raise validation(
                "StreamSpecification.StreamViewType must be specified when StreamEnabled is true"
            )
        if view not in STREAM_VIEW_TYPES:
            raise constraint(
                view,
                "streamSpecification.streamViewType",
                "Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]",
            )
        return {"StreamEnabled": True, "StreamViewType": view}
    if view is not None:
        raise validation(
            "StreamSpecification.StreamViewType can only be specified when StreamEnabled is true"
        )
    return {"StreamEnabled": False}


def sse_description(spec: Any, region: str, account: str) -> dict[str, Any] | None:
    if not spec or not spec.get("Enabled"):
        return None
    key = spec.get("KMSMasterKeyId") or "alias/aws/dynamodb"
    if not str(key).startswith("arn:"):
        key = (
            f"arn:aws:kms:{region}:{account}:key/{key}"
            if not str(key).startswith("alias/")
            else (f"arn:aws:kms:{region}:{account}:{key}")
        )
    return {"Status": "ENABLED", "SSEType": spec.get("SSEType") or "KMS", "KMSMasterKeyArn": key}


def global_index(
    spec: dict[str, Any], types: dict[str, str], billing: str, table_arn: str, number: int
) -> dict[str, Any]:
    name = check_index_name(spec.get("IndexName"), f"globalSecondaryIndexes.{number}.member.indexName")
    schema = check_key_schema(spec.get("KeySchema"), types, name)
    projection = check_projection(spec.get("Projection"), name)
    throughput = check_throughput(spec.get("ProvisionedThroughput"), billing, name)
    return {
        "IndexName": name,
        "KeySchema": schema,
        "Projection": projection,
        "IndexStatus": "ACTIVE",
        "ProvisionedThroughput": throughput_description(throughput),
        "IndexArn": f"{table_arn}/index/{name}",
    }


def local_index(
    spec: dict[str, Any],
    types: dict[str, str],
    table_schema: list[dict[str, str]],
    table_arn: str,
    number: int,
) -> dict[str, Any]:
    name = check_index_name(spec.get("IndexName"), f"localSecondaryIndexes.{number}.member.indexName")
    schema = check_key_schema(spec.get("KeySchema"), types, name)
    if len(table_schema) != 2:
        raise invalid(
            "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
        )
    if len(schema) != 2:
        raise invalid(f"Index KeySchema does not have a range key for index: {name}")
    if schema[0]["AttributeName"] != table_schema[0]["AttributeName"]:
        raise invalid(
            "Index KeySchema does not have the same leading hash key as table KeySchema for index: "
            f"{name}. index hash key: {schema[0]['AttributeName']}, table hash key: {table_schema[0]['AttributeName']}"
        )
    projection = check_projection(spec.get("Projection"), name)
    return {
        "IndexName": name,
        "KeySchema": schema,
        "Projection": projection,
        "IndexArn": f"{table_arn}/index/{name}",
    }


def check_attribute_use(types: dict[str, str], description: dict[str, Any]) -> None:
    """Every defined attribute must be a key of the table or of an index."""
    used = {e["AttributeName"] for e in description["KeySchema"]}
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in description.get(kind) or ():
            used |= {e["AttributeName"] for e in index["KeySchema"]}
    if set(types) - used:
        if not description.get("GlobalSecondaryIndexes") and not description.get("LocalSecondaryIndexes"):
            raise invalid(
                "Number of attributes in KeySchema does not exactly match number of attributes defined in "
                "AttributeDefinitions"
            )
        raise invalid(
            "Some AttributeDefinitions are not used. AttributeDefinitions: "
            f"[{', '.join(types)}], keys used: [{', '.join(sorted(used))}]"
        )
    projected = 0
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in description.get(kind) or ():
            projected += len(index["Projection"].get("NonKeyAttributes") or ())
    if projected > MAX_PROJECTED:
        raise invalid(
            f"The number of projected attributes in all indexes exceeds the limit of {MAX_PROJECTED}"
        )


def check_tags(tags: Any) -> list[dict[str, str]]:
    if tags is None:
        return []
    checked = []
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value")
        if not key or len(key) > 128:
            raise validation("One or more parameter values were invalid: The tag key is invalid")
        if value is None or len(value) > 256:
            raise validation("One or more parameter values were invalid: The tag value is invalid")
        checked.append({"Key": str(key), "Value": str(value)})
    return checked
