"""Run the stream-relay sample against a running cloudlet server, start to finish:

    python samples/stream-relay/demo.py [--endpoint http://127.0.0.1:4566]

Starts the stand-in API, creates the SecureString API key, deploys the committed cloud
assembly (no node needed), writes items, makes one delivery fail and runs the delivery
function as its cron rules do (invoked now, rather than waiting for the next scheduled
minute), checking what reached the API: alice#1 503, bob#1 200, alice#1 200, alice#2 200.
The virtual clock moves only past the failed message's 8-minute visibility timeout; a rule
firing meanwhile changes who delivers, not what the API sees.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from cloudlet.cli.demo_support import Progress, Report, Session, drive, script

HERE = Path(__file__).resolve().parent
SYSTEM = "stream-relay"
TITLE = "DynamoDB stream to a FIFO queue, delivered on a schedule to a third-party API"
STACK = "StreamRelayStack"
API_KEY_PARAMETER = "/stream-relay/api-key"
API_KEY = "demo-key"
VISIBILITY = 480  # the queue's 8-minute visibility timeout
SCHEDULED_EVENT = {"version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}
ITEMS = (("alice", 1, "book"), ("bob", 1, "pen"), ("alice", 2, "lamp"))
EXPECTED = [("alice", 1, 503), ("bob", 1, 200), ("alice", 1, 200), ("alice", 2, 200)]


def _sibling(name: str) -> ModuleType:
    """A module beside this file, without putting this directory on sys.path."""
    spec = importlib.util.spec_from_file_location(f"{STACK}_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


StandInApi = _sibling("standin").StandInApi


def seen(requests: list[Any]) -> list[tuple[str, int, int]]:
    """(customer, seq, status) of each request the API saw."""
    return [(r.body["item"]["customer"], r.body["item"]["seq"], r.status) for r in requests]


def drive_stream_relay(session: Session, report: Report) -> None:
    api = StandInApi(api_key=API_KEY).start()
    try:
        deliver_all(session, report, api)
    finally:
        api.stop()


def deliver_all(session: Session, report: Report, api: Any) -> None:
    # SecureString parameters can't be created by CloudFormation: the operator creates the key.
    session.client("ssm").put_parameter(
        Name=API_KEY_PARAMETER, Value=API_KEY, Type="SecureString", Overwrite=True
    )
    session.progress(f"deploying {STACK} (the API stand-in listens on {api.url})")
    outputs = session.deploy(HERE / "cdk.out", STACK, {"ApiUrl": api.url})
    table, queue_url = outputs["TableName"], outputs["QueueUrl"]
    dynamodb = session.client("dynamodb")

    session.progress("inserting alice#1, bob#1, alice#2 (and updating alice#1)")
    for customer, seq, _ in ITEMS:  # a second run inserts them again (REMOVEs are filtered out)
        dynamodb.delete_item(TableName=table, Key={"customer": {"S": customer}, "seq": {"N": str(seq)}})
    for customer, seq, order in ITEMS:
        item = {"customer": {"S": customer}, "seq": {"N": str(seq)}, "order": {"S": order}}
        dynamodb.put_item(TableName=table, Item=item)
    gift = {"customer": {"S": "alice"}, "seq": {"N": "1"}, "order": {"S": "book"}, "gift": {"BOOL": True}}
    dynamodb.put_item(TableName=table, Item=gift)  # an update: filtered out by the mapping
    report.check(session.settle(), "the server did not settle after the writes")
    queued = [json.loads(message["Body"])["item"] for message in session.peek(queue_url)]
    report.add(f"items written to {table}: alice#1, bob#1, alice#2, then alice#1 updated")
    names = ", ".join(f"{item['customer']}#{item['seq']}" for item in queued)
    report.add(f"relayed to the FIFO queue: {names}")
    report.expect(
        "items relayed to the queue", [(i["customer"], i["seq"]) for i in queued], [i[:2] for i in ITEMS]
    )

    api.fail_next(1)
    lambda_ = session.client("lambda")
    report.add("deliveries to the API stand-in, in order (the first answered 503 on purpose):")

    def scheduled_run(label: str) -> None:
        session.progress(f"delivery {label}")
        before = len(api.requests)
        lambda_.invoke(FunctionName=outputs["DeliverFunctionName"], Payload=json.dumps(SCHEDULED_EVENT))
        for customer, seq, status in seen(api.requests[before:]):
            report.add(f"  {label}: {customer}#{seq} -> {status}")

    scheduled_run("run 1")  # alice#1, the oldest: 503, left in flight
    scheduled_run("run 2")  # alice's group is blocked; bob's goes ahead
    # alice#2 waits behind alice#1, in flight: no run would deliver anything now.
    waiting = session.queue_counts(queue_url)
    report.add(f"  alice#2 waits behind alice#1 (queue: {waiting[0]} visible, {waiting[1]} in flight)")
    report.expect("queue after run 2 (visible, in flight)", waiting, (1, 1))

    session.progress("advancing the clock 8 minutes (alice#1's visibility timeout)")
    before = len(api.requests)
    session.advance(VISIBILITY)
    for customer, seq, status in seen(api.requests[before:]):
        report.add(f"  a cron rule's run: {customer}#{seq} -> {status}")
    for number in range(3, 6):
        if sum(1 for request in api.requests if request.status == 200) >= 3:
            break
        scheduled_run(f"run {number}")

    report.expect("requests the API saw (customer, seq, status)", seen(api.requests), EXPECTED)
    report.expect("queue after the deliveries (visible, in flight)", session.queue_counts(queue_url), (0, 0))
    report.expect("relay failures queue", session.peek(outputs["RelayFailuresQueueUrl"]), [])
    report.expect("API keys sent", {request.api_key for request in api.requests}, {API_KEY})
    report.check(
        all(request.idempotency_key == request.body.get("eventId") for request in api.requests),
        "a request's Idempotency-Key is not its stream record's eventID",
    )
    kept = [f"{item['customer']}#{item['seq']}" for item in (body["item"] for body in api.deliveries)]
    report.add(f"accepted, in order: {', '.join(kept)} (per customer, order kept)")


def run(endpoint: str, progress: Progress = print) -> Report:
    return drive(SYSTEM, TITLE, endpoint, progress, drive_stream_relay)


if __name__ == "__main__":
    script(run, __doc__)
