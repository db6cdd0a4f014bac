"""The "Degradation" lab: why deeper plain nets train worse, and what the shortcut changes.

Three measurements on the CIFAR-style Plain-n / ResNet-n of He et al. §4.2 (1 input channel,
10 classes, 28×28 Fashion-MNIST inputs), each returning a dataclass and a matplotlib Figure:

* ``grad_norms`` -- per-layer weight-gradient norms and block-output gradient norms ‖∂L/∂h‖ at
  initialization, plain vs residual, BN on/off, three initializations (He et al. §4.1; Yang et
  al. 2019 for BN plain nets' gradients growing toward the input);
* ``shattered_gradients`` -- the gradient along a 1-D sweep of inputs and its autocorrelation
  (Balduzzi et al. 2017, Fig. 1: white noise for plain nets, brown noise for residual nets);
* ``gradient_highway`` -- for every residual block, how much of ∂L/∂x arrives through the
  shortcut and how much through the branch F.

Plus ``plot_training_curves`` (He et al. Fig. 6 from the shipped experiment) and ``live_run``,
the bounded side-by-side training shown live in the tab. The lesion study is in ``explainer.lesion``.

Every plain net here is the *twin* of a residual net: same layer names, same weights (copied
from the residual net), only the ``out = out + identity`` line (and the two 1×1 projections,
which a plain net has no use for) is missing.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.blocks import BasicBlock, zero_init_last_bn
from explainer.data import to_model_input
from explainer.i18n import N_, tr
from explainer.resnet import ResNet, build_resnet, cifar_spec, residual_blocks
from explainer.rng import seeded
from explainer.samples import load_sample

INITS: tuple[str, ...] = (N_("PyTorch default"), "Kaiming", "Xavier")  # shown translated: tr(init)
MIN_DEPTH = 8
MAX_DEPTH = 122  # 110 is the paper's deepest CIFAR net; a little headroom, still ≈ 1.5 s per pair
IMAGE_SIZE = 28  # the CIFAR-style nets see Fashion-MNIST at its native size
DEFAULT_BATCH = 64
PROBE_LR = 0.1  # He et al.'s learning rate: is one SGD step even representable in float32?
LOSS_EXPLODED = 1e3  # chance level is ln 10 ≈ 2.3; a loss above this means the logits blew up
PLAIN_COLOR = "#d62728"
RESIDUAL_COLOR = "#1f77b4"


# ----------------------------------------------------------------------------- building blocks


def check_depth(depth: object, *, lo: int = MIN_DEPTH, hi: int = MAX_DEPTH) -> int:
    """Return ``depth`` if it is 6n+2 within [lo, hi]; otherwise ``ValueError`` with the nearest choices."""
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)):
        raise ValueError(tr("Depth must be a whole number of layers (6n+2, e.g. 20, 56, 110), got {depth!r}.",
                            depth=depth))
    depth = int(depth)
    if depth < lo or depth > hi:
        raise ValueError(tr("Depth must be between {lo} and {hi} layers here, got {depth}.", lo=lo, hi=hi, depth=depth))
    if (depth - 2) % 6 != 0:
        below = depth - (depth - 2) % 6
        raise ValueError(tr(
            "CIFAR-style nets have 6n+2 layers (a stem conv, 3 stages of n two-conv blocks, an fc); "
            "{depth} is not of that form -- try {below} or {above}.",
            depth=depth, below=below, above=below + 6,
        ))
    return depth


def check_init(init: object) -> str:
    """Return ``init`` if it is one of ``INITS``; otherwise ``ValueError``."""
    if init not in INITS:
        raise ValueError(tr("Unknown initialization {init!r}: choose one of {choices}.",
                            init=init, choices=", ".join(tr(i) for i in INITS)))
    return str(init)


def apply_init(model: nn.Module, init: str) -> None:
    """Re-initialize every conv / fc / BN of ``model`` in place.

    * ``"PyTorch default"``: each layer's own ``reset_parameters()`` -- convs and fc get
      Kaiming-uniform with a=√5, i.e. weight variance 1/(3·fan_in), a gain of ≈ 0.41 per ReLU
      layer: signals shrink with depth. This undoes the builder's init.
    * ``"Kaiming"``: the builder's (torchvision's) init: He-normal, fan_out mode, ReLU gain, for
      every conv, zero biases; the fc keeps PyTorch's default, as in torchvision.
    * ``"Xavier"``: Glorot-normal (gain 1, i.e. no ReLU correction) for convs and fc, zero biases.
    """
    check_init(init)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear, nn.BatchNorm2d)):
            if init == "PyTorch default" or isinstance(m, nn.BatchNorm2d):
                m.reset_parameters()
            elif init == "Kaiming" and isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif init == "Kaiming":  # the fc: PyTorch default, as torchvision leaves it
                m.reset_parameters()
            else:  # Xavier
                nn.init.xavier_normal_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)


def build_pair(
    depth: int,
    *,
    batch_norm: bool = True,
    init: str = "Kaiming",
    zero_init_residual: bool = False,
    seed: int = 0,
) -> tuple[ResNet, ResNet]:
    """(Plain-depth, ResNet-depth) with identical weights wherever both have the layer.

    The residual net is built and initialized from ``seed``; the plain twin then receives its state
    dict (minus the two 1×1 projections it lacks), so any difference in what we measure comes from
    the skip connections alone. ``zero_init_residual`` zeroes γ of each branch's last BN in the
    residual net only: in a plain net it would cut the signal path altogether.
    """
    depth = check_depth(depth)
    check_init(init)
    with seeded(seed):  # not torch.manual_seed: another server thread could draw in between (explainer/rng.py)
        residual = build_resnet(cifar_spec(depth, residual=True, batch_norm=batch_norm, in_channels=1, num_classes=10))
    with seeded(seed):
        apply_init(residual, init)
    plain = build_resnet(cifar_spec(depth, residual=False, batch_norm=batch_norm, in_channels=1, num_classes=10))
    state = {k: v for k, v in residual.state_dict().items() if ".downsample." not in k}
    plain.load_state_dict(state, strict=True)
    if zero_init_residual:
        zero_init_last_bn(residual)
    return plain, residual


def default_batch(n: int = DEFAULT_BATCH, *, offset: int = 0) -> tuple[Tensor, Tensor]:
    """``n`` real images from the bundled test sample: x (n, 1, 28, 28) normalized, y (n,) int64."""
    sample = load_sample()
    if not 1 <= n <= len(sample) - offset:
        raise ValueError(tr("The batch must hold between 1 and {hi} images, got {n}.", hi=len(sample) - offset, n=n))
    images = sample.images[offset : offset + n]
    return to_model_input(images, size=IMAGE_SIZE), sample.labels[offset : offset + n]


def weighted_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The depth-counting layers in forward order: stem conv, every block conv, fc.

    The 1×1 projections of the residual net are not counted (He et al. count 6n+2 layers without
    them), so index i (1-based) names the same layer in the plain and the residual twin.
    """
    return [
        (name, m)
        for name, m in model.named_modules()
        if isinstance(m, (nn.Conv2d, nn.Linear)) and ".downsample" not in name
    ]


