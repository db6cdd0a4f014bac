"""Compute once, serve many: results that are a pure function of their inputs, cached by content.

A class clicks the same lesson step within seconds: 40 requests for the same gradient norms used to be
computed 40 times in one queue (47 s at p95, issue 11). Here every result has a key made of its inputs;
the first request computes it, requests arriving *while* it computes wait for that one computation
("single flight") instead of starting their own, and later requests get it from memory.

Two layers, so that the language never leaks between users:

* ``NUMBERS`` holds what the logic returns (dataclasses of arrays, tensors, floats) keyed by the logic
  function and its arguments -- no language in the key or in the value;
* ``VIEWS`` holds what a handler shows (a pre-rendered plot, tables, Markdown) keyed by the same inputs
  *and* the request's language: each language is rendered once from the shared numbers.

Misses of heavy computations take ``HEAVY_SLOT``: one heavy computation at a time, on the process's torch
threads (measured on 2 cores: 1 at a time × 2 threads served more requests per second than 2 × 1 or
2 × 2, see README "Load"). Hits never wait for the slot. The computation itself runs on one worker thread
of lower CPU priority (``HEAVY_NICE``): a class's cached answers are served first while an explorer's new
computation takes what CPU is left (measured with ``scripts/load_test.py --classroom``: with explorers'
uncached attributions running, cached lesson steps went from p95 5-7 s to the figures in README "Load").

Memory is bounded by entry counts (LRU). Errors are not cached: every waiter of a failed computation
gets the same exception, and the next request tries again.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from gradio.components.plot import PlotData
from gradio.processing_utils import encode_plot_to_base64
from matplotlib.figure import Figure

from explainer.ui.presenter import presenting, projector_figure

T = TypeVar("T")

log = logging.getLogger("resnet_explainer")

HEAVY_SLOT = threading.BoundedSemaphore(1)
#: The nice value of the thread heavy computations run on (0 = the serving threads' priority; higher is
#: lower). Raising one's own nice value needs no privilege, on a Space too.
HEAVY_NICE = 10


def _lower_priority() -> None:
    """The heavy worker's initializer: lower this thread's CPU priority before it runs any torch op.

    Linux schedules threads one by one and a new thread inherits its creator's nice value, so the OpenMP
    threads torch starts from this thread for its intra-op work are lowered with it. Elsewhere (no
    per-thread priority) heavy work runs at normal priority, as before.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HEAVY_NICE)
    except (AttributeError, OSError) as err:  # not Linux, or a sandbox that forbids it
        log.warning("heavy computations keep normal priority: %s", err)


_HEAVY_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heavy-compute", initializer=_lower_priority)


def run_heavy(compute: Callable[[], T]) -> T:
    """``compute()`` on the low-priority heavy worker, in the caller's context (language, presenter mode)."""
    context = contextvars.copy_context()
    return _HEAVY_WORKER.submit(context.run, compute).result()


@dataclass
class _Flight:
    """One computation in progress; the requests for the same key wait on ``done``."""

    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None


class ResultCache:
    """A thread-safe LRU of results with single-flight computation of missing keys."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T], *, heavy: bool = False) -> T:
        """The cached value of ``key``, computing it with ``compute()`` once if it is missing."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            flight = self._flights.get(key)
            owner = flight is None
            if owner:
                flight = self._flights[key] = _Flight()
                self.misses += 1
        assert flight is not None
        if not owner:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value
        try:
            if heavy:
                with HEAVY_SLOT:
                    flight.value = run_heavy(compute)
            else:
                flight.value = compute()
        except BaseException as err:
            flight.error = err
            raise
        else:
            with self._lock:
                self._data[key] = flight.value
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
            return flight.value
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


#: What the logic returns, by function and arguments (a few MB per entry at most: gradient norms of a
#: 110-layer pair, a 256-point sweep, a lesion table).
NUMBERS = ResultCache(max_entries=256)
#: What the page shows, by handler, arguments and language (pre-rendered PNG plots of ~100 kB).
VIEWS = ResultCache(max_entries=512)


def _numbers_key(fn: Callable[..., Any], args: tuple[Hashable, ...]) -> Hashable:
    return fn.__module__, fn.__qualname__, args


def numbers(fn: Callable[..., T], *args: Hashable, heavy: bool = True) -> T:
    """``fn(*args)`` computed once per distinct ``args`` (``fn`` must be a pure function of them)."""
    return NUMBERS.get(_numbers_key(fn, args), lambda: fn(*args), heavy=heavy)


def has_numbers(fn: Callable[..., Any], *args: Hashable) -> bool:
    """Whether ``numbers(fn, *args)`` would answer from memory."""
    return _numbers_key(fn, args) in NUMBERS


def view(handler: Callable[..., T], *args: Hashable) -> T:
    """``handler(*args)``'s outputs rendered once per distinct ``args``, page language and presenter mode."""
    from explainer.i18n import current_language

    key = (handler.__module__, handler.__qualname__, args, current_language(), presenting())
    return VIEWS.get(key, lambda: handler(*args))


def png_plot(fig: Figure | None) -> PlotData | None:
    """A Figure rendered once into what ``gr.Plot(format="png")`` sends, so a cached view is never redrawn."""
    if fig is None:
        return None
    if presenting():
        projector_figure(fig)
    return PlotData(type="matplotlib", plot=encode_plot_to_base64(fig, "png"))
