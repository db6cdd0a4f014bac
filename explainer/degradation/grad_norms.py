"""Gradient norms at initialization, plain vs residual: per-layer ‖∂L/∂W‖ and block-output ‖∂L/∂h‖.

BN on/off and three initializations (He et al. §4.1; Yang et al. 2019 for BN plain nets' gradients
growing toward the input). ``grad_norms`` returns a ``GradNormResult``; ``plot_grad_norms`` a Figure.
Optionally a third net, He et al. 2016's pre-activation ResNet with the residual net's conv weights
(``preact_gradients``, or ``grad_norms(..., preact=True)``).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.degradation.nets import (
    PLAIN_COLOR,
    PREACT_COLOR,
    PROBE_LR,
    RESIDUAL_COLOR,
    build_pair,
    build_preact,
    check_depth,
    check_init,
    default_batch,
    weighted_layers,
)
from explainer.i18n import tr
from explainer.models.resnet import residual_blocks


@dataclass
class NetGradients:
    """What one backward pass at initialization shows for one net."""

    name: str  # "Plain-56" / "ResNet-56"
    loss: float  # cross-entropy on the batch at init (chance level: ln 10 ≈ 2.30)
    layer_names: list[str]  # depth entries, forward order
    weight_grad: np.ndarray  # (depth,) ‖∂L/∂W‖ (Frobenius) per weighted layer
    block_names: list[str]  # 3n entries
    block_grad: np.ndarray  # (3n,) ‖∂L/∂h‖ at each block output h (whole batch tensor)
    block_zero_fraction: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (3n,) share of h == 0 (ReLU off)
    # (depth,) the same norms computed in float32: tiny gradients give exactly 0 there, because their
    # squares fall below float32's smallest number -- the "gradient is 0" one often sees quoted.
    weight_grad_fp32: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # (depth,) True where one SGD step W - lr·∂L/∂W (lr = PROBE_LR) leaves W bit-identical in float32.
    update_lost: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # Root mean square of the fc's input (the pooled features) on the batch: the scale the logits are made from.
    fc_input_rms: float = math.nan


@dataclass
class GradNormResult:
    """``grad_norms`` output: the nets' measurements and the settings they were taken with."""

    depth: int
    batch_norm: bool
    init: str
    zero_init_residual: bool
    batch_size: int
    plain: NetGradients
    residual: NetGradients
    seconds: float  # wall time of the forward+backward passes
    # He et al. 2016's pre-activation ResNet with the residual net's conv and fc weights, when asked for.
    preact: NetGradients | None = None

    @property
    def nets(self) -> tuple[NetGradients, ...]:
        """(plain, residual) or (plain, residual, pre-activation): the nets measured, in display order."""
        return (self.plain, self.residual) + ((self.preact,) if self.preact is not None else ())

    def table(self) -> list[list[object]]:
        """Rows ``[layer, plain, residual(, pre-activation)]``: one per weighted layer, "index name" and floats."""
        return [
            [f"{i} {name}", *(float(v) for v in values)]
            for i, (name, *values) in enumerate(
                zip(self.plain.layer_names, *(net.weight_grad for net in self.nets)), start=1
            )
        ]

    def block_table(self) -> list[list[object]]:
        """Rows ``[block output, plain, residual(, pre-activation)]`` of ‖∂L/∂h‖."""
        return [
            [name, *(float(v) for v in values)]
            for name, *values in zip(self.plain.block_names, *(net.block_grad for net in self.nets))
        ]