# ----------------------------------------------------------------------------- gradient norms


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

    @property
    def first_last_ratio(self) -> float:
        """‖∂L/∂W₁‖ / ‖∂L/∂W_{depth-1}‖: first conv over last conv (inf if the last is 0, nan if both are).

        Convs are compared with convs: the fc's gradient scales with the size of the pooled features,
        which the residual sum inflates, so it says little about how the gradient travels.
        """
        first, last = float(self.weight_grad[0]), float(self.weight_grad[-2])
        if last == 0.0:
            return math.nan if first == 0.0 else math.inf
        return first / last


@dataclass
class GradNormResult:
    """``grad_norms`` output: both nets' measurements and the settings they were taken with."""

    depth: int
    batch_norm: bool
    init: str
    zero_init_residual: bool
    batch_size: int
    plain: NetGradients
    residual: NetGradients
    seconds: float  # wall time of the two forward+backward passes

    def table(self) -> list[list[object]]:
        """Rows ``[layer, plain, residual]``: one per weighted layer, "index name" and two floats."""
        return [
            [f"{i} {name}", float(p), float(r)]
            for i, (name, p, r) in enumerate(
                zip(self.plain.layer_names, self.plain.weight_grad, self.residual.weight_grad), start=1
            )
        ]

    def block_table(self) -> list[list[object]]:
        """Rows ``[block output, plain, residual]`` of ‖∂L/∂h‖."""
        return [
            [name, float(p), float(r)]
            for name, p, r in zip(self.plain.block_names, self.plain.block_grad, self.residual.block_grad)
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
    try:
        loss = F.cross_entropy(model(x), y)
        loss.backward()
    finally:
        for h in handles:
            h.remove()
    layers = weighted_layers(model)
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
    )


def grad_norms(
    depth: int,
    *,
    batch_norm: bool,
    init: str,
    zero_init_residual: bool = False,
    batch: tuple[Tensor, Tensor] | None = None,
    seed: int = 0,
) -> GradNormResult:
    """Per-layer gradient norms of Plain-``depth`` and ResNet-``depth`` at initialization.

    ``batch`` is (x (N, 1, 28, 28) normalized, y (N,)); default: the first 64 bundled test images.
    Raises ``ValueError`` for a depth that is not 6n+2 in [8, 122] or an unknown ``init``.
    """
    depth = check_depth(depth)
    init = check_init(init)
    x, y = batch if batch is not None else default_batch()
    if x.dim() != 4 or x.shape[1] != 1 or x.shape[0] != y.shape[0]:
        raise ValueError(tr("The batch must be x (N, 1, H, W) with N labels, got {x_shape} and {y_shape}.",
                            x_shape=tuple(x.shape), y_shape=tuple(y.shape)))
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
    return GradNormResult(depth, bool(batch_norm), init, bool(zero_init_residual), int(x.shape[0]), p, r, seconds)


def _fmt(v: float) -> str:
    if v == 0.0:
        return "0"
    if not math.isfinite(v):
        return str(v)
    return f"{v:.1e}"


