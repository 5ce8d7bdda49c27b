"""Background work on Django's tasks API with the database backend (docs/decisions/0026).

A function becomes a job with `@task()` (re-exported here) and is queued with
`my_task.enqueue(...)`, best inside `transaction.on_commit` so a job never sees rows that were
rolled back. The jobs are rows of the project's own database; `dieuhanh worker` processes take
them. `drain()` runs the queued jobs here and now, through the same worker loop: the command
`dieuhanh reminders`, the tests and a single-process setup use it."""

from __future__ import annotations

from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

__all__ = ["drain", "pending", "task"]


def pending() -> int:
    """How many jobs wait in the queue."""
    return DBTaskResult.objects.ready().count()


def drain(*, max_tasks: int | None = None, queues: tuple[str, ...] = ("*",)) -> int:
    """Run the jobs that are ready, in this process, until none is left (or `max_tasks` ran).
    Returns how many ran."""
    worker = Worker(
        queue_names=list(queues), interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=max_tasks, worker_id="drain", excluded_queue_names=[],
    )
    worker.run()
    return worker._run_tasks
