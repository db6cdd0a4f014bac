"""Shape tables and gradients in one process at the same time, as a classroom on one server runs them (issue 11).

Tracing used to count multiply-adds under ``FlopCounterMode``, whose module tracker installs process-wide
``nn.Module`` hooks: a backward pass in another thread meanwhile could fail ("A leaf node was passed to
_will_engine_execute_node"). Here threads trace hundreds of blocks and networks (fx symbolic tracing
included) while other threads compute Captum attributions, gradient norms and shattered gradients. No
call may fail, and every answer must equal the one computed alone.
"""

from __future__ import annotations

import itertools
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import fields
from typing import Any

import numpy as np
import torch

from explainer.degradation.grad_norms import grad_norms
from explainer.degradation.shattered import shattered_gradients
from explainer.inside.attribution_methods import GRADCAM, IG, SALIENCY, attribute
from explainer.models.blocks import make_block
from explainer.shapes import network_report
from explainer.shapes.block_report import explore_block
from explainer.shapes.network_report import trace_preset
from explainer.shapes.tracer import trace_model
from tests.support.factories import tiny_model

TRACES = 200  # in two threads; every one fx-traces a block or a network and runs it on meta tensors


def _block(block: str, shortcut: str, stride: int, batch_norm: bool, side: int) -> Callable[[], Any]:
    channels = 16 if block == "basic" else 32  # in = out: a bottleneck of width 8 outputs 4 × 8

    def job() -> tuple[Any, ...]:
        with torch.device("meta"):  # what explore_block does, without drawing the diagram (3/4 of its time)
            module = make_block(block, channels, channels // (1 if block == "basic" else 4), stride,
                                shortcut=shortcut, batch_norm=batch_norm)
        trace = trace_model(module, (channels, side, side))
        return trace.rows, trace.total_macs, trace.total_params

    return job


def _explored(block: str, shortcut: str, stride: int, side: int) -> Callable[[], Any]:
    def job() -> tuple[Any, ...]:
        report = explore_block(block, shortcut, 16, 16 if block == "basic" else 32, stride, True, side, side)
        return report.trace.rows, report.trace.total_macs, report.output_shape, report.valid, report.explanation

    return job


def _network(name: str, in_channels: int, side: int) -> Callable[[], Any]:
    def job() -> tuple[Any, ...]:
        # Fresh caches (lru_cache is thread-safe): the network is built and fx-traced anew each time.
        network_report._graph.cache_clear()
        network_report.trace_preset.cache_clear()
        trace = trace_preset(name, in_channels, side, side, 10)
        return trace.rows, trace.total_macs, trace.total_params, trace.activation_bytes

    return job


#: The traces, taken in turn: 8 blocks through the tracer, 2 through the whole configurator, 2 networks.
TRACE_JOBS: list[tuple[str, Callable[[], Any]]] = [
    *((f"block {args}", _block(*args)) for args in [
        ("basic", "identity", 1, True, 12), ("basic", "projection", 2, True, 13), ("basic", "none", 2, False, 9),
        ("basic", "projection", 1, False, 16), ("bottleneck", "identity", 1, True, 11),
        ("bottleneck", "projection", 2, True, 15), ("bottleneck", "none", 1, False, 10),
        ("bottleneck", "projection", 2, False, 7)]),
    ("explore_block basic identity 2", _explored("basic", "identity", 2, 14)),  # the mismatch lesson
    ("explore_block bottleneck projection 2", _explored("bottleneck", "projection", 2, 9)),
    ("network ResNet-20 28", _network("ResNet-20", 3, 28)),
    ("network D2L ResNet-18 40", _network("D2L ResNet-18", 1, 40)),
]


