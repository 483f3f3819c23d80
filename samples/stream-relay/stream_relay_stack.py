"""The stream-relay stack: new DynamoDB items reach a third-party API in per-key order.

table (stream) --INSERT only--> relay fn --> items.fifo (group = partition key,
dedup id = stream eventID) <-- deliver fn <-- EventBridge cron rules; deliver fn reads the
API key from an SSM SecureString the operator creates, POSTs the oldest message and deletes
it only on HTTP 200.
"""

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

HANDLERS = Path(__file__).parent / "handlers"

# When the delivery function runs (UTC). EventBridge cron has six fields and needs `?` in
# exactly one of day-of-month / day-of-week. Every 5 minutes in business hours on weekdays,
# hourly outside them, every two hours at weekends; the three never fire at the same minute.
DELIVERY_SCHEDULES = {
    "BusinessHours": "cron(0/5 8-17 ? * MON-FRI *)",
    "OffHours": "cron(0 0-7,18-23 ? * MON-FRI *)",
    "Weekend": "cron(0 0/2 ? * SAT,SUN *)",
}

# A message whose delivery failed stays in flight this long: its group delivers nothing
# else meanwhile (FIFO), other groups go on, and it is retried by a later run. Longer than
# the function's timeout, and not a multiple of the 5-minute period, so the retry lands
# clearly on the run after next.
VISIBILITY_TIMEOUT = cdk.Duration.minutes(8)


class StreamRelayStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        api_url = cdk.CfnParameter(
            self,
            "ApiUrl",
            type="String",
            default="https://api.example.com/deliveries",
            description="The third-party endpoint each item is POSTed to",
        )
        api_key_name = cdk.CfnParameter(
            self,
            "ApiKeyParameterName",
            type="String",
            default="/stream-relay/api-key",
            # A leading slash: the IAM grant below builds the ARN as "...:parameter" + name.
            allowed_pattern="^/[a-zA-Z0-9_.\\-/]+$",
            description="SSM SecureString holding the API key (create it before the first delivery)",
        )

        table = dynamodb.Table(
            self,
            "Items",
            partition_key=dynamodb.Attribute(name="customer", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="seq", type=dynamodb.AttributeType.NUMBER),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            stream=dynamodb.StreamViewType.NEW_IMAGE,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )

        queue = sqs.Queue(
            self,
            "Deliveries",
            fifo=True,
            content_based_deduplication=False,  # the relay sets the stream record's eventID
            visibility_timeout=VISIBILITY_TIMEOUT,
            retention_period=cdk.Duration.days(14),  # survive a long outage of the API
        )
        # Stream records the relay could not forward before they expired or ran out of retries.
        stream_failures = sqs.Queue(self, "RelayFailures", retention_period=cdk.Duration.days(14))

        relay = lambda_.Function(
            self,
            "Relay",
            runtime=lambda_.Runtime.PYTHON_3_14,
            handler="app.handler",
            code=lambda_.Code.from_asset(str(HANDLERS / "relay")),
            timeout=cdk.Duration.seconds(30),
            environment={"QUEUE_URL": queue.queue_url, "GROUP_KEY": "customer"},
        )
        relay.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=10,
                # Only new items; updates and deletes never reach the function.
                filters=[lambda_.FilterCriteria.filter({"eventName": lambda_.FilterRule.is_equal("INSERT")})],
                retry_attempts=20,
                on_failure=sources.SqsDlq(stream_failures),
            )
        )
        queue.grant_send_messages(relay)

        deliver = lambda_.Function(
            self,
            "Deliver",
            runtime=lambda_.Runtime.PYTHON_3_14,
            handler="app.handler",
            code=lambda_.Code.from_asset(str(HANDLERS / "deliver")),
            timeout=cdk.Duration.seconds(30),
            # A failed run is not retried: the message is retried by a later scheduled run.
            retry_attempts=0,
            environment={
                "QUEUE_URL": queue.queue_url,
                "API_URL": api_url.value_as_string,
                "API_KEY_PARAMETER": api_key_name.value_as_string,
            },
        )
        queue.grant_consume_messages(deliver)
        api_key = ssm.StringParameter.from_secure_string_parameter_attributes(
            self, "ApiKey", parameter_name=api_key_name.value_as_string, simple_name=False
        )
        api_key.grant_read(deliver)

        for name, expression in DELIVERY_SCHEDULES.items():
            rule = events.Rule(self, f"{name}Rule", schedule=events.Schedule.expression(expression))
            rule.add_target(targets.LambdaFunction(deliver))

        cdk.CfnOutput(self, "TableName", value=table.table_name)
        cdk.CfnOutput(self, "QueueUrl", value=queue.queue_url)
        cdk.CfnOutput(self, "RelayFailuresQueueUrl", value=stream_failures.queue_url)
        cdk.CfnOutput(self, "RelayFunctionName", value=relay.function_name)
        cdk.CfnOutput(self, "DeliverFunctionName", value=deliver.function_name)
