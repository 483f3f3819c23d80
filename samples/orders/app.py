#!/usr/bin/env python3
"""CDK app: `cdk deploy` (AWS) or `cloudlet deploy samples/orders` (here)."""

import aws_cdk as cdk
from orders_stack import OrdersStack

app = cdk.App(analytics_reporting=False)
OrdersStack(
    app, "OrdersStack", description="cloudlet sample: order processing with SQS, Lambda, DynamoDB and a DLQ"
)
app.synth()
