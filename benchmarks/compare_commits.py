"""This tree against an earlier commit, side by side in one run: ``python -m benchmarks.compare_commits --base REF``.

Exports ``REF`` with ``git archive`` into a temporary folder, then, alternating between the two trees
round by round (so that load on a shared machine hits both alike):

* cold start: process start → page served, for each tree's ``app.py`` (the median of ``--rounds``);
* every public endpoint through ``gradio_client`` against both servers, calls interleaved A, B, A, B …;
* the in-process trace of ResNet-152 at 3×224×224 (each tree in its own subprocess).

Prints one line per measurement with both p50s and their ratio (this / base):

    COMPARE <name> base_p50_ms=<..> this_p50_ms=<..> ratio=<..>
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.endpoints import ROOT, cold_start

# Measured in each tree's own interpreter: both layouts of the network tracer are tried.
_TRACE = r"""
import json, time, sys
try:
    from explainer.shapes import network_report as ne
except ImportError:
    from explainer import network_explorer as ne
ms = []
for _ in range(int(sys.argv[1])):
    ne._graph.cache_clear(); ne.trace_preset.cache_clear()
    t0 = time.perf_counter(); ne.trace_preset("ResNet-152", 3, 224, 224, 1000); ms.append((time.perf_counter() - t0) * 1e3)
print(json.dumps(ms))
"""


def export(ref: str, into: Path) -> Path:
    """The tree of commit ``ref`` as plain files under ``into`` (no .git)."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True).stdout
    with tempfile.TemporaryFile() as f:
        f.write(archive)
        f.seek(0)
        with tarfile.open(fileobj=f) as tar:
            tar.extractall(into, filter="data")
    return into


def p50(ms: list[float]) -> float:
    return statistics.median(ms)


def line(name: str, base: list[float], this: list[float]) -> None:
    b, t = p50(base), p50(this)
    print(f"COMPARE {name:<34} base_p50_ms={b:9.1f} this_p50_ms={t:9.1f} ratio={t / b:5.2f} n={len(this)}",
          flush=True)


def interleaved(calls: tuple[Callable[[], object], Callable[[], object]], n: int) -> tuple[list[float], list[float]]:
    """Time ``n`` calls of each, alternating; one untimed warm-up call each first."""
    times: tuple[list[float], list[float]] = ([], [])
    for fn in calls:
        fn()
    for _ in range(n):
        for fn, out in zip(calls, times):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
    return times


def endpoint_calls(client: object, example: str) -> dict[str, Callable[[], object]]:
    from gradio_client import handle_file

    c = client
    sizes = iter(range(96, 4096))
    return {
        "/block_shapes": lambda: c.predict("basic", "projection", 64, 128, 2, True, 56, 56, api_name="/block_shapes"),
        "/network_shapes (new input size)": lambda: c.predict("ResNet-50", 3, next(sizes), 224, 1000,
                                                              api_name="/network_shapes"),
        "/network_shapes (D2L, repeated)": lambda: c.predict("D2L ResNet-18", 1, 224, 224, 10, api_name="/network_shapes"),
        "/predict": lambda: c.predict(handle_file(example), api_name="/predict"),
        "/feature_maps": lambda: c.predict(handle_file(example), "layer2", api_name="/feature_maps"),
        "/attribute Grad-CAM": lambda: c.predict(handle_file(example), "Grad-CAM", api_name="/attribute"),
        "/attribute Integrated Gradients": lambda: c.predict(handle_file(example), "Integrated Gradients",
                                                             api_name="/attribute"),
        "/grad_norms depth 56 BN": lambda: c.predict(56, True, "Kaiming", api_name="/grad_norms"),
        "/shattered depth 20": lambda: c.predict(20, api_name="/shattered"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="the commit to compare with (e.g. the one before a refactor)")
    parser.add_argument("--rounds", type=int, default=3, help="cold starts per tree")
    parser.add_argument("-n", type=int, default=7, help="timed calls per endpoint and tree")
    args = parser.parse_args(argv)
    from gradio_client import Client

    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; base {args.base}, this tree "
          f"(HEAD {head.strip()} + working changes)", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_base_") as tmp:
        trees = (export(args.base, Path(tmp)), ROOT)
        starts: tuple[list[float], list[float]] = ([], [])
        servers: list = [None, None]
        urls = ["", ""]
        for _ in range(args.rounds):
            for i, tree in enumerate(trees):
                seconds, proc, url = cold_start(tree / "app.py")
                starts[i].append(seconds * 1000)
                if servers[i] is not None:
                    servers[i].terminate()
                    servers[i].wait()
                servers[i], urls[i] = proc, url
        line("cold start app.py", *starts)
        try:
            example = str(sorted((ROOT / "checkpoints" / "examples").glob("*.png"))[0])
            clients = [Client(u, verbose=False) for u in urls]
            calls = [endpoint_calls(c, example) for c in clients]
            for name in calls[0]:
                line(name, *interleaved((calls[0][name], calls[1][name]), args.n))
            for c in clients:
                c.close()
        finally:
            for s in servers:
                s.terminate()
                s.wait()
        traces = []
        for tree in trees:
            env = {**os.environ, "PYTHONPATH": str(tree)}
            out = subprocess.run([sys.executable, "-c", _TRACE, str(args.n)], cwd=tree, env=env, capture_output=True,
                                 text=True, check=True).stdout
            traces.append(json.loads(out.strip().splitlines()[-1])[1:])  # the first trace pays one-time imports
        line("trace ResNet-152 3x224x224 (cold)", *traces)


if __name__ == "__main__":
    main()
