"""Where pages are parsed: in-process (`InlineParsing`) or in a process pool (`PoolParsing`), behind one async
interface, so one heavy page never stalls the event loop and with it every host of the crawl.

The pool's contract, page by page:
- the parser's own exception (NotAProgrammePage, ValueError, ...) reaches the caller as the same type with the same
  message, so the crawl's per-page boundary reports `not_programme` / `parse_error: <Type>: <message>` as before;
- a page that uses more than `cpu_limit_s` of CPU in its worker gets `ParseTimeout` (a SIGPROF interval timer in
  the worker, cleared after each page); the worker lives on;
- a page still unanswered after the wall-clock backstop (a worker stuck in C code, where a Python signal handler
  cannot run) gets `ParseTimeout`; the pool is killed and rebuilt, and the other pages that were in flight on it
  are retried once on the new pool (alone, as below);
- a worker that dies (the OOM killer, a segfault) breaks the pool: it is rebuilt, and every page that was in flight
  is retried once, alone on the pool (one at a time, no other page beside it), so the page that breaks it again is
  the culprit for certain and gets `ParseCrashed`, and its neighbours parse.
Nothing of this leaves the crawl's per-page boundary as anything but that page's exception.

Workers start by "forkserver", not "fork": the parent runs threads (asyncio's executor for DNS lookups and
`to_thread` work, the pool's own management thread) and a forked child inherits whatever locks they held. The fork server imports the parsers once and forks each worker from
that single-threaded process, so a (re)built pool starts in milliseconds instead of re-importing per worker as
"spawn" does (figures in bench/parsing.py).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType, TracebackType
from typing import Protocol, TypeVar

from scrapers.listing import Listing
from scrapers.records import RawFields

START_METHOD = "forkserver"
log = logging.getLogger("programme_scout")
PRELOAD = ["scrapers.pool_server", "scrapers.registry"]  # imported once by the fork server: workers start with them
DEFAULT_CPU_LIMIT_S = 10.0  # a real page parses in ~10 ms; a thousand times that is not a page, it is an attack
T = TypeVar("T")


class ParseTimeout(Exception):
    """A page used more than its CPU-time limit in its worker, or got no answer within the wall-clock backstop."""


class ParseCrashed(Exception):
    """The worker parsing a page died (killed, out of memory, crashed) on the page's first try and on its retry."""


