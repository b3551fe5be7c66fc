"""Where a SPARQL query from outside is evaluated: forked, walled-off worker processes.

The workers are forked from the server as it starts, sharing its in-memory store copy-on-write.
Each first walls itself off (cityrdf.sandbox: no network sockets, RLIMIT_AS), then evaluates the
jobs it is sent (cityrdf.web.evaluate) one at a time. A query past its deadline is killed with its
worker (a thread could only be abandoned), and one that needs more memory than allowed kills only
its worker: the server lives, and replaces the worker. Callers check the query first
(cityrdf.sparql_guard) and send only the text the check returns; the walls hold even if that check
misses. `cityrdf query` evaluates in the same `Worker` as the server's pool.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
from contextlib import contextmanager

import pyoxigraph as ox

from cityrdf import sandbox
from cityrdf.web.evaluate import UNDOABLE, Answer, Job, Limits, evaluate, over_memory, text

__all__ = ["STORE_LOCK", "UNDOABLE", "Answer", "Job", "Limits", "WorkerPool", "run_query"]

# how a worker over its RLIMIT_AS dies: Rust aborts when an allocation fails
DIED_OF_MEMORY = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL, -signal.SIGBUS)


class ForkLock:
    """Readers of the store share it; a fork waits until no thread is inside the store (a fork
    could otherwise copy a lock held mid-read into the child) and holds new readers off."""

    def __init__(self):
        self._changed = threading.Condition()
        self._readers = 0
        self._forking = False

    @contextmanager
    def reading(self):
        with self._changed:
            while self._forking:
                self._changed.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._changed:
                self._readers -= 1
                self._changed.notify_all()

    @contextmanager
    def forking(self):
        with self._changed:
            while self._forking:
                self._changed.wait()
            self._forking = True
            while self._readers:
                self._changed.wait()
        try:
            yield
        finally:
            with self._changed:
                self._forking = False
                self._changed.notify_all()


STORE_LOCK = ForkLock()


class Worker:
    """One forked, walled-off process that evaluates jobs sent over a socket pair, one at a time."""

    def __init__(self, store: ox.Store, limits: Limits):
        ctx = multiprocessing.get_context("fork")
        self.conn, child_end = ctx.Pipe(duplex=True)
        with STORE_LOCK.forking():
            self.process = ctx.Process(
                target=_serve_jobs, args=(store, limits, child_end), daemon=True
            )
            self.process.start()
        child_end.close()
        self.jobs = 0

    def run(self, job: Job, limits: Limits) -> tuple[Answer, bool]:
        """The answer, and whether this worker may take another job."""
        self.jobs += 1
        try:
            self.conn.send(job)
            if self.conn.poll(limits.timeout):
                return self.conn.recv(), True
            return text(
                408, f"query stopped: it ran longer than the {limits.timeout:g} s limit"
            ), False
        except (EOFError, OSError):  # the worker died without answering: over its memory
            self.process.join(1)
            if self.process.exitcode in DIED_OF_MEMORY:
                return over_memory(limits), False
            return text(503, "query stopped: its worker ended without an answer"), False

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """`size` workers forked ahead of time; a worker that overran its deadline or memory is
    killed and replaced, and each is replaced after `max_jobs` jobs (memory it kept)."""

    def __init__(self, store: ox.Store, limits: Limits, size: int, max_jobs: int = 500):
        self.store, self.limits, self.size, self.max_jobs = store, limits, size, max_jobs
        self.idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._started = threading.Lock()
        self.started = False

    def start(self) -> None:
        """Fork the workers (the server calls this as it starts; `run` does if it has not)."""
        with self._started:
            if not self.started:
                for _ in range(self.size):
                    self.idle.put(Worker(self.store, self.limits))
                self.started = True

    def run(self, job: Job) -> Answer:
        """Blocks while every worker is busy: callers bound how many jobs wait (a semaphore)."""
        self.start()
        worker = self.idle.get()
        answer, reusable = worker.run(job, self.limits)
        if not reusable or worker.jobs >= self.max_jobs:
            worker.stop()
            worker = Worker(self.store, self.limits)
        self.idle.put(worker)
        return answer

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().stop()


def run_query(store: ox.Store, job: Job, limits: Limits) -> Answer:
    """Evaluate one checked job in a worker of its own, then stop it."""
    worker = Worker(store, limits)
    try:
        return worker.run(job, limits)[0]
    finally:
        worker.stop()


def _serve_jobs(store: ox.Store, limits: Limits, conn) -> None:
    """The worker's life: wall itself off, then answer jobs until the server hangs up."""
    try:
        sandbox.enter(limits.memory, keep_fds=(conn.fileno(),))
        walled = True
    except sandbox.SandboxUnavailable:
        walled = False
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if not walled:
            answer = text(503, "queries cannot be evaluated on this server (no sandbox)")
        else:
            try:
                answer = evaluate(store, job, limits)
            except MemoryError:
                answer = over_memory(limits)
            except (OSError, RuntimeError):  # Oxigraph's evaluation errors: never say what the
                answer = UNDOABLE  # network or the file system answered
            except Exception:  # noqa: BLE001 -- a bug must still come back as a short answer
                answer = text(500, "internal error while evaluating the query")
        conn.send(answer)