def measure_gradients(model: nn.Module, x: Tensor, y: Tensor, *, name: str = "") -> NetGradients:
    """One forward+backward of ``model`` on (x (N, 1, H, W), y (N,)) in training mode (BN uses batch stats).

    Weight gradients are read from ``.grad``; ‖∂L/∂h‖ at each block output is captured by a tensor
    hook registered from a forward hook, so no extra backward pass is needed.
    """
    model.train()
    model.zero_grad(set_to_none=True)
    blocks = residual_blocks(model)
    captured: dict[str, Tensor] = {}
    zero_fraction: dict[str, float] = {}
    handles = []
    for block_name, block in blocks:

        def fwd_hook(_m: nn.Module, _inp: tuple[Tensor, ...], out: Tensor, key: str = block_name) -> None:
            zero_fraction[key] = float((out.detach() == 0).float().mean())
            # The gradient reaching this output is only known during backward: hook the tensor.
            # Norms in float64: squares of gradients below ~1e-19 underflow in float32.
            out.register_hook(lambda g, key=key: captured.__setitem__(key, g.detach().double().norm()))

        handles.append(block.register_forward_hook(fwd_hook))
    layers = weighted_layers(model)
    fc_input: dict[str, float] = {}
    handles.append(layers[-1][1].register_forward_hook(
        lambda _m, inp, _out: fc_input.__setitem__("rms", float(inp[0].detach().double().pow(2).mean().sqrt()))))
    try:
        loss = F.cross_entropy(model(x), y)
        loss.backward()
    finally:
        for h in handles:
            h.remove()
    grads = [m.weight.grad if m.weight.grad is not None else torch.zeros_like(m.weight) for _, m in layers]
    weight_grad = np.array([float(g.double().norm()) for g in grads], dtype=np.float64)
    weight_grad_fp32 = np.array([float(g.float().norm()) for g in grads], dtype=np.float64)
    with torch.no_grad():
        update_lost = np.array(
            [bool(torch.equal(m.weight - PROBE_LR * g, m.weight)) for (_, m), g in zip(layers, grads)], dtype=bool
        )
    block_grad = np.array([float(captured.get(n, torch.tensor(0.0))) for n, _ in blocks], dtype=np.float64)
    model.zero_grad(set_to_none=True)
    return NetGradients(
        name=name,
        loss=float(loss.detach()),
        layer_names=[n for n, _ in layers],
        weight_grad=weight_grad,
        block_names=[n for n, _ in blocks],
        block_grad=block_grad,
        block_zero_fraction=np.array([zero_fraction.get(n, 0.0) for n, _ in blocks], dtype=np.float64),
        weight_grad_fp32=weight_grad_fp32,
        update_lost=update_lost,
        fc_input_rms=fc_input.get("rms", math.nan),
    )


def grad_norms(
    depth: int,
    *,
    batch_norm: bool,
    init: str,
    zero_init_residual: bool = False,
    batch: tuple[Tensor, Tensor] | None = None,
    seed: int = 0,
    preact: bool = False,
) -> GradNormResult:
    """Per-layer gradient norms of Plain-``depth`` and ResNet-``depth`` at initialization.

    ``batch`` is (x (N, 1, 28, 28) normalized, y (N,)); default: the first 64 bundled test images.
    ``preact`` also measures the pre-activation ResNet-``depth`` (``preact_gradients``, same weights).
    Raises ``ValueError`` for a depth that is not 6n+2 in [8, 122] or an unknown ``init``.
    """
    depth = check_depth(depth)
    init = check_init(init)
    x, y = _checked_batch(batch)
    plain, residual = build_pair(
        depth, batch_norm=batch_norm, init=init, zero_init_residual=zero_init_residual, seed=seed
    )
    # channels_last: oneDNN's faster conv layout on this CPU (same fp32 arithmetic).
    x = x.contiguous(memory_format=torch.channels_last)
    plain, residual = (m.to(memory_format=torch.channels_last) for m in (plain, residual))
    t0 = time.perf_counter()
    p = measure_gradients(plain, x, y, name=f"Plain-{depth}")
    r = measure_gradients(residual, x, y, name=f"ResNet-{depth}")
    seconds = time.perf_counter() - t0
    res = GradNormResult(depth, bool(batch_norm), init, bool(zero_init_residual), int(x.shape[0]), p, r, seconds)
    if preact:
        return with_preact(res, preact_gradients(depth, batch_norm=batch_norm, init=init,
                                                 zero_init_residual=zero_init_residual, batch=batch, seed=seed))
    return res


def _checked_batch(batch: tuple[Tensor, Tensor] | None) -> tuple[Tensor, Tensor]:
    x, y = batch if batch is not None else default_batch()
    if x.dim() != 4 or x.shape[1] != 1 or x.shape[0] != y.shape[0]:
        raise ValueError(tr("The batch must be x (N, 1, H, W) with N labels, got {x_shape} and {y_shape}.",
                            x_shape=tuple(x.shape), y_shape=tuple(y.shape)))
    return x, y


def preact_gradients(
    depth: int,
    *,
    batch_norm: bool,
    init: str,
    zero_init_residual: bool = False,
    batch: tuple[Tensor, Tensor] | None = None,
    seed: int = 0,
) -> NetGradients:
    """``measure_gradients`` of the pre-activation ResNet-``depth`` (``nets.build_preact``) at initialization.

    Same arguments as ``grad_norms``, so its convs and fc hold the very weights of ``grad_norms``'s
    ResNet-``depth``: only where BN-ReLU sits differs. Its ``seconds`` are not recorded (one more pass).
    """
    depth = check_depth(depth)
    init = check_init(init)
    x, y = _checked_batch(batch)
    model = build_preact(depth, batch_norm=batch_norm, init=init, zero_init_residual=zero_init_residual, seed=seed)
    x = x.contiguous(memory_format=torch.channels_last)
    model = model.to(memory_format=torch.channels_last)
    return measure_gradients(model, x, y, name=preact_name(depth))


