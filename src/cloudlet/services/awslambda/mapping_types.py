"""What the Lambda service hands the runtime's pollers (runtime/pollers/, injected as
env.extras["pollers"]) to run an event source mapping, and how they report back: the
checkpoints and processing results stay in the Lambda service's tables (DESIGN rule 3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

SQS = "sqs"
DYNAMODB_STREAMS = "dynamodb"


@dataclass(frozen=True)
class MappingSpec:
    """One enabled mapping, as its poller needs it."""

    uuid: str
    account: str
    region: str
    function_arn: str  # qualified when the mapping names a version or alias
    source_arn: str  # the queue or stream ARN
    source: str  # SQS | DYNAMODB_STREAMS
    config: dict[str, Any]  # the API's view: BatchSize, FilterCriteria, DestinationConfig, ...
    checkpoints: dict[str, str] = field(default_factory=dict)  # shard id -> last finished sequence
    # Set when the server restarts a mapping: a LATEST stream mapping without a checkpoint
    # then resumes at this time (its creation or last update) instead of the stream's end.
    resume_after: float | None = None
    # (shard id, sequence number): every record up to it is done; saved durably by the provider
    save_checkpoint: Callable[[str, str], None] = lambda shard, sequence: None
    # LastProcessingResult: "OK" or "PROBLEM: ..." (stream mappings show it)
    report: Callable[[str], None] = lambda result: None


class MappingRunner(Protocol):
    def run(self, mapping: MappingSpec) -> None:
        """Start (or restart with a new configuration) the poller of `mapping`."""
        ...

    def stop_mapping(self, uuid: str) -> None:
        """Stop the poller of a mapping (disabled or deleted); a batch in flight is abandoned."""
        ...