def _ratio_words(ratio: float) -> str:
    if math.isnan(ratio):
        return tr("undefined (both are 0)")
    if math.isinf(ratio):
        return tr("infinite (the last layer's gradient is 0)")
    if ratio == 0.0:
        return tr("0 (the first layer gets nothing)")
    return f"{ratio:.1e}× ({'≈ 10^' + str(round(math.log10(ratio)))})"


def _why_zero(net: NetGradients) -> str:
    """Where the backward signal became exactly 0, and whether dead ReLUs or float32 range did it."""
    bg, zf = net.block_grad, net.block_zero_fraction
    nonzero = np.flatnonzero(bg > 0)
    if len(bg) == 0 or len(nonzero) == len(bg):
        return ""
    # Blocks are in forward order; the backward pass runs from the last block to the first.
    k = int(nonzero.min()) - 1 if nonzero.size else len(bg) - 1  # deepest-from-the-top block with ‖∂L/∂h‖ = 0
    above = float(bg[k + 1]) if k + 1 < len(bg) else math.nan
    where = tr(" The gradient is last non-zero at the output of {block} (‖∂L/∂h‖ = {norm})",
               block=net.block_names[k + 1], norm=_fmt(above)) if k + 1 < len(bg) else ""
    dead = zf.size and float(zf[k + 1 if k + 1 < len(bg) else k]) == 1.0
    if dead:
        return where + tr(": there every ReLU output is 0 for every image (a dead layer), so the backward pass "
                          "multiplies by 0 and nothing reaches the layers below.")
    if above < 1e-30:
        return where + tr(": below that, the values fall under float32's smallest number (≈ 1e-45) and round to 0.")
    share = float(zf[k + 1]) if k + 1 < len(zf) else math.nan
    return where + tr("; {share:.0%} of its ReLU outputs are 0, and the tiny remainder does not survive the next "
                      "layers in float32.", share=share)


