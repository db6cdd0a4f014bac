"""Load test of the running app: ``python scripts/load_test.py [--users 20] [--seconds 120]``.

1. Starts ``python app.py`` in a subprocess (``benchmarks.endpoints.cold_start``).
2. Computes a single-user reference for every input in ``cases()`` -- one client, one call at a time.
3. Runs ``--users`` threads, each with its own ``gradio_client.Client`` (own session, own download
   folder), each looping for ``--seconds`` over a seeded random, weighted mix of every public endpoint
   and input, and checks every response against the reference for the same input: a difference means a
   failed request, non-deterministic code, or one session's work leaking into another's (cross-talk).
4. Prints per-endpoint latency, throughput, the server's RSS and a PASS/FAIL verdict.

Equality after normalisation (``normalize``): plots (base64 PNG) and image files are decoded and compared
pixel by pixel, exactly; other files (the CSV) byte for byte; strings, ints and bools exactly; floats with
``math.isclose(rel_tol=1e-6, abs_tol=1e-12)``. On CPU, with the thread count fixed, PyTorch is
bit-for-bit repeatable, so the tolerance only absorbs a different float summation order should a kernel's
work split change with scheduling; 1e-6 is ~8 float32 ulps, far below anything a wrong input, model or
random seed would produce (those differ in the first digits).

Output lines have a fixed format (grep ``^LOAD``)::

    LOAD <endpoint> n=<..> p50_ms=<..> p95_ms=<..> fail=<..>
    LOAD cheap (all)|heavy (all) n=<..> p50_ms=<..> p95_ms=<..> rps=<..>   (heavy = the HEAVY queue group)
    LOAD total requests=<..> ok=<..> success_pct=<..> throughput_rps=<..> seconds=<..>
    LOAD rss peak_hwm_mb=<..> max_sampled_mb=<..> start_mb=<..> end_mb=<..>
    LOAD rss_growth warm_at=<..> after=<..> mb=<..> instant_mb=<..> (target < 100)
    LOAD verdict PASS|FAIL ...

``--heavy-limit`` / ``--torch-threads`` serve the app with another queue limit for the "heavy" group or
another intra-op thread count (experiments; the defaults run ``app.py`` unchanged); ``--endpoints``
restricts the mix (e.g. only the shape tables), ``--url`` loads an app that is already running.
"""

from __future__ import annotations

import argparse
import base64
import io
import math
import os
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from benchmarks.endpoints import cold_start, p50_p95  # noqa: E402
from scripts.load_server import Running, listening_pid, load_average, rss_growth, rss_mb, server_script  # noqa: E402

REL_TOL = 1e-6
ABS_TOL = 1e-12
# Requests before the first RSS reading (--warmup). With predictions in their own queue two model
# computations can be in flight at once, and the working set reaches its plateau only after ~200
# requests (after 50 it was still rising: +251 MB by request 550, then back to below the start when idle).
RSS_WARMUP = 200
RSS_WINDOW = 500  # requests between the two readings
RSS_LIMIT_MB = 100.0
CHEAP = {"/block_shapes", "/network_shapes"}  # not in the "heavy" queue group (explainer/ui/queues.py HEAVY)
EXAMPLES = ROOT / "checkpoints" / "examples"


@dataclass(frozen=True)
class Case:
    """One endpoint with one fixed input; ``image`` is a file name in checkpoints/examples, sent first."""

    api: str
    args: tuple = ()
    image: str | None = None
    weight: float = 1.0

    @property
    def key(self) -> str:
        parts = ([self.image] if self.image else []) + [str(a) for a in self.args]
        return f"{self.api}({', '.join(parts)})"

    def call(self, client: Any) -> Any:
        from gradio_client import handle_file

        args = ((handle_file(str(EXAMPLES / self.image)),) if self.image else ()) + self.args
        return client.predict(*args, api_name=self.api)


