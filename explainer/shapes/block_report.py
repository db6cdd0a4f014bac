"""One residual block, explained: its layer table, a diagram, its code, and what goes wrong when.

``explore_block`` is what the "Blocks & shapes" configurator shows. An identity shortcut that cannot
be added (stride 2, or a channel change) is not an exception here but a lesson: the result carries
the two shapes that do not match and the fix, and the diagram draws the mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from torch import nn

from explainer.i18n import N_, tr
from explainer.models.blocks import (
    BLOCK_TYPES,
    SHORTCUTS,
    Bottleneck,
    ShortcutMismatchError,
    check_block_args,
    make_block,
)
from explainer.models.presets import MAX_SIDE
from explainer.shapes.tracer import TraceResult, op_text, trace_model

# Names shown to users (diagram title, error sentences), translated where they are used.
BLOCK_NAMES = {"basic": N_("basic block"), "bottleneck": N_("bottleneck block")}
SHORTCUT_NAMES = {"identity": N_("identity shortcut"), "projection": N_("projection shortcut"),
                  "none": N_("none shortcut")}


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
    if block == "bottleneck":
        if out_channels % Bottleneck.expansion:
            raise ValueError(tr(
                "A bottleneck block outputs 4× its inner width (expansion 4), so its output channels "
                "must be a multiple of 4; {channels} is not. Try {suggestion}.",
                channels=out_channels, suggestion=max(4, out_channels // 4 * 4),
            ))
        return out_channels // Bottleneck.expansion
    return out_channels


def check_size(height: int, width: int) -> None:
    """Height and width must be whole numbers in 1..MAX_SIDE."""
    for label, value in ((N_("Height"), height), (N_("Width"), width)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(tr("{label} must be a whole number, got {value!r}.", label=tr(label), value=value))
        if not 1 <= value <= MAX_SIDE:
            raise ValueError(tr("{label} must be between 1 and {hi} pixels, got {value}.",
                                label=tr(label), hi=MAX_SIDE, value=value))


def explore_block(
    block: str, shortcut: str, in_channels: int, out_channels: int, stride: int,
    batch_norm: bool, height: int, width: int,
) -> BlockReport:
    """Trace one block on a (1, in_channels, height, width) input; raises ``ValueError`` for bad sizes.

    ``out_channels`` is what the block outputs (for a bottleneck, 4 × its inner width).
    """
    if block not in BLOCK_TYPES:
        raise ValueError(tr("Unknown block type {block!r}: choose 'basic' or 'bottleneck'.", block=block))
    if shortcut not in SHORTCUTS:
        raise ValueError(tr("Unknown shortcut {shortcut!r}: choose 'identity', 'projection' or 'none'.",
                            shortcut=shortcut))
    check_size(height, width)
    for label, value in ((N_("Input channels"), in_channels), (N_("Output channels"), out_channels)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(tr("{label} must be a whole number of at least 1, got {value!r}.",
                                label=tr(label), value=value))
    planes = _planes(block, out_channels)
    valid = True
    mismatch = ""
    try:
        check_block_args(block, in_channels, planes, stride, shortcut)
    except ShortcutMismatchError as err:
        valid, mismatch = False, str(err)
    with torch.device("meta"):
        # When x and F(x) cannot be added we trace the plain twin: same layers, no add.
        module = make_block(block, in_channels, planes, stride, shortcut=shortcut if valid else "none",
                            batch_norm=batch_norm)
    trace = trace_model(module, (in_channels, height, width), label=tr("this {block}", block=tr(BLOCK_NAMES[block])))
    out_shape = trace.rows[-1].output_shape
    x_shape = (in_channels, height, width)
    text = _explain(block, shortcut, x_shape, out_shape, stride, batch_norm, planes, trace, mismatch)
    return BlockReport(
        trace=trace, explanation=text, code=block_code(module, block, shortcut if valid else "none", x_shape),
        diagram=block_diagram(trace, block, shortcut, x_shape, valid), valid=valid,
        input_shape=x_shape, output_shape=out_shape,
    )


def _fmt(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape)


def _explain(block: str, shortcut: str, x_shape: tuple[int, int, int], out_shape: tuple[int, ...],
             stride: int, batch_norm: bool, planes: int, trace: TraceResult, mismatch: str) -> str:
    c, h, w = x_shape
    lines: list[str] = []
    if mismatch:
        lines.append(tr(
            "### ✗ This block cannot add its shortcut\n"
            "The identity shortcut carries **x = {x}**, but the main path outputs "
            "**F(x) = {fx}**. Element-wise addition needs identical shapes, so "
            "`out + identity` would fail.\n\n{mismatch}\n\n"
            "The table and the diagram below show the main path alone (the plain twin).",
            x=_fmt(x_shape), fx=_fmt(out_shape), mismatch=mismatch,
        ))
    else:
        lines.append(f"### {_fmt(x_shape)} → {_fmt(out_shape)}")
    if block == "basic":
        lines.append(tr("**Basic block**: two 3×3 convolutions of {planes} channels (ResNet-18/34).", planes=planes))
    else:
        lines.append(tr(
            "**Bottleneck block**: a 1×1 conv squeezes {c} channels to {planes}, a 3×3 conv works at that "
            "cheap width, and a 1×1 conv expands to {out} (**expansion 4**) — ResNet-50/101/152. "
            "This keeps the cost of the 3×3 conv small while the block stays wide.",
            c=c, planes=planes, out=planes * 4,
        ))
    if stride == 2:
        lines.append(tr(
            "**Stride 2** halves height and width ({h}×{w} → {oh}×{ow}, i.e. ⌈H/2⌉) "
            "so deeper layers see a larger part of the image; it is usually paired with more channels.",
            h=h, w=w, oh=out_shape[1], ow=out_shape[2],
        ))
    else:
        lines.append(tr("**Stride 1** keeps height and width (3×3 convs have padding 1)."))
    if shortcut == "identity" and not mismatch:
        lines.append(tr("**Identity shortcut**: x is added unchanged, costing no parameters: the block only has "
                        "to learn the *residual* F(x) = H(x) − x, and can be the identity by setting F to 0."))
    elif shortcut == "projection":
        lines.append(tr(
            "**Projection shortcut** (D2L's `use_1x1conv=True`): a 1×1 conv (with the block's stride) + BN "
            "reshapes x to F(x)'s shape so the two can be added. Needed whenever stride or channels change."
        ))
    elif shortcut == "none":
        lines.append(tr("**No shortcut** — the *plain twin*: the same layers without `out + identity`. Stack many "
                        "of these and training gets harder (the degradation problem, see the Degradation tab)."))
    if not batch_norm:
        lines.append(tr("**Without batch normalization** every BN becomes the identity and the convs get a bias."))
    lines.append(tr(
        "Parameters: **{params:,}**; multiply-adds: **{macs:,}** per image; "
        "receptive field of one output: **{rf}** input pixels.",
        params=trace.total_params, macs=trace.total_macs, rf=trace.rows[-1].rf_text,
    ))
    return "\n\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Code of the configured block
# --------------------------------------------------------------------------------------------------
def _ctor(m: nn.Module) -> str:
    if isinstance(m, nn.Sequential):
        return "nn.Sequential(" + ", ".join(_ctor(c) for c in m) + ")"
    if isinstance(m, nn.Conv2d):
        k, s, p = m.kernel_size[0], m.stride[0], m.padding[0]
        extra = f", stride={s}" if s != 1 else ""
        extra += f", padding={p}" if p else ""
        return f"nn.Conv2d({m.in_channels}, {m.out_channels}, kernel_size={k}{extra}, bias={m.bias is not None})"
    if isinstance(m, nn.BatchNorm2d):
        return f"nn.BatchNorm2d({m.num_features})"
    return f"nn.{type(m).__name__}()"


def block_code(module: nn.Module, block: str, shortcut: str, x_shape: tuple[int, int, int]) -> str:
    """Self-contained PyTorch source that rebuilds exactly ``module`` (same layers, same forward)."""
    init = "\n".join(f"        self.{name} = {_ctor(child)}" for name, child in module.named_children())
    if block == "bottleneck":
        body = ("        out = self.relu1(self.bn1(self.conv1(x)))\n"
                "        out = self.relu2(self.bn2(self.conv2(out)))\n"
                "        out = self.bn3(self.conv3(out))  # F(x), the residual branch\n")
        final = "relu3"
    else:
        body = ("        out = self.relu1(self.bn1(self.conv1(x)))\n"
                "        out = self.bn2(self.conv2(out))  # F(x), the residual branch\n")
        final = "relu2"
    if shortcut == "none":
        skip, add = "", "        # plain twin: no shortcut, nothing is added\n"
    else:
        src = "self.downsample(x)" if shortcut == "projection" else "x"
        skip = f"        identity = {src}\n"
        add = "        out = out + identity  # the residual connection\n"
    c, h, w = x_shape
    name = "Bottleneck" if block == "bottleneck" else "BasicBlock"
    return (
        "import torch\nfrom torch import nn\n\n\n"
        f"class {name}(nn.Module):\n"
        f'    """{block} block, shortcut={shortcut!r}: (N, {c}, {h}, {w}) in."""\n\n'
        "    def __init__(self) -> None:\n        super().__init__()\n"
        f"{init}\n\n"
        "    def forward(self, x: torch.Tensor) -> torch.Tensor:\n"
        f"{skip}{body}{add}        return self.{final}(out)\n\n\n"
        f"block = {name}()\n"
        f"print(block(torch.randn(1, {c}, {h}, {w})).shape)\n"
    )


# --------------------------------------------------------------------------------------------------
# Diagram
# --------------------------------------------------------------------------------------------------
def block_diagram(trace: TraceResult, block: str, shortcut: str, x_shape: tuple[int, int, int],
                  valid: bool) -> Figure:
    """Main path top to bottom, skip path on the right, the ⊕ where they meet; edges carry shapes."""
    main = [r for r in trace.rows if ".downsample" not in r.name and not r.name.startswith("downsample")
            and not r.name.endswith(".add") and r.name != "add"]
    final_relu = main[-1]
    main = main[:-1]
    down = [r for r in trace.rows if r.name.startswith("downsample")]
    n = len(main) + 3  # input, layers…, add, final relu
    fig = Figure(figsize=(7.5, 0.62 * n + 1.2), dpi=110)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(-n - 0.6, 0.9)
    ax.axis("off")

    def box(x: float, y: float, text: str, color: str, width: float = 4.4) -> None:
        ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.27), width, 0.54, boxstyle="round,pad=0.04",
                                    fc=color, ec="#333333", lw=1))
        ax.text(x, y, text, ha="center", va="center", fontsize=9.5)

    def arrow(x0: float, y0: float, x1: float, y1: float, label: str = "", color: str = "#333333",
              rad: float = 0.0, label_x: float | None = None) -> None:
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=12, color=color,
                                     connectionstyle=f"arc3,rad={rad}", lw=1.4))
        if label:
            ax.text(label_x if label_x is not None else (x0 + x1) / 2 + 0.12, (y0 + y1) / 2, label,
                    fontsize=8.5, color="#1f4e79", va="center")

    colors = {"Conv2d": "#cfe2f3", "BatchNorm2d": "#fff2cc", "ReLU": "#d9ead3"}
    mx = 3.2
    box(mx, 0, tr("input x  ({shape})", shape=_fmt(x_shape)), "#eeeeee")
    prev_shape = _fmt(x_shape)
    y = 0.0
    for row in main:
        y -= 1
        arrow(mx, y + 0.73, mx, y + 0.27, prev_shape, label_x=mx + 0.1)
        box(mx, y, f"{row.name.split('.')[-1]}: {op_text(row.op)}", colors.get(row.op.split()[0], "#f3f3f3"))
        prev_shape = row.shape_text
    y_add = y - 1
    arrow(mx, y - 0.27, mx, y_add + 0.3, f"F(x): {prev_shape}", label_x=mx + 0.1)
    # skip path
    sx = 8.3
    x_text = _fmt(x_shape)
    if shortcut == "none":
        ax.text(sx, (y_add) / 2, tr("no shortcut\n(plain twin)"), ha="center", va="center", fontsize=9,
                color="#777777")
        box(mx, y_add, tr("(no add)"), "#f3f3f3", width=2.0)
    else:
        ok_color = "#2e7d32" if valid else "#c62828"
        if down:
            ym = y_add / 2
            arrow(mx + 2.2, 0, sx, ym + 0.3, x_text, color=ok_color, rad=-0.2)
            box(sx, ym, tr("1×1 conv + BN\n(projection)"), "#f4cccc", width=2.8)
            arrow(sx, ym - 0.3, mx + 0.35, y_add, down[-1].shape_text, color=ok_color, rad=-0.2)
        else:
            arrow(mx + 2.2, 0, mx + 0.35, y_add, tr("identity x: {shape}", shape=x_text), color=ok_color, rad=-0.55,
                  label_x=mx + 2.6)
        ax.add_patch(plt_circle(mx, y_add, ok_color))
        ax.text(mx, y_add, "+", ha="center", va="center", fontsize=16, color=ok_color, fontweight="bold")
        if not valid:
            ax.text(mx + 0.6, y_add - 0.02, tr("✗ cannot add {x} to {fx}", x=x_text, fx=prev_shape), fontsize=9.5,
                    color="#c62828", va="center", fontweight="bold")
    y_final = y_add - 1
    arrow(mx, y_add - 0.3, mx, y_final + 0.27, prev_shape, label_x=mx + 0.1)
    box(mx, y_final, f"{final_relu.name.split('.')[-1]}: ReLU", colors["ReLU"])
    ax.text(mx, y_final - 0.75, tr("output {shape}", shape=final_relu.shape_text), ha="center", fontsize=9.5)
    title = tr("{block}, {shortcut}", block=tr(BLOCK_NAMES[block]), shortcut=tr(SHORTCUT_NAMES[shortcut]))
    if not valid:
        title = tr("{title} — invalid", title=title)
    ax.text(0.2, 0.6, title, fontsize=11, fontweight="bold")
    return fig


def plt_circle(x: float, y: float, color: str):  # noqa: ANN201 -- a matplotlib patch
    from matplotlib.patches import Circle

    return Circle((x, y), 0.3, fc="white", ec=color, lw=2)


def rows_for_table(report: BlockReport) -> list[list[object]]:
    """The block's layer table; when the add is impossible, an extra row says so."""
    rows = report.trace.table()
    if not report.valid:
        rows.insert(len(rows) - 1, ["add", tr("✗ identity shortcut: shapes differ"),
                                    tr("{x} vs {fx}", x=_fmt(report.input_shape), fx=_fmt(report.output_shape)),
                                    0, 0, "", ""])
    return rows

