"""Benchmark the "Inside ResNet-18" tab on this machine: ``python benchmarks/bench_inside.py``.

For each task, the median wall time at 1×96×96 next to its *compute bound* = passes × FLOPs per
pass ÷ the FLOP/s this machine reaches on a large fp32 matmul. FLOPs per pass are counted with
``torch.utils.flop_counter.FlopCounterMode``: F = one forward, B = one forward + backward to the
input (weights frozen, as Captum needs only ∂/∂input). (FlopCounterMode cannot wrap Captum's own
``autograd.grad`` calls, hence passes × per-pass FLOPs.) measured ÷ bound says how far from the
hardware limit we are: convolutions at batch 1 on small maps reach a fraction of matmul speed.

Targets (issue 4): predict + feature maps ≤ 150 ms, Grad-CAM ≤ 150 ms, IG (50 steps) ≤ 1.0 s,
Occlusion ≤ 1.5 s, the full sanity check (all methods, all stages) ≤ 15 s.
Other processes (e.g. a training run) inflate the timings: the script prints the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from benchmarks.endpoints import matmul_flops_per_second  # noqa: E402
from explainer.inside import (  # noqa: E402
    attribution_methods,
    deletion_metric,
    features,  # noqa: E402
    sanity_check,
)
from explainer.inside.images import prepare_fashion  # noqa: E402
from explainer.models.resnet import build_resnet, d2l_resnet18_spec  # noqa: E402
from explainer.training.checkpoint import CheckpointError, load_model  # noqa: E402
from explainer.training.samples import example_paths  # noqa: E402


def count_flops(fn: Callable[[], object]) -> int:
    """FLOPs executed by fn() (forward and backward, all passes)."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


def p50(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median process CPU time (all threads) of fn(), after one warm-up."""
    if runs > 1:
        fn()  # warm-up (allocations, lazy imports)
    walls, cpus = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        model, which = features.prepare_for_inference(load_model()), "shipped checkpoint, channels-last as in the app"
    except CheckpointError:
        torch.manual_seed(0)
        model, which = build_resnet(d2l_resnet18_spec()).eval(), "untrained D2L ResNet-18 (checkpoint missing)"
    x = prepare_fashion(example_paths()[0]).x
    reps = 1 if args.quick else 3

    def analyse() -> None:  # what the tab does on every new image: one forward, a grid of 16 maps
        _, maps = features.predict_and_capture(model, x, ["layer1"])
        features.feature_grid_image(maps["layer1"], "layer1")

    def sanity() -> None:
        sanity_check.cascading_randomization(model, x, attribution_methods.METHODS)

    cam_map = attribution_methods.attribute(model, x, attribution_methods.GRADCAM).map
    s, q = attribution_methods.AttributionSettings(), sanity_check.SANITY_SETTINGS
    windows = _windows(96, 16, 8)
    sanity_windows = _windows(96, 16, 16)
    # (name, fn, passes as (forwards, forward+backwards), description, target s, runs)
    per_step = (1 + sanity_windows + 1 + 2, 1 + q.ig_steps + q.smoothgrad_samples)  # GC, Occ, IG delta | Sal, IG, SG
    tasks: list[tuple[str, Callable[[], object], tuple[int, int], str, float, int]] = [
        ("predict + feature maps", analyse, (1, 0), "1 F", 0.150, 20 * reps),
        ("Grad-CAM (layer4.1)", lambda: attribution_methods.attribute(model, x, attribution_methods.GRADCAM), (1, 0), "1 F (+ bwd through fc only)", 0.150, 10 * reps),
        ("Saliency", lambda: attribution_methods.attribute(model, x, attribution_methods.SALIENCY), (0, 1), "1 B", 0.150, 10 * reps),
        ("Integrated Gradients (50 steps)", lambda: attribution_methods.attribute(model, x, attribution_methods.IG), (3, s.ig_steps), "50 B + 3 F", 1.0, 3 * reps),
        ("Occlusion (16 px window, stride 8)", lambda: attribution_methods.attribute(model, x, attribution_methods.OCCLUSION), (windows + 2, 0),
         f"{windows + 2} F", 1.5, 2 * reps),
        ("SmoothGrad (16 noisy saliency)", lambda: attribution_methods.attribute(model, x, attribution_methods.SMOOTHGRAD), (1, s.smoothgrad_samples),
         "16 B + 1 F", 1.0, 3 * reps),
        ("deletion curve + random (3 orders)", lambda: (deletion_metric.deletion_curve(model, x, cam_map, 0),
                                                        deletion_metric.random_deletion_curve(model, x, 0)), (84, 0), "84 F", 1.0, 2 * reps),
        ("sanity check (5 methods × 7 steps)", sanity, (7 * per_step[0] + 1, 7 * per_step[1]),
         f"7 × ({per_step[1]} B + {per_step[0]} F)", 15.0, 1),
    ]
    flops_per_s = matmul_flops_per_second()
    fwd = count_flops(lambda: features.predict(model, x))
    fwd_bwd = count_flops(lambda: _forward_backward(model, x))
    load = os.getloadavg()
    print(f"model: {which}; input {tuple(x.shape)}; torch threads {torch.get_num_threads()}; "
          f"load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")
    print(f"matmul fp32: {flops_per_s / 1e9:.0f} GFLOP/s; F = one forward = {fwd / 1e9:.3f} GFLOP "
          f"({fwd / 2e6:.1f} M multiply-adds); B = forward + backward to the input = {fwd_bwd / 1e9:.3f} GFLOP\n")
    # CPU time is reported too: on a busy machine the wall time includes waiting for a core, while
    # CPU time ÷ threads approximates what the task would take with the cores to itself.
    print("| task | passes | p50 wall | p50 CPU (all threads) | target | GFLOP | compute bound | wall/bound | ok |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, fn, (n_f, n_b), passes, target, runs in tasks:
        flops = n_f * fwd + n_b * fwd_bwd
        t, cpu = p50(fn, runs)
        bound = flops / flops_per_s
        print(f"| {name} | {passes} | {t * 1e3:.0f} ms | {cpu * 1e3:.0f} ms | {target * 1e3:.0f} ms | "
              f"{flops / 1e9:.1f} | {bound * 1e3:.0f} ms | {t / bound:.1f}× | {'✅' if t <= target else '❌'} |",
              flush=True)


def _windows(side: int, window: int, stride: int) -> int:
    per_axis = (side - window + stride - 1) // stride + 1  # Captum's Occlusion covers the border too
    return per_axis * per_axis


def _forward_backward(model: torch.nn.Module, x: torch.Tensor) -> None:
    """One forward and one backward to the input only (weights frozen), as Captum's methods do."""
    xi = x.clone().requires_grad_(True)
    with attribution_methods.frozen_weights(model):
        model(xi)[0, 0].backward()


if __name__ == "__main__":
    main()
