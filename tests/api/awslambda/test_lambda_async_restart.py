"""A queued retry survives a restart of the server on the same data directory."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from lambda_async_support import bodies, invoke_event, make_function, make_queue

from harness import Server


def test_a_queued_retry_runs_after_a_restart() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-async-"))
    try:
        first = Server(data_dir=data_dir).start()
        try:
            arn = make_function(first, "phoenix")
            trace, _ = make_queue(first, "trace")
            failures, failures_arn = make_queue(first, "failures")
            first.client("lambda").put_function_event_invoke_config(
                FunctionName="phoenix",
                MaximumRetryAttempts=1,
                DestinationConfig={"OnFailure": {"Destination": failures_arn}},
            )
            request_id = invoke_event(first, "phoenix", {"trace": trace, "fail": True})["ResponseMetadata"][
                "RequestId"
            ]
            first.settle()
            assert len(bodies(first, trace)) == 1
        finally:
            first.stop()

        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            second.settle()
            assert bodies(second, failures) == []
            second.advance(60)
            runs = bodies(second, trace)
            assert [r["requestId"] for r in runs] == [request_id]
            (record,) = bodies(second, failures)
            assert record["requestContext"] == {
                "requestId": request_id,
                "functionArn": f"{arn}:$LATEST",
                "condition": "RetriesExhausted",
                "approximateInvokeCount": 2,
            }
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
