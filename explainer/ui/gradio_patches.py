"""The patches of Gradio's internals the app needs, applied together by ``apply_gradio_patches`` in ``app.py``
(and the tests) next to ``explainer.runtime.configure_libraries``; they live here because only
``explainer/ui/`` imports gradio.

Each patch was written against Gradio 6.31 (``GRADIO_PATCH_VERSIONS``) and checks the signature of what it
replaces: on another release it is *skipped* with a warning in the log (the app still runs, with Gradio's
own behaviour), and tests/test_runtime.py fails, so an upgrade cannot go unnoticed.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("resnet_explainer")

#: The Gradio releases whose internals the patches below were written against (read again before widening).
GRADIO_PATCH_VERSIONS = re.compile(r"^6\.31\.")


def _skip_reason(expected: bool, what: str) -> str | None:
    """Why a patch must be skipped (another Gradio release, or ``what`` changed), or None."""
    import gradio

    if not GRADIO_PATCH_VERSIONS.match(gradio.__version__):
        return f"written for Gradio 6.31, found {gradio.__version__}"
    return None if expected else f"{what} changed its signature"


def apply_gradio_patches() -> dict[str, bool]:
    """Apply every patch (idempotent); name → applied. ``app.py`` and tests/conftest.py call this once."""
    return {patch.__name__: patch() for patch in (atomic_image_cache_writes, events_in_request_language,
                                                  uniform_file_refusals)}


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
    ``gradio/processing_utils.py`` and update ``GRADIO_PATCH_VERSIONS`` after checking.
    """
    from gradio import processing_utils as pu

    if getattr(pu.save_pil_to_cache, "atomic", False):
        return True
    problem = _skip_reason(pu.save_pil_to_cache.__code__.co_varnames[:4] == ("img", "cache_dir", "name", "format"),
                           "gradio.processing_utils.save_pil_to_cache")
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


def events_in_request_language() -> bool:
    """Run every event in the language of its request, from the moment Gradio receives it (idempotent).

    Gradio 6.31 hands the request only to the event's function (``Blocks.call_function``); the
    components' ``preprocess`` and its own file check run before that, with no request, so a refusal
    made there could only be English. ``Blocks.process_api`` -- which receives the request and runs
    preprocessing, the function and postprocessing -- runs here inside ``use_language(<the request's
    language>)``; ``anyio`` copies the context into the worker threads that run ``preprocess``, so
    ``tr`` there answers in the user's language (``explainer.ui.widgets``' choice widgets,
    ``uniform_file_refusals``). The handlers set the same language themselves (``boundary.ui_errors``).

    Skipped (refusals before the handler then stay English) on another release or if the signature of
    ``process_api`` changed; returns whether the patch is in place.
    """
    from gradio.blocks import Blocks

    from explainer.i18n import use_language
    from explainer.ui.boundary import request_language

    original = Blocks.process_api
    if getattr(original, "in_request_language", False):
        return True
    signature = inspect.signature(original)
    problem = _skip_reason(list(signature.parameters)[:5] == ["self", "block_fn", "inputs", "state", "request"],
                           "gradio.blocks.Blocks.process_api")
    if problem:
        log.warning("events_in_request_language skipped: %s", problem)
        return False

    async def process_api(self: Blocks, *args: Any, **kwargs: Any) -> Any:
        request = signature.bind(self, *args, **kwargs).arguments.get("request")
        if isinstance(request, list):  # a batched event: its requests come from one page
            request = request[0] if request else None
        with use_language(request_language(request)):
            return await original(self, *args, **kwargs)

    process_api.in_request_language = True  # type: ignore[attr-defined]
    process_api.__wrapped__ = original  # type: ignore[attr-defined]
    Blocks.process_api = process_api  # type: ignore[method-assign]
    return True


def uniform_file_refusals() -> bool:
    """Answer a refused file payload *with* ``meta`` like every other refused path (idempotent).

    Gradio 6.31 checks a client's file payload that carries ``meta`` before any component code
    (``processing_utils._check_allowed``) and refuses a path outside its upload folder with "Cannot move
    <path made absolute> to the gradio cache dir because it was not uploaded by a user." -- a relative
    path comes back prefixed with the server's working directory, and the sentence differs from the one
    our widgets give for a path without ``meta`` (``file_inputs.UNAVAILABLE``). For client payloads
    (``check_in_upload_folder``) every refusal becomes that one sentence, in the request's language
    (``events_in_request_language``); files the app itself returns keep Gradio's check and message.

    Skipped with a warning on another release or if ``_check_allowed``'s signature changed.
    """
    import gradio as gr
    from gradio import processing_utils as pu
    from gradio.exceptions import InvalidPathError

    from explainer.i18n import tr
    from explainer.ui.file_inputs import UNAVAILABLE

    original = pu._check_allowed
    if getattr(original, "uniform", False):
        return True
    problem = _skip_reason(original.__code__.co_varnames[:2] == ("path", "check_in_upload_folder"),
                           "gradio.processing_utils._check_allowed")
    if problem:
        log.warning("uniform_file_refusals skipped: %s", problem)
        return False

    def _check_allowed(path: str | Path, check_in_upload_folder: bool) -> None:
        try:
            original(path, check_in_upload_folder)
        except InvalidPathError:
            if not check_in_upload_folder:
                raise  # a file the app returns: the server's own problem, in Gradio's words (logged)
            raise gr.Error(tr(UNAVAILABLE)) from None

    _check_allowed.uniform = True  # type: ignore[attr-defined]
    _check_allowed.__wrapped__ = original  # type: ignore[attr-defined]
    pu._check_allowed = _check_allowed
    return True
