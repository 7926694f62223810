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

from .capture import Occurrence
from .storage import write

logger = logging.getLogger("errorkit.incidents")


class BackgroundWriter:
    """Writes occurrences from a thread of this process, in batches.

    The request only queues what it captured. Counts stay exact as long as the
    process ends normally (an ``atexit`` flush writes what is queued); a
    killed process loses what it had not written yet.
    """

    batch_size = 500

    def __init__(self) -> None:
        self.queue: queue.Queue[Occurrence] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.pid: int | None = None
        self.lock = threading.Lock()

    def submit(self, occurrence: Occurrence) -> None:
        self._ensure_running()
        self.queue.put(occurrence)

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
            if not self._running_here():
                self.queue = queue.Queue()
                self.pid = os.getpid()
                self.thread = threading.Thread(
                    target=self._run, name="errorkit-incidents", daemon=True
                )
                self.thread.start()

    def _run(self) -> None:
        from django.db import connection

        while True:
            batch = [self.queue.get()]
            while len(batch) < self.batch_size:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                write(batch)
            except Exception:
                logger.exception("Could not record %d incident events", len(batch))
            finally:
                connection.close_if_unusable_or_obsolete()
                for _ in batch:
                    self.queue.task_done()


writer = BackgroundWriter()
atexit.register(writer.flush, 5.0)
