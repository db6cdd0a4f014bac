"""The queue groups events run in (Gradio's ``concurrency_id`` / ``concurrency_limit``), sized for 2 vCPUs."""

from __future__ import annotations

import logging
import re
from typing import Any

from explainer.i18n import N_

log = logging.getLogger("resnet_explainer")

# CPU-heavy events (attributions, gradient norms, sweeps) share one queue group. Their computations run one
# at a time anyway, on a low-priority worker (compute_once.HEAVY_SLOT / run_heavy: one computation on both
# cores, 2 torch threads -- measured best on 2 cores); the queue's slots are for the *requests*, most of which
# a class answers from the caches in milliseconds. With 1 slot, 40 students' cached Grad-CAM waited behind
# an explorer's 10-s computation (p95 11 s, scripts/load_test.py --classroom, 40 students + 4 explorers);
# with 4 slots, 4 explorers' waiting misses filled them (shattered p95 5 s); with 16 (a session may hold 3,
# MAX_HEAVY_PER_SESSION) cached steps were answered at p95 0.9-3.3 s in the same run.
HEAVY: dict[str, Any] = {"concurrency_id": "heavy", "concurrency_limit": 16}

# A prediction or a feature-map grid is one forward pass (~20 ms alone): a queue of its own, so a
# student's upload is answered while other users' attributions and gradient sweeps wait in the heavy
# queue. Model work is serialised by the quick instance's lock (inside_models); 4 slots let cached
# answers and uploads' decoding overlap (40 students' /predict p95 3.7 s with 1 slot, 1.1-2.5 s with 4).
QUICK: dict[str, Any] = {"concurrency_id": "forward_pass", "concurrency_limit": 4}

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
