"""Build steps that run in a forked child process while the build goes on in the main one.

The search index and the download files need only the checked dataset, take tens of seconds at
10,000 letters, and do not depend on MkDocs: on a machine with two cores they run beside the page
stages. A child is forked (it shares the loaded dataset, nothing is pickled on the way in), writes
into a folder of its own (MkDocs empties the staged site before it renders), and sends back its
result, or the exception it raised, through a pipe. ``merge_into`` then moves that folder's files
into the staged site by renaming them.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from build_scripts.problems import BuildError

R = TypeVar("R")


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when ``parent`` does: a build killed by SIGKILL or SIGTERM
    never finishes its cleanup, and its children ran on for seconds (issue 17).

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; the check after it covers a parent that died before
    the call. Elsewhere the child only ends with its pipe (the build's ``cancel``).
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _run(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...], parent: int, nice: int = 0) -> None:
    die_with_parent(parent)
    if nice:
        os.nice(nice)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        result: tuple[str, Any] = ("ok", fn(*args))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        result = ("error", exc)
    spent = (time.perf_counter() - start, time.process_time() - cpu)
    try:
        send.send((*result, spent))
    except Exception as exc:  # an exception or result that does not pickle: say what it was
        send.send(("error", BuildError(f"{getattr(fn, '__name__', fn)}: {result[1]!r} ({exc})"), spent))
    finally:
        send.close()


class Background:
    """One step running in a forked child; ``result()`` waits for it and returns or raises. ``nice``: how far
    the child lowers its priority (``os.nice``) before it starts."""

    def __init__(self, name: str, fn: Callable[..., Any], *args: Any, nice: int = 0) -> None:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no progress-bar monitor thread that a fork could copy mid-lock
        gc.freeze()  # the collector never walks the shared objects, so their pages stay shared (`thaw`)
        context = multiprocessing.get_context("fork")
        self.name = name
        self.seconds = 0.0  # wall-clock seconds the step took in its process
        self.cpu_seconds = 0.0
        self._outcome: tuple[str, Any] | None = None
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(send, fn, args, os.getpid(), nice), name=f"portal build: {name}",
                                        daemon=True)
        self._process.start()
        send.close()

    def result(self) -> Any:
        """Wait for the child (once) and return its result or raise its exception."""
        if self._outcome is None:
            try:
                kind, value, (self.seconds, self.cpu_seconds) = self._receive.recv()
            except EOFError:
                self._process.join()
                kind, value = "error", BuildError(f"{self.name}: the step's process ended without a result "
                                                  f"(exit code {self._process.exitcode}; out of memory?)")
            finally:
                self._receive.close()
                self._process.join()
            self._outcome = (kind, value)
        kind, value = self._outcome
        if kind == "error":
            raise value
        return value

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed elsewhere)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()


PARALLEL_FROM = 2000
"""Items from which a stage splits its work in two processes (records loaded, pages link-checked)."""


def worth_two(items: int) -> bool:
    """Whether ``items`` are enough to split across two processes (``in_two``)."""
    return items >= PARALLEL_FROM


def in_two(name: str, fn: Callable[..., R], first: Any, second: Any, *args: Any) -> tuple[R, R]:
    """``fn(first, *args)`` here and ``fn(second, *args)`` in a forked child, at the same time; one after
    the other in a step's own child (``Background``'s are daemonic, and a daemonic process may not fork
    one: the search child that needed the commitments failed the 100,000-letter build, issue 13)."""
    if multiprocessing.current_process().daemon:
        return fn(first, *args), fn(second, *args)
    other = Background(name, fn, second, *args)
    try:
        return fn(first, *args), other.result()
    finally:
        other.cancel()


def thaw() -> None:
    """Let the collector see the objects frozen before the forks again (the build is over)."""
    gc.unfreeze()


def merge_into(source: Path, target: Path) -> None:
    """Move every file under ``source`` to the same place under ``target``; folders are merged."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.scandir(source), key=lambda e: e.name):
        destination = target / entry.name
        if entry.is_dir(follow_symlinks=False) and destination.is_dir():
            merge_into(Path(entry.path), destination)
        else:
            if destination.is_dir():
                shutil.rmtree(destination)
            os.replace(entry.path, destination)
    shutil.rmtree(source)
