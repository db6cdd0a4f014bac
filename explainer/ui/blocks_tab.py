"""Tab "Blocks & shapes": configure one block, or pick a whole network, and watch the tensor."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from explainer.i18n import N_
from explainer.models.blocks import BLOCK_TYPES, SHORTCUTS
from explainer.models.presets import PRESETS
from explainer.shapes.block_report import explore_block, rows_for_table
from explainer.shapes.network_report import network_summary, trace_preset
from explainer.shapes.tracer import TraceResult
from explainer.ui import validation
from explainer.ui.boundary import Refresh, T, table, ui_errors
from explainer.ui.compute_once import png_plot, view
from explainer.ui.validation import MAX_CHANNELS, MAX_CLASSES, MAX_SIDE
from explainer.ui.widgets import CheckedDropdown, CheckedNumber, CheckedRadio

HEADERS = list(TraceResult.COLUMNS)
N_("layer"), N_("operation"), N_("output shape"), N_("params"), N_("MACs"), N_("receptive field")
N_("stride from input")  # the column names above, translated in _table

INTRO = N_("Pick a block and watch what it does to a tensor — or pick a whole network and get the table D2L "
           "prints with `for layer in net: print(layer.__class__.__name__, 'output shape:', X.shape)`, but for "
           "*every* layer, including the residual **add** that hook-based tools (torchinfo) cannot see.")

HELP = {
    "block": N_("basic: two 3×3 convs (ResNet-18/34). bottleneck: 1×1 squeeze → 3×3 → 1×1 expand ×4 (ResNet-50+)."),
    "shortcut": N_("identity: add x unchanged. projection: 1×1 conv + BN reshapes x first (D2L's use_1x1conv). "
                   "none: the plain twin, no add."),
    "stride": N_("2 halves height and width (⌈H/2⌉); 1 keeps them."),
    "out": N_("Channels the block outputs. A bottleneck's inner width is a quarter of this (expansion 4)."),
}


UNKNOWN_BLOCK = N_("Unknown block type {name}: choose one of {choices}.")
UNKNOWN_SHORTCUT = N_("Unknown shortcut {name}: choose one of {choices}.")
UNKNOWN_NETWORK = N_("Unknown network {name}. Choose one of: {choices}.")


def _block_view(block: str, shortcut: str, in_channels: int, out_channels: int, stride: int, batch_norm: bool,
                height: int, width: int) -> tuple[Any, Any, str, str]:
    report = explore_block(block, shortcut, in_channels, out_channels, stride, batch_norm, height, width)
    # Plain rows, not a gr.Dataframe: creating a component here would also render it when this
    # runs at build time (the tab opens with the default block already traced).
    return table(HEADERS, rows_for_table(report)), png_plot(report.diagram), report.explanation, report.code


@ui_errors
def block_shapes(block: str, shortcut: str, in_channels: float, out_channels: float, stride: float,
                 batch_norm: bool, height: float, width: float) -> tuple[Any, Any, str, str]:
    """API ``/block_shapes`` → (layer table, diagram, explanation, code); each view rendered once per language."""
    return view(
        _block_view,
        validation.known_name(block, BLOCK_TYPES, UNKNOWN_BLOCK),
        validation.known_name(shortcut, SHORTCUTS, UNKNOWN_SHORTCUT),
        validation.IN_CHANNELS(in_channels), validation.OUT_CHANNELS(out_channels), validation.STRIDE(stride),
        validation.flag(batch_norm, N_("Batch normalization")), validation.HEIGHT(height), validation.WIDTH(width),
    )


# One folder for every CSV this process serves (removed when it exits), not one per request.
_CSV_DIR: tempfile.TemporaryDirectory[str] | None = None
_CSV_DIR_LOCK = threading.Lock()


def _csv_dir() -> Path:
    global _CSV_DIR
    with _CSV_DIR_LOCK:
        if _CSV_DIR is None:
            _CSV_DIR = tempfile.TemporaryDirectory(prefix="shapes_csv_")
        return Path(_CSV_DIR.name)


def _csv_file(name: str, trace: TraceResult, num_classes: int) -> str:
    """Write the trace's CSV once; the file name says everything its content depends on.

    A trace is a function of (network, input, classes), so equal requests share one file and
    rewriting it (atomically, for a concurrent download) changes nothing.
    """
    slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")
    c, h, w = trace.input_shape
    path = _csv_dir() / f"{slug}_{c}x{h}x{w}_{num_classes}classes_layers.csv"
    if not path.exists():
        part = path.with_name(f"{path.name}.{threading.get_ident()}.part")
        part.write_text(trace.to_csv(), encoding="utf-8")
        os.replace(part, path)
    return str(path)


@ui_errors
def network_shapes(preset: str, in_channels: float, height: float, width: float,
                   num_classes: float) -> tuple[Any, str, Any, str]:
    """API ``/network_shapes`` → (per-layer table, summary, stage-level table, CSV file)."""
    preset = validation.known_name(preset, PRESETS, UNKNOWN_NETWORK)
    in_channels, height, width = validation.IN_CHANNELS(in_channels), validation.HEIGHT(height), validation.WIDTH(width)
    classes = validation.NUM_CLASSES(num_classes)
    trace = trace_preset(preset, in_channels, height, width, classes)
    summary = network_summary(preset, trace)
    return (table(HEADERS, trace.table()), summary, table(HEADERS, trace.table(collapsed=True)),
            _csv_file(preset, trace, classes))


@ui_errors
def preset_defaults(preset: str) -> tuple[int, int, int, int]:
    """The input a preset is usually shown with (channels, height, width, classes)."""
    p = PRESETS[validation.known_name(preset, PRESETS, UNKNOWN_NETWORK)]
    return p.in_channels, p.height, p.width, p.num_classes


def build() -> list[Refresh]:
    """Create the tab's components and events (call inside ``with gr.Tab(...)``).

    Returns the server-rendered outputs to redraw when the page language changes.
    """
    gr.Markdown(T(INTRO))
    # The default block and network are traced when a page loads (Refresh(..., every_load=True)), not
    # at build time: the first trace in a process imports torch._dynamo (1.5 s), which would otherwise
    # delay the server's start; app.py warms it up right after the server is listening.
    with gr.Accordion(T("① One block"), open=True):
        with gr.Row():
            with gr.Column(scale=1, min_width=280):
                block = CheckedRadio(list(BLOCK_TYPES), value="basic", label=T("Block"), info=T(HELP["block"]))
                shortcut = CheckedRadio(list(SHORTCUTS), value="projection", label=T("Shortcut"),
                                    info=T(HELP["shortcut"]), elem_id="block-shortcut")
                stride = CheckedRadio([1, 2], value=2, label=T("Stride"), info=T(HELP["stride"]),
                                  elem_id="block-stride")
                with gr.Row():
                    in_ch = CheckedNumber(64, label=T("Input channels"), step=1, minimum=1, maximum=MAX_CHANNELS)
                    out_ch = CheckedNumber(128, label=T("Output channels"), step=1, minimum=1,
                                       maximum=MAX_CHANNELS, info=T(HELP["out"]))
                with gr.Row():
                    height = CheckedNumber(56, label=T("Height"), step=1, minimum=1, maximum=MAX_SIDE)
                    width = CheckedNumber(56, label=T("Width"), step=1, minimum=1, maximum=MAX_SIDE)
                bn = gr.Checkbox(True, label=T("Batch normalization"))
            with gr.Column(scale=2):
                explanation = gr.Markdown(elem_id="block-explanation")
                diagram = gr.Plot(format="png", label=T("The block: main path, shortcut, and the add"),
                                  show_label=False)
        block_table = gr.Dataframe(headers=HEADERS, label=T("Every layer of the block"),
                                   interactive=False, elem_id="block-table")
        code = gr.Code(language="python", label=T("This block in PyTorch (copy and run it)"),
                       interactive=False)
    inputs = [block, shortcut, in_ch, out_ch, stride, bn, height, width]
    gr.on(
        triggers=[c.change for c in (block, shortcut, stride, bn)] + [c.submit for c in (in_ch, out_ch, height, width)]
        + [c.blur for c in (in_ch, out_ch, height, width)],
        fn=block_shapes, inputs=inputs, outputs=[block_table, diagram, explanation, code],
        api_name="block_shapes", trigger_mode="always_last",
    )

    with gr.Accordion(T("② A whole network"), open=True):
        with gr.Row():
            preset = CheckedDropdown(list(PRESETS), value="D2L ResNet-18", label=T("Network"), scale=2)
            n_in = CheckedNumber(1, label=T("Input channels"), step=1, minimum=1, maximum=MAX_CHANNELS)
            n_h = CheckedNumber(224, label=T("Height"), step=1, minimum=1, maximum=MAX_SIDE)
            n_w = CheckedNumber(224, label=T("Width"), step=1, minimum=1, maximum=MAX_SIDE)
            n_cls = CheckedNumber(10, label=T("Classes"), step=1, minimum=1, maximum=MAX_CLASSES)
        with gr.Row():
            go = gr.Button(T("Show shapes"), variant="primary")
            csv = gr.DownloadButton(T("Download CSV"))
        summary = gr.Markdown(elem_id="network-summary")
        stage_table = gr.Dataframe(headers=HEADERS, label=T("Stage by stage (D2L's printout)"),
                                   interactive=False, elem_id="stage-table")
        with gr.Accordion(T("Every layer"), open=False):
            net_table = gr.Dataframe(headers=HEADERS, label=T("Every layer"), interactive=False,
                                     max_height=600)
    net_inputs = [preset, n_in, n_h, n_w, n_cls]
    net_outputs = [net_table, summary, stage_table, csv]
    gr.on(triggers=[go.click] + [c.submit for c in (n_in, n_h, n_w, n_cls)], fn=network_shapes,
          inputs=net_inputs, outputs=net_outputs, api_name="network_shapes")
    # Choosing a network fills in its usual input, then traces it (internal events, not API).
    preset.change(preset_defaults, inputs=preset, outputs=[n_in, n_h, n_w, n_cls],
                  api_name="preset_defaults", api_visibility="private").then(
        network_shapes, net_inputs, net_outputs, api_name="network_shapes_on_preset", api_visibility="private")
    return [Refresh(block_shapes, inputs, [block_table, diagram, explanation, code], every_load=True),
            Refresh(network_shapes, net_inputs, net_outputs, every_load=True)]


def warm_up() -> None:
    """Trace the default block once: the process's first trace imports torch._dynamo (≈ 1.5 s)."""
    block_shapes("basic", "projection", 64, 128, 2, True, 56, 56)
