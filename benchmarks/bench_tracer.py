"""Benchmark the shape tracer's two multiply-add counters side by side: ``python benchmarks/bench_tracer.py``.

``explainer.shapes.tracer`` counts with ``MacCounter`` (a dispatch mode seen by its own thread only,
issue 11); before, it used ``torch.utils.flop_counter.FlopCounterMode``, whose module tracker installs
process-wide hooks. Both count the same numbers (tests/test_mac_counter.py); this prints what each costs:
the median (p50) wall time of ``trace_model`` over ``--repeats`` runs of

* ResNet-152 at 3×224×224, on its cached meta graph (what ``trace_preset`` does once the graph is built);
* the configurator's default block (basic, projection shortcut, stride 2, 64→128 channels, 56×56, BN),
  fx-traced each time, as ``explore_block`` does.

Runs alternate between the counters, so a change in the machine's load hits both alike.
Target (issue 11): the new counter is at most ~10 % slower than the old one.
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

import torch  # noqa: E402

from explainer.models.blocks import make_block  # noqa: E402
from explainer.shapes import tracer  # noqa: E402
from explainer.shapes.mac_counter import MacCounter  # noqa: E402
from explainer.shapes.network_report import _graph  # noqa: E402
from tests.support.oracles import FlopCounterOracle  # noqa: E402

COUNTERS: dict[str, type] = {"FlopCounterMode (old)": FlopCounterOracle, "MacCounter (new)": MacCounter}


def resnet152() -> int:
    model, gm = _graph("ResNet-152", 3, 224, 224, 1000)
    return tracer.trace_model(model, (3, 224, 224), gm=gm).total_macs


def default_block() -> int:
    with torch.device("meta"):
        block = make_block("basic", 64, 128, 2, shortcut="projection", batch_norm=True)
    return tracer.trace_model(block, (64, 56, 56)).total_macs


def compare(task: Callable[[], int], repeats: int) -> dict[str, tuple[float, int]]:
    """Median seconds and the MACs each counter gave, runs alternating between the counters."""
    times: dict[str, list[float]] = {name: [] for name in COUNTERS}
    macs: dict[str, int] = {}
    for _ in range(repeats):
        for name, counter in COUNTERS.items():
            tracer.MacCounter = counter  # the name trace_model builds its counter from
            start = time.perf_counter()
            macs[name] = task()
            times[name].append(time.perf_counter() - start)
    tracer.MacCounter = MacCounter
    return {name: (statistics.median(times[name]), macs[name]) for name in COUNTERS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average "
          f"{os.getloadavg()[0]:.2f}, p50 of {args.repeats} runs each")
    for label, task in (("ResNet-152, 3×224×224 (cached graph)", resnet152),
                        ("default block, 64×56×56 (fx-traced)", default_block)):
        task()  # warm-up: the first trace imports torch._dynamo, the first ResNet-152 builds its graph
        result = compare(task, args.repeats)
        (old_s, old_macs), (new_s, new_macs) = result.values()
        same = "same MACs" if old_macs == new_macs else f"MACs DIFFER: {old_macs} vs {new_macs}"
        print(f"{label:40s} old {old_s * 1e3:7.1f} ms   new {new_s * 1e3:7.1f} ms   "
              f"new/old {new_s / old_s:5.2f}   ({same}: {new_macs:,})")


if __name__ == "__main__":
    main()
