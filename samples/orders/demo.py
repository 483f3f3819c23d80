"""Run the orders sample against a running cloudlet server, start to finish:

    python samples/orders/demo.py [--endpoint http://127.0.0.1:4566]

Deploys the committed cloud assembly (no node needed) and runs the simulator with seed 7:
20 orders, 3 of them priced "err". The processor stores the 17 good ones and fails only the
3 bad ones (their reasons in its log); the virtual clock moves three visibility timeouts and
SQS moves them to orders-dl-queue after 3 receives. Then the fix (a deploy with
RepriceFromCatalog=true) and a message move task: all 20 orders are stored. The table is
emptied first when an earlier run left orders in it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from cloudlet.cli.demo_support import Progress, Report, Session, drive, script

HERE = Path(__file__).resolve().parent
SYSTEM = "orders"
TITLE = "orders through SQS to DynamoDB, bad ones dead-lettered and redriven after a fix"
STACK = "OrdersStack"
SEED = 7  # 20 orders, 3 of them with price_per_item "err"
VISIBILITY = 60  # the stack's: six times the processor's 10 s timeout
RECEIVES = 3  # the redrive policy's maxReceiveCount


def stored(session: Session, table: str) -> dict[int, dict[str, Any]]:
    return {
        int(item["id"]["N"]): {
            key: Decimal(value["N"]) if "N" in value else value.get("S")
            for key, value in item.items()
            if key != "id"
        }
        for item in session.scan(table)
    }


def rejections(session: Session, function_name: str) -> dict[int, str]:
    """The reason the processor logged for each order it rejected (the latest per order)."""
    reasons: dict[int, str] = {}
    for line in session.log_lines(function_name):
        if '"rejected"' not in line or "{" not in line:
            continue
        reason = str(json.loads(line[line.index("{") :])["rejected"])
        words = reason.split(":", 1)[0].split()
        if len(words) == 2 and words[0] == "order" and words[1].isdigit():
            reasons[int(words[1])] = reason
    return reasons


def drive_orders(session: Session, report: Report) -> None:
    session.progress(f"deploying {STACK}")
    outputs = session.deploy(HERE / "cdk.out", STACK)
    table, queue_url, dead_url = (
        outputs["OrdersTableName"],
        outputs["OrdersQueueUrl"],
        outputs["DeadLetterQueueUrl"],
    )
    leftovers = session.scan(table)
    if leftovers:
        session.progress(f"emptying table {table} (orders of an earlier run)")
        for item in leftovers:
            session.client("dynamodb").delete_item(TableName=table, Key={"id": item["id"]})
    lambda_ = session.client("lambda")
    variables = lambda_.get_function_configuration(FunctionName=outputs["ProcessorFunctionName"])[
        "Environment"
    ]["Variables"]
    catalog = {item: Decimal(price) for item, price in json.loads(variables["CATALOG"]).items()}

    session.progress(f"running the simulator (seed {SEED})")
    answer = lambda_.invoke(FunctionName=outputs["SimulatorFunctionName"], Payload=json.dumps({"seed": SEED}))
    run = json.loads(answer["Payload"].read())
    if answer.get("FunctionError"):
        report.problems.append(f"the simulator failed: {run}")
        return
    ids, bad = list(run["order_ids"]), list(run["invalid_order_ids"])
    good = [order_id for order_id in ids if order_id not in bad]
    report.expect("orders sent", run["sent"], 20)
    report.expect("orders priced 'err'", len(bad), 3)
    report.check(session.settle(), "the server did not settle after the orders were sent")

    orders = stored(session, table)
    report.add(f"simulator (seed {SEED}): {run['sent']} orders sent, {len(bad)} of them priced 'err'")
    report.add(f"items written to {table}: {len(orders)} (price from the order)")
    report.expect("orders stored", sorted(orders), sorted(good))
    for order_id, order in orders.items():
        price = catalog.get(str(order.get("item")))
        report.check(
            order.get("price_source") == "order" and order.get("price_per_item") == price,
            f"order {order_id} stored as {order}",
        )
    report.expect("orders queue (visible, in flight)", session.queue_counts(queue_url), (0, len(bad)))

    session.progress(
        f"advancing the clock {RECEIVES} visibility timeouts ({RECEIVES} receives, then the DLQ)"
    )
    for _ in range(RECEIVES):
        session.advance(VISIBILITY)
        report.check(session.settle(), "the server did not settle after the clock moved")
    report.expect("orders queue (visible, in flight)", session.queue_counts(queue_url), (0, 0))
    dead = [json.loads(message["Body"]) for message in session.peek(dead_url)]
    reasons = rejections(session, outputs["ProcessorFunctionName"])
    report.add(f"dead-letter queue after {RECEIVES} receives: {len(dead)} message(s)")
    for order in sorted(dead, key=lambda o: o.get("id", 0)):
        reason = reasons.get(order.get("id"), "(no reason logged)").split(": ", 1)[-1]
        report.add(
            f"  order {order.get('id')} ({order.get('item')}, price {order.get('price_per_item')!r}): {reason}"
        )
    report.expect(
        "dead-lettered orders", sorted(o.get("id") for o in dead if o.get("id") in ids), sorted(bad)
    )
    for order_id in bad:
        report.expect(
            f"reason logged for order {order_id}",
            reasons.get(order_id),
            f"order {order_id}: price_per_item 'err' is not a price",
        )

    session.progress(f"the fix: deploying {STACK} with RepriceFromCatalog=true")
    session.deploy(HERE / "cdk.out", STACK, {"RepriceFromCatalog": "true"})
    session.progress("redriving the dead-letter queue (a message move task)")
    sqs = session.client("sqs")
    sqs.start_message_move_task(SourceArn=outputs["DeadLetterQueueArn"])
    report.check(session.settle(), "the server did not settle after the redrive")
    tasks = sqs.list_message_move_tasks(SourceArn=outputs["DeadLetterQueueArn"])["Results"]
    task = tasks[0] if tasks else {}  # the most recent first
    moved = task.get("ApproximateNumberOfMessagesMoved")
    report.add(
        f"fix deployed (RepriceFromCatalog=true); the move task {task.get('Status')}: {moved} moved back"
    )
    report.expect("move task status", task.get("Status"), "COMPLETED")
    report.expect("messages moved back", moved, len(dead))

    orders = stored(session, table)
    repriced = sorted(i for i, order in orders.items() if order.get("price_source") == "catalog")
    report.add(f"items in {table} now: {len(orders)} ({len(repriced)} priced from the catalog)")
    report.expect("orders stored after the redrive", sorted(orders), sorted(ids))
    report.expect("orders priced from the catalog", repriced, sorted(bad))
    report.expect("dead-letter queue (visible, in flight)", session.queue_counts(dead_url), (0, 0))
    report.expect("orders queue (visible, in flight)", session.queue_counts(queue_url), (0, 0))


def run(endpoint: str, progress: Progress = print) -> Report:
    return drive(SYSTEM, TITLE, endpoint, progress, drive_orders)


if __name__ == "__main__":
    script(run, __doc__)
