"""Send simulated customer orders to the orders queue: 20 by default, some with the
malformed price_per_item "err" that the processor rejects.

The event may fix the run: {"count": 20, "error_rate": 0.15, "seed": 7}. With a seed the
same orders (ids, items, which ones are bad) come out every time, so a test can assert
exact counts; without one a seed is drawn and returned, so any run can be replayed.
Order ids are distinct within a run (the seed's random ids could repeat and overwrite).
"""

from __future__ import annotations

import json
import logging
import os
import random
from decimal import Decimal
from typing import Any

import boto3

log = logging.getLogger()
log.setLevel(logging.INFO)

BATCH = 10  # SendMessageBatch takes at most 10 entries
MAX_ORDERS = 1000

sqs = boto3.client("sqs")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    count = int(event.get("count", 20))
    error_rate = float(event.get("error_rate", 0.15))
    if not 1 <= count <= MAX_ORDERS:
        raise ValueError(f"count must be between 1 and {MAX_ORDERS}")
    if not 0 <= error_rate <= 1:
        raise ValueError("error_rate must be between 0 and 1")
    seed = event.get("seed")
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    catalog = {item: Decimal(price) for item, price in json.loads(os.environ["CATALOG"]).items()}
    orders = simulate(count, error_rate, int(seed), catalog)
    queue_url = os.environ["ORDERS_QUEUE_URL"]
    for start in range(0, len(orders), BATCH):
        chunk = orders[start : start + BATCH]
        entries = [{"Id": str(order["id"]), "MessageBody": json.dumps(order)} for order in chunk]
        result = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        if result.get("Failed"):
            raise RuntimeError(f"orders not sent: {result['Failed']}")
    invalid = [order["id"] for order in orders if order["price_per_item"] == "err"]
    log.info(json.dumps({"seed": seed, "sent": len(orders), "invalid": len(invalid)}))
    return {
        "seed": seed,
        "sent": len(orders),
        "order_ids": [order["id"] for order in orders],
        "invalid_order_ids": invalid,
    }


def simulate(count: int, error_rate: float, seed: int, catalog: dict[str, Decimal]) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    items = sorted(catalog)
    orders = []
    for order_id in rng.sample(range(1, 10**12), count):
        item = rng.choice(items)
        bad = rng.random() < error_rate
        orders.append(
            {
                "id": order_id,
                "customer_id": f"C-{rng.randint(1, 500):04d}",
                "item": item,
                "quantity": rng.randint(1, 5),
                # A JSON number, read back exactly with parse_float=Decimal.
                "price_per_item": "err" if bad else float(catalog[item]),
            }
        )
    return orders
