"""What the gradient norms say, in words: the reading under the gradient-norm plot.

Every sentence is a function of a ``GradNormResult`` (``explainer.degradation.grad_norms``): the direction
of gradient flow from the activation gradients ‖∂L/∂h‖ at the first vs the last block output, why a
gradient is 0 where it is, who measured what, when (He et al. 2015 vs Yang et al. 2019), and -- when the
pre-activation net was measured -- whether its gradient is more even than the ResNet's (He et al. 2016).
"""

from __future__ import annotations

import math

import numpy as np

from explainer.degradation.grad_norms import GradNormResult, NetGradients
from explainer.degradation.nets import LOSS_EXPLODED, PROBE_LR
from explainer.i18n import tr


def _fmt(v: float) -> str:
    if v == 0.0:
        return "0"
    if not math.isfinite(v):
        return str(v)
    return f"{v:.1e}"


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


#: ‖∂L/∂h‖ that changes by less than this factor from the last block to the first is read as "about
#: constant": a convention of this app (the per-block norms wobble by tens of percent at init).
FLAT_FACTOR = 2.0


def activation_flow(block_grad: np.ndarray) -> tuple[str, float] | None:
    """Direction of the backward signal from ‖∂L/∂h‖ at the first and last block outputs, (3n,) → (kind, factor).

    kind is "grows" (larger at the first block: the gradient grows on its way to the input),
    "shrinks", or "flat" (within ``FLAT_FACTOR`` either way); factor = larger / smaller (≥ 1).
    None if there are fewer than 2 blocks or either end is 0 or not finite (nothing to compare).
    """
    bg = np.asarray(block_grad, dtype=np.float64)
    if len(bg) < 2 or not (np.isfinite(bg[0]) and np.isfinite(bg[-1])) or bg[0] <= 0 or bg[-1] <= 0:
        return None
    first, last = float(bg[0]), float(bg[-1])
    factor = max(first, last) / min(first, last)
    if factor < FLAT_FACTOR:
        return "flat", factor
    return ("grows" if first > last else "shrinks"), factor


def _factor(v: float) -> str:
    # "15" reads better than "1.5e+01"; powers of ten only where the factor is large.
    return f"{v:.3g}" if v < 1000 else _fmt(v)


def _flow_words(kind: str, factor: float) -> str:
    if kind == "grows":
        return tr("growing toward the input by {factor}×", factor=_factor(factor))
    if kind == "shrinks":
        return tr("shrinking toward the input by {factor}×", factor=_factor(factor))
    return tr("within {flat:g}× of constant ({factor:.2f}×)", flat=FLAT_FACTOR, factor=factor)


