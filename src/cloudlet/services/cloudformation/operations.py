"""Stack operations in flight, and which of them only wait (for a custom resource's answer
or a nested stack), so that settle does not wait on them: they move on when a function
answers (the invoker is busy meanwhile) or when the clock is advanced past a timeout."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(eq=False)
class Operation:
    stack_id: str | None = None  # the stack it deploys: a nested stack's parent
    task: asyncio.Task[None] | None = None
    waiting: int = 0  # resources (or nested stacks) of this operation that only wait

    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.done() and self.waiting == 0


CURRENT: ContextVar[Operation | None] = ContextVar("cloudformation_operation", default=None)


class Waiting:
    """`with Waiting():` around an await that only waits on something outside this operation."""

    def __enter__(self) -> None:
        self.operation = CURRENT.get()
        if self.operation is not None:
            self.operation.waiting += 1

    def __exit__(self, *_: object) -> None:
        if self.operation is not None:
            self.operation.waiting -= 1