def cases() -> list[Case]:
    """Every public endpoint with a few inputs each; weights (per endpoint, split among its inputs) keep
    the cheap shape tables frequent and the several-second lesion study rare."""
    from explainer.inside.attribution_methods import METHODS

    per_endpoint: dict[str, tuple[float, list[Case]]] = {
        "/block_shapes": (35, [Case("/block_shapes", ("basic", "projection", 64, 128, 2, True, 56, 56)),
                               Case("/block_shapes", ("bottleneck", "projection", 256, 512, 2, True, 56, 56)),
                               Case("/block_shapes", ("basic", "identity", 64, 128, 2, True, 56, 56)),  # explained
                               Case("/block_shapes", ("basic", "none", 64, 64, 1, False, 32, 32))]),
        "/network_shapes": (35, [Case("/network_shapes", ("D2L ResNet-18", 1, 96, 96, 10)),
                                 Case("/network_shapes", ("ResNet-50", 3, 224, 224, 1000)),
                                 Case("/network_shapes", ("Plain-20", 1, 28, 28, 10)),
                                 Case("/network_shapes", ("AlexNet", 1, 224, 224, 10))]),
        "/predict": (5, [Case("/predict", image=name) for name in
                          ("0_t-shirt-top.png", "5_sandal.png", "8_bag.png")]),
        "/feature_maps": (4, [Case("/feature_maps", ("layer1",), "0_t-shirt-top.png"),
                               Case("/feature_maps", ("layer3",), "5_sandal.png"),
                               Case("/feature_maps", ("layer2.0: shortcut",), "8_bag.png")]),
        "/attribute": (5, [Case("/attribute", (m,), "0_t-shirt-top.png") for m in METHODS]
                       + [Case("/attribute", (m,), "7_sneaker.png") for m in ("Saliency", "Grad-CAM")]),
        "/grad_norms": (2, [Case("/grad_norms", (20, True, "Kaiming")),
                            Case("/grad_norms", (20, False, "PyTorch default")),
                            Case("/grad_norms", (32, True, "Xavier"))]),
        "/shattered": (1.5, [Case("/shattered", (20,)), Case("/shattered", (32,))]),
        "/highway": (1.5, [Case("/highway", (20,)), Case("/highway", (32,))]),
        "/lesion": (0.5, [Case("/lesion")]),
    }
    out = []
    for weight, group in per_endpoint.values():
        out += [Case(c.api, c.args, c.image, weight / len(group)) for c in group]
    return out


# --- comparing responses ------------------------------------------------------------------------------


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGBA")).copy()


def normalize(value: Any, download_dir: str) -> Any:
    """A response in comparable form: PNG plots and downloaded images → pixel arrays, other downloaded
    files → their bytes (paths differ per session), tuples → lists."""
    if isinstance(value, (list, tuple)):
        return [normalize(v, download_dir) for v in value]
    if isinstance(value, dict):
        plot = value.get("plot")
        if isinstance(plot, str) and plot.startswith("data:image/png;base64,"):
            return {**value, "plot": _pixels(base64.b64decode(plot.split(",", 1)[1]))}
        return {k: normalize(v, download_dir) for k, v in value.items()}
    if isinstance(value, str) and value.startswith(download_dir) and os.path.isfile(value):
        data = Path(value).read_bytes()
        return _pixels(data) if value.lower().endswith((".png", ".webp", ".jpg", ".jpeg")) else data
    return value


def difference(got: Any, want: Any, where: str = "") -> str | None:
    """None if equal (see the module docstring for the rules), else where and how they differ."""
    if isinstance(want, np.ndarray):
        if not isinstance(got, np.ndarray) or got.shape != want.shape:
            return f"{where}: image shape {getattr(got, 'shape', type(got))} != {want.shape}"
        if not np.array_equal(got, want):
            bad = np.argwhere(got != want)
            return f"{where}: {len(bad)} pixels differ (first at {tuple(bad[0])})"
        return None
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        if math.isclose(got, want, rel_tol=REL_TOL, abs_tol=ABS_TOL) or (math.isnan(got) and math.isnan(want)):
            return None
        return f"{where}: {got!r} != {want!r}"
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return f"{where}: keys {sorted(got) if isinstance(got, dict) else type(got)} != {sorted(want)}"
        for k in want:
            if (d := difference(got[k], want[k], f"{where}.{k}")) is not None:
                return d
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return f"{where}: length {len(got) if isinstance(got, list) else type(got)} != {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            if (d := difference(g, w, f"{where}[{i}]")) is not None:
                return d
        return None
    if type(got) is not type(want) or got != want:
        return f"{where}: {str(got)[:80]!r} != {str(want)[:80]!r}"
    return None


# --- clients ------------------------------------------------------------------------------------------


def make_client(url: str) -> tuple[Any, str]:
    """A client with its own session and its own download folder (clients sharing one folder would
    write the same hashed file name at the same time)."""
    from gradio_client import Client

    folder = tempfile.mkdtemp(prefix="load_client_")
    return Client(url, verbose=False, download_files=folder, analytics_enabled=False), folder


