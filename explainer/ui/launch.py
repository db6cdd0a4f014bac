"""Launch settings shared by ``app.py``, the tests and the benchmarks."""

from __future__ import annotations

import ctypes
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from explainer.ui.common import I18N

MAX_FILE_SIZE = "10mb"  # uploads larger than this are refused by the server before any decoding
SERVE_TORCH_THREADS = 2  # intra-op threads of the one heavy request running at a time (common.HEAVY)
MALLOC_ARENAS = 2
MALLOC_TRIM_EVERY_S = 10.0


def launch_kwargs() -> dict[str, Any]:
    """Keyword arguments for ``demo.launch``: local by default, no share link, upload limit."""
    return {
        "server_name": os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        "server_port": int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        "share": False,
        "max_file_size": MAX_FILE_SIZE,
        "show_error": True,  # gr.Error messages reach the user; tracebacks never do
        "i18n": I18N,  # the static UI text in English and 简体中文 (explainer.i18n)
    }


def configure_process() -> None:
    """Process-wide settings for serving; ``app.py`` calls this before launching (the tests keep theirs).

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
    import torch

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


def atomic_image_cache_writes() -> None:
    """Make Gradio write output images to its cache atomically (idempotent).

    Gradio 6.31's ``processing_utils.save_pil_to_cache`` writes an output image to
    ``<cache>/<hash of its bytes>/image.png`` in place. When two sessions get the same image at about
    the same time (a class clicking the same example), the second write truncates the file while the
    first client downloads it, and that download fails ("peer closed connection without sending
    complete message body"; found by tests/test_load.py, ~1 run in 3). Write under a temporary name
    and rename into place, as Gradio's own ``save_file_to_cache`` already does for files.
    """
    from gradio import processing_utils as pu

    if getattr(pu.save_pil_to_cache, "atomic", False):
        return

    def save_pil_to_cache(img: Any, cache_dir: str, name: str = "image", format: str = "webp") -> str:
        data = pu.encode_pil_to_bytes(img, format)
        folder = Path(cache_dir) / pu.hash_bytes(data)
        folder.mkdir(exist_ok=True, parents=True)
        target = (folder / f"{name}.{format}").resolve()
        fd, staging = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(staging, target)
        except BaseException:
            Path(staging).unlink(missing_ok=True)
            raise
        return str(target)

    save_pil_to_cache.atomic = True  # type: ignore[attr-defined]
    pu.save_pil_to_cache = save_pil_to_cache