def explain_grad_norms(res: GradNormResult) -> str:
    """A Markdown explanation built from the measured numbers (no canned conclusions)."""
    lines: list[str] = []
    setting = tr(
        "**Setting:** depth {depth}, {bn}, {init} initialization{zero_init}, "
        "one batch of {batch} real Fashion-MNIST images. Chance-level loss is ln 10 ≈ 2.30.",
        depth=res.depth, bn=tr("with batch norm") if res.batch_norm else tr("without batch norm"),
        init=tr(res.init),
        zero_init=tr(", zero-initialized last BN in each residual branch") if res.zero_init_residual else "",
        batch=res.batch_size,
    )
    lines.append(setting)
    if res.zero_init_residual and not res.batch_norm:
        lines.append(tr("- Zero-init of the last BN has no effect here: without batch norm there is no BN γ to zero."))
    elif res.zero_init_residual:
        lines.append(tr(
            "- Zero-init: every residual branch ends in a BN with γ = 0, so each block starts as the identity and the "
            "convs inside the branches get exactly zero gradient at this first step (only γ, not plotted, and the "
            "stem and fc do); after one update γ ≠ 0 and they start learning. Applied to the residual net only."
        ))
    for net in (res.plain, res.residual):
        g1, gl, gfc = (float(net.weight_grad[i]) for i in (0, -2, -1))
        zeros = int((net.weight_grad == 0).sum())
        parts = [tr(
            "- **{name}**: loss at init {loss}; weight-gradient norm of the first conv {first}, "
            "of the last conv {last} (fc {fc}); first/last conv ratio {ratio}.",
            name=net.name, loss=_fmt(net.loss), first=_fmt(g1), last=_fmt(gl), fc=_fmt(gfc),
            ratio=_ratio_words(net.first_last_ratio),
        )]
        if not math.isfinite(net.loss):
            parts.append(tr(" The loss is not finite: the forward pass overflowed float32."))
        elif net.loss > LOSS_EXPLODED:
            parts.append(tr(
                " **The loss exploded**: the logits are huge, so the activations grew with depth "
                "(each layer multiplied their scale by more than 1)."
            ))
        if g1 == 0.0:
            parts.append(tr(
                " **The first layer's weight gradient is exactly 0 -- it underflowed to zero**: "
                "{zeros} of {layers} layers receive no gradient at all, so they cannot learn.",
                zeros=zeros, layers=len(net.weight_grad),
            ) + _why_zero(net))
        elif zeros:
            parts.append(tr(" {zeros} layer(s) receive an exactly zero gradient.", zeros=zeros))
        if g1 > 0.0 and net.weight_grad_fp32.size and float(net.weight_grad_fp32[0]) == 0.0:
            parts.append(tr(
                " **Underflow:** the first layer's gradient is not 0 but {first}; computed in float32 its norm "
                "underflows to exactly 0 (the squared entries are below float32's smallest number, ≈ 1e-45), which "
                "is where the often-quoted \"the gradient is 0\" comes from. We compute norms in float64.",
                first=_fmt(g1),
            ))
        lost = int(net.update_lost.sum()) if net.update_lost.size else 0
        if lost and g1 > 0.0:
            parts.append(tr(
                " For {lost} of {layers} layers an SGD step with lr {lr} is smaller than float32's "
                "resolution at the size of their weights: W − lr·∂L/∂W rounds back to exactly W",
                lost=lost, layers=len(net.weight_grad), lr=PROBE_LR,
            ) + (tr(", the first layer included -- it cannot learn at all.") if bool(net.update_lost[0]) else tr(".")))
        bg = net.block_grad
        if len(bg) >= 2 and bg[-1] > 0 and bg[0] > 0:
            factor = _fmt(max(bg[0], bg[-1]) / min(bg[0], bg[-1]))
            template = (
                N_(" ‖∂L/∂h‖ goes from {last} at the last block to {first} at the first "
                   "(growing toward the input by {factor}×).") if bg[0] > bg[-1] else
                N_(" ‖∂L/∂h‖ goes from {last} at the last block to {first} at the first "
                   "(shrinking toward the input by {factor}×).")
            )
            parts.append(tr(template, last=_fmt(float(bg[-1])), first=_fmt(float(bg[0])), factor=factor))
        lines.append("".join(parts))
    # What the comparison shows, decided by the numbers.
    p, r = res.plain, res.residual
    pr, rr = p.first_last_ratio, r.first_last_ratio
    vanished = float(p.weight_grad[0]) == 0.0 or (p.update_lost.size > 0 and bool(p.update_lost[0]))
    if vanished and float(r.weight_grad[0]) > 0.0 and not (r.update_lost.size and bool(r.update_lost[0])):
        lines.append(tr(
            "**Reading:** the plain net's gradient vanishes on its way down the {depth} layers, while the "
            "shortcuts give the residual net's first layer a usable gradient ({first}): "
            "each skip adds an identity term to the backward pass, so the gradient does not have to survive "
            "every layer's multiplication.",
            depth=res.depth, first=_fmt(float(r.weight_grad[0])),
        ))
    elif math.isfinite(pr) and math.isfinite(rr) and pr > 0 and rr > 0:
        lp, lr = math.log10(pr), math.log10(rr)
        if res.batch_norm and lp > 1 and lp > lr + 1:
            lines.append(tr(
                "**Reading:** with batch norm nothing vanishes -- the plain net's gradients *grow* toward the input "
                "(first/last ≈ 10^{plain}, vs 10^{residual} for the residual net). He et al. §4.1 note these "
                "norms are \"healthy\": degradation of deep BN plain nets is not simply vanishing gradients but an "
                "optimization difficulty (Yang et al. 2019: their gradients explode toward the input at init).",
                plain=round(lp), residual=round(lr),
            ))
        elif lp < -1 and lp < lr - 1:
            lines.append(tr(
                "**Reading:** the plain net's gradients shrink toward the input (first/last ≈ 10^{plain}), "
                "the residual net's much less (≈ 10^{residual}): the identity paths carry the gradient down.",
                plain=round(lp), residual=round(lr),
            ))
        elif abs(lp - lr) <= 1:
            lines.append(tr(
                "**Reading:** at this setting both nets' gradients stay within a similar range "
                "(first/last ≈ 10^{plain} plain, 10^{residual} residual); try a deeper net or switch BN off.",
                plain=round(lp), residual=round(lr),
            ))
        else:
            lines.append(tr(
                "**Reading:** first/last conv gradient ≈ 10^{plain} for the plain net and 10^{residual} for the "
                "residual net (above 1: the gradient grows toward the input; below 1: it shrinks).",
                plain=round(lp), residual=round(lr),
            ))
    if r.loss > LOSS_EXPLODED and not res.batch_norm:
        lines.append(tr(
            "**Why the residual net blows up here:** without BN each block adds F(x) to x, and with an init that "
            "keeps F(x) as large as x the variance roughly doubles per block -- over many blocks the activations "
            "(and the loss) explode. BN, zero-init of the last layer of each branch, or a smaller init avoid it."
        ))
    return "\n\n".join(lines)


def _plot_with_zeros(ax, xs: np.ndarray, ys: np.ndarray, floor: float, **kw) -> None:  # noqa: ANN001
    # A log axis cannot show 0: draw exact zeros as triangles on the floor, labelled underflow.
    ys = np.asarray(ys, dtype=np.float64)
    ok = ys > 0
    ax.plot(xs[ok], ys[ok], **kw)
    if (~ok).any():
        ax.plot(xs[~ok], np.full((~ok).sum(), floor), linestyle="none", marker="v", color=kw.get("color"),
                label=tr("{label}: exactly 0", label=kw.get("label", "")))


def plot_grad_norms(res: GradNormResult) -> Figure:
    """Log-scale ‖∂L/∂W‖ per layer index and ‖∂L/∂h‖ per block output; plain left, residual right."""
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    positive = np.concatenate([
        v[v > 0] for net in (res.plain, res.residual) for v in (net.weight_grad, net.block_grad)
    ] + [np.array([1e-30])])
    floor = float(positive[positive > 1e-30].min()) / 10 if (positive > 1e-30).any() else 1e-30
    n = (res.depth - 2) // 6
    for ax, net, color in zip(axes, (res.plain, res.residual), (PLAIN_COLOR, RESIDUAL_COLOR)):
        xs = np.arange(1, len(net.weight_grad) + 1)
        _plot_with_zeros(ax, xs, net.weight_grad, floor, color=color, marker="o", markersize=3,
                         label=tr("‖∂L/∂W‖ per layer"))
        # Block b (0-based) ends with weighted layer 1 + 2(b+1).
        bx = 1 + 2 * np.arange(1, len(net.block_grad) + 1)
        _plot_with_zeros(ax, bx, net.block_grad, floor, color="0.35", marker="s", markersize=3, linestyle="--",
                         label=tr("‖∂L/∂h‖ at block outputs"))
        for stage in (1, 2):  # stage boundaries (where the width doubles)
            ax.axvline(1 + 2 * n * stage + 0.5, color="0.8", linewidth=0.8)
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


