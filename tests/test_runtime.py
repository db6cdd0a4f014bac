"""explainer.runtime: the process-wide settings apply, the Gradio patches fit the installed Gradio, the locks
make seeded sections reproducible across threads."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import torch
from PIL import Image

from explainer import runtime
from explainer.inside.images import MAX_PIXELS
from explainer.ui import gradio_patches

ROOT = Path(__file__).resolve().parent.parent


def test_configure_libraries_applies_the_pillow_limit_and_is_idempotent() -> None:
    runtime.configure_libraries()
    runtime.configure_libraries()
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


def test_the_gradio_cache_patch_fits_the_installed_gradio() -> None:
    """Fails on a Gradio release the patch was not checked against: re-read processing_utils first."""
    from gradio import processing_utils as pu

    assert gradio_patches.atomic_image_cache_writes() is True
    assert getattr(pu.save_pil_to_cache, "atomic", False)


def test_every_gradio_patch_fits_the_installed_gradio() -> None:
    """Fails on a Gradio release the patches were not checked against: re-read the patched code first
    (``Blocks.process_api``, ``processing_utils._check_allowed`` / ``save_pil_to_cache``)."""
    from gradio import processing_utils as pu
    from gradio.blocks import Blocks

    assert gradio_patches.apply_gradio_patches() == {"atomic_image_cache_writes": True,
                                                     "events_in_request_language": True,
                                                     "uniform_file_refusals": True}
    assert getattr(Blocks.process_api, "in_request_language", False) and getattr(pu._check_allowed, "uniform", False)


def test_patches_are_skipped_with_a_warning_on_another_gradio_release(monkeypatch: pytest.MonkeyPatch,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    import gradio
    from gradio import processing_utils as pu
    from gradio.blocks import Blocks

    gradio_patches.apply_gradio_patches()
    originals = {"process_api": Blocks.process_api.__wrapped__, "_check_allowed": pu._check_allowed.__wrapped__}
    monkeypatch.setattr(Blocks, "process_api", originals["process_api"])
    monkeypatch.setattr(pu, "_check_allowed", originals["_check_allowed"])
    monkeypatch.setattr(gradio, "__version__", "7.0.0")
    with caplog.at_level(logging.WARNING, logger="resnet_explainer"):
        assert not gradio_patches.events_in_request_language()
        assert not gradio_patches.uniform_file_refusals()
    assert Blocks.process_api is originals["process_api"] and pu._check_allowed is originals["_check_allowed"]
    assert caplog.text.count("written for Gradio 6.31, found 7.0.0") == 2


def test_an_event_is_preprocessed_in_the_language_of_its_request() -> None:
    """A widget's refusal happens before the handler (which alone gets the request from Gradio)."""
    import gradio as gr

    from explainer.ui.boundary import T
    from explainer.ui.widgets import CheckedRadio

    gradio_patches.apply_gradio_patches()
    with gr.Blocks() as demo:
        radio = CheckedRadio([1, 2], value=1, label=T("Stride"))
        radio.change(lambda v: v, radio, gr.Number())
    answers = {}
    for lang in ("zh-CN,zh;q=0.9", "fr, zh;q=0", None):
        with pytest.raises(gr.Error) as info:
            asyncio.run(demo.process_api(block_fn=0, inputs=["x"], request=gr.Request(headers={"accept-language": lang})))
        answers[lang] = info.value.message
    assert answers == {"zh-CN,zh;q=0.9": "步幅必须是 1, 2 之一，收到的是 'x'。",
                       "fr, zh;q=0": "Stride must be one of 1, 2, got 'x'.", None: "Stride must be one of 1, 2, got 'x'."}
    assert asyncio.run(demo.process_api(block_fn=0, inputs=[2], request=None))["data"] == [2]


def test_patched_cache_write_leaves_no_staging_file(tmp_path: Path) -> None:
    from gradio import processing_utils as pu

    gradio_patches.atomic_image_cache_writes()
    img = Image.new("L", (8, 8), 200)
    first = pu.save_pil_to_cache(img, str(tmp_path), format="png")
    again = pu.save_pil_to_cache(img, str(tmp_path), format="png")
    assert first == again and Image.open(first).size == (8, 8)
    assert [p.name for p in Path(first).parent.iterdir()] == ["image.png"]


def test_cjk_font_fallback_finds_the_font_ci_installs() -> None:
    # .ci/run and packages.txt install fonts-wqy-microhei; without it Chinese plot titles show boxes.
    assert runtime.use_cjk_font_fallback() in runtime.CJK_FONTS


def test_seeded_sections_in_threads_draw_what_they_would_alone() -> None:
    def draw(seed: int) -> torch.Tensor:
        with runtime.seeded(seed):
            return torch.randn(1000)

    alone = {s: draw(s) for s in range(6)}
    got: dict[int, torch.Tensor] = {}

    def worker(s: int) -> None:
        for _ in range(20):
            got[s] = draw(s)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(torch.equal(got[s], alone[s]) for s in alone)


def test_configure_process_sets_threads_and_starts_the_trimmer() -> None:
    code = ("import threading, torch; from explainer import runtime; runtime.configure_process(); "
            "print(torch.get_num_threads(), any(t.name == 'malloc_trim' for t in threading.enumerate()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.stdout.split() == [str(runtime.SERVE_TORCH_THREADS), "True"]


def test_import_torchvision_gives_the_reference_models() -> None:
    tv = runtime.import_torchvision()
    assert hasattr(tv.models, "resnet18")
