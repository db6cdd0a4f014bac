"""Seeded draws from torch's global RNG that stay reproducible in a threaded server.

Module constructors (``reset_parameters``), ``nn.init`` and Captum's NoiseTunnel draw from the one
process-wide CPU generator. ``torch.manual_seed(s)`` followed by such draws is only reproducible if no
other thread draws in between: two Gradio workers building seeded nets at the same time got each
other's numbers (measured: 9 of 15 concurrent ``build_pair(20)`` differed from the sequential one).
Every seeded section in the app goes through ``seeded``, so they run one at a time, and unseeded draws
that could land inside one (building a CPU model whose weights are loaded next) go through ``drawing``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import torch

_LOCK = threading.RLock()  # re-entrant: a seeded section may call another one


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run the block with the global CPU RNG seeded to ``seed`` and no other seeded section in between;
    the caller's RNG state is restored afterwards."""
    with _LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


@contextlib.contextmanager
def drawing() -> Iterator[None]:
    """Hold while drawing from the global RNG without seeding it. Free on the meta device (nothing is
    drawn there), so the shape tables never wait for a seeded section."""
    if torch.get_default_device().type == "meta":
        yield
        return
    with _LOCK:
        yield
