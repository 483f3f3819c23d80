"""The orders stack: a simulator Lambda -> orders-queue -> processor Lambda -> table orders;
bad orders -> orders-dl-queue after 3 receives, redriven once the processor is fixed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

HANDLERS = Path(__file__).parent / "handlers"
RUNTIME = lambda_.Runtime.PYTHON_3_14
PROCESSOR_TIMEOUT = Duration.seconds(10)
# List prices: what the simulator orders, and what the fixed processor charges for an
# order whose price_per_item is unusable.
CATALOG = {"doohickey": "12.25", "gadget": "4.50", "gizmo": "129.00", "sprocket": "0.75", "widget": "19.99"}


def handler_code(name: str) -> lambda_.Code:
    return lambda_.Code.from_asset(str(HANDLERS / name), exclude=["__pycache__", "*.pyc"])


class OrdersStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        reprice = CfnParameter(
            self,
            "RepriceFromCatalog",
            type="String",
            allowed_values=["false", "true"],
            default="false",
            description="true: the processor prices orders whose price_per_item is not a number from the catalog",
        )
        dead_letters = sqs.Queue(
            self,
            "OrdersDeadLetterQueue",
            queue_name="orders-dl-queue",
            retention_period=Duration.days(14),
            removal_policy=RemovalPolicy.DESTROY,
        )
        orders_queue = sqs.Queue(
            self,
            "OrdersQueue",
            queue_name="orders-queue",
            visibility_timeout=Duration.seconds(6 * PROCESSOR_TIMEOUT.to_seconds()),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dead_letters),
            removal_policy=RemovalPolicy.DESTROY,
        )
        table = dynamodb.Table(
            self,
            "OrdersTable",
            table_name="orders",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.NUMBER),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            removal_policy=RemovalPolicy.DESTROY,
        )
        catalog = json.dumps(CATALOG, sort_keys=True)

        simulator = lambda_.Function(
            self,
            "OrderSimulator",
            runtime=RUNTIME,
            handler="app.handler",
            code=handler_code("order_simulator"),
            timeout=Duration.seconds(30),
            environment={"ORDERS_QUEUE_URL": orders_queue.queue_url, "CATALOG": catalog},
        )
        orders_queue.grant_send_messages(simulator)

        processor = lambda_.Function(
            self,
            "OrderProcessor",
            runtime=RUNTIME,
            handler="app.handler",
            code=handler_code("order_processor"),
            timeout=PROCESSOR_TIMEOUT,
            environment={
                "ORDERS_TABLE": table.table_name,
                "CATALOG": catalog,
                "REPRICE_FROM_CATALOG": reprice.value_as_string,
            },
        )
        table.grant_write_data(processor)
        processor.add_event_source(
            sources.SqsEventSource(
                orders_queue,
                batch_size=10,
                max_batching_window=Duration.seconds(0),
                report_batch_item_failures=True,
            )
        )

        outputs = {
            "OrdersQueueUrl": orders_queue.queue_url,
            "OrdersQueueArn": orders_queue.queue_arn,
            "DeadLetterQueueUrl": dead_letters.queue_url,
            "DeadLetterQueueArn": dead_letters.queue_arn,
            "OrdersTableName": table.table_name,
            "SimulatorFunctionName": simulator.function_name,
            "ProcessorFunctionName": processor.function_name,
        }
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)
