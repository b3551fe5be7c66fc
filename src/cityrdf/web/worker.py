"""Where a SPARQL query from outside is evaluated: forked, walled-off worker processes.

The workers are forked from the server as it starts, sharing its in-memory store copy-on-write.
Each first walls itself off (cityrdf.web.sandbox: no network sockets, RLIMIT_AS), then evaluates the
jobs it is sent (cityrdf.web.evaluate) one at a time. A query past its deadline is killed with its
worker (a thread could only be abandoned), and one that needs more memory than allowed kills only
its worker: the server lives, and replaces the worker. Callers check the query first
(cityrdf.sparql.guard) and send only the text the check returns; the walls hold even if that check
misses. `cityrdf query` evaluates in the same `Worker` as the server's pool.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
import signal
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cityrdf.web import sandbox
from cityrdf.web.evaluate import UNDOABLE, Answer, Job, Limits, evaluate, over_memory, text

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "STORE_LOCK",
    "UNDOABLE",
    "Answer",
    "AnswerCache",
    "Job",
    "Limits",
    "StreamedAnswer",
    "WorkerPool",
    "dataset_hash",
    "run_query",
]

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


PART = 256 * 1024  # bytes of an answer's body sent from the worker at a time


def parts(length: int) -> int:
    return -(-length // PART)


def send_answer(conn, answer: Answer) -> None:
    """The answer's head, then its body in parts of at most PART bytes; a body of one part goes
    with its head, in one message (one write here, one wakeup and two reads in the server)."""
    length = len(answer.body)
    whole = answer.body if length <= PART else None
    conn.send((answer.status, answer.media_type, answer.truncated, length, whole))
    if whole is None:
        for start in range(0, length, PART):
            conn.send_bytes(answer.body, start, min(PART, length - start))


class StreamedAnswer:
    """An answer whose body is still in its worker, read part by part as the client takes it,
    so that the server holds one part per client rather than whole answers nobody reads.
    `finished(worker_reusable)` is called once, when the body is read to its end or closed."""

    def __init__(self, status: int, media_type: str, truncated: bool, length: int, conn):
        self.status, self.media_type, self.truncated = status, media_type, truncated
        self.length, self.conn = length, conn
        self.left = parts(length)
        self.finished = lambda worker_reusable: None
        self._reading = threading.Lock()
        self._closed = False

    def read(self) -> bytes:
        """The next part of the body; b"" at its end (or once closed)."""
        with self._reading:
            if self._closed or not self.left:
                return b""
            try:
                part = self.conn.recv_bytes()
            except (EOFError, OSError):
                self.left = -1  # the worker died mid-answer
                return b""
            self.left -= 1
            return part

    def close(self) -> None:
        """Ends the reading; a worker with parts left unread is not reused."""
        with self._reading:
            if self._closed:
                return
            self._closed = True
        self.finished(self.left == 0)


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
        self.dataset_hash = ""  # of the store it was forked with, if its pool knows it

    def run_whole(self, job: Job, limits: Limits) -> tuple[Answer, bool]:
        """`run` without streaming: the body comes whole."""
        answer, reusable = self.run(job, limits)
        assert isinstance(answer, Answer)  # only a stream_from makes a StreamedAnswer
        return answer, reusable

    def run(
        self, job: Job, limits: Limits, stream_from: int | None = None
    ) -> tuple[Answer | StreamedAnswer, bool]:
        """The answer, and whether this worker may take another job. A body of more than
        `stream_from` bytes stays in the worker, to be read part by part (a `StreamedAnswer`):
        the worker is busy until it is read to the end or closed."""
        self.jobs += 1
        try:
            self.conn.send(job)
            if not self.conn.poll(limits.timeout):
                return overran(limits), False
            return self._received(stream_from), True
        except (EOFError, OSError):
            return self._died(limits), False

    async def run_async(
        self, job: Job, limits: Limits, stream_from: int | None = None
    ) -> tuple[Answer | StreamedAnswer, bool]:
        """`run` in the event loop: the answer is awaited as its pipe becomes readable, so no
        thread waits for it. A worker whose wait is cancelled has an answer on its way: the
        caller must not give it another job."""
        import asyncio  # here: only the server's event loop needs it, not `cityrdf query`

        loop = asyncio.get_running_loop()
        self.jobs += 1
        try:
            self.conn.send(job)
            answered: asyncio.Future[None] = loop.create_future()
            fd = self.conn.fileno()

            def readable() -> None:
                if not answered.done():
                    answered.set_result(None)

            loop.add_reader(fd, readable)
            try:
                async with asyncio.timeout(limits.timeout):
                    await answered
            except TimeoutError:
                return overran(limits), False
            finally:
                loop.remove_reader(fd)
                os.set_blocking(fd, True)  # uvloop's reader made it non-blocking; reads here block
            # the worker sends its answer's head once the body is made: reading it does not wait
            return self._received(stream_from), True
        except (EOFError, OSError):
            # reaping it may wait for its exit (up to a second): not in the event loop
            return await asyncio.to_thread(self._died, limits), False

    def _received(self, stream_from: int | None) -> Answer | StreamedAnswer:
        status, media_type, truncated, length, whole = self.conn.recv()
        if whole is not None:
            return Answer(status, media_type, whole, truncated)
        if stream_from is not None and length > stream_from:
            return StreamedAnswer(status, media_type, truncated, length, self.conn)
        body = b"".join(self.conn.recv_bytes() for _ in range(parts(length)))
        return Answer(status, media_type, body, truncated)

    def _died(self, limits: Limits) -> Answer:
        """The answer of a worker that died without answering: over its memory, or else."""
        self.process.join(1)
        if self.process.exitcode in DIED_OF_MEMORY:
            return over_memory(limits)
        return text(503, "query stopped: its worker ended without an answer")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def overran(limits: Limits) -> Answer:
    return text(408, f"query stopped: it ran longer than the {limits.timeout:g} s limit")


def dataset_hash(store: ox.Store) -> str:
    """A digest of what the store holds: a cached answer is one of the data it was computed on."""
    with STORE_LOCK.reading():
        dumped = store.dump(format=ox.RdfFormat.N_QUADS)
    assert dumped is not None  # None only when it writes to an output
    return hashlib.sha256(dumped).hexdigest()


class AnswerCache:
    """Answers (200 only) kept by the digest of the data they were computed on and everything
    of the job that shapes them: its checked text, Accept, format and dataset. The stored
    questions are asked again and again with the same texts; evaluating each once is enough.
    At most `max_bytes` of bodies and keys are kept, the oldest dropped first; a body over
    `max_answer` bytes is not kept."""

    def __init__(self, max_bytes: int = 64 * 2**20, max_answer: int = 2**20):
        self.max_bytes, self.max_answer = max_bytes, max_answer
        self.answers: dict[tuple, Answer] = {}
        self.bytes = 0
        self._changing = threading.Lock()

    @staticmethod
    def key(digest: str, job: Job) -> tuple:
        dataset = tuple(sorted((k, tuple(map(str, v))) for k, v in job.options.items()))
        return (digest, job.query, job.accept, job.fmt, dataset)

    def get(self, key: tuple) -> Answer | None:
        return self.answers.get(key)

    @staticmethod
    def size(key: tuple, answer: Answer) -> int:
        """Bytes an entry holds: the body, and the texts of its key (a query may be 64 KB)."""
        return len(answer.body) + sum(len(part) for part in key if isinstance(part, str))

    def put(self, key: tuple, answer: Answer) -> None:
        if answer.status != 200 or len(answer.body) > self.max_answer:
            return
        with self._changing:
            if key in self.answers:
                return
            self.answers[key] = answer
            self.bytes += self.size(key, answer)
            while self.bytes > self.max_bytes:
                oldest = next(iter(self.answers))
                self.bytes -= self.size(oldest, self.answers.pop(oldest))


class WorkerPool:
    """`size` workers forked ahead of time; a worker that overran its deadline or memory is
    killed and replaced, and each is replaced after `max_jobs` jobs (memory it kept). Answers
    are kept (`AnswerCache`) under the digest of the store as the answering worker was forked
    with it, and looked up under the digest of the latest fork: a store changed since (seen by
    workers forked after the change) is never answered from the data before it. An owner whose
    store does not change while the pool runs (the server's) passes its digest, `fixed_hash`,
    computed once: then no fork digests the store again (~22 ms each)."""

    # A replacement costs the server a fork, and copy-on-write faults on its own pages after it
    # (and a digest of the store, without a fixed one): after 500 jobs, every-text-distinct load
    # had p99 84 ms, with none 22 ms. What a worker keeps is capped by its RLIMIT_AS all the same.
    def __init__(
        self,
        store: ox.Store,
        limits: Limits,
        size: int,
        max_jobs: int = 5000,
        fixed_hash: str | None = None,
    ):
        self.store, self.limits, self.size, self.max_jobs = store, limits, size, max_jobs
        self.idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self.answers = AnswerCache()
        self.fixed_hash = fixed_hash
        self.dataset_hash = fixed_hash or ""
        self._started = threading.Lock()
        self.started = False

    def start(self) -> None:
        """Fork the workers (the server calls this as it starts; `run` does if it has not)."""
        with self._started:
            if not self.started:
                self.dataset_hash = self._store_hash()
                for _ in range(self.size):
                    self.idle.put(self._fork())
                self.started = True

    def cached(self, job: Job) -> Answer | None:
        """The job's answer if one computed on the data the workers now hold is kept."""
        if not self.started:
            return None
        return self.answers.get(AnswerCache.key(self.dataset_hash, job))

    def run(self, job: Job, stream_from: int | None = None) -> Answer | StreamedAnswer:
        """Blocks while every worker is busy: callers bound how many jobs wait (a semaphore).
        A body over `stream_from` bytes comes as a `StreamedAnswer`, its worker busy until the
        caller has read it or closed it."""
        self.start()
        found = self.cached(job)
        if found is not None:
            return found
        worker = self.idle.get()
        answer, reusable = worker.run(job, self.limits, stream_from)
        if isinstance(answer, StreamedAnswer):
            answer.finished = lambda reusable: self._release(worker, reusable)
            return answer
        self.answers.put(AnswerCache.key(worker.dataset_hash, job), answer)
        self._release(worker, reusable)
        return answer

    async def run_async(self, job: Job, stream_from: int | None = None) -> Answer | StreamedAnswer:
        """`run` in the event loop, with no thread waiting for the worker's answer. Callers bound
        the jobs to the workers, so one is idle but while one is being replaced (a fork, done in a
        thread)."""
        import asyncio

        self.start()
        found = self.cached(job)
        if found is not None:
            return found
        while True:  # polled, not waited for in a thread: a cancelled wait must take no worker
            try:
                worker = self.idle.get_nowait()
                break
            except queue.Empty:  # one being replaced
                await asyncio.sleep(0.005)
        try:
            answer, reusable = await worker.run_async(job, self.limits, stream_from)
        except BaseException:  # cancelled while its answer is on the way: not reusable
            asyncio.get_running_loop().run_in_executor(None, self._release, worker, False)
            raise
        if isinstance(answer, StreamedAnswer):
            loop = asyncio.get_running_loop()
            answer.finished = lambda reusable: self._give_back(loop, worker, reusable)
            return answer
        self.answers.put(AnswerCache.key(worker.dataset_hash, job), answer)
        if self._replaced(worker, reusable):
            await asyncio.to_thread(self._release, worker, reusable)
        else:
            self.idle.put(worker)
        return answer

    def _replaced(self, worker: Worker, reusable: bool) -> bool:
        return not reusable or worker.jobs >= self.max_jobs

    def _give_back(self, loop: asyncio.AbstractEventLoop, worker: Worker, reusable: bool) -> None:
        """The worker of a streamed answer, at its end (in the event loop, often as a client
        leaves): a replacement is forked in a thread, so that no client waits for the fork."""
        if self._replaced(worker, reusable):
            loop.run_in_executor(None, self._release, worker, reusable)
        else:
            self.idle.put(worker)

    def _release(self, worker: Worker, reusable: bool) -> None:
        if self._replaced(worker, reusable):
            worker.stop()
            self.dataset_hash = self._store_hash()  # the replacement sees the store as now
            worker = self._fork()
        self.idle.put(worker)

    def _store_hash(self) -> str:
        return self.fixed_hash or dataset_hash(self.store)

    def _fork(self) -> Worker:
        worker = Worker(self.store, self.limits)
        worker.dataset_hash = self.dataset_hash
        return worker

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().stop()


def run_query(store: ox.Store, job: Job, limits: Limits) -> Answer:
    """Evaluate one checked job in a worker of its own, then stop it."""
    worker = Worker(store, limits)
    try:
        return worker.run_whole(job, limits)[0]
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
        send_answer(conn, answer)
