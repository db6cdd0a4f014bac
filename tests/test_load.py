"""Concurrency: several users at once get exactly what they would get alone (short ``scripts/load_test.py``,
in both its modes: the weighted mix of every endpoint, and a small class in lock-step with an explorer).

The three concurrency bugs the load tests found are also pinned down directly, without a server:
fx tracing (shape tables) used to hijack models running in other threads, seeded model builds in two
threads used to get each other's random numbers, and Gradio rewrote a cached output image in place
while another session was downloading it. No timing is asserted here; the numbers come
from ``python scripts/load_test.py``.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from explainer.degradation.nets import build_pair
from explainer.models.resnet import build_resnet, cifar_spec
from explainer.shapes.block_report import explore_block
from scripts.load_classroom import LESSON, check_explorers, run_class
from scripts.load_test import Case, difference, normalize, references, run_users

EXAMPLE = "0_t-shirt-top.png"

# One or two inputs per public endpoint, the cheap settings of each (the several-second lesion study
# and the slow attribution methods are left to the full script).
SHORT_MIX = [
    Case("/block_shapes", ("basic", "projection", 64, 128, 2, True, 56, 56)),
    Case("/block_shapes", ("bottleneck", "identity", 256, 256, 1, False, 28, 28)),
    Case("/network_shapes", ("D2L ResNet-18", 1, 96, 96, 10)),
    Case("/network_shapes", ("Plain-20", 1, 28, 28, 10)),
    Case("/predict", image=EXAMPLE),
    Case("/predict", image="8_bag.png"),
    Case("/feature_maps", ("layer2",), EXAMPLE),
    Case("/attribute", ("Saliency",), EXAMPLE),
    Case("/attribute", ("Grad-CAM",), "5_sandal.png"),
    Case("/grad_norms", (8, True, "Kaiming")),
    Case("/grad_norms", (14, False, "Xavier")),
    Case("/shattered", (8,)),
    Case("/highway", (8,)),
]


@pytest.mark.slow  # ≈ 25 s: 13 references, then 6 users × 6 requests
def test_concurrent_users_get_their_single_user_answers(app_client) -> None:
    url = app_client.src
    refs = references(url, SHORT_MIX)
    results, _ = run_users(url, SHORT_MIX, refs, users=6, requests_per_user=6, seed=1)
    assert results.errors == []
    assert results.done == 36
    assert set(results.ms) == {c.api for c in SHORT_MIX}  # every endpoint was called under load


@pytest.mark.slow  # ≈ 20-40 s: 3 references, 6 students × 3 steps, one explorer, its references
def test_a_small_class_gets_the_single_user_answers(app_client) -> None:
    url = app_client.src
    lesson = [step for step in LESSON if step.name in ("block_explanation", "prediction", "grad_cam")]
    refs = references(url, [step.case for step in lesson])
    run = run_class(url, refs, students=6, explorers=1, steps=lesson, jitter_s=0.5, step_timeout_s=120,
                    explorer_max_depth=14, explorer_min_requests=3)
    check_explorers(url, run)
    assert run.errors == []
    assert [len(ms) for ms in run.ms] == [6, 6, 6]  # every student answered every step
    assert len(run.explorer_calls) >= 3 and run.failed == 0


def test_normalize_and_difference_compare_content_not_paths(tmp_path) -> None:
    a, b = tmp_path / "a" / "x.csv", tmp_path / "b" / "y.csv"
    for p in (a, b):
        p.parent.mkdir()
        p.write_text("layer,shape\nconv1,64x48x48\n")
    assert difference(normalize([str(a), 0.1 + 0.2], str(tmp_path / "a")),
                      normalize([str(b), 0.3], str(tmp_path / "b"))) is None
    b.write_text("layer,shape\nconv1,64x24x24\n")
    assert difference(normalize([str(b)], str(tmp_path / "b")), normalize([str(a)], str(tmp_path / "a")))
    assert difference({"p": 0.5}, {"p": 0.5 * (1 + 1e-4)}) is not None  # tolerance is 1e-6 relative
    assert difference(["1"], [1]) is not None  # types matter


def test_tracing_leaves_models_in_other_threads_alone() -> None:
    model = build_resnet(cifar_spec(8, residual=True, batch_norm=True, in_channels=1, num_classes=10)).eval()
    x = torch.randn(2, 1, 28, 28)
    with torch.no_grad():
        want = model(x)
    errors: list[str] = []
    stop = threading.Event()

    def forward_loop() -> None:
        with torch.no_grad():
            while not stop.is_set():
                try:
                    if not torch.equal(model(x), want):
                        errors.append("different output")
                except Exception as err:  # noqa: BLE001
                    errors.append(repr(err))

    worker = threading.Thread(target=forward_loop)
    worker.start()
    try:
        tracers = [threading.Thread(target=lambda: [explore_block("basic", "projection", 16, 32, 2, True, 28, 28)
                                                    for _ in range(10)]) for _ in range(2)]
        for t in tracers:
            t.start()
        for t in tracers:
            t.join()
    finally:
        stop.set()
        worker.join()
    assert errors == []
    assert torch.nn.Module.__call__ is torch.fx._symbolic_trace._orig_module_call  # no patch left behind


def test_an_image_being_downloaded_is_never_seen_half_rewritten(tmp_path) -> None:
    from gradio import processing_utils as pu

    import app  # noqa: F401 -- importing the app makes Gradio's image cache writes atomic

    image = Image.fromarray(np.random.default_rng(0).integers(0, 255, (128, 128, 3), dtype=np.uint8))
    path = pu.save_pil_to_cache(image, str(tmp_path), format="png")
    size = len(Path(path).read_bytes())
    partial: list[int] = []
    stop = threading.Event()

    def download() -> None:
        while not stop.is_set():
            if (n := len(Path(path).read_bytes())) != size:
                partial.append(n)

    reader = threading.Thread(target=download)
    reader.start()
    writers = [threading.Thread(target=lambda: [pu.save_pil_to_cache(image, str(tmp_path), format="png")
                                                for _ in range(100)]) for _ in range(2)]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    reader.join()
    assert partial == []  # in place, Gradio's own writer truncated it thousands of times here


def test_seeded_builds_in_two_threads_match_the_sequential_ones() -> None:
    want = {d: build_pair(d)[1].state_dict() for d in (8, 14)}
    mismatches: list[int] = []

    def build(depth: int) -> None:
        for _ in range(8):
            got = build_pair(depth)[1].state_dict()
            if any(not torch.equal(got[k], want[depth][k]) for k in got):
                mismatches.append(depth)

    threads = [threading.Thread(target=build, args=(d,)) for d in (8, 14)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert mismatches == []
