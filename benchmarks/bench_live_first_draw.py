"""How soon the live run draws: ``python benchmarks/bench_live_first_draw.py [--repeats 5]``.

Calls the Degradation tab's live handler in-process (validation, building Plain-n and ResNet-n, the first
training step of each, the first plot) at the default depth and steps and times its first and second
yield, after the tab's warm-up (as the server does right after it listens). Issue 11: the live run
starts drawing within 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explainer import runtime
from explainer.ui import degradation_tab


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--depth", type=int, default=32)
    parser.add_argument("--steps", type=int, default=150)
    args = parser.parse_args()
    runtime.configure_libraries()
    runtime.configure_process()
    degradation_tab.warm_up()  # what the server does right after it listens
    firsts, seconds = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        gen = degradation_tab.live_handler(args.depth, args.steps)
        next(gen)
        firsts.append(time.perf_counter() - t0)
        next(gen)
        seconds.append(time.perf_counter() - t0)
        gen.close()
    print(f"LIVE depth={args.depth} steps={args.steps} first_draw_p50_s={statistics.median(firsts):.2f} "
          f"first_draw_max_s={max(firsts):.2f} second_draw_p50_s={statistics.median(seconds):.2f} (target first ≤ 2 s)")


if __name__ == "__main__":
    main()
