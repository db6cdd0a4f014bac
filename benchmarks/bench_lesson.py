"""The Lesson tab's buttons, in-process: ``python benchmarks/bench_lesson.py [--repeats 5]``.

For every step, the handler the *Show it* button calls (``lesson_view``) and the one *Reveal the answer*
calls (``lesson_reveal``), timed twice: cold (every cache emptied first, as before the server's warm-up)
and cached (as a class gets them once start-up has computed every step). Issue 15's targets: a step's
view p50 ≤ 2 s, cached steps ≤ 0.5 s. The browser's own drawing is not included.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explainer import runtime
from explainer.lesson.steps import STEPS
from explainer.ui import compute_once, lesson_tab


def _clear_caches() -> None:
    compute_once.NUMBERS.clear()
    compute_once.VIEWS.clear()


def _time(fn, *args) -> float:  # noqa: ANN001 -- any handler
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    runtime.configure_libraries()
    runtime.configure_process()
    lesson_tab.lesson_view(STEPS[0].key)  # the process's one-time imports (torch._dynamo for fx) first
    print(f"{'step':<28} {'cold view s':>12} {'cached view p50 s':>18} {'reveal p50 s':>13}")
    colds, cached_all = [], []
    for step in STEPS:
        cold = []
        for _ in range(max(1, args.repeats // 2)):
            _clear_caches()
            cold.append(_time(lesson_tab.lesson_view, step.key))
        cached = [_time(lesson_tab.lesson_view, step.key) for _ in range(args.repeats)]
        reveal = [_time(lesson_tab.lesson_reveal, step.key, None) for _ in range(args.repeats)]
        colds.append(statistics.median(cold))
        cached_all.append(statistics.median(cached))
        print(f"{step.key:<28} {statistics.median(cold):>12.2f} {statistics.median(cached):>18.3f} "
              f"{statistics.median(reveal):>13.3f}")
    print(f"LESSON cold_view_p50_s={statistics.median(colds):.2f} cold_view_max_s={max(colds):.2f} "
          f"cached_view_max_s={max(cached_all):.3f} (targets: view ≤ 2 s, cached ≤ 0.5 s)")


if __name__ == "__main__":
    main()
