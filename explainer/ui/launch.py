"""Launch settings shared by ``app.py``, the tests and the benchmarks."""

from __future__ import annotations

import ctypes
import os
import tempfile
from pathlib import Path
from typing import Any

from explainer.ui.common import I18N

MAX_FILE_SIZE = "10mb"  # uploads larger than this are refused by the server before any decoding
SERVE_TORCH_THREADS = 2  # intra-op threads of the one heavy request running at a time (common.HEAVY)
MALLOC_ARENAS = 2


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
      its largest request. Under 20 users (scripts/load_test.py) RSS plateaued at 1.9-2.6 GB with the
      default arenas and at 1.3 GB with two, at the same throughput.
    """
    import torch

    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(SERVE_TORCH_THREADS)
    if "MALLOC_ARENA_MAX" not in os.environ:
        try:
            ctypes.CDLL("libc.so.6").mallopt(-8, MALLOC_ARENAS)  # -8 = M_ARENA_MAX in <malloc.h>
        except (OSError, AttributeError):
            pass  # not glibc (macOS, musl): nothing to cap


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
