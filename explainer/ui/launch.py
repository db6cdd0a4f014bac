"""Launch settings shared by ``app.py``, the tests and the benchmarks."""

from __future__ import annotations

import os
from typing import Any

from explainer.ui.boundary import I18N
from explainer.ui.presenter import PAGE_CSS

MAX_FILE_SIZE = "10mb"  # uploads larger than this are refused by the server before any decoding


def launch_kwargs() -> dict[str, Any]:
    """Keyword arguments for ``demo.launch``: local by default, no share link, upload limit."""
    return {
        "server_name": os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        "server_port": int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        "share": False,
        "max_file_size": MAX_FILE_SIZE,
        "show_error": True,  # gr.Error messages reach the user; tracebacks never do
        "i18n": I18N,
        "css": PAGE_CSS,  # presenter mode, plot labels above their figures (explainer.ui.presenter)  # the static UI text in English and 简体中文 (explainer.i18n)
    }
