#!/usr/bin/env python3
"""CDK app: DynamoDB stream -> relay Lambda -> SQS FIFO -> cron-driven delivery Lambda -> HTTP API."""

import aws_cdk as cdk
from stream_relay_stack import StreamRelayStack

app = cdk.App(analytics_reporting=False)
StreamRelayStack(
    app,
    "StreamRelayStack",
    description="cloudlet sample: DynamoDB stream items relayed in order through SQS FIFO to an HTTP API",
)
app.synth()
