"""Every process-wide setting, patch and lock of the app, in one place.

Importing this module changes nothing. ``app.py`` applies the settings explicitly:

* ``configure_libraries()`` -- what the app's *behaviour* depends on (the tests apply it too):
  Pillow's pixel limit and truncated-file policy, matplotlib's CJK font fallback (the one patch of
  Gradio's internals, its image-cache writes, is ``explainer.ui.gradio_patches``: only the UI imports
  gradio; ``app.py`` applies both);
* ``configure_process()`` -- tuning for *serving* only: torch intra-op threads, glibc malloc arenas and a
  periodic ``malloc_trim``.

The locks are here too, because they guard process-wide state: ``seeded``/``drawing`` serialise draws
from torch's global RNG, ``FX_TRACE_LOCK`` serialises ``torch.fx`` symbolic tracing (which patches
``nn.Module.__call__`` for the whole process while it runs). And ``import_torchvision``, which declares
two operator schemas in torch's global registry when the installed torchvision wheel needs them.

A patch of a library's internals checks the library version it was written for and is skipped, with a
warning, on another one; a test fails on such a version, so an upgrade cannot go unnoticed.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import logging
import os
import re
import sys
import threading
import time
import types
from collections.abc import Iterator

import torch

log = logging.getLogger("resnet_explainer")

# --- Locks -----------------------------------------------------------------------------------------

# Module constructors (``reset_parameters``), ``nn.init`` and Captum's NoiseTunnel draw from the one
# process-wide CPU generator. ``torch.manual_seed(s)`` followed by such draws is only reproducible if no
# other thread draws in between: two Gradio workers building seeded nets at the same time got each
# other's numbers (measured: 9 of 15 concurrent ``build_pair(20)`` differed from the sequential one).
# Every seeded section in the app goes through ``seeded``, so they run one at a time, and unseeded draws
# that could land inside one (building a CPU model whose weights are loaded next) go through ``drawing``.
RNG_LOCK = threading.RLock()  # re-entrant: a seeded section may call another one

# ``torch.fx`` symbolic tracing replaces ``nn.Module.__call__``/``__getattr__`` process-wide while it
# runs; two overlapping traces would restore each other's patches in the wrong order and leave
# ``nn.Module.__call__`` patched for good. One trace at a time (explainer.shapes.tracer).
FX_TRACE_LOCK = threading.Lock()


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run the block with the global CPU RNG seeded to ``seed`` and no other seeded section in between;
    the caller's RNG state is restored afterwards."""
    with RNG_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


@contextlib.contextmanager
def drawing() -> Iterator[None]:
    """Hold while drawing from the global RNG without seeding it. Free on the meta device (nothing is
    drawn there), so the shape tables never wait for a seeded section."""
    if torch.get_default_device().type == "meta":
        yield
        return
    with RNG_LOCK:
        yield


# --- Library settings the app's behaviour depends on -----------------------------------------------

#: Pillow refuses (DecompressionBombError) above 2× its ``MAX_IMAGE_PIXELS`` and warns above 1×. We
#: align it with the app's own limit (``explainer.inside.images.MAX_PIXELS``) so that Pillow calls made
#: outside our decoding path (e.g. Gradio's own ``Image.open`` of an upload) are bounded as well.
def limit_pillow(max_pixels: int) -> None:
    """Pillow's decompression-bomb limit = ``max_pixels``; truncated files are errors, not half-grey
    images the model would happily classify."""
    from PIL import Image, ImageFile

    Image.MAX_IMAGE_PIXELS = max_pixels
    ImageFile.LOAD_TRUNCATED_IMAGES = False


CJK_FONTS: tuple[str, ...] = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC")


def use_cjk_font_fallback() -> str | None:
    """Let matplotlib draw Chinese plot titles: add an installed CJK font as a fallback family.

    Matplotlib (≥ 3.6) falls back glyph by glyph along ``font.family``, so Latin text keeps DejaVu Sans
    and only the Chinese characters come from the CJK font. Its font cache is not rebuilt when fonts are
    installed later, so known files are added explicitly. Returns the font used, or None if none is
    installed (plots then show boxes for Chinese characters; ``explainer.i18n.has_cjk_font`` tells).
    """
    from matplotlib import font_manager, rcParams

    known = {f.name for f in font_manager.fontManager.ttflist}
    if not known.intersection(CJK_FONTS):
        for path in font_manager.findSystemFonts():
            if re.search(r"wqy|NotoSansCJK|SourceHanSans", path, re.IGNORECASE):
                with contextlib.suppress(Exception):
                    font_manager.fontManager.addfont(path)
        known = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in CJK_FONTS if name in known]
    if not found:
        return None
    # A generic family resolves to one font; fallback needs the CJK family listed explicitly.
    rcParams["font.family"] = ["sans-serif", found[0]]
    # The CJK font has no bold face; matplotlib would log that for every bold title it draws.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return found[0]


