"""Setting an event loop's asyncio.Event from whichever thread notices the work."""

from __future__ import annotations

import asyncio


def wake(loop: asyncio.AbstractEventLoop | None, event: asyncio.Event) -> None:
    """Set `event`, which belongs to `loop` (nothing to do before the loop is bound): directly
    on that loop, through call_soon_threadsafe from any other thread."""
    if loop is None:
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        event.set()
    else:
        loop.call_soon_threadsafe(event.set)
