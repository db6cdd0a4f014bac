"""Benchmarks of the running app: ``python -m benchmarks.endpoints [--quick]``.

Starts ``python app.py`` in a subprocess (cold start: process start → page served, next to a bare
Gradio app that imports torch, measured alternately in the same run), then calls every public endpoint
through ``gradio_client`` and prints p50/p95 latency against the target of its issue. Also times the
shape tracer in-process. Output lines have a fixed format so runs can be diffed between versions:

    BENCH <name> p50_ms=<..> p95_ms=<..> n=<..> target_ms=<..> <ok|OVER>
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cold_start(script: Path, timeout: float = 180.0) -> tuple[float, subprocess.Popen, str]:
    """Seconds from process start until GET / answers 200; returns (seconds, process, url)."""
    port = _port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(script)], cwd=script.parent, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.perf_counter() - t0 < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return time.perf_counter() - t0, proc, url
        except OSError:
            time.sleep(0.05)
        if proc.poll() is not None:
            raise RuntimeError(f"{script} exited with {proc.returncode} before serving")
    proc.kill()
    raise TimeoutError(f"{script} did not serve within {timeout} s")


def matmul_flops_per_second(n: int = 2048, repeats: int = 5) -> float:
    """Best-of fp32 GEMM throughput (FLOP/s) of an n×n×n matmul (2n³ FLOPs): what this CPU can do at
    best, the yardstick the benchmark scripts divide a computation's FLOPs by to get its bound."""
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n**3 / best


def timed(fn: Callable[[], object], n: int) -> list[float]:
    """Run ``fn`` once to warm up, then ``n`` times; milliseconds per call."""
    fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p50_p95(ms: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (nearest rank) of a non-empty list of timings."""
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]


def report(name: str, ms: list[float], target_ms: float | None) -> None:
    p50, p95 = p50_p95(ms)
    verdict = "" if target_ms is None else ("ok" if p50 <= target_ms else "OVER")
    target = "-" if target_ms is None else f"{target_ms:.0f}"
    print(f"BENCH {name:<34} p50_ms={p50:9.1f} p95_ms={p95:9.1f} n={len(ms):<3} target_ms={target:>6} {verdict}",
          flush=True)


def bench_trace(n: int) -> None:
    import torch  # noqa: F401 -- imported before timing

    from explainer.shapes import network_report as ne

    cold = []
    for _ in range(max(3, n // 4)):
        ne._graph.cache_clear()
        ne.trace_preset.cache_clear()
        t0 = time.perf_counter()
        ne.trace_preset("ResNet-152", 3, 224, 224, 1000)
        cold.append((time.perf_counter() - t0) * 1000)
    report("trace ResNet-152 3x224x224 (cold)", cold, 300)
    sides = iter(range(200, 200 + 10 * n))

    def warm() -> None:  # graph cached, shapes recomputed for a new input size
        ne.trace_preset("ResNet-152", 3, next(sides), 224, 1000)

    report("trace ResNet-152 (graph cached)", timed(warm, n), 300)


def bench_endpoints(url: str, n: int) -> None:
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False)
    example = str(sorted((ROOT / "checkpoints" / "examples").glob("*.png"))[0])
    strides = iter([1, 2] * 100)
    report("/block_shapes", timed(lambda: client.predict("basic", "projection", 64, 128, next(strides), True, 56, 56,
                                                         api_name="/block_shapes"), n), 200)
    sizes = iter(range(96, 96 + 4 * n))
    report("/network_shapes (new input size)", timed(lambda: client.predict("ResNet-50", 3, next(sizes), 224, 1000,
                                                                            api_name="/network_shapes"), n), 500)
    report("/network_shapes (D2L, repeated)", timed(lambda: client.predict("D2L ResNet-18", 1, 224, 224, 10,
                                                                           api_name="/network_shapes"), n), 500)
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    heavy = [
        ("/predict", lambda: client.predict(handle_file(example), api_name="/predict"), 150),
        ("/feature_maps", lambda: client.predict(handle_file(example), "layer2", api_name="/feature_maps"), 150),
        ("/attribute Grad-CAM", lambda: client.predict(handle_file(example), "Grad-CAM", api_name="/attribute"), 150),
        ("/attribute Saliency", lambda: client.predict(handle_file(example), "Saliency", api_name="/attribute"), None),
        ("/attribute Integrated Gradients",
         lambda: client.predict(handle_file(example), "Integrated Gradients", api_name="/attribute"), 1000),
        ("/attribute Occlusion", lambda: client.predict(handle_file(example), "Occlusion", api_name="/attribute"), 1500),
        ("/grad_norms depth 110 BN", lambda: client.predict(110, True, "Kaiming", api_name="/grad_norms"), 1500),
        ("/shattered depth 56", lambda: client.predict(56, api_name="/shattered"), None),
        ("/lesion", lambda: client.predict(api_name="/lesion"), None),
    ]
    for name, fn, target in heavy:
        endpoint = name.split()[0]
        if endpoint not in api:
            print(f"BENCH {name:<34} skipped: endpoint not served", flush=True)
            continue
        report(name, timed(fn, max(3, n // 2)), target)
    client.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    n = 5 if args.quick else 15
    import torch

    print(f"machine: {os.cpu_count()} CPUs, torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    ours, bare = [], []
    proc = None
    url = ""
    for i in range(2 if args.quick else 3):
        t, p, _ = cold_start(ROOT / "benchmarks" / "bare_gradio_app.py")
        bare.append(t)
        p.terminate()
        p.wait()
        t, p, u = cold_start(ROOT / "app.py")
        ours.append(t)
        if proc is not None:
            proc.terminate()
            proc.wait()
        proc, url = p, u
    ratio = statistics.median(ours) / statistics.median(bare)
    print(f"BENCH cold start app.py          s={statistics.median(ours):.2f}  bare gradio+torch s="
          f"{statistics.median(bare):.2f}  ratio={ratio:.2f} (target <= 1.3)", flush=True)
    try:
        bench_endpoints(url, n)
    finally:
        assert proc is not None
        proc.terminate()
        proc.wait()
    bench_trace(n)


if __name__ == "__main__":
    main()