def _same(a: Any, b: Any) -> bool:
    """Exact equality through tensors, arrays and dataclasses (wall-clock fields aside)."""
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and torch.equal(a, b)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if hasattr(a, "__dataclass_fields__"):
        return type(a) is type(b) and all(_same(getattr(a, f.name), getattr(b, f.name))
                                          for f in fields(a) if f.name != "seconds")
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _gradient_jobs() -> dict[str, Callable[[], Any]]:
    models = {m: tiny_model(0) for m in (SALIENCY, IG, GRADCAM)}  # one per method: attribute() freezes weights
    x = torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(1))
    jobs: dict[str, Callable[[], Any]] = {
        f"attribute {m}": (lambda m=m: attribute(models[m], x, m)) for m in models
    }
    jobs["grad_norms(8)"] = lambda: grad_norms(8, batch_norm=True, init="Kaiming")
    jobs["shattered_gradients(8)"] = lambda: shattered_gradients(8)
    return jobs


def run_concurrently(traces: int = TRACES) -> dict[str, Any]:
    """Run ``traces`` traces (``TRACE_JOBS`` in turn) in two threads while two other threads run the
    gradient jobs in turn until the traces are done. Returns the failures and mismatches (both must be empty),
    how often each gradient job ran, and how many traces were made."""
    gradient = _gradient_jobs()
    jobs = {**dict(TRACE_JOBS), **gradient}
    expected = {name: job() for name, job in jobs.items()}  # alone, one after the other

    failures: list[str] = []
    mismatches: list[str] = []
    runs: dict[str, int] = {name: 0 for name in jobs}
    tracing_done = threading.Event()
    lock = threading.Lock()

    def run(name: str) -> None:
        try:
            got = jobs[name]()
        except Exception:  # noqa: BLE001 -- every failure is the finding
            with lock:
                failures.append(f"{name}: {traceback.format_exc(limit=4)}")
        else:
            if not _same(got, expected[name]):
                with lock:
                    mismatches.append(name)
        with lock:
            runs[name] += 1

    def tracer(names: list[str]) -> None:
        for name in names:
            run(name)

    def gradient_loop(names: list[str], rest: float) -> None:
        for name in itertools.cycle(names):
            started = time.perf_counter()
            run(name)
            if tracing_done.wait(rest * (time.perf_counter() - started)):
                return

    order = [TRACE_JOBS[i % len(TRACE_JOBS)][0] for i in range(traces)]
    tracers = [threading.Thread(target=tracer, args=(order[k::2],)) for k in range(2)]
    # One thread of attributions (milliseconds each, as many as it can), one of whole-network gradient
    # runs (~1 s each) that rests as long as it ran: the two take about one core, the tracers the other.
    attributions = [name for name in gradient if name.startswith("attribute")]
    workers = [threading.Thread(target=gradient_loop, args=(attributions, 0.0)),
               threading.Thread(target=gradient_loop, args=([n for n in gradient if n not in attributions], 1.0))]
    for t in workers + tracers:
        t.start()
    for t in tracers:
        t.join()
    tracing_done.set()
    for t in workers:
        t.join()
    return {"failures": failures, "mismatches": mismatches, "runs": runs,
            "traces": sum(runs[name] for name, _ in TRACE_JOBS)}


def test_traces_and_gradients_in_parallel_threads_neither_fail_nor_change_answers() -> None:
    result = run_concurrently()
    assert result["failures"] == [], "\n".join(result["failures"][:3])
    assert result["mismatches"] == []
    assert result["traces"] == TRACES
    assert all(n >= 1 for n in result["runs"].values()), result["runs"]  # every gradient job overlapped


def test_a_device_context_in_one_thread_leaves_other_threads_on_the_cpu() -> None:
    # The shape code builds models under ``with torch.device("meta")``: a torch-function mode, kept per
    # thread, unlike torch.set_default_device. A model built meanwhile in another thread gets real weights.
    entered, built = threading.Event(), threading.Event()
    seen: list[torch.device] = []

    def shapes_thread() -> None:
        with torch.device("meta"):
            entered.set()
            built.wait(10)
            seen.append(torch.empty(1).device)

    t = threading.Thread(target=shapes_thread)
    t.start()
    entered.wait(10)
    seen.append(torch.nn.Linear(2, 2).weight.device)
    seen.append(torch.get_default_device())
    built.set()
    t.join()
    assert [d.type for d in seen] == ["cpu", "cpu", "meta"]
