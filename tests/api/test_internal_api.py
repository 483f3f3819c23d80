"""The internal API of DESIGN.md §3."""

from datetime import datetime

from harness import Server


def test_health_lists_services(server: Server) -> None:
    health = server.internal("GET", "/_cloudlet/health")
    assert health["status"] == "ok"
    assert "sqs" in health["services"]


def test_clock_advances_and_reset_rewinds(server: Server) -> None:
    before = server.internal("GET", "/_cloudlet/clock")
    assert before["offset_seconds"] == 0
    after = server.advance(3600)
    assert after["offset_seconds"] >= 3600
    moved = datetime.fromisoformat(after["now"]) - datetime.fromisoformat(before["now"])
    assert moved.total_seconds() >= 3600
    server.reset()
    assert server.internal("GET", "/_cloudlet/clock")["offset_seconds"] == 0


def test_settle_reports_settled_when_idle(server: Server) -> None:
    assert server.settle(timeout=5) is True


def test_reset_wipes_state(server: Server) -> None:
    sqs = server.client("sqs")
    sqs.create_queue(QueueName="to-be-wiped")
    server.reset()
    assert sqs.list_queues().get("QueueUrls", []) == []
