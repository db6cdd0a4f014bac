"""p50 of ``/compare_networks``, ``/compare_pair`` and ``/block_shapes`` for the new kinds, in-process:
``python benchmarks/bench_compare.py [--repeats N]``.

Each run calls the handler the endpoint calls (validation, logic, rendering) with every cache emptied
first -- the rendered-view cache (``compute_once.VIEWS``), the traces (``trace_preset``, ``trace_block``)
and the fx graphs (``network_report._graph``) -- so the time is what a request for a configuration nobody
asked for yet costs (a repeated request is answered from memory). The first call of the process (torch's
import of ``torch._dynamo`` in the first fx trace, ≈ 1.5 s) is made before timing, as the server's warm-up does.

Targets (issue 14, as for the existing endpoints): ``/compare_networks`` ≤ 0.5 s, ``/block_shapes`` ≤ 0.2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explainer.shapes import network_compare, network_report
from explainer.ui import blocks_tab, compute_once

CASES: dict[str, tuple[Callable[..., object], tuple[object, ...], float]] = {
    "/compare_networks ResNet-50 vs ResNeXt-50 (32x4d), 3×224×224": (
        blocks_tab.compare_networks_api, ("ResNet-50", "ResNeXt-50 (32x4d)", 3, 224, 224, 1000), 0.5),
    "/compare_networks ResNet-18 vs PreAct ResNet-18, 3×224×224": (
        blocks_tab.compare_networks_api, ("ResNet-18", "PreAct ResNet-18", 3, 224, 224, 1000), 0.5),
    "/compare_networks ResNet-110 vs PreAct ResNet-110, 3×32×32": (
        blocks_tab.compare_networks_api, ("ResNet-110", "PreAct ResNet-110", 3, 32, 32, 10), 0.5),
    "/compare_pair basic vs bottleneck": (blocks_tab.compare_pair, ("basic vs bottleneck",), 0.5),
    "/compare_pair inception vs residual": (blocks_tab.compare_pair, ("inception vs residual",), 0.5),
    "/block_shapes ResNeXt 64→256, stride 2, 32 groups": (
        blocks_tab.block_shapes, ("ResNeXt", "projection", 64, 256, 2, True, 56, 56, 32), 0.2),
    "/block_shapes pre-activation basic 64→128, stride 2": (
        blocks_tab.block_shapes, ("pre-activation basic", "projection", 64, 128, 2, True, 56, 56), 0.2),
    "/block_shapes pre-activation bottleneck 256→256, zero-pad": (
        blocks_tab.block_shapes, ("pre-activation bottleneck", "zero-pad", 256, 256, 1, True, 56, 56), 0.2),
    "/block_shapes basic 64→128, stride 2 (the default, for reference)": (
        blocks_tab.block_shapes, ("basic", "projection", 64, 128, 2, True, 56, 56), 0.2),
}


def _cold() -> None:
    compute_once.VIEWS.clear()
    network_report.trace_preset.cache_clear()
    network_report._graph.cache_clear()
    network_compare.trace_block.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    blocks_tab.warm_up()  # the process's first fx trace imports torch._dynamo
    print(f"p50 over {args.repeats} cold runs (caches emptied), OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    failed = False
    for name, (fn, call, target) in CASES.items():
        times = []
        for _ in range(args.repeats):
            _cold()
            t0 = time.perf_counter()
            fn(*call)
            times.append(time.perf_counter() - t0)
        p50 = statistics.median(times)
        ok = p50 <= target
        failed |= not ok
        print(f"{'ok ' if ok else 'SLOW'} {p50:7.3f} s (max {max(times):.3f}, target ≤ {target} s)  {name}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
