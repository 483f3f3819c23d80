"""Long-poll waiters: a send wakes as many as it made messages, oldest first."""

from cloudlet.services.sqs.waiters import Waiters


def test_wake_counts_oldest_first() -> None:
    waiters = Waiters()
    first, second, third = (waiters.add(1) for _ in range(3))
    other = waiters.add(2)
    waiters.wake(1, 1)
    assert [first.is_set(), second.is_set(), third.is_set()] == [True, False, False]
    waiters.wake(1, 1)  # the first is already awake: the next one is woken
    assert second.is_set() and not third.is_set()
    waiters.wake_all(1)
    assert third.is_set() and not other.is_set()


def test_remove_and_clear() -> None:
    waiters = Waiters()
    event = waiters.add(1)
    waiters.remove(1, event)
    assert waiters.count(1) == 0
    waiters.wake(1, 5)  # nobody waits: nothing happens
    assert not event.is_set()
    parked = waiters.add(2)
    waiters.clear()
    assert parked.is_set() and waiters.count(2) == 0
