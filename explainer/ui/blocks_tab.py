"""Tab "Blocks & shapes": configure one block, or pick a whole network, and watch the tensor."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from explainer.i18n import N_, tr
from explainer.models.blocks import BLOCK_TYPES, SHORTCUTS
from explainer.models.presets import PRESET_GROUPS, PRESETS
from explainer.shapes.block_report import explore_block, rows_for_table
from explainer.shapes.layer_labels import BLOCK_NAMES, SHORTCUT_NAMES
from explainer.shapes.network_compare import (
    COMPARE_COLUMNS,
    PAIRS,
    available_pairs,
    compare_networks,
    comparison_rows,
    comparison_summary,
)
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
    "block": N_("basic: two 3×3 convs (ResNet-18/34). bottleneck: 1×1 squeeze → 3×3 → 1×1 expand ×4 (ResNet-50+). "
                "pre-activation: BN → ReLU before each conv, nothing after the add (He et al. 2016). "
                "ResNeXt: a bottleneck whose 3×3 conv is split into groups."),
    "shortcut": N_("identity: add x unchanged. projection: 1×1 conv + BN reshapes x first (D2L's use_1x1conv). "
                   "zero-pad: keep every stride-th pixel and append zero channels, no parameters (He et al.'s "
                   "option A). none: the plain twin, no add."),
    "stride": N_("2 halves height and width (⌈H/2⌉); 1 keeps them."),
    "out": N_("Channels the block outputs. A bottleneck's inner width is a quarter of this (expansion 4)."),
    "groups": N_("How many groups the ResNeXt block's 3×3 conv is split into (the cardinality); it must divide "
                 "that conv's width, half the output channels."),
}

#: Short group names put before each network's name in the menu (Gradio dropdowns have no option groups);
#: proper names, the same in every language.
GROUP_PREFIX = {"ImageNet ResNets": "ImageNet", "CIFAR-style": "CIFAR", "D2L's modern CNNs": "D2L"}
#: The ResNeXt cardinality the configurator and ``/block_shapes`` start with (ResNeXt-50 32x4d's).
DEFAULT_GROUPS = 32
GROUPS_LABEL = N_("Groups (cardinality)")
NO_BLOCK = N_("*Nothing to show for these settings — the message on the page says why.*")
NO_NETWORK = N_("*No network to show for these settings — the message on the page says why.*")

UNKNOWN_BLOCK = N_("Unknown block type {name}: choose one of {choices}.")
UNKNOWN_SHORTCUT = N_("Unknown shortcut {name}: choose one of {choices}.")
UNKNOWN_NETWORK = N_("Unknown network {name}. Choose one of: {choices}.")
UNKNOWN_PAIR = N_("Unknown comparison {name}: choose one of {choices}.")


def readable(rows: list[list[Any]], columns: tuple[int, ...]) -> list[list[Any]]:
    """Rows with the counts in ``columns`` written with thousands separators (28901376 → "28,901,376")."""
    return [[f"{v:,}" if i in columns and isinstance(v, int) else v for i, v in enumerate(row)] for row in rows]


def preset_choices() -> list[tuple[str, str]]:
    """The network menu: (shown label, API value) with the group before each name, group by group."""
    return [(f"{GROUP_PREFIX.get(group, group)} · {name}", name)
            for group, names in PRESET_GROUPS.items() for name in names]


def _block_view(block: str, shortcut: str, in_channels: int, out_channels: int, stride: int, batch_norm: bool,
                height: int, width: int, groups: int) -> tuple[Any, Any, str, str]:
    report = explore_block(block, shortcut, in_channels, out_channels, stride, batch_norm, height, width, groups)
    # Plain rows, not a gr.Dataframe: creating a component here would also render it when this
    # runs at build time (the tab opens with the default block already traced).
    rows = readable(rows_for_table(report), (3, 4))
    return table(HEADERS, rows), png_plot(report.diagram), report.explanation, report.code


@ui_errors
def block_shapes(block: str, shortcut: str, in_channels: float, out_channels: float, stride: float,
                 batch_norm: bool, height: float, width: float,
                 groups: float = DEFAULT_GROUPS) -> tuple[Any, Any, str, str]:
    """API ``/block_shapes`` → (layer table, diagram, explanation, code); each view rendered once per language.

    ``groups`` (optional, last) is the ResNeXt block's cardinality; the other kinds have no grouped conv
    and ignore it, so callers of the eight-parameter API get what they always got.
    """
    block = validation.known_name(block, BLOCK_TYPES, UNKNOWN_BLOCK)
    groups = validation.whole_number(groups, GROUPS_LABEL, lo=1, hi=MAX_CHANNELS)
    return view(
        _block_view, block,
        validation.known_name(shortcut, SHORTCUTS, UNKNOWN_SHORTCUT),
        validation.IN_CHANNELS(in_channels), validation.OUT_CHANNELS(out_channels), validation.STRIDE(stride),
        validation.flag(batch_norm, N_("Batch normalization")), validation.HEIGHT(height), validation.WIDTH(width),
        groups if block == "ResNeXt" else 1,
    )


@ui_errors
def block_cleared() -> tuple[Any, Any, str, str]:
    """After a refused block request: no stale table, diagram or code beside the error (issue 13 item 12)."""
    return table(HEADERS, []), None, tr(NO_BLOCK), ""


@ui_errors
def network_cleared() -> tuple[Any, str, Any, None]:
    """After a refused network request: the previous network's tables and summary go too."""
    return table(HEADERS, []), tr(NO_NETWORK), table(HEADERS, []), None


