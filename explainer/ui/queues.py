"""The queue groups events run in (Gradio's ``concurrency_id`` / ``concurrency_limit``), sized for 2 vCPUs."""

from __future__ import annotations

import logging
import re
from typing import Any

from explainer.i18n import N_

log = logging.getLogger("resnet_explainer")

# CPU-heavy events (training, attributions, gradient norms) share one queue group sized for a
# 2-vCPU Space: one at a time on both cores (2 torch threads, explainer/runtime.py), the rest wait
# in line. Cheap events (shape tables) keep Gradio's default groups and are not stuck behind them.
# Measured with scripts/load_test.py (20 users, 75 s, 2-core EPYC shared with other jobs, load ≈ 3):
# limit 1 × 2 threads: 1.09-1.11 heavy req/s, cheap p95 2.2-2.4 s; limit 2 × 1 thread: 0.75-1.07
# req/s, cheap p95 3.6-4.4 s; limit 2 × 2 threads (two 2-thread requests fight over 2 cores): 0.99
# req/s, cheap p95 3.5 s; limit 1 × 1 thread: 0.75 req/s, cheap p95 4.1 s.
HEAVY: dict[str, Any] = {"concurrency_id": "heavy", "concurrency_limit": 1}

# A prediction or a feature-map grid is one forward pass (~20 ms alone): a queue of its own, so a
# student's upload is answered while other users' attributions and gradient sweeps (seconds each)
# wait in the shared heavy queue. One slot: the model work is serialised by inside_models.MODEL_LOCK
# anyway. Under 20 users /predict went from p50 12.8 s to 0.29 s with it (scripts/load_test.py).
QUICK: dict[str, Any] = {"concurrency_id": "forward_pass", "concurrency_limit": 1}

# Events waiting in all queues together, beyond which Gradio answers "queue is full" at once instead of
# letting the backlog (and its memory) grow without bound. A class of 40 opening the page sends ~10
# events each (the tabs' default results), ~400 in all; a lesson step ~2 each. 1000 leaves room for
# a class and its explorers while a flood of hand-made API calls is turned away.
MAX_PENDING_EVENTS = 1000
# Gradio's default for events without their own limit: the shape tables and page-load redraws (cheap,
# mostly answered from compute_once's caches), a few at a time.
DEFAULT_CONCURRENCY = 4

# Heavy events one session may have waiting or running at once. A student clicks a heavy button, maybe a
# second one before the first answers; beyond that, a session (or a script holding one session) would
# hold the shared heavy queue for minutes while a class waits. Page loads and shape tables are not heavy.
MAX_HEAVY_PER_SESSION = 3
HEAVY_LIMIT_MESSAGE = N_("You already have {n} computations waiting or running. Please wait for their results, "
                         "then try again.")

#: The Gradio releases whose ``Queue.push`` / ``Event`` fields ``limit_heavy_per_session`` reads.
GRADIO_QUEUE_VERSIONS = re.compile(r"^6\.31\.")


def _heavy_events_of(queue: Any, session_hash: str) -> int:
    """Heavy events of ``session_hash`` waiting in ``queue`` or running now."""
    waiting = queue.event_queue_per_concurrency_id.get(HEAVY["concurrency_id"])
    pending = [e for e in (waiting.queue if waiting else []) if e.session_hash == session_hash]
    running = [e for jobs in queue.active_jobs if jobs for e in jobs
               if e.session_hash == session_hash and e.concurrency_id == HEAVY["concurrency_id"] and e.alive]
    return len(pending) + len(running)


def limit_heavy_per_session(demo: Any, limit: int = MAX_HEAVY_PER_SESSION) -> bool:
    """Refuse a session's heavy event when it already has ``limit`` of them waiting or running.

    Wraps *this app's* queue (``demo._queue.push``, an instance attribute -- nothing process-wide). The
    refusal is Gradio's plain "error" answer (HTTP 400), whose text the page shows as the error toast, in
    the request's language; Gradio's "queue full" (503) would show its own English sentence instead.
    Abandoned events need nothing from us: Gradio drops a session's waiting events when its event
    stream closes (``Queue.clean_events``, tests/test_queues.py checks it). On another Gradio release
    the limit is skipped with a warning (returns ``False``); tests/test_queues.py fails there, so an
    upgrade is noticed.
    """
    import gradio

    from explainer.i18n import tr, use_language
    from explainer.ui.boundary import request_language

    queue = demo._queue
    if getattr(queue.push, "heavy_limit", None) is not None:
        return True
    if not GRADIO_QUEUE_VERSIONS.match(gradio.__version__) or not hasattr(queue, "event_queue_per_concurrency_id"):
        log.warning("limit_heavy_per_session skipped: written for Gradio 6.31, found %s", gradio.__version__)
        return False
    original = queue.push

    async def push(body: Any, request: Any, username: str | None) -> tuple[bool, Any, str]:
        fn = queue.blocks.fns.get(body.fn_index) if isinstance(body.fn_index, int) else None
        if fn is not None and fn.concurrency_id == HEAVY["concurrency_id"] and body.session_hash:
            n = _heavy_events_of(queue, body.session_hash)
            if n >= limit:
                with use_language(request_language(request)):
                    return False, tr(HEAVY_LIMIT_MESSAGE, n=n), "error"
        return await original(body=body, request=request, username=username)

    push.heavy_limit = limit  # type: ignore[attr-defined]
    queue.push = push
    return True


def configure_queue(demo: Any) -> Any:
    """The app's queue: bounded in size, default concurrency for cheap events, heavy events per session
    limited. Used by ``app.py``, the tests' served app and the load scripts, so all run the same queue."""
    demo.queue(default_concurrency_limit=DEFAULT_CONCURRENCY, max_size=MAX_PENDING_EVENTS)
    limit_heavy_per_session(demo)
    return demo
