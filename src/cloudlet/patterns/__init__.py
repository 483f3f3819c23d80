"""The one event-pattern engine: EventBridge rules (PutRule, TestEventPattern), Lambda event
source mapping FilterCriteria and SNS subscription filter policies. Pure; no I/O. It lives
outside services/ because three services share it and services never import each other.

    pattern = compile_pattern('{"source": ["aws.s3"]}')           # raises PatternError
    pattern.matches(event)

    policy = compile_filter_policy(text, scope="MessageAttributes")
    policy.matches(message_body, message_attributes)

Each caller turns a PatternError into its own error with one of the helpers below."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.patterns.compiler import Pattern, compile_pattern
from cloudlet.patterns.dialects import EVENTBRIDGE, LAMBDA, SNS_ATTRIBUTES, SNS_BODY, Dialect
from cloudlet.patterns.sns import FilterPolicy, Scope, attribute_values, compile_filter_policy
from cloudlet.patterns.values import PatternError

__all__ = [
    "EVENTBRIDGE",
    "LAMBDA",
    "SNS_ATTRIBUTES",
    "SNS_BODY",
    "Dialect",
    "FilterPolicy",
    "Pattern",
    "PatternError",
    "Scope",
    "attribute_values",
    "compile_filter_policy",
    "compile_lambda_filters",
    "compile_pattern",
    "eventbridge_error",
    "lambda_filter_error",
    "sns_filter_policy_error",
]


def eventbridge_error(error: PatternError) -> ServiceError:
    return ServiceError(
        "InvalidEventPatternException", f"Event pattern is not valid. Reason: {error.reason}", 400
    )


def lambda_filter_error(error: PatternError) -> ServiceError:
    # Lambda gives no reason: "Invalid filter pattern definition." is the whole message.
    return ServiceError("InvalidParameterValueException", "Invalid filter pattern definition.", 400)


def sns_filter_policy_error(error: PatternError, subscribe: bool = False) -> ServiceError:
    # Subscribe reports attribute errors under "Attributes Reason:"; SetSubscriptionAttributes doesn't.
    prefix = "Invalid parameter: Attributes Reason: " if subscribe else "Invalid parameter: "
    return ServiceError("InvalidParameter", f"{prefix}FilterPolicy: {error.reason}", 400)


def compile_lambda_filters(criteria: Mapping[str, Any]) -> list[Pattern]:
    """FilterCriteria {"Filters": [{"Pattern": "<json>"}, ...]}: a record passes if any matches."""
    return [compile_pattern(f.get("Pattern", ""), LAMBDA) for f in criteria.get("Filters", [])]