@ui_errors
def groups_visible(block: str) -> Any:
    """The cardinality control is shown for the ResNeXt block only (the other kinds have no grouped conv)."""
    return gr.update(visible=validation.known_name(block, BLOCK_TYPES, UNKNOWN_BLOCK) == "ResNeXt")


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
    return (table(HEADERS, readable(trace.table(), (3, 4))), summary,
            table(HEADERS, readable(trace.table(collapsed=True), (3, 4))), _csv_file(preset, trace, classes))


def _comparison_view(comparison: Any) -> tuple[Any, str]:
    return (table(COMPARE_COLUMNS, readable(comparison_rows(comparison), (3, 4, 6, 7))),
            comparison_summary(comparison))


def _networks_view(preset_a: str, preset_b: str, in_channels: int, height: int, width: int,
                   num_classes: int) -> tuple[Any, str]:
    return _comparison_view(compare_networks(preset_a, preset_b, in_channels, height, width, num_classes))


def _pair_view(pair: str) -> tuple[Any, str]:
    return _comparison_view(PAIRS[pair].compare())


@ui_errors
def compare_networks_api(preset_a: str, preset_b: str, in_channels: float, height: float, width: float,
                         num_classes: float) -> tuple[Any, str]:
    """API ``/compare_networks`` → (side-by-side stage table with ratios B/A, summary sentence)."""
    return view(
        _networks_view,
        validation.known_name(preset_a, PRESETS, UNKNOWN_NETWORK), validation.known_name(preset_b, PRESETS, UNKNOWN_NETWORK),
        validation.IN_CHANNELS(in_channels), validation.HEIGHT(height), validation.WIDTH(width),
        validation.NUM_CLASSES(num_classes),
    )


