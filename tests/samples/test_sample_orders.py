"""samples/orders end to end: the simulator sends 20 orders (seeded, so 3 of them carry
price_per_item "err"); the processor stores the 17 good ones in table orders and fails only
the 3 bad ones, which orders-dl-queue holds after 3 receives; once the processor is fixed
(repricing from the catalog), a message move task redrives them and all 20 are stored."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from samples_support import (
    assert_assembly_in_step,
    assert_cfn_lint_clean,
    assert_sqs_mapping,
    create_function,
    create_queue,
    create_table,
    deploy,
    log_messages,
    map_queue,
    peek,
    queue_counts,
    redrive_policy,
    scan_all,
)

from harness import Server

SAMPLE = "orders"
VISIBILITY = 60  # the stack's: six times the processor's 10 s timeout
SEED = 7  # 20 orders, 3 of them with price_per_item "err"
CATALOG = {"doohickey": "12.25", "gadget": "4.50", "gizmo": "129.00", "sprocket": "0.75", "widget": "19.99"}


def build_directly(server: Server) -> dict[str, str]:
    """The stack's resources, made with boto3 from the sample's handlers; named like its Outputs."""
    dead_url, dead_arn = create_queue(server, "orders-dl-queue", MessageRetentionPeriod=str(14 * 86400))
    queue_url, queue_arn = create_queue(
        server, "orders-queue", VisibilityTimeout=str(VISIBILITY), RedrivePolicy=redrive_policy(dead_arn, 3)
    )
    create_table(server, "orders", [("id", "N")])
    catalog = json.dumps(CATALOG, sort_keys=True)
    env = {"ORDERS_QUEUE_URL": queue_url, "CATALOG": catalog}
    create_function(server, SAMPLE, "order_simulator", "order-simulator", env, timeout=30)
    env = {"ORDERS_TABLE": "orders", "CATALOG": catalog, "REPRICE_FROM_CATALOG": "false"}
    create_function(server, SAMPLE, "order_processor", "order-processor", env, timeout=10)
    map_queue(server, queue_arn, "order-processor")
    server.settle()
    return {
        "OrdersQueueUrl": queue_url,
        "OrdersQueueArn": queue_arn,
        "DeadLetterQueueUrl": dead_url,
        "DeadLetterQueueArn": dead_arn,
        "OrdersTableName": "orders",
        "SimulatorFunctionName": "order-simulator",
        "ProcessorFunctionName": "order-processor",
    }


@pytest.fixture(params=["cdk.out", "boto3"])
def stack(request: pytest.FixtureRequest, server: Server) -> dict[str, str]:
    if request.param == "cdk.out":
        return {**deploy(server, SAMPLE, "OrdersStack"), "via": "cdk.out"}
    return build_directly(server)


@pytest.fixture
def built(server: Server) -> dict[str, str]:
    return build_directly(server)


def simulate(server: Server, stack: dict[str, str], **event: Any) -> dict[str, Any]:
    result = server.client("lambda").invoke(
        FunctionName=stack["SimulatorFunctionName"], Payload=json.dumps(event).encode()
    )
    assert "FunctionError" not in result, result["Payload"].read()
    return dict(json.loads(result["Payload"].read()))


def stored(server: Server, stack: dict[str, str]) -> dict[int, dict[str, Any]]:
    orders = {}
    for item in scan_all(server, stack["OrdersTableName"]):
        orders[int(item["id"]["N"])] = {
            key: Decimal(value["N"]) if "N" in value else value["S"]
            for key, value in item.items()
            if key != "id"
        }
    return orders


def fix_processor(server: Server, stack: dict[str, str]) -> None:
    """The deployed stack: `cloudlet deploy cdk.out --parameters RepriceFromCatalog=true`, as
    `cdk deploy --parameters ...` on AWS. Built directly: the variable that parameter sets."""
    if stack.get("via") == "cdk.out":
        deploy(server, SAMPLE, "OrdersStack", parameters={"RepriceFromCatalog": "true"})
        return
    lambda_ = server.client("lambda")
    name = stack["ProcessorFunctionName"]
    variables = lambda_.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    lambda_.update_function_configuration(
        FunctionName=name, Environment={"Variables": {**variables, "REPRICE_FROM_CATALOG": "true"}}
    )
    assert server.settle()


def redrive(server: Server, stack: dict[str, str]) -> dict[str, Any]:
    """StartMessageMoveTask from the DLQ back to its source queue; the finished task."""
    sqs = server.client("sqs")
    sqs.start_message_move_task(SourceArn=stack["DeadLetterQueueArn"])
    assert server.settle()
    [task] = sqs.list_message_move_tasks(SourceArn=stack["DeadLetterQueueArn"])["Results"]
    return dict(task)


def test_bad_orders_land_in_the_dlq_and_are_redriven_after_the_fix(
    server: Server, stack: dict[str, str]
) -> None:
    assert_sqs_mapping(server, stack["ProcessorFunctionName"], stack["OrdersQueueUrl"], max_receives=3)
    assert stack["OrdersQueueUrl"].endswith("/orders-queue") and stack["OrdersTableName"] == "orders"
    run = simulate(server, stack, seed=SEED)
    assert run["seed"] == SEED and run["sent"] == 20
    ids, bad = run["order_ids"], run["invalid_order_ids"]
    assert len(set(ids)) == 20 and len(bad) == 3
    good = [order_id for order_id in ids if order_id not in bad]
    assert server.settle()

    # The 17 good orders are stored; only the 3 bad ones are failed, and stay in flight.
    orders = stored(server, stack)
    assert sorted(orders) == sorted(good)
    for order in orders.values():
        assert order["price_source"] == "order"
        assert order["price_per_item"] == Decimal(CATALOG[order["item"]])
        assert order["total"] == order["price_per_item"] * order["quantity"]
    assert queue_counts(server, stack["OrdersQueueUrl"]) == (0, 3)
    rejected = [line for line in log_messages(server, stack["ProcessorFunctionName"]) if '"rejected"' in line]
    reasons = sorted(json.loads(line[line.index("{") :])["rejected"] for line in rejected)
    assert reasons == sorted(f"order {order_id}: price_per_item 'err' is not a price" for order_id in bad)

    # Received again a visibility timeout later, twice; the next receive moves them (3 receives).
    for _ in range(3):
        server.advance(VISIBILITY)
        assert server.settle()
    assert queue_counts(server, stack["OrdersQueueUrl"]) == (0, 0)
    dead = peek(server, stack["DeadLetterQueueUrl"])
    assert sorted(json.loads(m["Body"])["id"] for m in dead) == sorted(bad)
    assert {json.loads(m["Body"])["price_per_item"] for m in dead} == {"err"}
    assert {m["Attributes"]["DeadLetterQueueSourceArn"] for m in dead} == {stack["OrdersQueueArn"]}
    assert sorted(stored(server, stack)) == sorted(good)

    # The fix, then the redrive: the three come back to orders-queue and are stored.
    fix_processor(server, stack)
    task = redrive(server, stack)
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    orders = stored(server, stack)
    assert sorted(orders) == sorted(ids)
    assert sorted(i for i, order in orders.items() if order["price_source"] == "catalog") == sorted(bad)
    for order_id in bad:
        order = orders[order_id]
        assert order["price_per_item"] == Decimal(CATALOG[order["item"]])
    assert queue_counts(server, stack["DeadLetterQueueUrl"]) == (0, 0)
    assert queue_counts(server, stack["OrdersQueueUrl"]) == (0, 0)


def test_a_redrive_before_the_fix_fails_them_again(server: Server, built: dict[str, str]) -> None:
    run = simulate(server, built, seed=SEED)
    assert server.settle()
    for _ in range(3):
        server.advance(VISIBILITY)
        assert server.settle()
    assert queue_counts(server, built["DeadLetterQueueUrl"]) == (3, 0)

    task = redrive(server, built)
    assert task["Status"] == "COMPLETED" and task["ApproximateNumberOfMessagesMoved"] == 3
    assert queue_counts(server, built["OrdersQueueUrl"]) == (0, 3)  # failed again, in flight
    for _ in range(3):
        server.advance(VISIBILITY)
        assert server.settle()
    dead = peek(server, built["DeadLetterQueueUrl"])
    assert sorted(json.loads(m["Body"])["id"] for m in dead) == sorted(run["invalid_order_ids"])
    assert len(stored(server, built)) == 17


def test_a_seeded_run_is_repeatable_and_redelivery_rewrites_the_same_orders(
    server: Server, built: dict[str, str]
) -> None:
    first = simulate(server, built, seed=SEED)
    again = simulate(server, built, seed=SEED)
    assert first == again
    unseeded = simulate(server, built, count=5, error_rate=0)
    assert unseeded["sent"] == 5 and unseeded["invalid_order_ids"] == []
    assert simulate(server, built, seed=unseeded["seed"], count=5, error_rate=0) == unseeded
    assert server.settle()
    assert len(stored(server, built)) == 17 + 5  # the same 17 ids written twice are 17 items


def test_the_simulator_refuses_a_bad_event(server: Server, built: dict[str, str]) -> None:
    result = server.client("lambda").invoke(
        FunctionName=built["SimulatorFunctionName"], Payload=json.dumps({"count": 0}).encode()
    )
    assert result["FunctionError"] == "Unhandled"
    error = json.loads(result["Payload"].read())
    assert error["errorType"] == "ValueError"
    assert error["errorMessage"] == "count must be between 1 and 1000"
    assert queue_counts(server, built["OrdersQueueUrl"]) == (0, 0)


def test_committed_assembly_is_in_step_with_the_app(tmp_path: Path) -> None:
    assert_assembly_in_step(SAMPLE, tmp_path)


def test_templates_pass_cfn_lint() -> None:
    assert_cfn_lint_clean(SAMPLE)
