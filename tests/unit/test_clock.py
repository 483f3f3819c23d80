import asyncio

from cloudlet.clock import Clock


def test_now_moves_only_forward_by_offset() -> None:
    clock = Clock()
    before = clock.now()
    clock.jump_to(before + 3600)
    assert clock.now() >= before + 3600
    clock.jump_to(before)  # never backwards
    assert clock.now() >= before + 3600


def test_timers_pop_in_time_order() -> None:
    clock = Clock()
    fired: list[str] = []
    now = clock.now()
    clock.call_at(now + 20, lambda: fired.append("b"))
    clock.call_at(now + 10, lambda: fired.append("a"))
    cancelled = clock.call_at(now + 15, lambda: fired.append("x"))
    cancelled.cancel()
    assert clock.next_timer_at() == now + 10
    clock.jump_to(now + 30)
    for timer in clock.pop_due():
        timer.callback()
    assert fired == ["a", "b"]
    assert clock.next_timer_at() is None


def test_wait_returns_when_clock_passes_deadline() -> None:
    async def scenario() -> tuple[bool, bool]:
        clock = Clock()
        event = asyncio.Event()
        waiter = asyncio.create_task(clock.wait(event, clock.now() + 3600))
        await asyncio.sleep(0)
        clock.jump_to(clock.now() + 3600)  # wakes the waiter, which re-checks
        woken = await waiter
        event.clear()
        timed_out = await clock.wait(event, clock.now() - 1)
        return woken, timed_out

    woken, timed_out = asyncio.run(scenario())
    assert woken is True
    assert timed_out is False
