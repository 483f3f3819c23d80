#!/usr/bin/env python3
"""CDK app: `cdk deploy` (AWS) or `cloudlet deploy samples/inventory` (here)."""

import aws_cdk as cdk
from inventory_stack import InventoryStack

app = cdk.App(analytics_reporting=False)
InventoryStack(
    app,
    "InventoryStack",
    description="cloudlet sample: CSV inventory updates via S3, SQS, Lambda and DynamoDB",
)
app.synth()