def configure_libraries(max_pixels: int | None = None) -> None:
    """The library settings the app behaves by (``app.py`` and the tests apply them)."""
    if max_pixels is None:
        from explainer.inside.images import MAX_PIXELS

        max_pixels = MAX_PIXELS
    limit_pillow(max_pixels)
    use_cjk_font_fallback()


# --- Tuning for serving ------------------------------------------------------------------------------

SERVE_TORCH_THREADS = 2  # intra-op threads of the one heavy request running at a time (ui queues)
MALLOC_ARENAS = 2
MALLOC_TRIM_EVERY_S = 10.0


def configure_process() -> None:
    """Process-wide tuning for serving; ``app.py`` calls this before launching (the tests keep theirs).

    * torch intra-op threads = ``SERVE_TORCH_THREADS`` unless ``OMP_NUM_THREADS`` is set: torch's own
      default is the host's core count, which on a 2-vCPU container can be far more than it may use.
    * glibc malloc arenas capped at ``MALLOC_ARENAS`` unless ``MALLOC_ARENA_MAX`` is set: otherwise every
      Gradio worker thread that runs torch gets an arena of its own and keeps the freed activations of
      its largest request. After 30 s of 20 users (scripts/load_test.py): 2.2 GB RSS with glibc's
      default 16 arenas, 1.6 GB with two, same throughput.
    * ``malloc_trim(0)`` every ``MALLOC_TRIM_EVERY_S`` seconds: glibc keeps freed memory for reuse, so RSS
      only ever rose (1.05 → 1.55 GB over the first ~650 requests of the 2-minute load test, then flat
      for 6 minutes: retention, not a leak) and the "RSS growth over 500 requests" check measured the
      allocator. With the trim RSS follows live memory (672 MB after that run instead of 1551 MB);
      cost: a freed page touched again faults once more -- even trimming every second slowed IG,
      Occlusion, gradient norms by 3-15 %, so every 10 s costs ~1 %.
    """
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(SERVE_TORCH_THREADS)
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt, malloc_trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError):
        return  # not glibc (macOS, musl): nothing to tune
    if "MALLOC_ARENA_MAX" not in os.environ:
        mallopt(-8, MALLOC_ARENAS)  # -8 = M_ARENA_MAX in <malloc.h>

    def trim_forever() -> None:
        while True:
            time.sleep(MALLOC_TRIM_EVERY_S)
            malloc_trim(0)

    threading.Thread(target=trim_forever, name="malloc_trim", daemon=True).start()


# --- torchvision where its compiled operators cannot load -------------------------------------------

_TORCHVISION_SHIM: torch.library.Library | None = None


def import_torchvision() -> types.ModuleType:
    """Return the ``torchvision`` module, declaring missing operator schemas if needed.

    The torchvision wheels on PyPI for Linux are CUDA builds: on a machine with the CPU build of torch,
    ``torchvision/_C.so`` fails to load (``libtorch_cuda.so`` is missing) and the package's
    ``_meta_registrations`` then raises ``operator torchvision::nms does not exist`` at import time. We
    only need torchvision's pure-Python parts (the reference ``resnet18 … resnet152`` modules for the
    tests' oracles, the ImageNet weights' metadata), so we declare the two operator schemas it registers
    fake kernels for -- a change to torch's process-wide operator registry -- and nothing else. Calling
    ``torchvision.ops.nms`` would still fail; we never do.

    Raises:
        ImportError: if torchvision is not installed at all.
    """
    global _TORCHVISION_SHIM
    try:
        return importlib.import_module("torchvision")
    except RuntimeError as err:  # "operator torchvision::nms does not exist"
        if "torchvision::" not in str(err):
            raise
    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]  # a half-imported package would be returned as-is otherwise
    if _TORCHVISION_SHIM is None:
        _TORCHVISION_SHIM = torch.library.Library("torchvision", "FRAGMENT")
        for op in ("nms", "qnms"):
            if not torch._C._dispatch_has_kernel(f"torchvision::{op}") and not _has_schema(op):
                _TORCHVISION_SHIM.define(f"{op}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    return importlib.import_module("torchvision")


def _has_schema(op: str) -> bool:
    try:
        getattr(torch.ops.torchvision, op)
        return True
    except (AttributeError, RuntimeError):
        return False
