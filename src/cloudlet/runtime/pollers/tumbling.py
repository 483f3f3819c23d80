"""Tumbling windows of a stream mapping (TumblingWindowInSeconds): the state a function
carries from one invoke to the next within a window, and the fields the event gets.
https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-windows.html
Windows are aligned to multiples of their length and a record belongs to the window of its
ApproximateCreationDateTime; when the window ends the function gets a final invoke
(isFinalInvokeForWindow, no records) with the last state it returned."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def window_start(moment: float, length: int) -> float:
    return math.floor(moment / length) * length


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class TumblingWindow:
    start: float
    length: int
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def end(self) -> float:
        return self.start + self.length

    def event_fields(self, shard_id: str, stream_arn: str, final: bool) -> dict[str, Any]:
        return {
            "window": {"start": _iso(self.start), "end": _iso(self.end)},
            "state": self.state,
            "shardId": shard_id,
            "eventSourceARN": stream_arn,
            "isFinalInvokeForWindow": final,
            "isWindowTerminatedEarly": False,
        }

    def absorb(self, response: Any) -> None:
        """The function's TimeWindowEventResponse: {"state": {...}, "batchItemFailures": [...]}."""
        if isinstance(response, dict) and isinstance(response.get("state"), dict):
            self.state = response["state"]
