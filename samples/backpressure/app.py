#!/usr/bin/env python3
"""CDK app: SQS jobs trickled to a downstream service, N per scheduled run (and a variant
that caps an event source mapping's concurrency instead)."""

import aws_cdk as cdk
from backpressure_stack import BackpressureStack

app = cdk.App(analytics_reporting=False)
BackpressureStack(
    app,
    "BackpressureStack",
    description="cloudlet sample: SQS jobs submitted to a downstream service at a bounded pace",
)
app.synth()
