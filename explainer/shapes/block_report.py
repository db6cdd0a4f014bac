"""One residual block, explained: its layer table, a diagram, its code, and what goes wrong when.

``explore_block`` is what the "Blocks & shapes" configurator shows. An identity shortcut that cannot
be added (stride 2, or a channel change) is not an exception here but a lesson: the result carries
the two shapes that do not match and the fix, and the diagram draws the mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from matplotlib.figure import Figure

from explainer.i18n import tr
from explainer.models.blocks import (
    EXPANSION,
    PREACT_TYPES,
    ShortcutMismatchError,
    check_block_args,
    inner_width,
    make_block,
)
from explainer.shapes.block_code import block_code
from explainer.shapes.block_diagram import block_diagram
from explainer.shapes.layer_labels import BLOCK_NAMES, format_shape
from explainer.shapes.receptive_field import rf_sentence
from explainer.shapes.tracer import TraceResult, trace_model


@dataclass
class BlockReport:
    """Everything the configurator shows for one block configuration."""

    trace: TraceResult  # of the block as configured (its plain twin when the add is impossible)
    explanation: str  # Markdown for students
    code: str  # runnable PyTorch source of exactly this block
    diagram: Figure
    valid: bool  # False when the identity shortcut cannot be added
    input_shape: tuple[int, int, int]
    output_shape: tuple[int, ...]


def _planes(block: str, out_channels: int) -> int:
    """torchvision's ``planes`` of a block that outputs ``out_channels`` (a quarter of it for expansion 4)."""
    expansion = EXPANSION.get(block, 1)
    if out_channels % expansion:
        raise ValueError(tr(
            "A {block} outputs 4 × planes channels (expansion 4), so its output channels must be a multiple "
            "of 4; {channels} is not. Try {suggestion}.",
            block=tr(BLOCK_NAMES[block]), channels=out_channels, suggestion=max(4, out_channels // 4 * 4),
        ))
    return out_channels // expansion


def _check_groups(block: str, planes: int, groups: int) -> None:
    """The cardinality's sentences in the request's language (the model says the same in English)."""
    if groups != 1 and block != "ResNeXt":
        raise ValueError(tr("Only the ResNeXt block splits its 3×3 conv into groups; a {block} has groups = 1, "
                            "got {groups}.", block=tr(BLOCK_NAMES[block]), groups=groups))
    width = inner_width(block, planes, groups)
    if block == "ResNeXt" and width % groups:
        nearest = min((g for g in range(1, width + 1) if width % g == 0), key=lambda g: (abs(g - groups), g))
        raise ValueError(tr(
            "The ResNeXt block's grouped 3×3 conv has {width} channels (2 × {planes}), which cannot be split "
            "into {groups} equal groups: the number of groups must divide {width} (e.g. {nearest}).",
            width=width, planes=planes, groups=groups, nearest=nearest,
        ))


def shortcut_mismatch_sentence(err: ShortcutMismatchError) -> str:
    """Why x and F(x) cannot be added, and the fix, in the request's language (from the error's data)."""
    reasons = []
    if err.channels_differ:
        reasons.append(tr("x has {cin} channels but F(x) has {cout}", cin=err.in_channels, cout=err.out_channels))
    if err.size_differs:
        reasons.append(tr("stride {stride} makes F(x) {stride}× smaller in height and width", stride=err.stride))
    reason = reasons[0] if len(reasons) == 1 else tr("{first} and {second}", first=reasons[0], second=reasons[1])
    return tr(
        "An identity shortcut adds x to F(x) element by element, so both must have the same "
        "shape; here {reason}. Fix: use a 1×1 projection shortcut "
        "(conv1x1({cin}, {cout}, stride={stride}) + BatchNorm, D2L's "
        "use_1x1conv=True), or keep stride 1 and equal channels.",
        reason=reason, cin=err.in_channels, cout=err.out_channels, stride=err.stride,
    )


def explore_block(
    block: str, shortcut: str, in_channels: int, out_channels: int, stride: int,
    batch_norm: bool, height: int, width: int, groups: int = 1,
) -> BlockReport:
    """Trace one block on a (1, in_channels, height, width) input.

    ``out_channels`` is what the block outputs (4 × planes for the bottleneck kinds and ResNeXt); ``groups``
    is the ResNeXt block's cardinality (1 for every other kind). Raises
    ``ValueError`` for a block that cannot exist (unknown names, channels < 1, a stride other than 1 or 2,
    a bottleneck whose output is not a multiple of 4) or an input too small for it; the app's size
    limits are its handlers' business (``explainer.ui.validation``).
    """
    if block not in BLOCK_NAMES:
        raise ValueError(tr("Unknown block type {name}: choose one of {choices}.", name=repr(block),
                            choices=", ".join(BLOCK_NAMES)))
    planes = _planes(block, out_channels)
    _check_groups(block, planes, groups)
    if shortcut == "zero-pad" and out_channels < in_channels:
        # The model refuses this too, in English; here it is said in the request's language.
        raise ValueError(tr(
            "A zero-padding shortcut can only add channels: x has {cin} channels but F(x) has {cout}. "
            "Use a 1×1 projection shortcut to reduce channels.", cin=in_channels, cout=out_channels,
        ))
    valid = True
    mismatch = ""
    try:
        check_block_args(block, in_channels, planes, stride, shortcut, groups)
    except ShortcutMismatchError as err:
        valid, mismatch = False, shortcut_mismatch_sentence(err)
    with torch.device("meta"):
        # When x and F(x) cannot be added we trace the plain twin: same layers, no add.
        module = make_block(block, in_channels, planes, stride, shortcut=shortcut if valid else "none",  # type: ignore[arg-type]
                            batch_norm=batch_norm, groups=groups)
    trace = trace_model(module, (in_channels, height, width), label=tr("this {block}", block=tr(BLOCK_NAMES[block])))
    out_shape = trace.rows[-1].output_shape
    x_shape = (in_channels, height, width)
    text = _explain(block, shortcut, x_shape, out_shape, stride, batch_norm, planes, groups, trace, mismatch)
    return BlockReport(
        trace=trace, explanation=text, code=block_code(module, block, shortcut if valid else "none", x_shape, out_shape),
        diagram=block_diagram(trace, block, shortcut, x_shape, valid), valid=valid,
        input_shape=x_shape, output_shape=out_shape,
    )


def _explain(block: str, shortcut: str, x_shape: tuple[int, int, int], out_shape: tuple[int, ...],
             stride: int, batch_norm: bool, planes: int, groups: int, trace: TraceResult, mismatch: str) -> str:
    c, h, w = x_shape
    lines: list[str] = []
    if mismatch:
        lines.append(tr(
            "### ✗ This block cannot add its shortcut\n"
            "The identity shortcut carries **x = {x}**, but the main path outputs "
            "**F(x) = {fx}**. Element-wise addition needs identical shapes, so "
            "`out + identity` would fail.\n\n{mismatch}\n\n"
            "The table and the diagram below show the main path alone (the plain twin).",
            x=format_shape(x_shape), fx=format_shape(out_shape), mismatch=mismatch,
        ))
    else:
        lines.append(f"### {format_shape(x_shape)} → {format_shape(out_shape)}")
    lines.append(_kind_sentence(block, c, planes, groups, out_shape[0]))
    if stride == 2:
        lines.append(tr(
            "**Stride 2** halves height and width ({h}×{w} → {oh}×{ow}, i.e. ⌈H/2⌉) "
            "so deeper layers see a larger part of the image; it is usually paired with more channels.",
            h=h, w=w, oh=out_shape[1], ow=out_shape[2],
        ))
    else:
        lines.append(tr("**Stride 1** keeps height and width (3×3 convs have padding 1)."))
    skip = _shortcut_sentence(block, shortcut, mismatch, x_shape, out_shape, stride, trace)
    if skip:
        lines.append(skip)
    if not batch_norm:
        lines.append(tr("**Without batch normalization** every BN becomes the identity and the convs get a bias."))
    lines.append(tr(
        "Parameters: **{params:,}**; multiply-adds: **{macs:,}** per image; "
        "receptive field of one output: **{rf}** input pixels.",
        params=trace.total_params, macs=trace.total_macs, rf=trace.rows[-1].rf_text,
    ))
    reading = rf_sentence(trace.rows[-1].receptive_field, (h, w))
    if reading:
        lines.append(reading)
    return "\n\n".join(lines)


def _kind_sentence(block: str, c: int, planes: int, groups: int, out: int) -> str:
    """What this kind of block is, with its widths (and, for ResNeXt, what the groups save)."""
    width = inner_width(block, planes, groups)
    if block == "basic":
        return tr("**Basic block**: two 3×3 convolutions of {planes} channels (ResNet-18/34).", planes=planes)
    if block == "bottleneck":
        return tr(
            "**Bottleneck block**: a 1×1 conv squeezes {c} channels to {planes}, a 3×3 conv works at that "
            "cheap width, and a 1×1 conv expands to {out} (**expansion 4**) — ResNet-50/101/152. "
            "This keeps the cost of the 3×3 conv small while the block stays wide.",
            c=c, planes=width, out=out,
        )
    if block == "pre-activation basic":
        return tr(
            "**Pre-activation basic block** (He et al. 2016, Fig. 1(b)): BN → ReLU → 3×3 conv, twice, at "
            "{planes} channels, and nothing after the add: the block outputs x + F(x) itself, so the sum "
            "passes to the next block untouched (a network of these ends with one BN-ReLU before pooling).",
            planes=planes,
        )
    if block == "pre-activation bottleneck":
        return tr(
            "**Pre-activation bottleneck** (He et al. 2016): BN → ReLU → conv for each of 1×1 ({c}→{planes}), "
            "3×3 ({planes}→{planes}) and 1×1 ({planes}→{out}, **expansion 4**); nothing after the add.",
            c=c, planes=width, out=out,
        )
    full = 9 * width * width  # weights of the same 3×3 conv without groups
    grouped = full // groups  # each output channel sees only its group's width // groups inputs
    return tr(
        "**ResNeXt block** (Xie et al. 2017, D2L's `ResNeXtBlock`): a 1×1 conv takes {c} channels to "
        "{width}, a **grouped** 3×3 conv splits them into {groups} groups of {per} channels (the cardinality) "
        "that never mix, and a 1×1 conv expands to {out}. The grouped conv has {grouped:,} weights where an "
        "ungrouped 3×3 conv at this width would have {full:,} (1/{groups}).",
        c=c, width=width, groups=groups, per=width // groups, out=out, grouped=grouped, full=full,
    )


def _shortcut_sentence(block: str, shortcut: str, mismatch: str, x_shape: tuple[int, int, int],
                       out_shape: tuple[int, ...], stride: int, trace: TraceResult) -> str:
    """What the skip path does here ("" when the identity cannot be added: the mismatch says it all)."""
    cin, h, w = x_shape
    preact = block in PREACT_TYPES
    if shortcut == "identity" and preact:
        return "" if mismatch else tr(
            "**Identity shortcut**: x is added unchanged, costing no parameters, and nothing follows the add: "
            "with F = 0 the block is exactly the identity, for every x — the clean path He et al. (2016) "
            "moved BN and ReLU into the branch for."
        )
    if shortcut == "identity":
        return "" if mismatch else tr(
            "**Identity shortcut**: x is added unchanged, costing no parameters: the block only has to learn "
            "the *residual* F(x) = H(x) − x. With F = 0 the block computes relu(x) — the identity only where "
            "x ≥ 0, which is what a block inside a ResNet receives (the previous block ends in a ReLU)."
        )
    if shortcut == "projection":
        down = [r for r in trace.rows if r.name.startswith("downsample")]
        params = sum(r.params for r in down)
        has_bn = any(r.op.startswith("BatchNorm2d") for r in down)
        text = tr(
            "**Projection shortcut** (He et al.'s option B, D2L's `use_1x1conv=True`): a 1×1 conv (with the "
            "block's stride){bn} reshapes x to F(x)'s shape so the two can be added; it costs {params:,} "
            "parameters. Needed whenever stride or channels change — unless zeros may fill the new channels "
            "(option A, the zero-padding shortcut).",
            bn=tr(" + BN") if has_bn else tr(" without BN"), params=params,
        )
        if preact:
            text += " " + tr("In a pre-activation block it takes x after the first BN-ReLU (the branch's input), "
                             "and has no BN: the next block's BN normalizes the sum.")
        return text
    if shortcut == "zero-pad":
        if stride == 1 and cin == out_shape[0]:
            return tr("**Zero-padding shortcut** (He et al.'s option A): x and F(x) already have the same shape, "
                      "so nothing is subsampled or padded: here it is the identity shortcut.")
        size = (tr("keeps every second pixel ({h}×{w} → {oh}×{ow})", h=h, w=w, oh=out_shape[1], ow=out_shape[2])
                if stride == 2 else tr("keeps its {h}×{w} size", h=h, w=w))
        zeros = out_shape[0] - cin
        channels = (tr("gets {zeros} channels of zeros after its {cin}", zeros=zeros, cin=cin) if zeros
                    else tr("keeps its {cin} channels", cin=cin))
        text = tr("**Zero-padding shortcut** (He et al.'s option A, §4.2): x {size} and {channels}, so it matches "
                  "F(x)'s shape with **no parameters**.", size=size, channels=channels)
        if zeros:
            text += " " + tr("Only the first {cin} channels of F(x) get a shortcut; the other {zeros} have nothing "
                             "added, as in a plain layer.", cin=cin, zeros=zeros)
        return text
    return tr("**No shortcut** — the *plain twin*: the same layers without `out + identity`. Stack many "
              "of these and training gets harder (the degradation problem, see the Degradation tab).")


def rows_for_table(report: BlockReport) -> list[list[object]]:
    """The block's layer table; when the add is impossible, an extra row says so."""
    rows = report.trace.table()
    if not report.valid:
        shapes = tr("{x} vs {fx}", x=format_shape(report.input_shape), fx=format_shape(report.output_shape))
        rows.insert(len(rows) - 1, ["add", tr("✗ identity shortcut: shapes differ"), shapes, 0, 0, "", ""])
    return rows

