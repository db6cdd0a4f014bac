"""The "gradient highway" (a metaphor): for every residual block, how much of ∂L/∂x arrives through the
shortcut and how much through the branch F.

It is not a free road: in these post-activation blocks y = relu(F(x) + s(x)), so the shortcut's
term is ∂L/∂z = relu'(z) ⊙ ∂L/∂y -- it passes through each block's final ReLU and is zero wherever
z ≤ 0. We measure that share of open ReLUs too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.degradation.nets import RESIDUAL_COLOR, build_pair, check_depth, check_init, default_batch
from explainer.i18n import N_, tr
from explainer.models.blocks import BasicBlock, ZeroPadShortcut
from explainer.models.resnet import ResNet, residual_blocks

#: What a block's skip path is, as shown (API value → message id).
SHORTCUT_KINDS: dict[str, str] = {
    "identity": N_("identity"),
    "zero-pad": N_("zero-pad (subsample, add zero channels)"),
    "projection": N_("1×1 projection"),
}


def shortcut_kind(block: nn.Module) -> str:
    """ "identity" (x itself), "zero-pad" (He et al.'s option A) or "projection" (a 1×1 conv, option B)."""
    downsample = getattr(block, "downsample", None)
    if downsample is None:
        return "identity"
    return "zero-pad" if isinstance(downsample, ZeroPadShortcut) else "projection"


@dataclass
class HighwayRow:
    """∂L/∂x of one block split into the shortcut term and the branch term."""

    block: str
    shortcut: str  # "identity", or for a downsampling block "zero-pad" / "projection" (the term goes through it)
    identity_norm: float  # ‖(∂s/∂x)ᵀ ∂L/∂z‖, s = shortcut (x itself, or the projection)
    branch_norm: float  # ‖(∂F/∂x)ᵀ ∂L/∂z‖
    total_norm: float  # ‖∂L/∂x‖
    cosine: float  # cosine between the two terms (they are not orthogonal, so norms do not add)
    relu_open: float = math.nan  # share of z > 0: where the final ReLU lets ∂L/∂y through to both terms

    @property
    def downsampling(self) -> bool:
        """True where the shape changes, so the "identity" term goes through a subsampling shortcut."""
        return self.shortcut != "identity"

    @property
    def identity_share(self) -> float:
        """‖identity‖ / (‖identity‖ + ‖branch‖): the shortcut's share of the gradient magnitude."""
        s = self.identity_norm + self.branch_norm
        return self.identity_norm / s if s > 0 else math.nan


@dataclass
class HighwayResult:
    depth: int
    batch_norm: bool
    init: str
    loss: float
    rows: list[HighwayRow]
    max_sum_error: float  # max over blocks of ‖identity + branch − ∂L/∂x‖ / ‖∂L/∂x‖ (should be ~1e-7)

    def table(self) -> list[list[object]]:
        """Rows ``[block, shortcut, ‖identity‖, ‖branch‖, ‖∂L/∂x‖, identity share]``."""
        return [
            [r.block, tr(SHORTCUT_KINDS[r.shortcut]), r.identity_norm, r.branch_norm,
             r.total_norm, round(r.identity_share, 4)]
            for r in self.rows
        ]


def highway_terms(model: ResNet, x: Tensor, y: Tensor) -> tuple[float, list[dict[str, Tensor]]]:
    """For each block, the shortcut and branch gradient terms, autograd's ∂L/∂x and z (all (N, C, H, W)).

    In these post-activation blocks y = relu(z), z = F(x) + s(x). With g = ∂L/∂z the chain rule gives
    ∂L/∂x = (∂s/∂x)ᵀ g + (∂F/∂x)ᵀ g; for an identity shortcut the first term is g itself.
    Each term is a separate ``torch.autograd.grad`` call with ``grad_outputs=g``.
    """
    model.train()
    blocks = [(n, b) for n, b in residual_blocks(model) if isinstance(b, BasicBlock)]
    store: list[dict[str, Tensor]] = [{} for _ in blocks]
    handles = []
    for k, (_, blk) in enumerate(blocks):
        handles.append(blk.register_forward_pre_hook(lambda m, inp, k=k: store[k].__setitem__("x", inp[0])))
        handles.append(blk.bn2.register_forward_hook(lambda m, inp, out, k=k: store[k].__setitem__("F", out)))
        handles.append(blk.relu2.register_forward_pre_hook(lambda m, inp, k=k: store[k].__setitem__("z", inp[0])))
        if blk.downsample is not None:
            handles.append(blk.downsample.register_forward_hook(lambda m, inp, out, k=k: store[k].__setitem__("s", out)))
    try:
        # Block inputs are intermediate tensors; the stem's output needs grad anyway (conv weights).
        loss = F.cross_entropy(model(x), y)
    finally:
        for h in handles:
            h.remove()
    if not blocks or not blocks[0][1].residual:
        raise ValueError(tr("The gradient highway needs a residual net (a plain net has no shortcut term)."))
    gz = torch.autograd.grad(loss, [s["z"] for s in store] + [s["x"] for s in store], retain_graph=True)
    nb = len(store)
    out = []
    for k, s in enumerate(store):
        g = gz[k]
        (branch,) = torch.autograd.grad(s["F"], s["x"], grad_outputs=g, retain_graph=True)
        if "s" in s:
            (ident,) = torch.autograd.grad(s["s"], s["x"], grad_outputs=g, retain_graph=True)
        else:
            ident = g
        out.append({"identity": ident.detach(), "branch": branch.detach(), "total": gz[nb + k].detach(),
                    "z": s["z"].detach()})
    return float(loss.detach()), out


def gradient_highway(
    depth: int = 56,
    *,
    batch_norm: bool = True,
    init: str = "Kaiming",
    seed: int = 0,
    batch: tuple[Tensor, Tensor] | None = None,
) -> HighwayResult:
    """Split ∂L/∂x at every block of ResNet-``depth`` (at init, one real batch) into shortcut and branch."""
    depth = check_depth(depth)
    init = check_init(init)
    x, y = batch if batch is not None else default_batch()
    _, residual = build_pair(depth, batch_norm=batch_norm, init=init, seed=seed)
    loss, terms = highway_terms(residual, x, y)
    rows, err = [], 0.0
    for (name, blk), t in zip(residual_blocks(residual), terms):
        i, b, tot = t["identity"], t["branch"], t["total"]
        tn = float(tot.norm())
        err = max(err, float((i + b - tot).norm()) / tn if tn > 0 else 0.0)
        denom = float(i.norm() * b.norm())
        cos = float((i * b).sum()) / denom if denom > 0 else math.nan
        rows.append(HighwayRow(name, shortcut_kind(blk), float(i.norm()), float(b.norm()), tn, cos,
                               float((t["z"] > 0).float().mean())))
    return HighwayResult(depth, bool(batch_norm), init, loss, rows, err)


def plot_highway(res: HighwayResult) -> Figure:
    """Per block: ‖identity term‖, ‖branch term‖, ‖∂L/∂x‖ (log scale) and the identity share."""
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    xs = np.arange(1, len(res.rows) + 1)
    ax1.plot(xs, [r.identity_norm for r in res.rows], "o-", color=RESIDUAL_COLOR, markersize=3,
             label=tr("shortcut term (∂s/∂x)ᵀ∂L/∂z"))
    ax1.plot(xs, [r.branch_norm for r in res.rows], "s-", color="#ff7f0e", markersize=3,
             label=tr("branch term (∂F/∂x)ᵀ∂L/∂z"))
    ax1.plot(xs, [r.total_norm for r in res.rows], "--", color="0.3", label=tr("‖∂L/∂x‖ (sum)"))
    ax1.set_yscale("log")
    ax1.set_xlabel(tr("block (input side → output side)"))
    ax1.set_ylabel(tr("norm"))
    ax1.legend(fontsize=8)
    ax1.set_title(tr("ResNet-{depth}: the two terms of ∂L/∂x", depth=res.depth))
    shares = [r.identity_share for r in res.rows]
    colors = ["#9467bd" if r.downsampling else RESIDUAL_COLOR for r in res.rows]
    ax2.bar(xs, shares, color=colors)
    ax2.axhline(0.5, color="0.5", linestyle=":")
    ax2.set_ylim(0, 1)
    kinds = ", ".join(sorted({tr(SHORTCUT_KINDS[r.shortcut]) for r in res.rows if r.downsampling}))
    ax2.set_xlabel(tr("block (purple = downsampling block, shortcut: {kinds})", kinds=kinds) if kinds
                   else tr("block (input side → output side)"))
    ax2.set_ylabel(tr("‖shortcut‖ / (‖shortcut‖ + ‖branch‖)"))
    ax2.set_title(tr("shortcut share of the gradient"))
    fig.suptitle(tr("Shortcut vs branch at init, {bn}, {init} init, loss {loss:.3g}",
                    bn=tr("BN on") if res.batch_norm else tr("BN off"), init=tr(res.init), loss=res.loss))
    return fig


def explain_highway(res: HighwayResult) -> str:
    """Markdown reading of the measured shares, ending with a conclusion computed from them."""
    ident = [r for r in res.rows if not r.downsampling]
    down = [r for r in res.rows if r.downsampling]
    shares = [r.identity_share for r in ident]
    lo, hi, med = (min(shares), max(shares), float(np.median(shares))) if shares else (math.nan,) * 3
    text = tr(
        "In each block y = relu(z), z = x + F(x), so ∂L/∂x = ∂L/∂z + (∂F/∂x)ᵀ∂L/∂z: the first term skips the "
        "branch's convolutions. Across the {n} identity blocks the shortcut carries {lo:.0%}–{hi:.0%} of the "
        "gradient magnitude (median {med:.0%}). The two terms sum exactly to autograd's ∂L/∂x (largest relative "
        "error {err:.1e}).",
        n=len(ident), lo=lo, hi=hi, med=med, err=res.max_sum_error,
    )
    if down:
        text += tr(
            " In the {n} downsampling block(s) ({blocks}) the shape changes, so the \"identity\" term goes through "
            "the shortcut that changes it ({kinds}): only part of x's gradient takes it.",
            n=len(down), blocks=", ".join(r.block for r in down),
            kinds=", ".join(sorted({tr(SHORTCUT_KINDS[r.shortcut]) for r in down})),
        )
    open_share = [r.relu_open for r in res.rows if math.isfinite(r.relu_open)]
    if open_share:
        text += tr(
            " \"Gradient highway\" is a metaphor: the shortcut's term ∂L/∂z has already passed through the block's "
            "final ReLU, which lets it through only where z > 0 -- here at {lo:.0%}–{hi:.0%} of positions.",
            lo=min(open_share), hi=max(open_share),
        )
    return text + "\n\n" + highway_conclusion(res)


def highway_conclusion(res: HighwayResult) -> str:
    """One sentence a student can repeat: in how many identity blocks the shortcut term is the larger one."""
    ident = [r for r in res.rows if not r.downsampling and math.isfinite(r.identity_share)]
    if not ident:
        return tr("**Conclusion:** this net has no identity block to measure.")
    larger = sum(r.identity_share > 0.5 for r in ident)
    fields = {"k": larger, "n": len(ident)}
    if larger == len(ident):
        return tr(
            "**Conclusion:** at initialization, in every one of the {n} identity blocks more of the gradient reaching "
            "the block's input comes through the shortcut than through the block's convolutions: the early layers "
            "get a gradient that did not have to pass through every later block's convolutions.", **fields)
    if larger == 0:
        return tr(
            "**Conclusion:** at initialization, in all {n} identity blocks the branch term is the larger one: at "
            "this setting most of the gradient does go through the convolutions.", **fields)
    return tr(
        "**Conclusion:** at initialization the shortcut term is the larger one in {k} of the {n} identity blocks "
        "and the branch term in the rest: part of the gradient skips the convolutions in every block, but it is "
        "not the main route everywhere.", **fields)
