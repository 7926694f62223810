"""The background writer: occurrences written from a thread, in batches.

``INCIDENT_RECORDING = "background"`` queues each capture here instead of
writing it in the request.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time

from .capture import Failure, Occurrence
from .storage import write

logger = logging.getLogger("errorkit.incidents")


class BackgroundWriter:
    """Writes occurrences from a thread of this process, in batches.

    The request only queues what it captured. A batch that fails is retried
    on a fresh connection (the database may be restarting), and while it
    still fails each event is tried alone, so that one event that cannot be
    stored never takes its batch with it. The queue is bounded
    (``max_queued``): past it, events are dropped and the count is logged.
    Counts stay exact as long as the process ends normally (an ``atexit``
    flush writes what is queued); a killed process loses what it had not
    written yet.
    """

    batch_size = 500
    # How long the writer waits for more events after the first, so that a
    # steady stream is written in batches: one event at a time would cost the
    # process's request threads more of its interpreter than the requests.
    linger = 0.05
    # A queued event of a small request holds about 2 kB (B7 measured 16 MB
    # of growth for 9,000 queued): 20,000 keep a worker's backlog near 40 MB
    # while the database is slow or away, where 100,000 grew past 190 MB.
    max_queued = 20_000
    # While the database cannot be reached: how often, and how many times, a
    # batch is tried again before it is dropped (and said so).
    retry_every = 1.0
    retries = 60

    def __init__(self) -> None:
        self.queue: queue.Queue[Occurrence | Failure] = queue.Queue(self.max_queued)
        self.thread: threading.Thread | None = None
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.dropped = 0

    def submit(self, occurrence: Occurrence | Failure) -> None:
        self._ensure_running()
        try:
            self.queue.put_nowait(occurrence)
        except queue.Full:
            self._drop(1, "the queue is full")

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued is written; False if time ran out."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _running_here(self) -> bool:
        # A forked worker inherits no thread: each process needs its own.
        return (
            self.thread is not None
            and self.thread.is_alive()
            and self.pid == os.getpid()
        )

    def _ensure_running(self) -> None:
        if self._running_here():
            return
        with self.lock:
            if self._running_here():
                return
            if self.pid != os.getpid():
                # A fork's copy of the parent's queue is not this process's.
                self.queue = queue.Queue(self.max_queued)
                self.pid = os.getpid()
            self.thread = threading.Thread(
                target=self._run, name="errorkit-incidents", daemon=True
            )
            self.thread.start()

    def _drop(self, count: int, why: str) -> None:
        self.dropped += count
        logger.error(
            "Dropped %d incident events (%s); %d dropped by this process in all",
            count,
            why,
            self.dropped,
        )

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            # Sleep through the linger rather than wait on the queue: a
            # waiting thread is woken by every event queued, and each wake
            # takes the interpreter from a request thread (B4 measured it).
            # A backlog of a whole batch or more is written at once.
            if self.queue.qsize() < self.batch_size - 1:
                time.sleep(self.linger)
            while len(batch) < self.batch_size:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._write(batch)
            finally:
                for _ in batch:
                    self.queue.task_done()

    def _write(self, batch: list[Occurrence | Failure]) -> None:
        from django.db import connection

        for attempt in range(self.retries + 1):
            try:
                write(batch)
                return
            except Exception:
                connection.close()  # the next try on a fresh connection
                if _reachable():
                    break  # the database answers: an event is to blame
                if attempt < self.retries:
                    time.sleep(self.retry_every)
        else:
            self._drop(len(batch), "the database stayed unreachable")
            return
        self._write_each(batch)

    def _write_each(self, batch: list[Occurrence | Failure]) -> None:
        from django.db import connection

        for occurrence in batch:
            try:
                write([occurrence])
            except Exception:
                connection.close()
                logger.exception(
                    "Could not record an incident event (request %s)",
                    occurrence.request_id or "-",
                )
                self._drop(1, "it could not be stored")


def _reachable() -> bool:
    """Whether the database answers a trivial query now."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        connection.close()
        return False


writer = BackgroundWriter()
atexit.register(writer.flush, 5.0)
