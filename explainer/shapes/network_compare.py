"""Two configurations side by side -- two networks, or two blocks -- and one sentence on what differs and why.

Each side is a trace (``explainer.shapes.tracer``): networks are compared stage by stage (D2L's printout:
stem, layer1 … fc), blocks layer by layer. Every number in the table and the sentence comes from the
two traces; the sentence names the ratio of parameters and multiply-adds, the part of the network where
most of the parameter difference sits, and -- for the convolutions -- the widths that explain it (a k×k
conv has k·k·C_in·C_out / groups weights, so the channels its k×k convs run at decide a block's cost).

The one-click pairs (``PAIRS``) are D2L's ResNet exercises (§8.6): basic vs bottleneck at equal width,
an Inception block vs a residual block with the same input and output, post- vs pre-activation, ResNet-50
vs ResNeXt-50 -- each only where the models exist (``available_pairs``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from itertools import zip_longest

import torch
from torch import nn

from explainer.i18n import N_, tr
from explainer.models.blocks import BLOCK_TYPES, make_block
from explainer.models.modern_cnn_blocks import Inception
from explainer.models.presets import PRESETS
from explainer.shapes.layer_labels import BLOCK_NAMES, format_count, format_shape, op_text
from explainer.shapes.network_report import trace_preset
from explainer.shapes.tracer import LayerRow, TraceResult, trace_model


@dataclass(frozen=True)
class BlockSpec:
    """One block to trace. ``kind`` is a residual block type (``BLOCK_TYPES``) or ``"inception"``.

    Residual blocks: ``out_channels`` is what the block outputs (4 × the inner width for a bottleneck).
    Inception: D2L's ``Inception(in_channels, c1, c2, c3, c4)``, ``inception`` = (c1, c2_0, c2_1, c3_0, c3_1, c4).
    """

    kind: str
    in_channels: int
    out_channels: int
    stride: int = 1
    shortcut: str = "projection"
    batch_norm: bool = True
    height: int = 56
    width: int = 56
    inception: tuple[int, int, int, int, int, int] | None = None

    @property
    def label(self) -> str:
        """E.g. "bottleneck block 256→256" (translated): what the sentence calls this side."""
        if self.kind == "inception":
            return tr("Inception block {cin}→{cout}", cin=self.in_channels, cout=self.out_channels)
        return tr("{block} {cin}→{cout}", block=tr(BLOCK_NAMES[self.kind]), cin=self.in_channels,
                  cout=self.out_channels)


def _block_module(spec: BlockSpec) -> nn.Module:
    if spec.kind == "inception":
        if spec.inception is None:
            raise ValueError("An Inception block needs its six widths (c1, c2, c3, c4).")
        c1, c2a, c2b, c3a, c3b, c4 = spec.inception
        return Inception(spec.in_channels, c1, (c2a, c2b), (c3a, c3b), c4)
    if spec.kind not in BLOCK_TYPES:
        raise ValueError(f"Unknown block type {spec.kind!r}.")
    expansion = 4 if spec.kind == "bottleneck" else 1
    return make_block(spec.kind, spec.in_channels, spec.out_channels // expansion, spec.stride,  # type: ignore[arg-type]
                      shortcut=spec.shortcut, batch_norm=spec.batch_norm)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=64)
def trace_block(spec: BlockSpec) -> TraceResult:
    """The block's trace on a (1, in_channels, height, width) input (built on the meta device, cached)."""
    with torch.device("meta"):
        module = _block_module(spec)
    module.eval()
    return trace_model(module, (spec.in_channels, spec.height, spec.width), label=spec.label)


@dataclass(frozen=True)
class PartComparison:
    """One row of the side-by-side table: a stage (networks) or a layer (blocks) of each side."""

    part_a: str  # "" when side A has no such part
    part_b: str
    op_a: str  # English descriptions, as in LayerRow.op ("stage" for a stage)
    op_b: str
    shape_a: str
    shape_b: str
    params_a: int
    params_b: int
    macs_a: int
    macs_b: int

    @property
    def name(self) -> str:
        if self.part_a == self.part_b or not self.part_b:
            return self.part_a
        return self.part_b if not self.part_a else f"{self.part_a} / {self.part_b}"


@dataclass(frozen=True)
class Comparison:
    """Two traces side by side. ``parts`` align stages by name (or by position when the names differ)."""

    label_a: str
    label_b: str
    a: TraceResult
    b: TraceResult
    parts: tuple[PartComparison, ...]
    kind: str  # "networks" or "blocks"

    @property
    def param_ratio(self) -> float | None:
        """B's parameters over A's (None when A has none)."""
        return self.b.total_params / self.a.total_params if self.a.total_params else None

    @property
    def mac_ratio(self) -> float | None:
        return self.b.total_macs / self.a.total_macs if self.a.total_macs else None


