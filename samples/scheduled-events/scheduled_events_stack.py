"""The scheduled-events stack: an EventBridge rule every minute -> SQS -> Lambda -> DynamoDB,
and the variant: a second rule every minute -> the same Lambda directly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

HANDLERS = Path(__file__).parent / "handlers"
TABLE_NAME = "LambdaTriggeredEvents"  # the name the seed and its readers use
RECORDER_TIMEOUT = Duration.seconds(10)


class ScheduledEventsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        table = dynamodb.Table(
            self,
            "EventsTable",
            table_name=TABLE_NAME,
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            removal_policy=RemovalPolicy.DESTROY,
        )
        dead_letters = sqs.Queue(
            self,
            "EventsDeadLetterQueue",
            retention_period=Duration.days(14),
            removal_policy=RemovalPolicy.DESTROY,
        )
        queue = sqs.Queue(
            self,
            "EventsQueue",
            visibility_timeout=Duration.seconds(6 * RECORDER_TIMEOUT.to_seconds()),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dead_letters),
            removal_policy=RemovalPolicy.DESTROY,
        )

        recorder = lambda_.Function(
            self,
            "EventRecorder",
            runtime=lambda_.Runtime.PYTHON_3_14,
            handler="app.handler",
            code=lambda_.Code.from_asset(str(HANDLERS / "event_recorder"), exclude=["__pycache__", "*.pyc"]),
            timeout=RECORDER_TIMEOUT,
            environment={"TABLE_NAME": table.table_name},
            # Direct (asynchronous) invocations that still fail after Lambda's two retries
            # land here, with the error in the message attributes.
            dead_letter_queue=dead_letters,
        )
        table.grant_write_data(recorder)
        recorder.add_event_source(
            sources.SqsEventSource(
                queue, batch_size=10, max_batching_window=Duration.seconds(0), report_batch_item_failures=True
            )
        )

        # Route 1: the schedule feeds the queue, which buffers events while the function is
        # down or throttled; CDK adds the queue policy that lets EventBridge send.
        to_queue = events.Rule(
            self,
            "EveryMinuteToQueue",
            description="Every minute, a scheduled event into the events queue",
            schedule=events.Schedule.rate(Duration.minutes(1)),
        )
        to_queue.add_target(targets.SqsQueue(queue, dead_letter_queue=dead_letters))
        # Route 2 (the variant): the schedule invokes the function asynchronously; Lambda
        # retries a failed invocation twice.
        to_function = events.Rule(
            self,
            "EveryMinuteToFunction",
            description="Every minute, a scheduled event straight to the recorder function",
            schedule=events.Schedule.rate(Duration.minutes(1)),
        )
        to_function.add_target(
            targets.LambdaFunction(recorder, dead_letter_queue=dead_letters, retry_attempts=2)
        )

        outputs = {
            "TableName": table.table_name,
            "EventsQueueUrl": queue.queue_url,
            "DeadLetterQueueUrl": dead_letters.queue_url,
            "RecorderFunctionName": recorder.function_name,
            "QueueRuleName": to_queue.rule_name,
            "DirectRuleName": to_function.rule_name,
        }
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)