def grad_norm_reading(res: GradNormResult) -> list[str]:
    """The **Reading** paragraphs: decided by ‖∂L/∂h‖ at the first vs the last block output of each net.

    Not by the first/last ‖∂L/∂W‖: a conv's weight gradient is its input activations times the gradient
    at its output, so it also carries the activations' scale (which a residual sum grows block by block).
    """
    p, r = res.plain, res.residual
    out: list[str] = []
    pf, rf = activation_flow(p.block_grad), activation_flow(r.block_grad)
    if pf is not None and rf is not None:
        if pf[0] == rf[0] == "flat":
            out.append(tr(
                "**Reading:** from the last block to the first, ‖∂L/∂h‖ stays within {flat:g}× of constant in both "
                "nets ({plain}× plain, {residual}× residual): at this setting the gradient neither vanishes nor "
                "explodes on its way to the input, with or without shortcuts.",
                flat=FLAT_FACTOR, plain=f"{pf[1]:.2f}", residual=f"{rf[1]:.2f}",
            ))
        else:
            out.append(tr(
                "**Reading:** on its way from the last block to the first, ‖∂L/∂h‖ is {plain} in {plain_name} and "
                "{residual} in {residual_name}.",
                plain=_flow_words(*pf), plain_name=p.name, residual=_flow_words(*rf), residual_name=r.name,
            ))
            # Signed orders of magnitude from the last block to the first (> 0: grows toward the input).
            lp = math.log10(float(p.block_grad[0]) / float(p.block_grad[-1]))
            lr = math.log10(float(r.block_grad[0]) / float(r.block_grad[-1]))
            apart = math.log10(FLAT_FACTOR)  # the two nets differ only if their log-changes do by this much
            k = _factor(10 ** abs(lr - lp))
            if abs(lr - lp) < apart:
                out.append(tr("The two nets' changes are within {flat:g}× of each other.", flat=FLAT_FACTOR))
            elif lr > lp and rf[0] == "grows":
                out.append(tr(
                    "Here the residual net's ‖∂L/∂h‖ at the first block is {k}× larger, relative to the last block, "
                    "than the plain net's: each block adds its branch's gradient to the one arriving through the "
                    "shortcut, and nothing on the shortcut rescales the sum.", k=k))
            elif lr > lp and pf[0] == "shrinks":
                out.append(tr(
                    "The shortcuts carry the gradient down: at the first block the residual net keeps {k}× more of "
                    "it, relative to the last block, than the plain net does.", k=k))
            elif lr > lp:
                out.append(tr("At the first block the residual net's ‖∂L/∂h‖ is {k}× larger, relative to the last "
                              "block, than the plain net's.", k=k))
            elif pf[0] == "grows":
                out.append(tr(
                    "The shortcuts temper the growth: the plain net's gradient grows {k}× more than the residual "
                    "net's.", k=k))
            else:
                out.append(tr("At the first block the plain net's ‖∂L/∂h‖ is {k}× larger, relative to the last "
                              "block, than the residual net's.", k=k))
        if res.batch_norm and pf[0] == "grows":
            out.append(tr(
                "He et al. (2015, §4.1) write that with BN the backward-propagated gradients of their plain nets "
                "\"exhibit healthy norms\"; they do not say at which point of training they measured. This plot is "
                "at initialization, where Plain-{depth}'s ‖∂L/∂h‖ grows {factor}× toward the input: Yang et al. "
                "(2019) showed that batch norm itself makes gradients explode with depth at initialization. "
                "Both can hold -- they describe different moments of training.",
                depth=res.depth, factor=_factor(pf[1]),
            ))
    p_vanished = float(p.weight_grad[0]) == 0.0 or (p.update_lost.size > 0 and bool(p.update_lost[0]))
    r_usable = float(r.weight_grad[0]) > 0.0 and not (r.update_lost.size and bool(r.update_lost[0]))
    if p_vanished and r_usable:
        out.append(tr(
            "The plain net's gradient vanishes on its way down the {depth} layers, while the "
            "shortcuts give the residual net's first layer a usable gradient ({first}): "
            "each skip adds an identity term to the backward pass, so the gradient does not have to survive "
            "every layer's multiplication.",
            depth=res.depth, first=_fmt(float(r.weight_grad[0])),
        ))
    out.append(tr(
        "‖∂L/∂W‖ of a conv layer is its input activations times the gradient at its output, so it also carries "
        "the activations' scale; the direction of gradient flow is read from ‖∂L/∂h‖ above, not from the "
        "first and last ‖∂L/∂W‖."
    ))
    return out


#: Losses at init that differ by less than this (in nats) are not contrasted: a convention of this app
#: (chance is ln 10 ≈ 2.30; the three nets' losses at init differ by hundredths at the shallow depths).
LOSS_GAP = 0.1


def evenness(residual_bg: np.ndarray, preact_bg: np.ndarray) -> tuple[str, float] | None:
    """Which net's ‖∂L/∂h‖ changes less from the last block to the first, (3n,) and (3n,) → (kind, factor).

    The change is |log10(first / last)|, whichever its direction. kind is "preact" (the pre-activation net's
    is more even), "residual", or "same" (the two changes within ``FLAT_FACTOR`` of each other); factor is
    how many times larger the other net's change is (≥ 1). None if either net has no direction to read.
    """
    rf, pf = activation_flow(residual_bg), activation_flow(preact_bg)
    if rf is None or pf is None:
        return None
    spread_r, spread_p = math.log10(rf[1]), math.log10(pf[1])  # activation_flow's factor is ≥ 1
    factor = 10 ** abs(spread_r - spread_p)
    if factor < FLAT_FACTOR:
        return "same", factor
    return ("preact" if spread_p < spread_r else "residual"), factor


