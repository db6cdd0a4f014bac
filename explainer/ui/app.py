"""The whole app: three tabs, each built by its own module."""

from __future__ import annotations

import importlib
import logging

import gradio as gr

log = logging.getLogger("resnet_explainer")

TITLE = "ResNet Explainer"
HEADER = """# ResNet Explainer
Residual networks (残差网络), hands on: build a block and watch the tensor, see why deep *plain* nets
train worse, and look inside a ResNet-18 we trained on Fashion-MNIST. Companion to the ResNet chapter of
[Dive into Deep Learning](https://d2l.ai/chapter_convolutional-modern/resnet.html).
"""

# (tab label, module in explainer.ui). Each module has ``build()``.
TABS: tuple[tuple[str, str], ...] = (
    ("Blocks & shapes", "blocks_tab"),
    ("Degradation", "degradation_tab"),
    ("Inside ResNet-18", "inside_tab"),
)


def build_demo() -> gr.Blocks:
    """Assemble the Blocks app. A tab that fails to build shows why instead of taking the app down."""
    with gr.Blocks(title=TITLE, delete_cache=(3600, 3600)) as demo:
        gr.Markdown(HEADER)
        with gr.Tabs():
            for label, module_name in TABS:
                with gr.Tab(label, id=module_name):
                    try:
                        importlib.import_module(f"explainer.ui.{module_name}").build()
                    except Exception as err:  # noqa: BLE001 -- keep the other tabs serving
                        log.exception("tab %s failed to build", label)
                        gr.Markdown(f"⚠️ This tab is unavailable: {err}")
    return demo