def checked_call(case: Case, client: Any, folder: str, want: Any) -> tuple[float, str | None]:
    """(milliseconds, error or None) of one request whose answer must equal ``want``."""
    t0 = time.perf_counter()
    try:
        error = difference(normalize(case.call(client), folder), want)
        if error is not None:
            error = "differs from the single-user reference at " + error
    except Exception as err:  # noqa: BLE001 -- every failure is counted and reported
        error = f"{type(err).__name__}: {err}"
    return 1000 * (time.perf_counter() - t0), error


def references(url: str, all_cases: list[Case]) -> dict[str, Any]:
    """Single-user reference responses: one client, one request at a time."""
    client, folder = make_client(url)
    try:
        refs = {}
        for case in all_cases:
            t0 = time.perf_counter()
            refs[case.key] = normalize(case.call(client), folder)
            print(f"REF  {case.key:<62} {1000 * (time.perf_counter() - t0):8.0f} ms", flush=True)
        return refs
    finally:
        client.close()


@dataclass
class Results:
    """Everything the user threads record; guarded by ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    done: int = 0
    finished: list[tuple[float, str]] = field(default_factory=list)  # (perf_counter, endpoint) per completion

    def record(self, case: Case, ms: float, error: str | None) -> None:
        with self.lock:
            self.ms[case.api].append(ms)
            self.finished.append((time.perf_counter(), case.api))
            self.done += 1
            if error is not None:
                self.failures[case.api] += 1
                self.errors.append(f"{case.key}: {error}")

    @property
    def failed(self) -> int:
        return sum(self.failures.values())


def run_users(url: str, all_cases: list[Case], refs: dict[str, Any], *, users: int, seconds: float | None = None,
              requests_per_user: int | None = None, seed: int = 0, results: Results | None = None,
              ) -> tuple[Results, float]:
    """``users`` threads, each with its own client, calling a seeded weighted mix of ``all_cases`` until
    ``seconds`` have passed (or ``requests_per_user`` calls each); every response is compared with its
    reference. Returns the results (``results`` if given) and the start time of the loaded phase."""
    results = results if results is not None else Results()
    clients = [make_client(url) for _ in range(users)]  # connected before the clock starts
    start = threading.Barrier(users + 1)
    weights = [c.weight for c in all_cases]
    deadline = [0.0]

    def user(i: int) -> None:
        client, folder = clients[i]
        rng = random.Random(seed * 1000 + i)
        start.wait()
        count = 0
        while (requests_per_user is None or count < requests_per_user) and (
                seconds is None or time.perf_counter() < deadline[0]):
            case = rng.choices(all_cases, weights)[0]
            results.record(case, *checked_call(case, client, folder, refs[case.key]))
            count += 1

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    deadline[0] = t0 + (seconds or 0.0)
    start.wait()
    for t in threads:
        t.join()
    for client, _ in clients:
        client.close()
    return results, t0


# --- the script ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warmup", type=int, default=RSS_WARMUP, help="requests before the first RSS reading")
    parser.add_argument("--heavy-limit", type=int, default=None, help="experiment: HEAVY concurrency_limit")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="experiment: server's torch threads (OMP_NUM_THREADS)")
    parser.add_argument("--endpoints", help="only these endpoints, comma-separated (e.g. /block_shapes,/network_shapes)")
    parser.add_argument("--url", help="load an app that is already running (its log stays visible) instead")
    parser.add_argument("--classroom", action="store_true", help="a class instead of the mix (load_classroom.py)")
    parser.add_argument("--students", type=int, default=40, help="--classroom: students in lock-step")
    parser.add_argument("--explorers", type=int, default=4, help="--classroom: users on their own settings")
    parser.add_argument("--jitter", type=float, default=2.0, help="--classroom: students' delay, 0..this many s")
    parser.add_argument("--first-second", action="store_true", help="first fire requests the moment the port opens")
    args = parser.parse_args(argv)
    if args.torch_threads is not None:  # the server inherits it; app.py's configure_process respects it
        os.environ["OMP_NUM_THREADS"] = str(args.torch_threads)
    if args.classroom or args.first_second:
        from scripts import load_classroom

        if args.first_second and args.url:
            parser.error("--first-second starts the app itself; it cannot be combined with --url")
        return load_classroom.main(args, server_script(args.heavy_limit), args.url,
                                   lambda url: Running(listening_pid(url)))

    all_cases = cases()
    if args.endpoints:
        wanted = set(args.endpoints.split(","))
        all_cases = [c for c in all_cases if c.api in wanted]
    print(f"machine: {os.cpu_count()} CPUs; load average before: {load_average()}", flush=True)
    print(f"config: users={args.users} seconds={args.seconds:.0f} seed={args.seed} cases={len(all_cases)} "
          f"heavy_limit={args.heavy_limit or 'app default'} torch_threads={args.torch_threads or 'app default'}",
          flush=True)
    if args.url:
        proc, url = Running(listening_pid(args.url)), args.url
    else:
        seconds, proc, url = cold_start(server_script(args.heavy_limit))
    print(f"server pid={proc.pid} at {url}", flush=True)
    samples: list[tuple[float, int, float]] = []  # (seconds into the loaded phase, requests done, RSS MB)
    stop = threading.Event()
    results = Results()

    def sample() -> None:
        t0 = time.perf_counter()
        while not stop.wait(0.5):
            try:
                samples.append((time.perf_counter() - t0, results.done, rss_mb(proc.pid)[0]))
            except (OSError, KeyError):
                return

    try:
        refs = references(url, all_cases)
        start_rss = rss_mb(proc.pid)[0]
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        results, t_start = run_users(url, all_cases, refs, users=args.users, seconds=args.seconds, seed=args.seed,
                                  results=results)
        stop.set()
        sampler.join()
        end_rss, hwm = rss_mb(proc.pid)
    finally:
        stop.set()
        proc.terminate()
        proc.wait()

    for api in sorted(results.ms, key=lambda a: [c.api for c in all_cases].index(a)):
        p50, p95 = p50_p95(results.ms[api])
        print(f"LOAD {api:<16} n={len(results.ms[api]):<5} p50_ms={p50:8.0f} p95_ms={p95:8.0f} "
              f"fail={results.failures[api]}", flush=True)
    in_window = [api for t, api in results.finished if t - t_start <= args.seconds]
    for name, group in (("cheap (all)", CHEAP), ("heavy (all)", set(results.ms) - CHEAP)):
        ms = [m for api in group for m in results.ms.get(api, [])]
        if ms:
            p50, p95 = p50_p95(ms)
            rps = sum(api in group for api in in_window) / args.seconds
            print(f"LOAD {name:<16} n={len(ms):<5} p50_ms={p50:8.0f} p95_ms={p95:8.0f} rps={rps:.2f}", flush=True)
    total, failed = results.done, results.failed
    success = 100.0 * (total - failed) / max(total, 1)
    wall = max((t for t, _ in results.finished), default=t_start) - t_start
    print(f"LOAD total requests={total} ok={total - failed} success_pct={success:.2f} "
          f"throughput_rps={len(in_window) / args.seconds:.2f} seconds={wall:.1f} users={args.users}")
    for i in range(0, len(samples), 20):  # every ~10 s
        print(f"RSS t={samples[i][0]:5.0f}s done={samples[i][1]:<5} rss_mb={samples[i][2]:.0f}")
    print(f"LOAD rss peak_hwm_mb={hwm:.0f} max_sampled_mb={max((r for *_, r in samples), default=end_rss):.0f} "
          f"start_mb={start_rss:.0f} end_mb={end_rss:.0f} samples={len(samples)}")
    a, b = args.warmup, args.warmup + RSS_WINDOW
    measured = rss_growth(samples, a, b)
    growth = None if measured is None else measured[0]
    if measured is None:
        print(f"LOAD rss_growth not measured: {total} requests < {b}")
    else:
        print(f"LOAD rss_growth warm_at={a} after={b} mb={measured[0]:.1f} instant_mb={measured[1]:.1f} "
              f"(target < {RSS_LIMIT_MB:.0f})")
    if (last := rss_growth(samples, total - RSS_WINDOW, total)) is not None and total - RSS_WINDOW > a:
        print(f"LOAD rss_growth_last from={total - RSS_WINDOW} to={total} mb={last[0]:.1f} instant_mb={last[1]:.1f} "
              "(the last 500 requests, for comparison)")
    print(f"load average after: {load_average()}")
    for line in results.errors[:10]:
        print(f"ERROR {line}")
    ok = failed == 0 and growth is not None and growth < RSS_LIMIT_MB
    print(f"LOAD verdict {'PASS' if ok else 'FAIL'} failures={failed} rss_growth_mb="
          f"{'n/a' if growth is None else f'{growth:.1f}'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
