"""What a test enqueued through django.tasks, whatever the backend (the test settings run tasks at once)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.tasks.signals import task_enqueued


@contextmanager
def enqueued_tasks() -> Iterator[list[str]]:
    """The module paths of the tasks enqueued inside the block, in order (from the task_enqueued signal)."""
    paths: list[str] = []

    def record(sender, task_result, **kwargs):
        paths.append(task_result.task.module_path)

    task_enqueued.connect(record, weak=False, dispatch_uid="tests.enqueued_tasks")
    try:
        yield paths
    finally:
        task_enqueued.disconnect(dispatch_uid="tests.enqueued_tasks")