@ui_errors
def compare_pair(pair: str) -> tuple[Any, str]:
    """API ``/compare_pair`` → one of D2L's exercise comparisons (``PAIRS``), as ``/compare_networks`` shows it."""
    return view(_pair_view, validation.known_name(pair, available_pairs(), UNKNOWN_PAIR))


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
                # (label, value) choices: the labels are translated, the values stay the API's English names.
                block = CheckedRadio([(T(BLOCK_NAMES[b]), b) for b in BLOCK_TYPES], value="basic", label=T("Block"),
                                     info=T(HELP["block"]), elem_id="block-kind")
                groups = CheckedNumber(DEFAULT_GROUPS, label=T(GROUPS_LABEL), step=1, minimum=1,
                                       maximum=MAX_CHANNELS, info=T(HELP["groups"]), visible=False,
                                       elem_id="block-groups")
                shortcut = CheckedRadio([(T(SHORTCUT_NAMES[k]), k) for k in SHORTCUTS], value="projection",
                                        label=T("Shortcut"), info=T(HELP["shortcut"]), elem_id="block-shortcut")
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
        block_table = gr.Dataframe(wrap=True, headers=HEADERS, label=T("Every layer of the block"),
                                   interactive=False, elem_id="block-table")
        code = gr.Code(language="python", label=T("This block in PyTorch (copy and run it)"),
                       interactive=False)
    inputs = [block, shortcut, in_ch, out_ch, stride, bn, height, width, groups]
    block_outputs = [block_table, diagram, explanation, code]
    block.change(groups_visible, block, groups, api_name="groups_visible", api_visibility="private")
    gr.on(
        triggers=[c.change for c in (block, shortcut, stride, bn)]
        + [c.submit for c in (in_ch, out_ch, height, width, groups)] + [c.blur for c in (in_ch, out_ch, height, width, groups)],
        fn=block_shapes, inputs=inputs, outputs=block_outputs, api_name="block_shapes", trigger_mode="always_last",
    ).failure(block_cleared, None, block_outputs, api_name="block_cleared", api_visibility="private")

    with gr.Accordion(T("② A whole network"), open=True):
        with gr.Row():
            preset = CheckedDropdown(preset_choices(), value="D2L ResNet-18", label=T("Network"), scale=2)
            n_in = CheckedNumber(1, label=T("Input channels"), step=1, minimum=1, maximum=MAX_CHANNELS)
            n_h = CheckedNumber(224, label=T("Height"), step=1, minimum=1, maximum=MAX_SIDE)
            n_w = CheckedNumber(224, label=T("Width"), step=1, minimum=1, maximum=MAX_SIDE)
            n_cls = CheckedNumber(10, label=T("Classes"), step=1, minimum=1, maximum=MAX_CLASSES)
        with gr.Row():
            go = gr.Button(T("Show shapes"), variant="primary")
            csv = gr.DownloadButton(T("Download CSV"))
        summary = gr.Markdown(elem_id="network-summary")
        stage_table = gr.Dataframe(wrap=True, headers=HEADERS, label=T("Stage by stage (D2L's printout)"),
                                   interactive=False, elem_id="stage-table")
        with gr.Accordion(T("Every layer"), open=False):
            net_table = gr.Dataframe(wrap=True, headers=HEADERS, label=T("Every layer"), interactive=False,
                                     max_height=600)
    net_inputs = [preset, n_in, n_h, n_w, n_cls]
    net_outputs = [net_table, summary, stage_table, csv]
    gr.on(triggers=[go.click] + [c.submit for c in (n_in, n_h, n_w, n_cls)], fn=network_shapes,
          inputs=net_inputs, outputs=net_outputs, api_name="network_shapes").failure(
        network_cleared, None, net_outputs, api_name="network_cleared", api_visibility="private")
    # Choosing a network fills in its usual input, then traces it (internal events, not API).
    preset.change(preset_defaults, inputs=preset, outputs=[n_in, n_h, n_w, n_cls],
                  api_name="preset_defaults", api_visibility="private").then(
        network_shapes, net_inputs, net_outputs, api_name="network_shapes_on_preset", api_visibility="private")

    compare_refresh = _build_compare()
    return [Refresh(block_shapes, inputs, block_outputs, every_load=True),
            Refresh(network_shapes, net_inputs, net_outputs, every_load=True), compare_refresh]


def _build_compare() -> Refresh:
    """③ Two configurations side by side: D2L's exercise pairs in one click, or any two networks."""
    with gr.Accordion(T("③ Compare two"), open=True):
        pairs = available_pairs()
        pair = CheckedRadio([(T(p.title), key) for key, p in pairs.items()], value=next(iter(pairs)),
                            label=T("D2L's exercises, side by side"), elem_id="compare-pair")
        with gr.Row():
            a = CheckedDropdown(preset_choices(), value="ResNet-50", label=T("Network A"), scale=2)
            b = CheckedDropdown(preset_choices(), value="ResNeXt-50 (32x4d)" if "ResNeXt-50 (32x4d)" in PRESETS
                                else "ResNet-34", label=T("Network B"), scale=2)
            c_in = CheckedNumber(3, label=T("Input channels"), step=1, minimum=1, maximum=MAX_CHANNELS)
            c_h = CheckedNumber(224, label=T("Height"), step=1, minimum=1, maximum=MAX_SIDE)
            c_w = CheckedNumber(224, label=T("Width"), step=1, minimum=1, maximum=MAX_SIDE)
            c_cls = CheckedNumber(1000, label=T("Classes"), step=1, minimum=1, maximum=MAX_CLASSES)
        compare = gr.Button(T("Compare A and B"), variant="primary")
        compare_summary = gr.Markdown(elem_id="compare-summary")
        compare_table = gr.Dataframe(wrap=True, headers=list(COMPARE_COLUMNS), label=T("Side by side (ratios are B/A)"),
                                     interactive=False, elem_id="compare-table")
    outputs = [compare_table, compare_summary]
    pair.change(compare_pair, pair, outputs, api_name="compare_pair")
    gr.on(triggers=[compare.click] + [c.submit for c in (c_in, c_h, c_w, c_cls)], fn=compare_networks_api,
          inputs=[a, b, c_in, c_h, c_w, c_cls], outputs=outputs, api_name="compare_networks")
    return Refresh(compare_pair, [pair], outputs, every_load=True)


def warm_up() -> None:
    """Trace the default block once: the process's first trace imports torch._dynamo (≈ 1.5 s)."""
    block_shapes("basic", "projection", 64, 128, 2, True, 56, 56)
