"""Event source mapping settings: AWS's validation of Create/UpdateEventSourceMapping
parameters per source (SQS standard / FIFO, DynamoDB Streams), defaults, and the
EventSourceMappingConfiguration the API answers with.

Error wordings follow what Lambda answers (its API reference gives no texts; these are
the ones AWS returns, as users and CloudFormation report them)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.patterns import PatternError, compile_lambda_filters, lambda_filter_error
from cloudlet.services.awslambda.mapping_store import MappingRow
from cloudlet.services.awslambda.mapping_types import DYNAMODB_STREAMS, SQS

ENABLED = "Enabled"  # kept in the stored config (not shown): what the user asked for

# Settings only stream sources take (AWS rejects them for SQS) and only SQS takes.
_STREAM_ONLY = (
    "StartingPosition",
    "StartingPositionTimestamp",
    "ParallelizationFactor",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "DestinationConfig",
    "TumblingWindowInSeconds",
)
_SQS_ONLY = ("ScalingConfig",)
_UNSUPPORTED = ("Topics", "Queues", "SourceAccessConfigurations", "SelfManagedEventSource")

_STREAM_DEFAULTS: dict[str, Any] = {
    "BatchSize": 100,
    "MaximumBatchingWindowInSeconds": 0,
    "ParallelizationFactor": 1,
    "DestinationConfig": {"OnFailure": {}},
    "MaximumRecordAgeInSeconds": -1,
    "BisectBatchOnFunctionError": False,
    "MaximumRetryAttempts": -1,
    "TumblingWindowInSeconds": 0,
    "FunctionResponseTypes": [],
}
_SQS_DEFAULTS: dict[str, Any] = {
    "BatchSize": 10,
    "MaximumBatchingWindowInSeconds": 0,
    "FunctionResponseTypes": [],
}


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValueException", message, 400)


def _constraint(value: Any, member: str, text: str) -> ServiceError:
    return ServiceError(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {text}",
        400,
    )


def _ranged(value: Any, member: str, low: int, high: int) -> None:
    if value is None:
        return
    if int(value) < low:
        raise _constraint(value, member, f"Member must have value greater than or equal to {low}")
    if int(value) > high:
        raise _constraint(value, member, f"Member must have value less than or equal to {high}")


def source_of(arn: str) -> str:
    """SQS or DYNAMODB_STREAMS for an event source ARN; anything else is refused."""
    parts = ids.parse_arn(arn)
    if parts is not None and parts["service"] == "sqs":
        return SQS
    if parts is not None and parts["service"] == "dynamodb" and "/stream/" in parts["resource"]:
        return DYNAMODB_STREAMS
    raise invalid("Unrecognized event source, must be kinesis, dynamodb stream or sqs.")


def is_fifo(arn: str) -> bool:
    return arn.endswith(".fifo")


def build(
    source: str, source_arn: str, params: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    """The stored config after a Create (current None) or an Update; validated."""
    for name in _UNSUPPORTED:
        if params.get(name):
            raise invalid(f"Unsupported {name} parameter for given event source mapping type.")
    wrong = _STREAM_ONLY if source == SQS else _SQS_ONLY
    for name in wrong:
        if params.get(name) is not None:
            if name == "StartingPosition":
                raise invalid("StartingPosition is not valid for SQS event sources.")
            raise invalid(f"Unsupported {name} parameter for given event source mapping type.")
    if current is None:
        config = copy.deepcopy(_SQS_DEFAULTS if source == SQS else _STREAM_DEFAULTS)
        config[ENABLED] = params.get("Enabled", True) is not False
    else:
        config = copy.deepcopy(current)
    for name in (
        "BatchSize",
        "MaximumBatchingWindowInSeconds",
        "ParallelizationFactor",
        "MaximumRecordAgeInSeconds",
        "BisectBatchOnFunctionError",
        "MaximumRetryAttempts",
        "TumblingWindowInSeconds",
        "FunctionResponseTypes",
        "StartingPosition",
        "StartingPositionTimestamp",
    ):
        if params.get(name) is not None:
            config[name] = params[name]
    if "FilterCriteria" in params:
        criteria = params.get("FilterCriteria") or {}
        if criteria.get("Filters"):
            config["FilterCriteria"] = {
                "Filters": [{"Pattern": f.get("Pattern", "")} for f in criteria["Filters"]]
            }
        else:
            config.pop("FilterCriteria", None)  # an empty FilterCriteria removes the filters
    if "ScalingConfig" in params:
        scaling = params.get("ScalingConfig") or {}
        if scaling.get("MaximumConcurrency") is not None:
            config["ScalingConfig"] = {"MaximumConcurrency": int(scaling["MaximumConcurrency"])}
        else:
            config.pop("ScalingConfig", None)
    if params.get("DestinationConfig") is not None:
        destination = params["DestinationConfig"]
        if destination.get("OnSuccess"):
            raise invalid("Unsupported DestinationConfig parameter for given event source mapping type.")
        on_failure = destination.get("OnFailure") or {}
        arn = on_failure.get("Destination")
        if arn:
            parts = ids.parse_arn(str(arn))
            if parts is None or parts["service"] not in ("sqs", "sns"):
                raise invalid(f"Unsupported destination ARN: {arn}")
            config["DestinationConfig"] = {"OnFailure": {"Destination": str(arn)}}
        else:
            config["DestinationConfig"] = {"OnFailure": {}}
    if params.get("Enabled") is not None and current is not None:
        config[ENABLED] = bool(params["Enabled"])
    _validate(source, source_arn, config, params)
    return config


def _validate(source: str, source_arn: str, config: dict[str, Any], params: dict[str, Any]) -> None:
    _ranged(config.get("BatchSize"), "batchSize", 1, 10_000)
    _ranged(config.get("MaximumBatchingWindowInSeconds"), "maximumBatchingWindowInSeconds", 0, 300)
    for kind in config.get("FunctionResponseTypes") or []:
        if kind != "ReportBatchItemFailures":
            raise _constraint(
                config["FunctionResponseTypes"],
                "functionResponseTypes",
                "Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]",
            )
    if "FilterCriteria" in config:
        try:
            compile_lambda_filters(config["FilterCriteria"])
        except PatternError as error:
            raise lambda_filter_error(error) from None
    if source == SQS:
        scaling = config.get("ScalingConfig")
        if scaling:
            _ranged(scaling["MaximumConcurrency"], "scalingConfig.maximumConcurrency", 2, 1000)
        batch, window = int(config["BatchSize"]), int(config["MaximumBatchingWindowInSeconds"])
        if is_fifo(source_arn):
            if batch > 10:
                raise invalid("Batch size must not exceed 10 for FIFO queues")
            if window > 0:
                raise invalid("Batching window is not supported for FIFO queues")
        elif batch > 10 and window == 0:
            raise invalid(
                "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
            )
        return
    position = config.get("StartingPosition")
    if not position:
        raise invalid(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
            "Member must not be null."
        )
    if position not in ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"):
        raise _constraint(
            position,
            "startingPosition",
            "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]",
        )
    if position == "AT_TIMESTAMP":
        raise invalid(f"Unsupported starting position for arn type: {source_arn}")
    _ranged(config.get("ParallelizationFactor"), "parallelizationFactor", 1, 10)
    _ranged(config.get("MaximumRetryAttempts"), "maximumRetryAttempts", -1, 10_000)
    _ranged(config.get("TumblingWindowInSeconds"), "tumblingWindowInSeconds", 0, 900)
    age = int(config.get("MaximumRecordAgeInSeconds", -1))
    _ranged(age, "maximumRecordAgeInSeconds", -1, 604_800)
    if age != -1 and age < 60:
        raise invalid("MaximumRecordAgeInSeconds must be -1 or between 60 and 604800.")


def render(row: MappingRow) -> dict[str, Any]:
    """EventSourceMappingConfiguration."""
    shown = {key: copy.deepcopy(value) for key, value in row.config.items() if key != ENABLED}
    result: dict[str, Any] = {"UUID": row.uuid}
    if "StartingPosition" in shown:
        result["StartingPosition"] = shown.pop("StartingPosition")
    result.update(
        {
            "BatchSize": shown.pop("BatchSize"),
            "MaximumBatchingWindowInSeconds": shown.pop("MaximumBatchingWindowInSeconds"),
        }
    )
    if "ParallelizationFactor" in shown:
        result["ParallelizationFactor"] = shown.pop("ParallelizationFactor")
    result["EventSourceArn"] = row.source_arn
    result.update(shown)
    result.update(
        {
            "FunctionArn": row.function_arn,
            "LastModified": datetime.fromtimestamp(row.last_modified, UTC),
            "State": row.state,
            "StateTransitionReason": row.state_reason,
            "EventSourceMappingArn": ids.arn(
                "lambda", row.region, row.account, f"event-source-mapping:{row.uuid}"
            ),
        }
    )
    if source_of(row.source_arn) == DYNAMODB_STREAMS:
        result["LastProcessingResult"] = row.last_result
    return result
