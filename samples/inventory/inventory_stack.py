"""The inventory stack: S3 upload -> parser Lambda -> SQS -> updater Lambda -> DynamoDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs
from constructs import Construct

HANDLERS = Path(__file__).parent / "handlers"
RUNTIME = lambda_.Runtime.PYTHON_3_14
MAX_RECEIVES = 5
UPDATER_TIMEOUT = Duration.seconds(30)


def handler_code(name: str) -> lambda_.Code:
    return lambda_.Code.from_asset(str(HANDLERS / name), exclude=["__pycache__", "*.pyc"])


class InventoryStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Versioned, so the parser reads exactly the upload it was told about.
        bucket = s3.Bucket(
            self,
            "UploadsBucket",
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        dead_letters = sqs.Queue(
            self,
            "UpdatesDeadLetterQueue",
            retention_period=Duration.days(14),
            removal_policy=RemovalPolicy.DESTROY,
        )
        updates = sqs.Queue(
            self,
            "UpdatesQueue",
            # AWS recommends six times the consumer's timeout, so a throttled batch is not
            # received again while it is still being worked on.
            visibility_timeout=Duration.seconds(6 * UPDATER_TIMEOUT.to_seconds()),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=MAX_RECEIVES, queue=dead_letters),
            removal_policy=RemovalPolicy.DESTROY,
        )
        inventory = dynamodb.Table(
            self,
            "InventoryTable",
            partition_key=dynamodb.Attribute(name="product_id", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="location", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            removal_policy=RemovalPolicy.DESTROY,
        )
        processed = dynamodb.Table(
            self,
            "ProcessedUpdatesTable",
            partition_key=dynamodb.Attribute(name="update_id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute="expires_at",
            removal_policy=RemovalPolicy.DESTROY,
        )

        parser = lambda_.Function(
            self,
            "CsvParser",
            runtime=RUNTIME,
            handler="app.handler",
            code=handler_code("csv_parser"),
            timeout=Duration.seconds(60),
            memory_size=256,
            environment={
                "UPDATES_QUEUE_URL": updates.queue_url,
                "DEAD_LETTER_QUEUE_URL": dead_letters.queue_url,
            },
            # An upload whose invocation still fails after Lambda's two retries (S3 or SQS
            # unreachable) is kept: its S3 event, with ErrorCode and ErrorMessage attributes.
            dead_letter_queue=dead_letters,
        )
        bucket.grant_read(parser)
        updates.grant_send_messages(parser)
        dead_letters.grant_send_messages(parser)
        bucket.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.LambdaDestination(parser),
            s3.NotificationKeyFilter(suffix=".csv"),
        )

        updater = lambda_.Function(
            self,
            "InventoryUpdater",
            runtime=RUNTIME,
            handler="app.handler",
            code=handler_code("inventory_updater"),
            timeout=UPDATER_TIMEOUT,
            environment={
                "INVENTORY_TABLE": inventory.table_name,
                "PROCESSED_TABLE": processed.table_name,
                "DEAD_LETTER_QUEUE_URL": dead_letters.queue_url,
            },
        )
        inventory.grant_read_write_data(updater)
        processed.grant_read_write_data(updater)
        dead_letters.grant_send_messages(updater)
        updater.add_event_source(
            sources.SqsEventSource(
                updates,
                batch_size=10,
                max_batching_window=Duration.seconds(0),
                report_batch_item_failures=True,
            )
        )

        outputs = {
            "BucketName": bucket.bucket_name,
            "UpdatesQueueUrl": updates.queue_url,
            "DeadLetterQueueUrl": dead_letters.queue_url,
            "InventoryTableName": inventory.table_name,
            "ProcessedUpdatesTableName": processed.table_name,
            "ParserFunctionName": parser.function_name,
            "UpdaterFunctionName": updater.function_name,
        }
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)