def _align(rows_a: list[LayerRow], rows_b: list[LayerRow], *, by_name: bool) -> list[tuple[LayerRow | None, LayerRow | None]]:
    """Pairs of rows. ``by_name`` (networks of one family: stem, layer1 … fc): equal names side by side, a
    part only one side has on a row of its own. Otherwise (blocks of different kinds, networks of different
    families) the names mean different things, so rows are paired by position."""
    names_a, names_b = [r.name for r in rows_a], [r.name for r in rows_b]
    if not by_name or not set(names_a) & set(names_b):
        return list(zip_longest(rows_a, rows_b))
    pairs: list[tuple[LayerRow | None, LayerRow | None]] = []
    i = j = 0
    while i < len(rows_a) or j < len(rows_b):
        if i < len(rows_a) and j < len(rows_b) and names_a[i] == names_b[j]:
            pairs.append((rows_a[i], rows_b[j]))
            i, j = i + 1, j + 1
        elif j < len(rows_b) and names_b[j] not in names_a[i:]:
            pairs.append((None, rows_b[j]))
            j += 1
        else:  # A's part comes later in B or not at all
            pairs.append((rows_a[i], None))
            i += 1
    return pairs


def _part(ra: LayerRow | None, rb: LayerRow | None) -> PartComparison:
    return PartComparison(
        part_a=ra.name if ra else "", part_b=rb.name if rb else "",
        op_a=ra.op if ra else "", op_b=rb.op if rb else "",
        shape_a=ra.shape_text if ra else "", shape_b=rb.shape_text if rb else "",
        params_a=ra.params if ra else 0, params_b=rb.params if rb else 0,
        macs_a=ra.macs if ra else 0, macs_b=rb.macs if rb else 0,
    )


def compare_traces(label_a: str, a: TraceResult, label_b: str, b: TraceResult, *, kind: str) -> Comparison:
    """Side by side: stages for ``kind="networks"``, every layer for ``kind="blocks"``."""
    rows_a, rows_b = (a.stage_rows(), b.stage_rows()) if kind == "networks" else (a.rows, b.rows)
    parts = tuple(_part(ra, rb) for ra, rb in _align(rows_a, rows_b, by_name=kind == "networks"))
    return Comparison(label_a, label_b, a, b, parts, kind)


def compare_networks(preset_a: str, preset_b: str, in_channels: int, height: int, width: int,
                     num_classes: int) -> Comparison:
    """Two presets on the same (1, in_channels, height, width) input, stage by stage.

    Raises ``ValueError`` for unknown names or inputs too small for either network (its sentence).
    """
    a = trace_preset(preset_a, in_channels, height, width, num_classes)
    b = trace_preset(preset_b, in_channels, height, width, num_classes)
    return compare_traces(preset_a, a, preset_b, b, kind="networks")


def compare_blocks(spec_a: BlockSpec, spec_b: BlockSpec) -> Comparison:
    """Two blocks, layer by layer (each on its own input: equal inputs make the comparison fair)."""
    return compare_traces(spec_a.label, trace_block(spec_a), spec_b.label, trace_block(spec_b), kind="blocks")


# --- the sentence ---------------------------------------------------------------------------------------

def ratio_text(a: int, b: int, more: str, fewer: str, same: str) -> str:
    """How B's count compares to A's, with the message ids for "{r}× more", "{r}× fewer" and "the same".

    Within 10 % the difference is given in per cent ("2.1% fewer"), beyond as a factor ("16.8× fewer").
    """
    if a == b:
        return tr(same)
    if a == 0 or b == 0:
        return tr(more, r="∞×") if a == 0 else tr(fewer, r="100%")  # B has none of them
    r = b / a
    if 0.9 < r < 1.1:
        return tr(more if r > 1 else fewer, r=f"{abs(r - 1) * 100:.2g}%")
    return tr(more if r > 1 else fewer, r=f"{max(r, 1 / r):.3g}×")


_CONV = re.compile(r"Conv2d (\d+)×(\d+)(?:, stride \d+)?, (\d+)→(\d+) ch(?:, groups (\d+))?")