def preact_reading(res: GradNormResult) -> list[str]:
    """The pre-activation paragraphs: its gradient flow beside the ResNet's, and its loss at init (empty if
    the pre-activation net was not measured). Every verdict follows from the numbers."""
    q, r = res.preact, res.residual
    if q is None:
        return []
    out: list[str] = []
    verdict = evenness(r.block_grad, q.block_grad)
    if verdict is None:
        out.append(tr(
            "**Pre-activation:** ‖∂L/∂h‖ is 0 or not finite at the first or last block of {preact_name} or "
            "{residual_name}, so their gradient flow cannot be compared here.", preact_name=q.name, residual_name=r.name))
    else:
        kind, factor = verdict
        flow_q, flow_r = activation_flow(q.block_grad), activation_flow(r.block_grad)
        assert flow_q is not None and flow_r is not None  # evenness returned a verdict
        head = tr(
            "**Pre-activation:** {preact_name} has the same convs with the same weights as {residual_name}; only "
            "BN-ReLU moves in front of each conv, leaving nothing after the add. From the last block to the first "
            "its ‖∂L/∂h‖ is {preact_flow}; in {residual_name} it is {residual_flow}.",
            preact_name=q.name, residual_name=r.name, preact_flow=_flow_words(*flow_q),
            residual_flow=_flow_words(*flow_r))
        if kind == "same":
            verdict_text = tr(
                "The two changes are within {flat:g}× of each other ({k}×): at initialization the clean identity "
                "path does not make the gradient measurably more even here.", flat=FLAT_FACTOR, k=f"{factor:.2f}")
        elif kind == "residual":
            verdict_text = tr(
                "The post-activation ResNet's gradient is the more even one: its change is {k}× smaller. At "
                "initialization the clean identity path does not make the gradient more even here.",
                k=_factor(factor))
        else:
            verdict_text = tr(
                "The pre-activation net's gradient is the more even one: its change is {k}× smaller. With nothing "
                "after the add, each block's gradient reaches every earlier block through the identity term "
                "unchanged -- He et al.'s (2016) argument for this design.", k=_factor(factor))
        out.append(head + " " + verdict_text)
        if kind != "preact":
            out.append(tr(
                "He et al. (2016) report the gain of pre-activation in *training* very deep nets -- their "
                "1001-layer pre-activation ResNet trains to lower loss and test error on CIFAR-10 than the original "
                "design -- not in gradient norms at initialization, which is all this plot measures."))
    if math.isfinite(q.loss) and math.isfinite(r.loss) and abs(q.loss - r.loss) >= LOSS_GAP:
        chance = math.log(10)
        nearer = q.name if abs(q.loss - chance) < abs(r.loss - chance) else r.name
        text = tr("Loss at init: {preact_name} {preact_loss}, {residual_name} {residual_loss} (chance: ln 10 ≈ 2.30); "
                  "{nearer} is nearer chance.", preact_name=q.name, preact_loss=f"{q.loss:.3g}",
                  residual_name=r.name, residual_loss=f"{r.loss:.3g}", nearer=nearer)
        if res.batch_norm and nearer == q.name and r.loss > q.loss and r.fc_input_rms > q.fc_input_rms > 0:
            text += " " + tr(
                "The pre-activation net ends with one more BN-ReLU, which normalizes the features before the pooling "
                "and fc; in the post-activation net nothing rescales the sum the blocks build up along the identity "
                "path: the fc's input is {k}× larger there (root mean square {residual_rms} vs {preact_rms}), and so "
                "are the logits it makes.", k=_factor(r.fc_input_rms / q.fc_input_rms), residual_rms=f"{r.fc_input_rms:.2g}",
                preact_rms=f"{q.fc_input_rms:.2g}")
        out.append(text)
    return out


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
        ) if res.preact is None else tr(
            "- Zero-init: every residual branch ends in a BN with γ = 0, so each block starts as the identity and the "
            "convs inside the branches get exactly zero gradient at this first step (only γ, not plotted, and the "
            "stem and fc do); after one update γ ≠ 0 and they start learning. Applied to both residual nets, not "
            "to the plain one."
        ))
    for net in res.nets:
        g1, gl, gfc = (float(net.weight_grad[i]) for i in (0, -2, -1))
        zeros = int((net.weight_grad == 0).sum())
        parts = [tr(
            "- **{name}**: loss at init {loss}; weight-gradient norm of the first conv {first}, "
            "of the last conv {last} (fc {fc}).",
            name=net.name, loss=_fmt(net.loss), first=_fmt(g1), last=_fmt(gl), fc=_fmt(gfc),
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
        flow = activation_flow(net.block_grad)
        if flow is not None:
            parts.append(tr(" ‖∂L/∂h‖ goes from {last} at the last block to {first} at the first ({how}).",
                            last=_fmt(float(net.block_grad[-1])), first=_fmt(float(net.block_grad[0])),
                            how=_flow_words(*flow)))
        lines.append("".join(parts))
    lines.extend(grad_norm_reading(res))
    lines.extend(preact_reading(res))
    if res.residual.loss > LOSS_EXPLODED and not res.batch_norm:
        lines.append(tr(
            "**Why the residual net blows up here:** without BN each block adds F(x) to x, and with an init that "
            "keeps F(x) as large as x the variance roughly doubles per block -- over many blocks the activations "
            "(and the loss) explode. BN, zero-init of the last layer of each branch, or a smaller init avoid it."
        ))
    return "\n\n".join(lines)
