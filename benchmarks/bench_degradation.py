"""Benchmark ``grad_norms`` for the depth-110 pair with BN (batch 64, 28×28): ``python benchmarks/bench_degradation.py``.

Prints the measured wall time (median of ``--repeats``) next to a compute bound:
passes × FLOPs ÷ FLOP/s, where FLOPs come from ``torch.utils.flop_counter.FlopCounterMode`` on
one forward+backward of each net and FLOP/s from a large fp32 matmul on the same threads -- the
best this CPU can do, so the bound is a floor that conv layers of 16–64 channels cannot reach.
Target (issue 5): ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.endpoints import matmul_flops_per_second  # noqa: E402
from explainer.degradation.grad_norms import grad_norms  # noqa: E402
from explainer.degradation.nets import build_pair, default_batch  # noqa: E402


def pair_flops(depth: int, batch_norm: bool, x: torch.Tensor, y: torch.Tensor) -> int:
    """FLOPs of one forward+backward of Plain-depth plus ResNet-depth (what ``grad_norms`` runs)."""
    total = 0
    for model in build_pair(depth, batch_norm=batch_norm, init="Kaiming"):
        model.train()
        with FlopCounterMode(display=False) as counter:
            F.cross_entropy(model(x), y).backward()
        total += counter.get_total_flops()
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--depth", type=int, default=110)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--no-bn", action="store_true")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: PyTorch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    x, y = default_batch(args.batch)
    bn = not args.no_bn
    grad_norms(args.depth, batch_norm=bn, init="Kaiming", batch=(x, y))  # warm-up (oneDNN primitives)
    wall, inner = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        res = grad_norms(args.depth, batch_norm=bn, init="Kaiming", batch=(x, y))
        wall.append(time.perf_counter() - t0)
        inner.append(res.seconds)
    flops = pair_flops(args.depth, bn, x, y)
    rate = matmul_flops_per_second()
    bound = flops / rate
    med = statistics.median(wall)
    print(f"threads: {torch.get_num_threads()}")
    print(f"grad_norms(depth={args.depth}, batch_norm={bn}), batch {args.batch} at 28×28, plain+residual:")
    print(f"  wall time (build + 2× forward/backward), median of {args.repeats}: {med:.3f} s "
          f"(min {min(wall):.3f}, max {max(wall):.3f}); forward/backward only: {statistics.median(inner):.3f} s")
    print(f"  FLOPs (FlopCounterMode, 2 passes = forward+backward of each net): {flops / 1e9:.1f} GFLOP")
    print(f"  fp32 matmul throughput: {rate / 1e9:.1f} GFLOP/s")
    print(f"  compute bound: {flops / 1e9:.1f} GFLOP ÷ {rate / 1e9:.1f} GFLOP/s = {bound:.3f} s; "
          f"measured / bound = {med / bound:.1f}×")
    print(f"  target ≤ 1.5 s: {'PASS' if med <= 1.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
