"""Write the orders received from SQS to the orders table; fail only the bad ones.

Batches of up to 10 come from the orders queue with ReportBatchItemFailures: a valid order
is written (a put keyed by its id, so a redelivery rewrites the same item) and an invalid
one is reported as failed, with its reason logged. Only the failed messages are received
again; after 3 receives SQS moves them to orders-dl-queue.

With REPRICE_FROM_CATALOG=true (the fix, see the README) an order whose price_per_item is
not a number is priced from the catalog instead of failing; redriving the dead-letter queue
then completes those orders.
"""

from __future__ import annotations

import json
import logging
import os
from decimal import Decimal
from typing import Any, TypeGuard

import boto3

log = logging.getLogger()
log.setLevel(logging.INFO)

dynamodb = boto3.client("dynamodb")


class InvalidOrder(ValueError):
    pass


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    catalog = {item: Decimal(price) for item, price in json.loads(os.environ.get("CATALOG", "{}")).items()}
    reprice = os.environ.get("REPRICE_FROM_CATALOG", "false").lower() == "true"
    failures = []
    for record in event["Records"]:
        try:
            item = order_item(record["body"], catalog, reprice)
            dynamodb.put_item(TableName=os.environ["ORDERS_TABLE"], Item=item)
            log.info(json.dumps({"order_id": int(item["id"]["N"]), "stored": item["price_source"]["S"]}))
        except InvalidOrder as error:
            log.error(json.dumps({"message_id": record["messageId"], "rejected": str(error)}))
            failures.append({"itemIdentifier": record["messageId"]})
        except Exception:
            log.exception("message %s failed; it will be retried", record["messageId"])
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def order_item(body: str, catalog: dict[str, Decimal], reprice: bool) -> dict[str, Any]:
    try:
        order = json.loads(body, parse_float=Decimal)
    except ValueError as error:
        raise InvalidOrder(f"body is not JSON ({error})") from None
    if not isinstance(order, dict):
        raise InvalidOrder("body is not a JSON object")
    order_id = order.get("id")
    if not is_whole(order_id) or order_id < 1:
        raise InvalidOrder(f"id {order_id!r} is not a positive whole number")
    item = order.get("item")
    if not isinstance(item, str) or not item:
        raise InvalidOrder(f"order {order_id}: item is missing")
    quantity = order.get("quantity")
    if not is_whole(quantity) or quantity < 1:
        raise InvalidOrder(f"order {order_id}: quantity {quantity!r} is not a positive whole number")
    price = order.get("price_per_item")
    source = "order"
    if not is_number(price) or price < 0:
        if not (reprice and item in catalog):
            raise InvalidOrder(f"order {order_id}: price_per_item {price!r} is not a price")
        price, source = catalog[item], "catalog"
    return {
        "id": {"N": str(order_id)},
        "customer_id": {"S": str(order.get("customer_id", ""))},
        "item": {"S": item},
        "quantity": {"N": str(quantity)},
        "price_per_item": {"N": str(price)},
        "total": {"N": str(price * quantity)},
        "price_source": {"S": source},
    }


def is_whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[int | Decimal]:
    if isinstance(value, Decimal):
        return value.is_finite()
    return is_whole(value)