class ParseFailed(Exception):
    """A parser's exception that cannot cross the process boundary as itself (it does not pickle): its type's name
    and its message. `type_name` is what a report should print in place of `type(exc).__name__`."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(type_name, message)
        self.type_name = type_name
        self.message = message

    def __str__(self) -> str:
        return self.message


class PageParser(Protocol):
    """What a portal offers the parsing layer (a scrapers.registry.PortalFamily, or a test's made-up portal). The pool
    sends it to a worker by pickle: a PortalFamily pickles by name; a module-level class pickles by reference."""

    def parse_listing(self, text: str, url: str) -> Listing: ...

    def parse_detail(self, text: str, url: str) -> Mapping[str, list[str]]: ...


class Parsing(Protocol):
    """The crawler's one way to parse a page, wherever that happens."""

    async def listing(self, portal: PageParser, text: str, url: str) -> Listing: ...

    async def detail(self, portal: PageParser, text: str, url: str) -> RawFields: ...


def as_raw_fields(fields: Mapping[str, list[str]]) -> RawFields:
    """A portal's detail result as RawFields (a made-up portal may return a plain dict: its layout is "")."""
    if isinstance(fields, RawFields):
        return fields
    out = RawFields(str(getattr(fields, "layout", "") or ""))
    for name, values in fields.items():
        out[name] = list(values)
    return out


class InlineParsing:
    """Parses on the caller's thread: for tiny runs and for tests of a crawl over made-up portals. No CPU limit:
    a heavy page blocks the event loop for as long as it takes."""

    async def __aenter__(self) -> "InlineParsing":
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def listing(self, portal: PageParser, text: str, url: str) -> Listing:
        return portal.parse_listing(text, url)

    async def detail(self, portal: PageParser, text: str, url: str) -> RawFields:
        return as_raw_fields(portal.parse_detail(text, url))


# ---------------------------------------------------------------- in the worker
class _CpuLimit(BaseException):
    """Raised by the SIGPROF handler. A BaseException, so that a parser's own `except Exception` cannot swallow it
    and carry on; `_parse_in_worker` turns it into ParseTimeout."""


def _on_cpu_limit(signum: int, frame: FrameType | None) -> None:
    raise _CpuLimit()


def _init_worker() -> None:
    _die_with_parent()
    signal.signal(signal.SIGPROF, _on_cpu_limit)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the pool itself


def _die_with_parent() -> None:
    """Linux: a worker gets SIGKILL when its parent (the fork server) ends, and the fork server ends when the crawl's
    process does, so a crawl killed with SIGKILL leaves no parser behind (holding its pipes, or its memory)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _crossable(exc: Exception) -> Exception:
    """The exception itself when it survives pickling as the same type with the same message, else ParseFailed."""
    try:
        back = pickle.loads(pickle.dumps(exc))
        if type(back) is type(exc) and str(back) == str(exc):
            return exc
    except Exception:
        pass
    return ParseFailed(type(exc).__name__, str(exc))


def _parse_in_worker(kind: str, portal: PageParser, text: str, url: str, cpu_limit_s: float) -> Listing | RawFields:
    """One page, within `cpu_limit_s` of this process's CPU time (user + system, ITIMER_PROF)."""
    try:
        signal.setitimer(signal.ITIMER_PROF, cpu_limit_s)
        try:
            if kind == "listing":
                return portal.parse_listing(text, url)
            return as_raw_fields(portal.parse_detail(text, url))
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
    except _CpuLimit:
        raise ParseTimeout(f"parsing took more than {cpu_limit_s:g} s of CPU: {url}") from None
    except Exception as exc:
        raise _crossable(exc) from None


def _main_module() -> list[str]:
    """The main module when it was run by name (`python -m bench.parsing`): every worker re-imports it (the
    multiprocessing rule for spawn and forkserver), so the fork server imports it once and workers inherit its
    imports (0.2 s less per pool). A script run by path is loaded by the fork server already; a `__main__`
    module is never re-imported."""
    import __main__

    spec = getattr(__main__, "__spec__", None)
    name = getattr(spec, "name", "") or ""
    return [name] if name and name != "__main__" and not name.endswith(".__main__") else []


def _worker_pid() -> int:
    return os.getpid()


# ---------------------------------------------------------------- the pool
class PoolParsing:
    """Pages parsed by `workers` processes, each page within `cpu_limit_s` of CPU time. Use as `async with`.
    At most `workers + 1` pages are handed to the pool at once (the others wait here): one queued page keeps the
    workers busy between round trips (75 against 60 pages/s of 280 KB on 2 cores), and a handed-over page waits
    for at most one other page, so the wall-clock backstop (`backstop_s`, default 4 × the CPU limit + 5 s) times
    a parse and a wait, never a whole queue."""

    def __init__(self, workers: int, cpu_limit_s: float = DEFAULT_CPU_LIMIT_S, *, backstop_s: float | None = None,
                 start_method: str = START_METHOD) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        if not cpu_limit_s > 0 or cpu_limit_s == float("inf"):
            raise ValueError(f"cpu_limit_s must be a positive finite number of seconds, not {cpu_limit_s}")
        self.workers = workers
        self.cpu_limit_s = cpu_limit_s
        self.backstop_s = backstop_s if backstop_s is not None else 4 * cpu_limit_s + 5
        self.start_method = start_method
        self.rebuilds = 0  # pools killed and started again (stuck or dead workers): for the run's log
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0
        self._slots: asyncio.Semaphore | None = None
        self._fallback: InlineParsing | None = None  # the pool could not start: parse in-process
        self._alone = asyncio.Lock()

    # -------------------------------------------------------- life cycle
    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            context.set_forkserver_preload(PRELOAD + _main_module())
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker)

    async def __aenter__(self) -> "PoolParsing":
        self._slots = asyncio.Semaphore(self.workers + 1)
        self._alone = asyncio.Lock()
        self._executor = self._start()
        # start every worker now (ProcessPoolExecutor starts them lazily): the first pages then pay no start-up,
        # and a broken start (an import error in a worker) fails here, not on a page
        loop = asyncio.get_running_loop()
        try:
            await asyncio.gather(*(loop.run_in_executor(self._executor, _worker_pid) for _ in range(self.workers)))
        except BrokenProcessPool as exc:  # e.g. a main module the workers cannot load (`python -` reads stdin)
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            self._fallback = InlineParsing()
            log.warning("pages are parsed on the event loop, without a CPU limit: the parsing processes could not "
                        "start (%s; run the pipeline from a script file or `python -m`)", exc)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        executor.shutdown(wait=False, cancel_futures=True)
        processes = list(getattr(executor, "_processes", None) or {})  # pids; private, but what there is to kill
        try:
            await asyncio.wait_for(asyncio.to_thread(executor.shutdown, True), timeout=self.backstop_s)
        except asyncio.TimeoutError:  # a worker stuck in C code: nothing else will stop it
            _kill(processes)
        except asyncio.CancelledError:
            _kill(processes)
            raise

    def _rebuild(self, generation: int) -> None:
        """Kill the pool of `generation` and start a new one, once however many pages saw it fail."""
        if generation != self._generation or self._executor is None:
            return  # already rebuilt by another page
        old = self._executor
        _kill(list(getattr(old, "_processes", None) or {}))
        old.shutdown(wait=False)  # not cancel_futures: a page still queued there must fail as broken and be retried,
        # not come back cancelled (which the awaiting task could not tell from its own cancellation)
        self._executor = self._start()
        self._generation += 1
        self.rebuilds += 1

    # -------------------------------------------------------- pages
    async def listing(self, portal: PageParser, text: str, url: str) -> Listing:
        if self._fallback is not None:
            return await self._fallback.listing(portal, text, url)
        result = await self._parse("listing", portal, text, url)
        assert isinstance(result, Listing)
        return result

    async def detail(self, portal: PageParser, text: str, url: str) -> RawFields:
        if self._fallback is not None:
            return await self._fallback.detail(portal, text, url)
        result = await self._parse("detail", portal, text, url)
        assert isinstance(result, RawFields)
        return result

    async def _parse(self, kind: str, portal: PageParser, text: str, url: str) -> Listing | RawFields:
        """First try beside other pages; a page whose pool broke under it is tried again ALONE on the pool, so a
        second break is its own doing (it is reported) and never costs the pages beside it their retry."""
        if self._slots is None:
            raise RuntimeError("PoolParsing is used as `async with PoolParsing(...) as parsing:`")
        async with self._slots:
            result = await self._attempt(kind, portal, text, url, alone=False)
        if not isinstance(result, _Broken):
            return result
        async with self._alone:  # every slot: no other page in the pool while a suspect is retried
            for _ in range(self.workers + 1):
                await self._slots.acquire()
            try:
                result = await self._attempt(kind, portal, text, url, alone=True)
            finally:
                for _ in range(self.workers + 1):
                    self._slots.release()
        if isinstance(result, _Broken):
            raise ParseCrashed(f"the parsing worker died on this page, also when parsed alone (killed, out of "
                               f"memory or crashed): {url}")
        return result

    async def _attempt(self, kind: str, portal: PageParser, text: str, url: str, *,
                       alone: bool) -> Listing | RawFields | _Broken:
        if self._executor is None:
            raise RuntimeError("PoolParsing is closed")
        generation = self._generation
        try:
            future = self._executor.submit(_parse_in_worker, kind, portal, text, url, self.cpu_limit_s)
        except (BrokenProcessPool, RuntimeError):  # broken (or replaced) by another page since: not this page's doing
            self._rebuild(generation)
            return _Broken()
        try:
            result: Listing | RawFields = await asyncio.wait_for(asyncio.wrap_future(future), timeout=self.backstop_s)
            return result
        except asyncio.TimeoutError:  # stuck where the CPU timer cannot interrupt it: this page's doing...
            if generation != self._generation and not alone:
                return _Broken()  # ...unless it waited behind a stuck page whose pool was killed meanwhile
            self._rebuild(generation)
            raise ParseTimeout(f"parsing gave no answer within {self.backstop_s:g} s (wall clock; CPU limit "
                               f"{self.cpu_limit_s:g} s): {url}") from None
        except BrokenProcessPool:  # a worker died: this page's, or another's in flight beside it
            self._rebuild(generation)
            return _Broken()


class _Broken:
    """An attempt ended by a broken pool (a worker died, or the pool was killed for a stuck page)."""


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def parsing_for(workers: int, cpu_limit_s: float = DEFAULT_CPU_LIMIT_S) -> InlineParsing | PoolParsing:
    """What a crawl parses with: `workers` processes, or in-process when `workers` is 0 (tiny runs, tests)."""
    return InlineParsing() if workers == 0 else PoolParsing(workers, cpu_limit_s)
