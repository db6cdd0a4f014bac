"""The queue groups events run in (Gradio's ``concurrency_id`` / ``concurrency_limit``), sized for 2 vCPUs."""

from __future__ import annotations

from typing import Any

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
