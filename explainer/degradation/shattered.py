"""Shattered gradients (Balduzzi et al. 2017, Fig. 1): the gradient along a 1-D sweep of inputs and its
autocorrelation, plain vs residual net of the same depth -- and, when asked for, He et al. 2016's
pre-activation ResNet with the residual net's conv weights (``preact_sweep``).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.degradation.nets import (
    PLAIN_COLOR,
    PREACT_COLOR,
    RESIDUAL_COLOR,
    build_pair,
    build_preact,
    check_depth,
    default_batch,
)
from explainer.i18n import tr


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
    # The pre-activation ResNet's trace (P,) and autocorrelation (max_lag+1,), when asked for.
    preact_grad: np.ndarray | None = None
    preact_acf: np.ndarray | None = None

    @property
    def plain_corr_length(self) -> int:
        return correlation_length(self.plain_acf)

    @property
    def residual_corr_length(self) -> int:
        return correlation_length(self.residual_acf)

    @property
    def preact_corr_length(self) -> int | None:
        return None if self.preact_acf is None else correlation_length(self.preact_acf)


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


def _sweep_inputs(points: int, max_lag: int, pair: tuple[int, int], span: float
                  ) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """Checked arguments → (calibration batch x (64, 1, 28, 28), labels y (64,), t (P,), a, b (1, 1, 28, 28))."""
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
    return x, y, torch.linspace(0.0, span, points), x[i : i + 1], x[j : j + 1]


def shattered_gradients(
    depth: int = 56,
    *,
    points: int = 256,
    max_lag: int = 40,
    pair: tuple[int, int] = (0, 1),
    span: float = 0.1,
    init: str = "Kaiming",
    seed: int = 0,
    preact: bool = False,
) -> ShatteredResult:
    """Balduzzi et al. 2017, Fig. 1, on real images: the gradient of one logit along a line in input space.

    Both nets (BN on, statistics from 64 real images, then frozen) see x(t) = (1-t)·a + t·b for
    ``points`` values of t in [0, span], where a and b are bundled test images ``pair`` and f is
    the logit of a's class. Returns the derivative df/dt at each point and its autocorrelation up
    to ``max_lag``. ``span`` 0.1 (the first tenth of the way from a to b) is the scale at which
    Plain-56 has shattered while Plain-20 and ResNet-56 have not (measured; over the whole segment
    even the residual net's gradient decorrelates within a step or two). ``preact`` adds the
    pre-activation ResNet's trace (``preact_sweep``, same arguments).
    """
    depth = check_depth(depth)
    x, y, t, a, b = _sweep_inputs(points, max_lag, pair, span)
    plain, residual = build_pair(depth, batch_norm=True, init=init, seed=seed)
    t0 = time.perf_counter()
    grads = []
    for model in (plain, residual):
        _calibrate_bn(model, x)
        grads.append(sweep_gradient(model, a, b, t, int(y[pair[0]])))
    seconds = time.perf_counter() - t0
    res = ShatteredResult(
        depth, t.numpy(), grads[0], grads[1], max_lag,
        autocorrelation(grads[0], max_lag), autocorrelation(grads[1], max_lag),
        (int(y[pair[0]]), int(y[pair[1]])), seconds,
    )
    if preact:
        return with_preact(res, preact_sweep(depth, points=points, max_lag=max_lag, pair=pair, span=span, init=init,
                                             seed=seed))
    return res


def preact_sweep(
    depth: int = 56,
    *,
    points: int = 256,
    max_lag: int = 40,
    pair: tuple[int, int] = (0, 1),
    span: float = 0.1,
    init: str = "Kaiming",
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The pre-activation ResNet-``depth``'s trace (P,) and its autocorrelation (max_lag+1,) on
    ``shattered_gradients``'s sweep (same arguments, so its convs hold that ResNet's very weights)."""
    depth = check_depth(depth)
    x, y, t, a, b = _sweep_inputs(points, max_lag, pair, span)
    model = build_preact(depth, batch_norm=True, init=init, seed=seed)
    _calibrate_bn(model, x)
    grad = sweep_gradient(model, a, b, t, int(y[pair[0]]))
    return grad, autocorrelation(grad, max_lag)


def with_preact(res: ShatteredResult, trace: tuple[np.ndarray, np.ndarray]) -> ShatteredResult:
    """``res`` with the pre-activation net's (trace, autocorrelation) from ``preact_sweep`` (a new result)."""
    grad, acf = trace
    if grad.shape != res.residual_grad.shape or acf.shape != res.residual_acf.shape:
        raise ValueError(tr("The pre-activation sweep must have the residual sweep's points and lags, got {got} and "
                            "{expected}.", got=(grad.shape, acf.shape),
                            expected=(res.residual_grad.shape, res.residual_acf.shape)))
    return dataclasses.replace(res, preact_grad=grad, preact_acf=acf)


#: Correlation lengths within this fraction of the longer one are read as equal (a convention of this app).
LENGTH_TOLERANCE = 0.2


def same_band(points: int) -> float:
    """Lag-1 autocorrelations closer than this are read as "about the same": 2/√P for P points.

    2/√P is Bartlett's approximate 95 % band of a lag-1 autocorrelation estimated from P points of
    white noise; we use it as the resolution of the measurement (256 points → 0.125), not as a test.
    """
    return 2.0 / math.sqrt(points)


def compare_traces(p1: float, r1: float, plain_length: int, residual_length: int, points: int) -> str:
    """Which trace is more correlated: "residual", "plain", "same" or "mixed" (the two measures disagree).

    p1, r1: lag-1 autocorrelations; *_length: correlation lengths (first lag below 1/2). A lag-1
    difference within ``same_band(points)`` counts as no difference, and so do lengths within
    ``LENGTH_TOLERANCE`` of the longer one or one step (our convention: 38 vs 40 steps is not a contrast).
    """
    tol = same_band(points)
    by_lag1 = 0 if abs(r1 - p1) <= tol else (1 if r1 > p1 else -1)
    gap = residual_length - plain_length
    same_length = abs(gap) <= max(1.0, LENGTH_TOLERANCE * max(residual_length, plain_length))
    by_length = 0 if same_length else (1 if gap > 0 else -1)
    if by_lag1 == 0 and by_length == 0:
        return "same"
    if by_lag1 >= 0 and by_length >= 0:
        return "residual"
    if by_lag1 <= 0 and by_length <= 0:
        return "plain"
    return "mixed"


def plot_shattered(res: ShatteredResult) -> Figure:
    """Top: every gradient trace (each divided by its std); bottom: their autocorrelations. One column
    per net: plain, residual (and pre-activation, when measured)."""
    columns = [(f"Plain-{res.depth}", res.plain_grad, res.plain_acf, PLAIN_COLOR),
               (f"ResNet-{res.depth}", res.residual_grad, res.residual_acf, RESIDUAL_COLOR)]
    if res.preact_grad is not None and res.preact_acf is not None:
        columns.append((f"PreAct ResNet-{res.depth}", res.preact_grad, res.preact_acf, PREACT_COLOR))
    fig = Figure(figsize=(11, 5.5) if len(columns) == 2 else (15, 5.5), layout="constrained")
    axes = fig.subplots(2, len(columns))
    for col, (name, g, acf, color) in enumerate(columns):
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
        axes[1, col].set_title(tr("lag 1: {lag1:.2f}; correlation length {steps} step(s)",
                                  lag1=float(acf[1]), steps=correlation_length(acf)))
    # The title names the measurement, not an expected outcome: which trace is smoother varies with depth.
    fig.suptitle(tr("Gradient along a sweep of inputs at depth {depth} (BN on, at initialization), first {span:.0%} "
                    "of the line from image a to image b", depth=res.depth, span=float(res.t[-1])))
    return fig


def explain_shattered(res: ShatteredResult) -> str:
    """Markdown reading of the measured autocorrelations: which trace is more correlated and by how much."""
    p1, r1 = float(res.plain_acf[1]), float(res.residual_acf[1])
    pl, rl = res.plain_corr_length, res.residual_corr_length
    points, span, tol = len(res.t), float(res.t[-1]), same_band(len(res.t))
    measured = tr(
        "Autocorrelation at lag 1: plain {p1:.2f}, residual {r1:.2f}; the correlation drops below 1/2 after "
        "{pl} step(s) for the plain net and {rl} for the residual net ({points} points on the first {span:.0%} "
        "of the line from one real image to another). Near 0 at lag 1 is white noise (neighbouring inputs get "
        "unrelated gradients), near 1 is brown noise (a random walk: neighbours agree).",
        p1=p1, r1=r1, pl=pl, rl=rl, points=points, span=span,
    )
    verdict = compare_traces(p1, r1, pl, rl, points)
    fields = {"depth": res.depth, "diff": abs(r1 - p1), "tol": tol, "pl": pl, "rl": rl}
    if verdict == "residual":
        reading = tr(
            "**Reading:** at depth {depth} the residual net's gradient is the more correlated one (lag 1 higher by "
            "{diff:.2f}; correlation length {rl} vs {pl} steps): the plain net's is nearer to white noise. This is "
            "the pattern Balduzzi et al. describe -- a gradient that changes erratically from one input to the next "
            "carries little information about which way to move the weights.", **fields)
    elif verdict == "plain":
        reading = tr(
            "**Reading:** at depth {depth} the *plain* net's gradient is the more correlated one (lag 1 higher by "
            "{diff:.2f}; correlation length {pl} vs {rl} steps), the opposite of Balduzzi et al.'s pattern. Their "
            "effect grows with depth; at this depth and scale the sweep does not show it.", **fields)
    elif verdict == "same":
        reading = tr(
            "**Reading:** at depth {depth} the two traces are about equally correlated: lag-1 values within {tol:.2f} "
            "of each other (2/√{points}, the resolution of {points} points) and correlation lengths within {length_tol:.0%} "
            "({pl} vs {rl} steps). This sweep shows no difference between the nets.", points=points,
            length_tol=LENGTH_TOLERANCE, **fields)
    else:
        reading = tr(
            "**Reading:** at depth {depth} the two measures disagree (lag 1 differs by {diff:.2f}, correlation length "
            "{pl} steps plain vs {rl} residual): neither trace is clearly the more correlated one.", **fields)
    scale = tr(
        "The contrast depends on the scale of the sweep: the steps here are {step:.2%} of the way from a to b. "
        "With larger steps every trace looks less correlated -- over the whole line from a to b even ResNet-56's "
        "gradient decorrelates within a few steps -- and with smaller ones every trace looks smoother.",
        step=span / (points - 1),
    )
    preact = explain_preact_trace(res)
    return measured + "\n\n" + reading + ("\n\n" + preact if preact else "") + "\n\n" + scale


def preact_verdict(res: ShatteredResult) -> str | None:
    """Pre-activation vs post-activation ResNet's trace: "preact" (more correlated), "residual", "same" or
    "mixed" -- ``compare_traces`` with the ResNet in the first place; None if the pre-act net was not measured."""
    if res.preact_acf is None:
        return None
    verdict = compare_traces(float(res.residual_acf[1]), float(res.preact_acf[1]), res.residual_corr_length,
                             correlation_length(res.preact_acf), len(res.t))
    return {"residual": "preact", "plain": "residual"}.get(verdict, verdict)


def explain_preact_trace(res: ShatteredResult) -> str:
    """The pre-activation paragraph of the reading, from its numbers beside the ResNet's ("" if not measured)."""
    verdict = preact_verdict(res)
    if verdict is None or res.preact_acf is None:
        return ""
    fields = {"depth": res.depth, "q1": float(res.preact_acf[1]), "r1": float(res.residual_acf[1]),
              "ql": correlation_length(res.preact_acf), "rl": res.residual_corr_length}
    measured = tr("**Pre-activation:** PreAct ResNet-{depth} (the same convs, BN-ReLU before each conv, nothing after "
                  "the add) has lag-1 autocorrelation {q1:.2f} and correlation length {ql} step(s); ResNet-{depth} "
                  "{r1:.2f} and {rl}.", **fields)
    if verdict == "preact":
        reading = tr("By these measures its gradient is the more correlated of the two residual nets: at this depth "
                     "moving BN-ReLU in front of the convs keeps neighbouring inputs' gradients more alike.")
    elif verdict == "residual":
        reading = tr("The post-activation ResNet's gradient is the more correlated one: at this depth pre-activation "
                     "does not make the gradient less shattered.")
    elif verdict == "same":
        reading = tr("The two residual nets' traces are about equally correlated (lag 1 within {tol:.2f}, correlation "
                     "lengths within {length_tol:.0%} or one step): at this depth this sweep shows no difference "
                     "between pre- and post-activation.", tol=same_band(len(res.t)), length_tol=LENGTH_TOLERANCE)
    else:
        reading = tr("For the two residual nets the two measures disagree: neither trace is clearly the more "
                     "correlated one.")
    if verdict != "preact":
        reading += " " + tr("He et al. (2016) did not measure shattering: the gain they report for pre-activation is in "
                            "training very deep nets (up to 1001 layers), which a sweep at initialization does not show.")
    return measured + " " + reading
