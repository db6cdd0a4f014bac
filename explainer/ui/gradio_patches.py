"""The one patch of Gradio's internals the app needs, applied by ``app.py`` (and the tests) next to
``explainer.runtime.configure_libraries``; it lives here because only ``explainer/ui/`` imports gradio."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("resnet_explainer")

#: The Gradio releases whose ``processing_utils.save_pil_to_cache`` the patch below was written against.
GRADIO_CACHE_PATCH_VERSIONS = re.compile(r"^6\.31\.")


def atomic_image_cache_writes() -> bool:
    """Make Gradio write output images to its cache atomically (idempotent).

    Gradio 6.31's ``processing_utils.save_pil_to_cache`` writes an output image to
    ``<cache>/<hash of its bytes>/image.png`` in place. When two sessions get the same image at about
    the same time (a class clicking the same example), the second write truncates the file while the
    first client downloads it, and that download fails ("peer closed connection without sending
    complete message body"; found by tests/test_load.py, ~1 run in 3). We write under a temporary name
    and rename into place, as Gradio's own ``save_file_to_cache`` already does for files.
    Upstream: no Gradio issue found for this race (searched 2026-12-01); to be reported.

    On another Gradio release, or if the function's signature changed, the patch is *skipped* with a
    warning in the log (the race is rare; a crash at start-up would be worse) and ``False`` is returned;
    tests/test_runtime.py fails on such a release, so an upgrade cannot go unnoticed: re-read
    ``gradio/processing_utils.py`` and update ``GRADIO_CACHE_PATCH_VERSIONS`` after checking.
    """
    import gradio
    from gradio import processing_utils as pu

    if getattr(pu.save_pil_to_cache, "atomic", False):
        return True
    problem = None
    if not GRADIO_CACHE_PATCH_VERSIONS.match(gradio.__version__):
        problem = f"written for Gradio 6.31, found {gradio.__version__}"
    elif pu.save_pil_to_cache.__code__.co_varnames[:4] != ("img", "cache_dir", "name", "format"):
        problem = "gradio.processing_utils.save_pil_to_cache changed its signature"
    if problem:
        log.warning("atomic_image_cache_writes skipped: %s", problem)
        return False

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
    return True
