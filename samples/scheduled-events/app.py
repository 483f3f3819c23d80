#!/usr/bin/env python3
"""CDK app: `cdk deploy` (AWS) or `cloudlet deploy samples/scheduled-events` (here)."""

import aws_cdk as cdk
from scheduled_events_stack import ScheduledEventsStack

app = cdk.App(analytics_reporting=False)
ScheduledEventsStack(
    app,
    "ScheduledEventsStack",
    description="cloudlet sample: EventBridge schedule to SQS (and directly) to Lambda to DynamoDB",
)
app.synth()
