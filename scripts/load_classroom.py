"""A load test that looks like a class: ``python scripts/load_test.py --classroom [--students 40] [--explorers 4]``.

Phases, on one ``python app.py`` started here (``benchmarks.endpoints.cold_start``):

0. ``--first-second``: the moment ``GET /`` first answers 200, ``FIRST_SECOND_N`` threads each connect a
   client and send one request (a block table, a prediction, an attribution, gradient norms), all at once.
1. Single-user references for every lesson step: one client, one request at a time, before the class
   (so whatever the app caches, the lesson's answers are warm, as after a teacher's demonstration; the
   first-second answers are compared with these too).
2. Idle RSS before: 10 s after the references, nothing in flight.
3. The class: ``students`` clients walk the ``LESSON`` in lock-step. Step k is released to all at once,
   each student waits a random 0-``jitter`` s (people don't click together to the millisecond), sends
   the step's request and checks the answer against the reference; step k+1 is released when all have
   answered step k (or after ``step_timeout`` s: the late ones still finish and count). Meanwhile
   ``explorers`` clients loop over their own random settings (other depths, presets, sizes, methods,
   uploads of freshly generated random PNGs) until the last student is done.
4. Idle RSS after: once every request has its answer (the queue is empty), 10 s, then read.
5. Explorers' references, *after* the class: one client replays every distinct explorer input, one at a
   time, on the same server; every explorer answer must equal it. A heavy explorer request is
   "uncached" when nobody had sent that exact input before (uploads always are).

Answers are compared as in ``scripts/load_test.py`` (``normalize`` / ``difference``). Output lines have a
fixed format (grep ``^CLASS``)::

    CLASS config ...
    CLASS first_second ok=<n>/<n> p50_ms=<..> max_ms=<..>
    CLASS step <k> <name> n=<..> p50_ms=<..> p95_ms=<..> max_ms=<..> fail=<..> wall_s=<..>
    CLASS explorers <cheap|heavy_uncached|heavy_repeat> n=<..> p50_ms=<..> p95_ms=<..> max_ms=<..> fail=<..>
    CLASS throughput requests=<..> seconds=<..> rps=<..>
    CLASS rss peak_hwm_mb=<..> max_sampled_mb=<..> idle_before_mb=<..> idle_after_mb=<..> idle_delta_mb=<..>
    CLASS verdict PASS|FAIL <each target: value ok|OVER>
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from benchmarks.endpoints import cold_start, p50_p95
from scripts.load_server import RssSampler, load_average, rss_mb
from scripts.load_test import CHEAP, EXAMPLES, Case, checked_call, difference, make_client, normalize, references

EXAMPLE = "0_t-shirt-top.png"


@dataclass(frozen=True)
class Step:
    """One step of the lesson: what the teacher says to click, as one API call with fixed inputs."""

    name: str
    case: Case


# The tabs' defaults (explainer/ui/blocks_tab.py, degradation_tab.py), as a student who just clicks gets them.
LESSON = [
    Step("block_explanation", Case("/block_shapes", ("basic", "projection", 64, 128, 2, True, 56, 56))),
    Step("d2l_table", Case("/network_shapes", ("D2L ResNet-18", 1, 224, 224, 10))),
    Step("grad_norms_56", Case("/grad_norms", (56, False, "PyTorch default"))),
    Step("prediction", Case("/predict", image=EXAMPLE)),
    Step("grad_cam", Case("/attribute", ("Grad-CAM",), EXAMPLE)),
    Step("integrated_gradients", Case("/attribute", ("Integrated Gradients",), EXAMPLE)),
    Step("shattered_56", Case("/shattered", (56,))),
]
# Sent the moment the port opens, cycled over FIRST_SECOND_N requests: a table, a prediction, an attribution
# and gradient norms (all lesson steps, so their references are the lesson's).
FIRST_SECOND = [LESSON[0].case, LESSON[3].case, LESSON[4].case, LESSON[2].case]
FIRST_SECOND_N = 10

# Targets of issue 11.
STEP_P95_MS = 3000.0
EXPLORER_HEAVY_P95_MS = 30000.0
PEAK_RSS_MB = 3072.0
IDLE_DELTA_MB = 300.0
IDLE_WAIT_S = 10.0

SIDES = (28, 32, 48, 64, 96, 112)
CHANNELS = (16, 32, 64, 128, 256)
LAYERS = ("layer1", "layer2", "layer3", "layer4", "layer2.0: shortcut")


def random_png(rng: random.Random, folder: Path) -> str:
    """A new PNG of random noise (random size, grey or colour): an input the server has never seen."""
    side = rng.choice((28, 40, 64, 96))
    channels = rng.choice((1, 3))
    pixels = np.random.default_rng(rng.getrandbits(32)).integers(0, 256, (side, side, channels), dtype=np.uint8)
    path = folder / f"upload_{rng.getrandbits(64):016x}.png"
    Image.fromarray(pixels.squeeze(-1) if channels == 1 else pixels).save(path)
    return str(path)


def explorer_case(rng: random.Random, folder: Path, max_depth: int = 110) -> Case:
    """One random request of someone exploring on their own: other blocks, networks, depths, methods, images."""
    from explainer.inside.attribution_methods import METHODS
    from explainer.models.presets import PRESETS

    depth = rng.choice(range(8, max_depth + 1, 6))
    kind = rng.choices(("block", "network", "grad_norms", "shattered", "highway", "predict", "feature_maps",
                        "attribute"), (3, 3, 2, 1, 1, 2, 1, 2))[0]
    if kind == "block":
        block, c_in, c_out, side = rng.choice(("basic", "bottleneck")), *rng.sample(CHANNELS, 2), rng.choice(SIDES)
        if rng.random() < 0.3:  # a shortcut without a projection: same width, stride 1
            return Case("/block_shapes", (block, "identity", c_in, c_in, 1, rng.random() < 0.5, side, side))
        return Case("/block_shapes", (block, "projection", c_in, c_out, rng.choice((1, 2)), rng.random() < 0.5,
                                      side, side))
    if kind == "network":
        preset = rng.choice(list(PRESETS))
        p = PRESETS[preset]
        scale = rng.choice((1.0, 1.0, 1.25, 1.5))  # every preset accepts its usual input and larger ones
        return Case("/network_shapes", (preset, p.in_channels, round(p.height * scale), round(p.width * scale),
                                        rng.choice((p.num_classes, 10, 100))))
    if kind == "grad_norms":
        return Case("/grad_norms", (depth, rng.random() < 0.5, rng.choice(("PyTorch default", "Kaiming", "Xavier"))))
    if kind in ("shattered", "highway"):
        return Case(f"/{kind}", (depth,))
    examples = sorted(p.name for p in EXAMPLES.glob("*.png"))
    image = random_png(rng, folder) if rng.random() < 0.7 else rng.choice(examples)
    if kind == "predict":
        return Case("/predict", image=image)
    if kind == "feature_maps":
        return Case("/feature_maps", (rng.choice(LAYERS),), image)
    return Case("/attribute", (rng.choice(list(METHODS)),), image)


@dataclass
class ExplorerCall:
    case: Case
    ms: float
    new: bool  # nobody had sent this exact input before
    answer: Any = None
    error: str | None = None


@dataclass
class ClassRun:
    """What a class recorded; ``lock`` guards the lists while it runs."""

    steps: list[Step]
    lock: threading.Lock = field(default_factory=threading.Lock)
    ms: list[list[float]] = field(default_factory=list)  # per step
    fail: list[int] = field(default_factory=list)  # per step: errors, wrong answers and missing answers
    wall_s: list[float] = field(default_factory=list)  # per step: release → last answer (or the timeout)
    errors: list[str] = field(default_factory=list)
    explorer_calls: list[ExplorerCall] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return sum(self.fail) + sum(c.error is not None for c in self.explorer_calls)


def run_class(url: str, refs: dict[str, Any], *, students: int, explorers: int, steps: list[Step] = LESSON,
              jitter_s: float = 2.0, step_timeout_s: float = 900.0, seed: int = 0, explorer_max_depth: int = 110,
              explorer_min_requests: int = 0) -> ClassRun:
    """The class of the module docstring (phase 3); explorers' answers are kept for ``check_explorers``."""
    run = ClassRun(steps, ms=[[] for _ in steps], fail=[0] * len(steps))
    student_clients = [make_client(url) for _ in range(students)]  # connected before the clock starts
    explorer_clients = [make_client(url) for _ in range(explorers)]
    uploads = Path(tempfile.mkdtemp(prefix="class_uploads_"))
    release = [threading.Event() for _ in steps]
    answered = [0] * len(steps)
    progress = threading.Condition()
    class_over = threading.Event()
    seen = set(refs)

    def student(i: int) -> None:
        client, folder = student_clients[i]
        rng = random.Random(seed * 1000 + i)
        for k, step in enumerate(steps):
            release[k].wait()
            time.sleep(rng.uniform(0, jitter_s))
            ms, error = checked_call(step.case, client, folder, refs[step.case.key])
            with progress:
                run.ms[k].append(ms)
                if error is not None:
                    run.fail[k] += 1
                    run.errors.append(f"student {i} step {k + 1} {step.name}: {error}")
                answered[k] += 1
                progress.notify_all()

    def explorer(j: int) -> None:
        client, folder = explorer_clients[j]
        rng = random.Random(seed * 7919 + 1 + j)
        count = 0
        while not class_over.is_set() or count < explorer_min_requests:
            case = explorer_case(rng, uploads, explorer_max_depth)
            with run.lock:
                new = case.key not in seen
                seen.add(case.key)
            call = ExplorerCall(case, 0.0, new)
            t0 = time.perf_counter()
            try:
                call.answer = normalize(case.call(client), folder)
            except Exception as err:  # noqa: BLE001 -- counted and reported
                call.error = f"{type(err).__name__}: {err}"
            call.ms = 1000 * (time.perf_counter() - t0)
            with run.lock:
                run.explorer_calls.append(call)
            count += 1

    student_threads = [threading.Thread(target=student, args=(i,), daemon=True) for i in range(students)]
    explorer_threads = [threading.Thread(target=explorer, args=(j,), daemon=True) for j in range(explorers)]
    t_start = time.perf_counter()
    for t in student_threads + explorer_threads:
        t.start()
    for k, step in enumerate(steps):
        t0 = time.perf_counter()
        release[k].set()
        with progress:
            progress.wait_for(lambda: answered[k] == students, timeout=step_timeout_s)  # noqa: B023
            run.wall_s.append(time.perf_counter() - t0)
            print(f"step {k + 1} {step.name}: {answered[k]}/{students} answered in {run.wall_s[-1]:.1f} s",
                  flush=True)
    for t in student_threads:
        t.join(timeout=step_timeout_s)
    class_over.set()
    for t in explorer_threads:
        t.join()
    run.seconds = time.perf_counter() - t_start
    with progress:
        for k, step in enumerate(steps):
            if (missing := students - len(run.ms[k])) > 0:
                run.fail[k] += missing
                run.errors.append(f"step {k + 1} {step.name}: {missing} students never got an answer")
    for client, _ in student_clients + explorer_clients:
        client.close()
    return run