# ----------------------------------------------------------------------------- shattered gradients


def _calibrate_bn(model: nn.Module, x: Tensor) -> None:
    # Set BN running statistics to those of a real batch, then evaluate with them frozen: each
    # point of the sweep is then processed independently (train-mode BN would mix the points).
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average: one batch → exactly its statistics
    model.train()
    with torch.no_grad():
        model(x)
    model.eval()


def autocorrelation(signal: np.ndarray, max_lag: int) -> np.ndarray:
    """Normalized autocorrelation of a 1-D signal (mean removed), lags 0..max_lag → (max_lag+1,)."""
    s = np.asarray(signal, dtype=np.float64)
    s = s - s.mean()
    denom = float((s * s).sum())
    if denom == 0.0:
        return np.zeros(max_lag + 1)
    return np.array([float((s[: len(s) - k] * s[k:]).sum()) / denom for k in range(max_lag + 1)])


def correlation_length(acf: np.ndarray) -> int:
    """First lag at which the autocorrelation drops below 1/2 (len(acf) if it never does)."""
    below = np.flatnonzero(acf < 0.5)
    return int(below[0]) if below.size else len(acf)


@dataclass
class ShatteredResult:
    """Gradients along a sweep x(t) = (1-t)·a + t·b from a real image a toward b, t ∈ [0, span]."""

    depth: int
    t: np.ndarray  # (P,)
    plain_grad: np.ndarray  # (P,) d f(x(t)) / dt for the plain net (f = logit of image a's class)
    residual_grad: np.ndarray  # (P,)
    max_lag: int
    plain_acf: np.ndarray  # (max_lag+1,)
    residual_acf: np.ndarray  # (max_lag+1,)
    labels: tuple[int, int]  # classes of the two end images
    seconds: float

    @property
    def plain_corr_length(self) -> int:
        return correlation_length(self.plain_acf)

    @property
    def residual_corr_length(self) -> int:
        return correlation_length(self.residual_acf)


def sweep_gradient(model: nn.Module, a: Tensor, b: Tensor, t: Tensor, output: int, chunk: int = 128) -> np.ndarray:
    """d model(x(t))[output] / dt for x(t) = a + t·(b - a); a, b (1, 1, H, W), t (P,) → (P,).

    Autograd w.r.t. t itself (model in eval mode, so the points do not interact): one backward
    per chunk gives every point's derivative, since the sum's gradient splits over independent points.
    """
    out = []
    for start in range(0, len(t), chunk):
        tc = t[start : start + chunk].clone().requires_grad_(True)
        x = a + tc.view(-1, 1, 1, 1) * (b - a)
        f = model(x)[:, output].sum()
        (g,) = torch.autograd.grad(f, tc)
        out.append(g.detach())
    return torch.cat(out).numpy().astype(np.float64)


