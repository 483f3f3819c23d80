"""The backpressure stack: two ways to keep a downstream service from being flooded.

1. Scheduled pull (the pattern): an EventBridge rule rate(2 minutes) invokes the submitter,
   which takes messages from the jobs queue one at a time and submits at most
   MAX_JOBS_PER_RUN jobs, leaving the rest queued for the next run.
2. Variant: the same jobs pushed by an SQS event source mapping whose
   ScalingConfig.MaximumConcurrency (2 to 1000) caps how many invocations run at once.

Both queues redrive a job the downstream service keeps refusing to a dead-letter queue.
"""

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

HANDLERS = Path(__file__).parent / "handlers"
RUN_EVERY = cdk.Duration.minutes(2)
SUBMIT_TIMEOUT = cdk.Duration.seconds(60)  # shorter than RUN_EVERY: runs never overlap
MAX_RECEIVES = 5  # a job refused this many times goes to the dead-letter queue


class BackpressureStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        downstream_url = cdk.CfnParameter(
            self,
            "DownstreamUrl",
            type="String",
            default="https://jobs.example.com/jobs",
            description="The downstream service's job submission endpoint",
        )
        max_jobs = cdk.CfnParameter(
            self,
            "MaxJobsPerRun",
            type="Number",
            default=5,
            min_value=1,
            description="At most this many jobs are submitted per scheduled run",
        )
        max_concurrency = cdk.CfnParameter(
            self,
            "MaxConcurrency",
            type="Number",
            default=2,
            min_value=2,  # the least ScalingConfig.MaximumConcurrency accepts
            max_value=1000,
            description="Variant: at most this many concurrent invocations of the mapped submitter",
        )

        # -- 1. scheduled pull -------------------------------------------------------------
        jobs_dlq = sqs.Queue(self, "JobsDeadLetters", retention_period=cdk.Duration.days(14))
        jobs = sqs.Queue(
            self,
            "Jobs",
            # A received job is hidden while the run that took it is alive (SUBMIT_TIMEOUT)
            # and comes back for a later run if it was not submitted.
            visibility_timeout=cdk.Duration.seconds(90),
            retention_period=cdk.Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=jobs_dlq, max_receive_count=MAX_RECEIVES),
        )
        submitter = lambda_.Function(
            self,
            "Submitter",
            runtime=lambda_.Runtime.PYTHON_3_14,
            handler="app.handler",
            code=lambda_.Code.from_asset(str(HANDLERS / "scheduled_submitter")),
            timeout=SUBMIT_TIMEOUT,
            # A failed run is not retried: its jobs stay queued for the next scheduled run,
            # and a retry could overlap it and submit more than N in one period.
            retry_attempts=0,
            environment={
                "QUEUE_URL": jobs.queue_url,
                "DOWNSTREAM_URL": downstream_url.value_as_string,
                "MAX_JOBS_PER_RUN": max_jobs.value_as_string,
            },
        )
        jobs.grant_consume_messages(submitter)
        rule = events.Rule(self, "EveryTwoMinutes", schedule=events.Schedule.rate(RUN_EVERY))
        rule.add_target(targets.LambdaFunction(submitter))

        # -- 2. variant: event source mapping with MaximumConcurrency ----------------------
        mapped_timeout = cdk.Duration.seconds(30)
        mapped_dlq = sqs.Queue(self, "MappedJobsDeadLetters", retention_period=cdk.Duration.days(14))
        mapped_jobs = sqs.Queue(
            self,
            "MappedJobs",
            # AWS: at least six times the function timeout for a queue feeding a mapping.
            visibility_timeout=cdk.Duration.seconds(6 * mapped_timeout.to_seconds()),
            dead_letter_queue=sqs.DeadLetterQueue(queue=mapped_dlq, max_receive_count=MAX_RECEIVES),
        )
        mapped = lambda_.Function(
            self,
            "MappedSubmitter",
            runtime=lambda_.Runtime.PYTHON_3_14,
            handler="app.handler",
            code=lambda_.Code.from_asset(str(HANDLERS / "mapped_submitter")),
            timeout=mapped_timeout,
            environment={"DOWNSTREAM_URL": downstream_url.value_as_string},
        )
        mapped.add_event_source(
            sources.SqsEventSource(
                mapped_jobs,
                batch_size=1,
                report_batch_item_failures=True,
                max_concurrency=max_concurrency.value_as_number,
            )
        )

        cdk.CfnOutput(self, "QueueUrl", value=jobs.queue_url)
        cdk.CfnOutput(self, "DeadLetterQueueUrl", value=jobs_dlq.queue_url)
        cdk.CfnOutput(self, "FunctionName", value=submitter.function_name)
        cdk.CfnOutput(self, "RuleName", value=rule.rule_name)
        cdk.CfnOutput(self, "MappedQueueUrl", value=mapped_jobs.queue_url)
        cdk.CfnOutput(self, "MappedDeadLetterQueueUrl", value=mapped_dlq.queue_url)
        cdk.CfnOutput(self, "MappedFunctionName", value=mapped.function_name)