def preact_name(depth: int) -> str:
    """What the pre-activation net is called on the page: "PreAct ResNet-56" (as the preset menu names it)."""
    return f"PreAct ResNet-{depth}"


def with_preact(res: GradNormResult, preact: NetGradients) -> GradNormResult:
    """``res`` with the pre-activation net's measurement added (a new result; ``res`` is not changed)."""
    if len(preact.block_grad) != len(res.residual.block_grad):
        raise ValueError(tr("The pre-activation net must have as many blocks as the residual net, got {n} and {m}.",
                            n=len(preact.block_grad), m=len(res.residual.block_grad)))
    return dataclasses.replace(res, preact=preact)


def _plot_with_zeros(ax, xs: np.ndarray, ys: np.ndarray, floor: float, **kw) -> None:  # noqa: ANN001
    # A log axis cannot show 0: draw exact zeros as triangles on the floor, labelled underflow.
    ys = np.asarray(ys, dtype=np.float64)
    ok = ys > 0
    ax.plot(xs[ok], ys[ok], **kw)
    if (~ok).any():
        ax.plot(xs[~ok], np.full((~ok).sum(), floor), linestyle="none", marker="v", color=kw.get("color"),
                label=tr("{label}: exactly 0", label=kw.get("label", "")))


def plot_grad_norms(res: GradNormResult) -> Figure:
    """Log-scale ‖∂L/∂W‖ per layer index and ‖∂L/∂h‖ per block output; plain left, residual right
    (and the pre-activation net in a third panel, when measured)."""
    measured = res.nets
    fig = Figure(figsize=(11, 4.2) if len(measured) == 2 else (15, 4.2), layout="constrained")
    axes = fig.subplots(1, len(measured), sharey=True)
    positive = np.concatenate([
        v[v > 0] for net in measured for v in (net.weight_grad, net.block_grad)
    ] + [np.array([1e-30])])
    floor = float(positive[positive > 1e-30].min()) / 10 if (positive > 1e-30).any() else 1e-30
    n = (res.depth - 2) // 6
    for ax, net, color in zip(axes, measured, (PLAIN_COLOR, RESIDUAL_COLOR, PREACT_COLOR)):
        xs = np.arange(1, len(net.weight_grad) + 1)
        _plot_with_zeros(ax, xs, net.weight_grad, floor, color=color, marker="o", markersize=3,
                         label=tr("‖∂L/∂W‖ per layer"))
        # Block b (0-based) ends with weighted layer 1 + 2(b+1).
        bx = 1 + 2 * np.arange(1, len(net.block_grad) + 1)
        _plot_with_zeros(ax, bx, net.block_grad, floor, color="0.35", marker="s", markersize=3, linestyle="--",
                         label=tr("‖∂L/∂h‖ at block outputs"))
        for stage in (1, 2):  # stage boundaries: the width doubles and the resolution halves there
            x_line = 1 + 2 * n * stage + 0.5
            ax.axvline(x_line, color="0.6", linewidth=0.8, linestyle=":")
            ax.text(x_line, 0.98, tr(" stage {stage}: {width} channels, stride 2", stage=stage + 1,
                                     width=16 * 2 ** stage),
                    transform=ax.get_xaxis_transform(), rotation=90, va="top", ha="left", fontsize=7, color="0.4")
        loss = "∞" if not math.isfinite(net.loss) else f"{net.loss:.3g}"
        ax.set_title(tr("{name}: loss at init {loss}", name=net.name, loss=loss))
        ax.set_xlabel(tr("layer index (1 = stem conv, {depth} = fc)", depth=res.depth))
        ax.set_yscale("log")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8, loc="best")
    axes[0].set_ylabel(tr("gradient norm (log scale)"))
    fig.suptitle(
        tr("Gradients at initialization, depth {depth}, {bn}, {init} init",
           depth=res.depth, bn=tr("BN on") if res.batch_norm else tr("BN off"), init=tr(res.init))
        + (tr(", zero-init last BN") if res.zero_init_residual else "")
    )
    return fig
