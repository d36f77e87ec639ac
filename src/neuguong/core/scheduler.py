"""Periodic jobs: the scheduler only enqueues tasks; the db_worker runs them.

Modules register (name, interval in seconds, task) in SCHEDULED_JOBS. Because enqueueing is idempotent at
the task level (outbox rows with uniqueness rules), running two schedulers is harmless.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    every_seconds: int
    enqueue: Callable[[], object]


SCHEDULED_JOBS: list[ScheduledJob] = []


def register(name: str, every_seconds: int, enqueue: Callable[[], object]) -> None:
    if all(job.name != name for job in SCHEDULED_JOBS):
        SCHEDULED_JOBS.append(ScheduledJob(name, every_seconds, enqueue))
