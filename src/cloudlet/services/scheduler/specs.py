"""Checking CreateSchedule/UpdateSchedule input and turning it into the stored spec (pure).

Constraint failures use AWS's "1 validation error detected: ..." wording; limits and patterns
are the API reference's (Target, RetryPolicy, FlexibleTimeWindow, ...)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.schedules import ScheduleError
from cloudlet.schedules.expressions import AtSchedule
from cloudlet.services.scheduler.firing import parse_expression

NAME = re.compile(r"[0-9a-zA-Z\-_.]+")
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")
DLQ_ARN = re.compile(r"arn:aws[a-z-]*:sqs:[a-z0-9\-]+:\d{12}:[a-zA-Z0-9\-_]+")
KMS_ARN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9\-]+:\d{12}:(key|alias)/[0-9a-zA-Z-_]*")
CLIENT_TOKEN = re.compile(r"[a-zA-Z0-9\-_]+")
EVENT_SOURCE = re.compile(r"[/.\-_A-Za-z0-9]+")

STATES = ("ENABLED", "DISABLED")
WINDOW_MODES = ("OFF", "FLEXIBLE")
COMPLETION_ACTIONS = ("NONE", "DELETE")

# RetryPolicy's defaults, which GetSchedule reports when none was given (API reference, RetryPolicy).
DEFAULT_RETRY = {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}

# Templated targets AWS has and cloudlet does not deliver to (Using templated targets).
UNDELIVERED_TARGETS = (
    "ecs",
    "kinesis",
    "firehose",
    "states",
    "sagemaker",
    "codebuild",
    "codepipeline",
    "inspector",
)

# AWS allows a StartDate up to five minutes in the past for recurring schedules.
START_DATE_GRACE_S = 300.0


def invalid(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def constraint(value: Any, at: str, rule: str) -> ServiceError:
    return invalid(
        f"1 validation error detected: Value '{value}' at '{at}' failed to satisfy constraint: {rule}"
    )


def check_name(value: Any, at: str = "name") -> str:
    if not isinstance(value, str) or not value:
        raise constraint(value, at, "Member must have length greater than or equal to 1")
    if len(value) > 64:
        raise constraint(value, at, "Member must have length less than or equal to 64")
    if not NAME.fullmatch(value):
        raise constraint(value, at, "Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+")
    return value


def check_client_token(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 64 or not CLIENT_TOKEN.fullmatch(value):
        raise constraint(
            value, "clientToken", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+"
        )
    return value


def check_enum(value: Any, at: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise constraint(value, at, f"Member must satisfy enum value set: [{', '.join(allowed)}]")
    return str(value)


def check_max_results(value: Any) -> int:
    if value is None:
        return 100
    if not isinstance(value, int) or not 1 <= value <= 100:
        raise constraint(value, "maxResults", "Member must have value between 1 and 100")
    return value


def epoch(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value)


def build_spec(params: dict[str, Any], now: float) -> dict[str, Any]:
    """The spec stored for a CreateSchedule/UpdateSchedule request; raises ValidationException."""
    expression = params.get("ScheduleExpression")
    if not isinstance(expression, str) or not 1 <= len(expression) <= 256:
        raise constraint(expression, "scheduleExpression", "Member must have length between 1 and 256")
    timezone = params.get("ScheduleExpressionTimezone") or "UTC"
    if len(timezone) > 50:
        raise constraint(
            timezone, "scheduleExpressionTimezone", "Member must have length less than or equal to 50"
        )
    try:
        schedule = parse_expression(expression, timezone)
    except ScheduleError as exc:
        if "time zone" in exc.message:
            raise invalid(f"Invalid timezone: {timezone}.") from None
        raise invalid(f"Invalid Schedule Expression {expression}.") from None
    start, end = epoch(params.get("StartDate")), epoch(params.get("EndDate"))
    # "EventBridge Scheduler ignores StartDate [and EndDate] for one-time schedules." (API reference)
    if not isinstance(schedule, AtSchedule):
        if start is not None and start < now - START_DATE_GRACE_S:
            raise invalid("The StartDate you specify cannot be earlier than 5 minutes ago.")
        if start is not None and end is not None and end <= start:
            raise invalid("The EndDate you specify must be later than the StartDate.")
    description = params.get("Description")
    if description is not None and len(description) > 512:
        raise constraint(description, "description", "Member must have length less than or equal to 512")
    kms = params.get("KmsKeyArn")
    if kms is not None and not KMS_ARN.fullmatch(kms):
        raise constraint(
            kms, "kmsKeyArn", f"Member must satisfy regular expression pattern: {KMS_ARN.pattern}"
        )
    spec: dict[str, Any] = {
        "ScheduleExpression": expression,
        "ScheduleExpressionTimezone": timezone,
        "StartDate": start,
        "EndDate": end,
        "Description": description,
        "State": check_enum(params.get("State") or "ENABLED", "state", STATES),
        "KmsKeyArn": kms,
        "FlexibleTimeWindow": check_window(params.get("FlexibleTimeWindow")),
        "Target": check_target(params.get("Target")),
        "ActionAfterCompletion": check_enum(
            params.get("ActionAfterCompletion") or "NONE", "actionAfterCompletion", COMPLETION_ACTIONS
        ),
    }
    return spec


def check_window(window: Any) -> dict[str, Any]:
    if not isinstance(window, dict) or "Mode" not in window:
        raise constraint(None, "flexibleTimeWindow.mode", "Member must not be null")
    mode = check_enum(window["Mode"], "flexibleTimeWindow.mode", WINDOW_MODES)
    minutes = window.get("MaximumWindowInMinutes")
    if minutes is not None and not 1 <= minutes <= 1440:
        raise constraint(
            minutes, "flexibleTimeWindow.maximumWindowInMinutes", "Member must have value between 1 and 1440"
        )
    if mode == "FLEXIBLE" and minutes is None:
        raise invalid("MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE.")
    if mode == "OFF" and minutes is not None:
        raise invalid("MaximumWindowInMinutes must not be set when FlexibleTimeWindow Mode is OFF.")
    return {"Mode": mode} if minutes is None else {"Mode": mode, "MaximumWindowInMinutes": minutes}


def target_kind(arn: str) -> str:
    """sqs, sns, lambda or events (an event bus); raises for anything cloudlet does not deliver to."""
    if arn.startswith("arn:aws:scheduler:::aws-sdk:"):
        raise ServiceError(
            "NotImplemented",
            "Universal targets (arn:aws:scheduler:::aws-sdk:...) are not implemented by cloudlet;"
            " use a templated SQS, SNS, Lambda or EventBridge target.",
            501,
            sender_fault=False,
        )
    parts = ids.parse_arn(arn)
    if parts is None or not re.fullmatch(r"aws[a-z-]*", parts["partition"]) or not parts["service"]:
        raise invalid("Provided Arn is not in correct format.")
    service, resource = parts["service"], parts["resource"]
    if service in ("sqs", "sns") and resource and ":" not in resource:
        return service
    if service == "lambda" and resource.startswith("function:"):
        return service
    if service == "events" and resource.startswith("event-bus/"):
        return service
    if service in UNDELIVERED_TARGETS:
        raise ServiceError(
            "NotImplemented",
            f"Templated {service} targets are not implemented by cloudlet; use SQS, SNS, Lambda or EventBridge.",
            501,
            sender_fault=False,
        )
    raise invalid("Provided Arn is not in correct format.")


def check_target(target: Any) -> dict[str, Any]:
    if not isinstance(target, dict):
        raise constraint(None, "target", "Member must not be null")
    arn, role = target.get("Arn"), target.get("RoleArn")
    if not isinstance(arn, str) or not 1 <= len(arn) <= 1600:
        raise constraint(arn, "target.arn", "Member must have length between 1 and 1600")
    if not isinstance(role, str) or not ROLE_ARN.fullmatch(role):
        raise constraint(
            role, "target.roleArn", f"Member must satisfy regular expression pattern: {ROLE_ARN.pattern}"
        )
    kind = target_kind(arn)
    checked: dict[str, Any] = {"Arn": arn, "RoleArn": role}
    dlq = target.get("DeadLetterConfig")
    if dlq is not None:
        dlq_arn = dlq.get("Arn")
        if dlq_arn is not None and not DLQ_ARN.fullmatch(dlq_arn):
            rule = f"Member must satisfy regular expression pattern: {DLQ_ARN.pattern}"
            raise constraint(dlq_arn, "target.deadLetterConfig.arn", rule)
        checked["DeadLetterConfig"] = {} if dlq_arn is None else {"Arn": dlq_arn}
    checked["RetryPolicy"] = check_retry(target.get("RetryPolicy"))
    text = target.get("Input")
    if text is not None:
        if not isinstance(text, str) or not text:
            raise constraint(text, "target.input", "Member must have length greater than or equal to 1")
        # "If you are configuring a templated Lambda, AWS Step Functions, or Amazon EventBridge
        # target, the input must be a well-formed JSON." (API reference, Target)
        if kind in ("lambda", "events"):
            try:
                json.loads(text)
            except ValueError:
                raise invalid("Invalid JSON input for target.") from None
        checked["Input"] = text
    for key in UNCHECKED_PARAMETERS:
        if target.get(key) is not None:
            checked[key] = target[key]
    sqs = target.get("SqsParameters")
    if sqs is not None:
        group = sqs.get("MessageGroupId")
        if group is not None and not 1 <= len(group) <= 128:
            raise constraint(
                group, "target.sqsParameters.messageGroupId", "Member must have length between 1 and 128"
            )
        checked["SqsParameters"] = dict(sqs)
    bus = target.get("EventBridgeParameters")
    if bus is not None:
        checked["EventBridgeParameters"] = check_event_bridge(bus)
    elif kind == "events":
        raise invalid("EventBridgeParameters are required for an EventBridge PutEvents target.")
    return checked


# Target members stored and returned as given (their targets are not delivered to).
UNCHECKED_PARAMETERS = (
    "EcsParameters",
    "KinesisParameters",
    "SageMakerPipelineParameters",
    "EventBridgePutEventsV2Parameters",
    "EventBridgePutRawEventsParameters",
)


def check_retry(policy: Any) -> dict[str, int]:
    if policy is None:
        return dict(DEFAULT_RETRY)
    age = policy.get("MaximumEventAgeInSeconds", DEFAULT_RETRY["MaximumEventAgeInSeconds"])
    attempts = policy.get("MaximumRetryAttempts", DEFAULT_RETRY["MaximumRetryAttempts"])
    if not 60 <= age <= 86400:
        raise constraint(
            age, "target.retryPolicy.maximumEventAgeInSeconds", "Member must have value between 60 and 86400"
        )
    if not 0 <= attempts <= 185:
        raise constraint(
            attempts, "target.retryPolicy.maximumRetryAttempts", "Member must have value between 0 and 185"
        )
    return {"MaximumEventAgeInSeconds": age, "MaximumRetryAttempts": attempts}


def check_event_bridge(bus: dict[str, Any]) -> dict[str, str]:
    detail_type, source = bus.get("DetailType"), bus.get("Source")
    if not isinstance(detail_type, str) or not 1 <= len(detail_type) <= 128:
        raise constraint(
            detail_type,
            "target.eventBridgeParameters.detailType",
            "Member must have length between 1 and 128",
        )
    if not isinstance(source, str) or not 1 <= len(source) <= 256:
        raise constraint(
            source, "target.eventBridgeParameters.source", "Member must have length between 1 and 256"
        )
    # Sources starting "aws." are reserved for AWS services (the model's Source pattern).
    if source.startswith("aws.") or not EVENT_SOURCE.fullmatch(source):
        rule = "Member must satisfy regular expression pattern: (?=[/\\.\\-_A-Za-z0-9]+)((?!aws\\.).*)"
        raise constraint(source, "target.eventBridgeParameters.source", rule)
    return {"DetailType": detail_type, "Source": source}