def _spatial_convs(trace: TraceResult) -> tuple[list[str], float]:
    """The k×k (k > 1) convolutions of a trace as "3×3 64→64" ("…, groups 32"), and their share of its parameters."""
    found, params = [], 0
    for r in trace.rows:
        m = _CONV.fullmatch(r.op)
        if m and (int(m[1]) > 1 or int(m[2]) > 1):
            groups = f", groups {m[5]}" if m[5] else ""
            found.append(f"{m[1]}×{m[2]} {m[3]}→{m[4]}{groups}")
            params += r.params
    return found, params / trace.total_params if trace.total_params else 0.0


def _grouped_sentence(c: Comparison) -> str:
    """When one side has grouped convs (ResNeXt) and the other not: how many, and the first one beside the
    other side's layer of the same name."""
    def grouped(t: TraceResult) -> list[LayerRow]:
        return [r for r in t.rows if ", groups " in r.op]

    for (name, mine, other, theirs) in ((c.label_b, c.b, c.label_a, c.a), (c.label_a, c.a, c.label_b, c.b)):
        rows = grouped(mine)
        if rows and not grouped(theirs):
            first = rows[0]
            match = next((r for r in theirs.rows if r.name == first.name), None)
            return tr(
                "{name} splits {n} of its convolutions into groups (the first, {layer}: {op}); a conv with g "
                "groups has 1/g of the weights of an ungrouped conv of the same widths{beside}.",
                name=name, n=len(rows), layer=first.name, op=op_text(first.op),
                beside=tr(", so it can be wider: {other}'s {layer} is {op}", other=other, layer=match.name,
                          op=op_text(match.op)) if match is not None else "",
            )
    return ""


def _same_convs_sentence(c: Comparison) -> str:
    """When both sides run the very same convolutions (post- vs pre-activation): what else differs, counted."""
    def convs(t: TraceResult) -> list[str]:
        return [r.op for r in t.rows if r.op.startswith("Conv2d")]

    def count(t: TraceResult, op: str) -> int:
        return sum(r.op.startswith(op) for r in t.rows)

    if c.a is c.b or convs(c.a) != convs(c.b):
        return ""
    return tr(
        "Both run the same {n} convolutions with the same widths; they differ in where normalization and "
        "activation sit: {a_name} has {bn_a} BatchNorms and {relu_a} ReLUs, {b_name} {bn_b} and {relu_b}.",
        n=len(convs(c.a)), a_name=c.label_a, b_name=c.label_b, bn_a=count(c.a, "BatchNorm2d"),
        bn_b=count(c.b, "BatchNorm2d"), relu_a=count(c.a, "ReLU"), relu_b=count(c.b, "ReLU"),
    )


def comparison_summary(c: Comparison) -> str:
    """One paragraph: totals and their ratios, where the parameter difference sits, what the convs run at."""
    a, b = c.a, c.b
    lines = [tr(
        "**{b_name}** has {pr} **{a_name}** ({pb:,} vs {pa:,}) and {mr} ({mb} vs {ma} per image).",
        a_name=c.label_a, b_name=c.label_b, pa=a.total_params, pb=b.total_params,
        pr=ratio_text(a.total_params, b.total_params, N_("{r} more parameters than"),
                      N_("{r} fewer parameters than"), N_("as many parameters as")),
        mr=ratio_text(a.total_macs, b.total_macs, N_("{r} more multiply-adds"), N_("{r} fewer multiply-adds"),
                      N_("as many multiply-adds")),
        ma=format_count(a.total_macs), mb=format_count(b.total_macs),
    )]
    out_a, out_b = a.rows[-1].output_shape, b.rows[-1].output_shape
    if out_a == out_b:
        lines.append(tr("Both map {x} to {out}.", x=format_shape(a.input_shape), out=format_shape(out_a)))
    else:
        lines.append(tr("Their outputs differ ({oa} vs {ob}), so one cannot simply replace the other.",
                        oa=format_shape(out_a), ob=format_shape(out_b)))
    diff = b.total_params - a.total_params
    if diff and all(p.part_a == p.part_b for p in c.parts if p.part_a and p.part_b):
        # Only where the parts are the same parts (one family's stages); position-paired rows are not.
        # The part whose parameter change is largest in the direction of the total change.
        part = max(c.parts, key=lambda p: (p.params_b - p.params_a) * (1 if diff > 0 else -1))
        share = (part.params_b - part.params_a) / diff
        if share > 0:
            lines.append(tr("{share:.0%} of the difference in parameters is in {part} ({pa:,} vs {pb:,}).",
                            share=min(share, 1.0), part=part.name, pa=part.params_a, pb=part.params_b))
    for extra in (_grouped_sentence(c), _same_convs_sentence(c)):
        if extra:
            lines.append(extra)
    if c.kind == "blocks":
        (convs_a, share_a), (convs_b, share_b) = _spatial_convs(a), _spatial_convs(b)
        if convs_a != convs_b:
            lines.append(tr(
                "A k×k conv has k·k·C_in·C_out / groups weights (and as many multiply-adds per output pixel): "
                "{a_name} runs {convs_a} ({share_a:.0%} of its parameters), {b_name} runs {convs_b} "
                "({share_b:.0%}).",
                a_name=c.label_a, b_name=c.label_b, convs_a=", ".join(convs_a) or tr("no such conv"),
                convs_b=", ".join(convs_b) or tr("no such conv"), share_a=share_a, share_b=share_b,
            ))
    return " ".join(lines)