def check_explorers(url: str, run: ClassRun) -> None:
    """Replay every distinct explorer input with one client, one at a time (after the class), and mark
    every explorer answer that differs from that single-user answer as failed."""
    distinct = list({c.case.key: c.case for c in run.explorer_calls}.values())
    print(f"explorer references: {len(distinct)} distinct inputs of {len(run.explorer_calls)} requests", flush=True)
    client, folder = make_client(url)
    try:
        refs: dict[str, Any] = {}
        for case in distinct:
            try:
                refs[case.key] = normalize(case.call(client), folder)
            except Exception as err:  # noqa: BLE001 -- a reference that fails is reported with the call
                refs[case.key] = err
    finally:
        client.close()
    for call in run.explorer_calls:
        want = refs[call.case.key]
        if call.error is None and isinstance(want, Exception):
            call.error = f"the single-user reference failed: {type(want).__name__}: {want}"
        elif call.error is None and (d := difference(call.answer, want)) is not None:
            call.error = "differs from the single-user reference at " + d
        call.answer = None  # the pixels are no longer needed
        if call.error is not None:
            run.errors.append(f"explorer {call.case.key}: {call.error}")


def first_second(script: Path, n: int = FIRST_SECOND_N) -> tuple[Any, str, list[tuple[Case, float, Any]]]:
    """Start ``script`` and, the moment ``GET /`` first answers 200, fire ``n`` clients at once (each
    connects and sends one request). Returns (process, url, [(case, ms, normalized answer or exception)])."""
    seconds, proc, url = cold_start(script)
    out: list[tuple[Case, float, Any]] = []
    lock = threading.Lock()

    def fire(case: Case) -> None:
        t0 = time.perf_counter()
        try:
            client, folder = make_client(url)
            try:
                answer = normalize(case.call(client), folder)
            finally:
                client.close()
        except Exception as err:  # noqa: BLE001 -- checked by the caller
            answer = err
        with lock:
            out.append((case, 1000 * (time.perf_counter() - t0), answer))

    threads = [threading.Thread(target=fire, args=(FIRST_SECOND[i % len(FIRST_SECOND)],)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"first second: served after {seconds:.2f} s; {n} requests fired at once", flush=True)
    return proc, url, out


def idle_rss(pid: int | None, wait_s: float = IDLE_WAIT_S) -> float:
    """VmRSS (MB) after ``wait_s`` seconds with nothing in flight (NaN without a local pid)."""
    time.sleep(wait_s)
    return float("nan") if pid is None else rss_mb(pid)[0]


def _line(label: str, ms: list[float], fail: int, extra: str = "") -> str:
    if not ms:
        return f"CLASS {label} n=0 fail={fail}{extra}"
    p50, p95 = p50_p95(ms)
    return (f"CLASS {label} n={len(ms):<4} p50_ms={p50:7.0f} p95_ms={p95:7.0f} max_ms={max(ms):7.0f} "
            f"fail={fail}{extra}")


def report(run: ClassRun, first: list[tuple[Case, float, Any]] | None, refs: dict[str, Any], rss: dict[str, float],
           ) -> bool:
    """Print the ``CLASS`` lines; True if every target of the issue is met."""
    verdict: list[tuple[str, bool]] = []
    if first is not None:
        ok = sum(not isinstance(a, Exception) and difference(a, refs[c.key]) is None for c, _, a in first)
        for c, _, a in first:
            if isinstance(a, Exception) or (d := difference(a, refs[c.key])) is not None:
                run.errors.append(f"first second {c.key}: {a if isinstance(a, Exception) else d}")
        ms = [m for _, m, _ in first]
        print(f"CLASS first_second ok={ok}/{len(first)} p50_ms={p50_p95(ms)[0]:.0f} max_ms={max(ms):.0f}")
        verdict.append((f"first_second={ok}/{len(first)}", ok == len(first)))
    if not run.steps:  # --first-second alone
        verdict += [(f"peak_rss_mb={rss['hwm']:.0f}", rss["hwm"] <= PEAK_RSS_MB)]
        return _verdict(run, verdict)
    for k, step in enumerate(run.steps):
        print(_line(f"step {k + 1} {step.name:<20}", run.ms[k], run.fail[k], f" wall_s={run.wall_s[k]:.1f}"))
        p95 = p50_p95(run.ms[k])[1] if run.ms[k] else float("inf")
        verdict.append((f"{step.name}_p95_ms={p95:.0f}", p95 <= STEP_P95_MS))
    calls = run.explorer_calls
    groups = {"cheap": [c for c in calls if c.case.api in CHEAP],
              "heavy_uncached": [c for c in calls if c.case.api not in CHEAP and c.new],
              "heavy_repeat": [c for c in calls if c.case.api not in CHEAP and not c.new]}
    for name, group in groups.items():
        print(_line(f"explorers {name:<14}", [c.ms for c in group], sum(c.error is not None for c in group)))
    heavy = [c.ms for c in groups["heavy_uncached"]]
    p95 = p50_p95(heavy)[1] if heavy else float("nan")
    verdict.append((f"explorer_heavy_p95_ms={p95:.0f}", not heavy or p95 <= EXPLORER_HEAVY_P95_MS))
    requests = sum(len(m) for m in run.ms) + len(calls)
    print(f"CLASS throughput requests={requests} seconds={run.seconds:.1f} rps={requests / run.seconds:.2f} "
          f"lesson_requests={sum(len(m) for m in run.ms)} explorer_requests={len(calls)}")
    delta = rss["idle_after"] - rss["idle_before"]
    print(f"CLASS rss peak_hwm_mb={rss['hwm']:.0f} max_sampled_mb={rss['max_sampled']:.0f} "
          f"idle_before_mb={rss['idle_before']:.0f} idle_after_mb={rss['idle_after']:.0f} idle_delta_mb={delta:.0f}")
    verdict += [(f"peak_rss_mb={rss['hwm']:.0f}", rss["hwm"] <= PEAK_RSS_MB),
                (f"idle_delta_mb={delta:.0f}", delta <= IDLE_DELTA_MB)]
    return _verdict(run, verdict)


def _verdict(run: ClassRun, verdict: list[tuple[str, bool]]) -> bool:
    failed = run.failed
    verdict.insert(0, (f"failures={failed}", failed == 0))
    print(f"load average after: {load_average()}")
    for line in run.errors[:15]:
        print(f"ERROR {line}")
    ok = all(v for _, v in verdict)
    print(f"CLASS verdict {'PASS' if ok else 'FAIL'} " + " ".join(f"{t}:{'ok' if v else 'OVER'}" for t, v in verdict),
          flush=True)
    return ok


def main(args: Any, script: Path, url: str | None, pid_of: Any) -> int:
    """``--classroom`` / ``--first-second`` of ``scripts/load_test.py`` (``args`` its parsed arguments)."""
    print(f"CLASS config students={args.students} explorers={args.explorers} steps={len(LESSON)} "
          f"jitter_s={args.jitter} seed={args.seed} first_second={args.first_second} "
          f"load_average_before={load_average().replace(' ', '/')}", flush=True)
    first = None
    if args.first_second:
        proc, url, first = first_second(script)
    elif url is None:
        _, proc, url = cold_start(script)
    else:
        proc = pid_of(url)
    try:
        refs = references(url, [s.case for s in LESSON])
        before = idle_rss(proc.pid)
        if not args.classroom:
            run = ClassRun([], seconds=float("nan"))
            rss = {"hwm": rss_mb(proc.pid)[1], "max_sampled": before, "idle_before": before, "idle_after": before}
            return 0 if report(run, first, refs, rss) else 1
        with RssSampler(proc.pid) as sampler:
            run = run_class(url, refs, students=args.students, explorers=args.explorers, jitter_s=args.jitter,
                            seed=args.seed)
        after = idle_rss(proc.pid)  # every request has had its answer: the queue is empty
        hwm = rss_mb(proc.pid)[1]
        check_explorers(url, run)
    finally:
        proc.terminate()
        proc.wait()
    rss = {"hwm": hwm, "max_sampled": sampler.max_mb, "idle_before": before, "idle_after": after}
    return 0 if report(run, first, refs, rss) else 1