def shattered_gradients(
    depth: int = 56,
    *,
    points: int = 256,
    max_lag: int = 40,
    pair: tuple[int, int] = (0, 1),
    span: float = 0.1,
    init: str = "Kaiming",
    seed: int = 0,
) -> ShatteredResult:
    """Balduzzi et al. 2017, Fig. 1, on real images: the gradient of one logit along a line in input space.

    Both nets (BN on, statistics from 64 real images, then frozen) see x(t) = (1-t)·a + t·b for
    ``points`` values of t in [0, span], where a and b are bundled test images ``pair`` and f is
    the logit of a's class. Returns the derivative df/dt at each point and its autocorrelation up
    to ``max_lag``. ``span`` 0.1 (the first tenth of the way from a to b) is the scale at which
    Plain-56 has shattered while Plain-20 and ResNet-56 have not (measured; over the whole segment
    even the residual net's gradient decorrelates within a step or two).
    """
    depth = check_depth(depth)
    if not 16 <= points <= 1024:
        raise ValueError(tr("The sweep needs between 16 and 1024 points, got {points}.", points=points))
    if not 1 <= max_lag < points // 2:
        raise ValueError(tr("max_lag must be between 1 and {hi}, got {max_lag}.", hi=points // 2 - 1, max_lag=max_lag))
    if not 0.0 < span <= 1.0:
        raise ValueError(tr("span must be in (0, 1] (a fraction of the way from image a to image b), got {span}.",
                            span=span))
    x, y = default_batch()
    i, j = pair
    if not (0 <= i < len(x) and 0 <= j < len(x)) or i == j:
        raise ValueError(tr("pair must name two different images among the first {n}, got {pair}.", n=len(x), pair=pair))
    plain, residual = build_pair(depth, batch_norm=True, init=init, seed=seed)
    t = torch.linspace(0.0, span, points)
    a, b = x[i : i + 1], x[j : j + 1]
    t0 = time.perf_counter()
    grads = []
    for model in (plain, residual):
        _calibrate_bn(model, x)
        grads.append(sweep_gradient(model, a, b, t, int(y[i])))
    seconds = time.perf_counter() - t0
    return ShatteredResult(
        depth, t.numpy(), grads[0], grads[1], max_lag,
        autocorrelation(grads[0], max_lag), autocorrelation(grads[1], max_lag),
        (int(y[i]), int(y[j])), seconds,
    )


def plot_shattered(res: ShatteredResult) -> Figure:
    """Top: both gradient traces (each divided by its std); bottom: their autocorrelations."""
    fig = Figure(figsize=(11, 5.5), layout="constrained")
    axes = fig.subplots(2, 2)
    for col, (name, g, acf, color) in enumerate((
        (f"Plain-{res.depth}", res.plain_grad, res.plain_acf, PLAIN_COLOR),
        (f"ResNet-{res.depth}", res.residual_grad, res.residual_acf, RESIDUAL_COLOR),
    )):
        std = float(np.std(g)) or 1.0
        axes[0, col].plot(res.t, (g - g.mean()) / std, color=color, linewidth=1)
        axes[0, col].set_title(tr("{name}: d logit / dt along the sweep", name=name))
        axes[0, col].set_xlabel(tr("t (x = (1-t)·a + t·b; 0 = image a, 1 = image b)"))
        axes[0, col].set_ylabel(tr("gradient (standardized)"))
        lags = np.arange(len(acf))
        axes[1, col].bar(lags, acf, color=color, width=0.8)
        axes[1, col].axhline(0.5, color="0.5", linestyle=":", linewidth=1)
        axes[1, col].set_ylim(-0.5, 1.05)
        axes[1, col].set_xlabel(tr("lag (sweep steps)"))
        axes[1, col].set_ylabel(tr("autocorrelation"))
        axes[1, col].set_title(tr("correlation length {steps} step(s)", steps=correlation_length(acf)))
    fig.suptitle(tr("Shattered gradients at depth {depth} (BN on, init): white noise vs brown noise", depth=res.depth))
    return fig


def explain_shattered(res: ShatteredResult) -> str:
    """Markdown explanation from the measured autocorrelations."""
    p1, r1 = float(res.plain_acf[1]), float(res.residual_acf[1])
    pl, rl = res.plain_corr_length, res.residual_corr_length
    verdict = (
        tr("The plain net's gradient is closer to **white noise** (neighbouring inputs get unrelated gradients), "
           "the residual net's to **brown noise** (a random walk: neighbours agree). Gradients that are noise "
           "carry little information about which way to move the weights -- that is Balduzzi et al.'s "
           "explanation of why deep plain nets are hard to train.")
        if rl > pl or r1 > p1 + 0.1
        else tr("At this depth the two traces are similarly correlated; shattering grows with depth -- try a deeper net.")
    )
    return tr(
        "Autocorrelation at lag 1: plain {p1:.2f}, residual {r1:.2f}; the correlation drops below 1/2 after "
        "{pl} step(s) for the plain net and {rl} for the residual net ({points} points on the first {span:.0%} "
        "of the line from one real image to another).",
        p1=p1, r1=r1, pl=pl, rl=rl, points=len(res.t), span=res.t[-1],
    ) + "\n\n" + verdict


# ----------------------------------------------------------------------------- gradient highway


@dataclass
class HighwayRow:
    """∂L/∂x of one block split into the shortcut term and the branch term."""

    block: str
    projection: bool  # True: the "identity" term goes through the 1×1 projection (downsampling block)
    identity_norm: float  # ‖(∂s/∂x)ᵀ ∂L/∂z‖, s = shortcut (x itself, or the projection)
    branch_norm: float  # ‖(∂F/∂x)ᵀ ∂L/∂z‖
    total_norm: float  # ‖∂L/∂x‖
    cosine: float  # cosine between the two terms (they are not orthogonal, so norms do not add)

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
            [r.block, tr("1×1 projection") if r.projection else tr("identity"), r.identity_norm, r.branch_norm,
             r.total_norm, round(r.identity_share, 4)]
            for r in self.rows
        ]


def highway_terms(model: ResNet, x: Tensor, y: Tensor) -> tuple[float, list[dict[str, Tensor]]]:
    """For each block, x, the shortcut and branch gradient terms and autograd's ∂L/∂x (all (N, C, H, W)).

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
        out.append({"identity": ident.detach(), "branch": branch.detach(), "total": gz[nb + k].detach()})
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
        rows.append(HighwayRow(name, blk.downsample is not None, float(i.norm()), float(b.norm()), tn, cos))
    return HighwayResult(depth, bool(batch_norm), init, loss, rows, err)


def plot_highway(res: HighwayResult) -> Figure:
    """Per block: ‖identity term‖, ‖branch term‖, ‖∂L/∂x‖ (log scale) and the identity share."""
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    xs = np.arange(1, len(res.rows) + 1)
    ax1.plot(xs, [r.identity_norm for r in res.rows], "o-", color=RESIDUAL_COLOR, markersize=3,
             label=tr("shortcut term ∂L/∂z (or through projection)"))
    ax1.plot(xs, [r.branch_norm for r in res.rows], "s-", color="#ff7f0e", markersize=3,
             label=tr("branch term (∂F/∂x)ᵀ∂L/∂z"))
    ax1.plot(xs, [r.total_norm for r in res.rows], "--", color="0.3", label=tr("‖∂L/∂x‖ (sum)"))
    ax1.set_yscale("log")
    ax1.set_xlabel(tr("block (input side → output side)"))
    ax1.set_ylabel(tr("norm"))
    ax1.legend(fontsize=8)
    ax1.set_title(tr("ResNet-{depth}: the two terms of ∂L/∂x", depth=res.depth))
    shares = [r.identity_share for r in res.rows]
    colors = ["#9467bd" if r.projection else RESIDUAL_COLOR for r in res.rows]
    ax2.bar(xs, shares, color=colors)
    ax2.axhline(0.5, color="0.5", linestyle=":")
    ax2.set_ylim(0, 1)
    ax2.set_xlabel(tr("block (purple = downsampling block: shortcut is the 1×1 projection)"))
    ax2.set_ylabel(tr("‖shortcut‖ / (‖shortcut‖ + ‖branch‖)"))
    ax2.set_title(tr("shortcut share of the gradient"))
    fig.suptitle(tr("Gradient highway at init, {bn}, {init} init, loss {loss:.3g}",
                    bn=tr("BN on") if res.batch_norm else tr("BN off"), init=tr(res.init), loss=res.loss))
    return fig


def explain_highway(res: HighwayResult) -> str:
    """Markdown explanation from the measured shares."""
    ident = [r.identity_share for r in res.rows if not r.projection]
    proj = [r for r in res.rows if r.projection]
    lo, hi, med = (min(ident), max(ident), float(np.median(ident))) if ident else (math.nan,) * 3
    text = tr(
        "In each block y = relu(z), z = x + F(x), so ∂L/∂x = ∂L/∂z + (∂F/∂x)ᵀ∂L/∂z: the first term skips the "
        "branch entirely. Across the {n} identity blocks the shortcut carries {lo:.0%}–{hi:.0%} of the "
        "gradient magnitude (median {med:.0%}). The two terms sum exactly to autograd's ∂L/∂x (largest relative "
        "error {err:.1e}).",
        n=len(ident), lo=lo, hi=hi, med=med, err=res.max_sum_error,
    )
    if proj:
        text += tr(
            " In the {n} downsampling block(s) ({blocks}) the shape changes, "
            "so the \"identity\" term is really the path through the 1×1 projection -- it is not a free highway.",
            n=len(proj), blocks=", ".join(r.block for r in proj),
        )
    return text


# ----------------------------------------------------------------------------- training curves


X_AXES = {"epoch": N_("epoch"), "step": N_("step")}  # x_axis values of the results JSON, as shown


def plot_training_curves(runs: Sequence[dict], *, x_axis: str = "epoch") -> Figure:
    """He et al. Fig. 6: training error solid, test error dashed; plain nets left, residual right.

    ``runs`` are dicts with ``name``, ``residual``, ``depth`` and equal-length ``x``, ``train_error``,
    ``test_error`` (fractions; test entries may be None where not measured).
    """
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    depths = sorted({int(r["depth"]) for r in runs})
    palette = ["#2ca02c", "#d62728", "#9467bd", "#8c564b", "#1f77b4"]
    for ax, residual in zip(axes, (False, True)):
        for r in sorted((r for r in runs if bool(r["residual"]) == residual), key=lambda r: r["depth"]):
            color = palette[depths.index(int(r["depth"])) % len(palette)]
            xs = np.asarray(r["x"], dtype=float)
            train = np.asarray(r["train_error"], dtype=float) * 100
            ax.plot(xs, train, color=color, linewidth=1.5, label=tr("{name} train", name=r["name"]))
            te = np.array([np.nan if v is None else v for v in r["test_error"]], dtype=float) * 100
            if np.isfinite(te).any():
                ax.plot(xs, te, color=color, linewidth=1.5, linestyle="--", label=tr("{name} test", name=r["name"]))
        ax.set_title(tr("plain nets") if not residual else tr("residual nets"))
        ax.set_xlabel(tr(X_AXES.get(x_axis, x_axis)))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel(tr("error (%)"))
    return fig


# ----------------------------------------------------------------------------- live mini-run

LIVE_MAX_DEPTH = 56
LIVE_MAX_STEPS = 300
LIVE_BATCH = 64


@dataclass
class LiveState:
    """Progress of the side-by-side mini-run after ``step`` steps of each net."""

    depth: int
    step: int
    total_steps: int
    plain_loss: list[float] = field(default_factory=list)
    plain_error: list[float] = field(default_factory=list)
    residual_loss: list[float] = field(default_factory=list)
    residual_error: list[float] = field(default_factory=list)
    data_note: str = ""
    seconds: float = 0.0


@functools.lru_cache(maxsize=1)
def _live_source() -> tuple[Tensor, Tensor, str | None]:
    """Images, labels and the training split's directory (None: the bundled test sample), read once."""
    from explainer.data import find_data_dir, load_split

    try:
        directory = find_data_dir()
    except ValueError:
        directory = None
    if directory is not None:
        try:
            split = load_split("train")
            return split.images, split.labels, str(directory)
        except ValueError:
            pass
    sample = load_sample()
    return sample.images, sample.labels, None


def live_data() -> tuple[Tensor, Tensor, str]:
    """Images uint8 (N, 28, 28), labels (N,) and a note for the live run (in the current language).

    The training split if it is installed locally (never downloaded at app run time), else the
    bundled 2000-image *test* sample -- said so in the note, since training on test images is only
    acceptable for a demonstration of optimization speed. The data are read once; the note is
    written per call, so it follows each request's language.
    """
    images, labels, directory = _live_source()
    if directory is not None:
        return images, labels, tr("Fashion-MNIST training split ({n} images, {directory})",
                                  n=len(labels), directory=directory)
    return images, labels, tr(
        "the {n} bundled Fashion-MNIST test images (the training split is not installed here; "
        "fine for watching optimization, not for measuring generalization)",
        n=len(labels),
    )


def live_run(
    depth: int,
    steps: int,
    *,
    images: Tensor,
    labels: Tensor,
    every: int = 10,
    lr: float = 0.05,
    seed: int = 0,
) -> Iterator[LiveState]:
    """Train Plain-``depth`` and ResNet-``depth`` side by side (one step each, alternating).

    ``images`` uint8 (N, 28, 28), ``labels`` (N,). SGD momentum 0.9 with a linear warm-up over the
    first 10 % of steps (deep plain nets diverge at once otherwise), batch 64, fp32. Yields a
    ``LiveState`` every ``every`` steps and at the end; the caller may stop iterating at any time.
    """
    depth = check_depth(depth, hi=LIVE_MAX_DEPTH)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= LIVE_MAX_STEPS:
        raise ValueError(tr("The number of steps must be a whole number between 1 and {hi}, got {steps!r}.",
                            hi=LIVE_MAX_STEPS, steps=steps))
    if len(images) < LIVE_BATCH:
        raise ValueError(tr("The live run needs at least {batch} images, got {n}.", batch=LIVE_BATCH, n=len(images)))
    plain, residual = build_pair(depth, batch_norm=True, init="Kaiming", seed=seed)
    opts = [torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4) for m in (plain, residual)]
    warmup = max(1, steps // 10)
    g = torch.Generator().manual_seed(seed)
    state = LiveState(depth, 0, steps)
    t0 = time.perf_counter()
    for step in range(1, steps + 1):
        idx = torch.randint(0, len(images), (LIVE_BATCH,), generator=g)
        x, y = to_model_input(images[idx], size=IMAGE_SIZE), labels[idx]
        for model, opt, losses, errors in (
            (plain, opts[0], state.plain_loss, state.plain_error),
            (residual, opts[1], state.residual_loss, state.residual_error),
        ):
            for group in opt.param_groups:
                group["lr"] = lr * min(1.0, step / warmup)
            model.train()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
            errors.append(float((logits.argmax(1) != y).float().mean()))
        state.step = step
        state.seconds = time.perf_counter() - t0
        if step % every == 0 or step == steps:
            # A snapshot: the caller may keep earlier states (e.g. to animate) while we keep training.
            yield LiveState(depth, step, steps, list(state.plain_loss), list(state.plain_error),
                            list(state.residual_loss), list(state.residual_error), state.data_note, state.seconds)


def _smooth(v: Sequence[float], k: int = 10) -> np.ndarray:
    a = np.asarray(v, dtype=float)
    if len(a) == 0:
        return a
    c = np.cumsum(np.insert(a, 0, 0.0))
    out = np.empty_like(a)
    for i in range(len(a)):
        lo = max(0, i + 1 - k)
        out[i] = (c[i + 1] - c[lo]) / (i + 1 - lo)
    return out


def plot_live(state: LiveState) -> Figure:
    """Training loss and error (running mean of 10 steps) of both nets so far."""
    fig = Figure(figsize=(11, 3.8), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    xs = np.arange(1, state.step + 1)
    for name, loss, err, color in (
        (f"Plain-{state.depth}", state.plain_loss, state.plain_error, PLAIN_COLOR),
        (f"ResNet-{state.depth}", state.residual_loss, state.residual_error, RESIDUAL_COLOR),
    ):
        ax1.plot(xs, _smooth(loss), color=color, label=name)
        ax2.plot(xs, _smooth(err) * 100, color=color, label=name)
    for ax in (ax1, ax2):
        ax.set_xlim(0, state.total_steps)
        ax.set_xlabel(tr("step (batch of {batch})", batch=LIVE_BATCH))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    ax1.set_ylabel(tr("training loss (mean of last 10 steps)"))
    ax2.set_ylabel(tr("training error % (mean of last 10 steps)"))
    fig.suptitle(tr("Live: step {step}/{total}, {seconds:.0f} s", step=state.step, total=state.total_steps,
                    seconds=state.seconds))
    return fig