def comparison_rows(c: Comparison) -> list[list[object]]:
    """The side-by-side table (columns ``COMPARE_COLUMNS``); ratios B/A, "—" where A has none."""
    def ratio(x: int, y: int) -> str:
        return f"{y / x:.3g}×" if x else ("—" if not y else "∞")

    rows: list[list[object]] = []
    for p in c.parts:
        a_text = f"{op_text(p.op_a)}: {p.shape_a}" if p.op_a and p.op_a != "stage" else p.shape_a
        b_text = f"{op_text(p.op_b)}: {p.shape_b}" if p.op_b and p.op_b != "stage" else p.shape_b
        rows.append([p.name, a_text, b_text, p.params_a, p.params_b, ratio(p.params_a, p.params_b),
                     p.macs_a, p.macs_b, ratio(p.macs_a, p.macs_b)])
    rows.append([tr("total"), format_shape(c.a.rows[-1].output_shape), format_shape(c.b.rows[-1].output_shape),
                 c.a.total_params, c.b.total_params, ratio(c.a.total_params, c.b.total_params),
                 c.a.total_macs, c.b.total_macs, ratio(c.a.total_macs, c.b.total_macs)])
    return rows


#: Column names of ``comparison_rows`` (message ids).
COMPARE_COLUMNS: tuple[str, ...] = (N_("part"), N_("A: output"), N_("B: output"), N_("A params"), N_("B params"),
                                    N_("params B/A"), N_("A MACs"), N_("B MACs"), N_("MACs B/A"))


# --- D2L's exercises as one-click pairs ----------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    """A ready-made comparison: two blocks, or two presets on one input."""

    title: str  # message id shown on the button
    blocks: tuple[BlockSpec, BlockSpec] | None = None
    networks: tuple[str, str] | None = None
    input: tuple[int, int, int, int] = (3, 224, 224, 1000)  # (C, H, W, classes) for networks

    def compare(self) -> Comparison:
        if self.blocks is not None:
            return compare_blocks(*self.blocks)
        assert self.networks is not None
        return compare_networks(*self.networks, *self.input)


PAIRS: dict[str, Pair] = {
    "basic vs bottleneck": Pair(
        N_("Basic vs bottleneck block, both 256→256 (exercise 3)"),
        blocks=(BlockSpec("basic", 256, 256, shortcut="identity"), BlockSpec("bottleneck", 256, 256, shortcut="identity")),
    ),
    "inception vs residual": Pair(
        N_("Inception block vs residual block, both 192→256 at 28×28 (exercise 1)"),
        blocks=(BlockSpec("inception", 192, 256, height=28, width=28, inception=(64, 96, 128, 16, 32, 32)),
                BlockSpec("basic", 192, 256, height=28, width=28, shortcut="projection")),
    ),
    "resnet-18 vs resnet-34": Pair(N_("ResNet-18 vs ResNet-34 (deeper, same widths)"),
                                   networks=("ResNet-18", "ResNet-34")),
    "resnet-34 vs resnet-50": Pair(N_("ResNet-34 vs ResNet-50 (basic vs bottleneck blocks in a network)"),
                                   networks=("ResNet-34", "ResNet-50")),
    "post vs pre-activation": Pair(N_("ResNet-18 vs pre-activation ResNet-18 (exercise 4)"),
                                   networks=("ResNet-18", "PreAct ResNet-18")),
    "resnet-50 vs resnext-50": Pair(N_("ResNet-50 vs ResNeXt-50 (32x4d)"),
                                    networks=("ResNet-50", "ResNeXt-50 (32x4d)")),
}


def available_pairs() -> dict[str, Pair]:
    """The pairs whose networks exist in this build (presets may be added later)."""
    return {k: p for k, p in PAIRS.items() if p.networks is None or all(n in PRESETS for n in p.networks)}
