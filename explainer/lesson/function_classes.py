"""Nested function classes, live (D2L §8.6.1, the section's first figure): plain vs residual MLPs of growing
depth fitting one 1-D target.

D2L's argument: if every larger model class contains the smaller one (F₁ ⊆ F₂ ⊆ …), adding layers can only
bring the best reachable function closer to the truth. A residual layer ``h + g(h)`` contains the identity
(``g = 0``), so a deeper residual MLP contains the shallower one; a plain layer ``relu(W h + b)`` must
*learn* the identity, which a gradient method may fail to do. Here both families, 1 to 8 hidden layers,
are trained with the same full-batch SGD budget on the same points and their final training errors
compared: the conclusion is a function of those numbers (``conclude``), not written in advance.

Where we depart from D2L: D2L draws the classes as sets; we measure what a fixed training budget reaches,
which is what "the fit" means in practice (a class that contains the truth but cannot be optimized does not
help). Everything is seeded (``runtime.seeded`` for the initial weights; full-batch training has no other
randomness), so one run gives the same numbers every time; a run takes a few seconds on one CPU thread.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer import runtime
from explainer.i18n import tr

#: Hidden-layer counts compared (each family gets the same list).
DEPTHS: tuple[int, ...] = (1, 2, 4, 8)
WIDTH = 32  # hidden width: small enough to be fast, wide enough to fit the target with one layer
POINTS = 128  # training points on [-3, 3]
STEPS = 150  # full-batch gradient steps per net (the same budget for every net)
# Plain SGD with momentum: with it a deep plain net at PyTorch's default init cannot escape its vanishing
# signal in this budget (measured, seeds 0-2: 8 plain layers stay at the target's variance, 0.49, 9-20×
# the best shallower plain net, while 8 residual layers fit best). Adam rescales every gradient and hides
# that (measured: 600 Adam steps, all depths within 2× of each other).
LR = 0.02
MOMENTUM = 0.9
SEED = 0
# A deeper net "keeps the fit" when its error is at most this factor of the best shallower net's: training
# is not exact, and a few per cent of a tiny error are noise, not a worse function class.
TOLERANCE = 1.25


def target(x: Tensor) -> Tensor:
    """The function to fit, f(x) = sin(2x) + 0.3·x (x of any shape, same shape out)."""
    return torch.sin(2 * x) + 0.3 * x


class PlainMLP(nn.Module):
    """Linear(1→w) → ReLU → [Linear(w→w) → ReLU] × (depth-1) → Linear(w→1): (N, 1) → (N, 1)."""

    def __init__(self, depth: int, width: int = WIDTH) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Linear(1, width), nn.ReLU()]
        for _ in range(depth - 1):
            layers += [nn.Linear(width, width), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.body(x))


class ResidualLayer(nn.Module):
    """h + Linear(relu(Linear(h))): (N, w) → (N, w).

    The second Linear starts at zero (torchvision's ``zero_init_residual``, Goyal et al. 2017), so a new
    layer starts as the identity: a deeper net starts as *exactly* the shallower one -- D2L's nesting,
    made literal -- and training can only move away from it where that lowers the loss.
    """

    def __init__(self, width: int) -> None:
        super().__init__()
        self.fc1, self.act, self.fc2 = nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width)
        nn.init.zeros_(self.fc2.weight)
        nn.init.zeros_(self.fc2.bias)

    def forward(self, h: Tensor) -> Tensor:
        return h + self.fc2(self.act(self.fc1(h)))  # the one line a plain layer does not have


class ResidualMLP(nn.Module):
    """Linear(1→w) → ReLU → ResidualLayer × (depth-1) → Linear(w→1): (N, 1) → (N, 1).

    The first hidden layer is the same as the plain net's, so depth 1 is the same class in both families.
    """

    def __init__(self, depth: int, width: int = WIDTH) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Linear(1, width), nn.ReLU())
        # The head is drawn before the new layers, so stem and head get the same numbers at every depth.
        self.head = nn.Linear(width, 1)
        self.layers = nn.Sequential(*(ResidualLayer(width) for _ in range(depth - 1)))

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.layers(self.stem(x)))


@dataclass(frozen=True)
class FunctionClassResult:
    """Final training MSE of every net, the fitted curves, and how long the run took."""

    depths: tuple[int, ...]
    plain_mse: tuple[float, ...]  # (len(depths),)
    residual_mse: tuple[float, ...]  # (len(depths),)
    x: np.ndarray  # (POINTS,) inputs
    y: np.ndarray  # (POINTS,) target values
    plain_fit: np.ndarray  # (len(depths), POINTS) each plain net's prediction after training
    residual_fit: np.ndarray  # (len(depths), POINTS)
    steps: int  # gradient steps every net got
    seconds: float


def _train_together(models: list[nn.Module], x: Tensor, y: Tensor, steps: int) -> list[float]:
    """Full-batch SGD with momentum on every net's MSE at once; returns each net's final training MSE.

    One optimizer over all parameters and one backward pass of the *sum* of the losses: the nets share no
    parameter, so each gets exactly the gradient (and update) it would get alone, with a tenth of the
    Python overhead of ten separate loops (which is what a run of these tiny nets costs).
    """
    params = [p for m in models for p in m.parameters()]
    opt = torch.optim.SGD(params, lr=LR, momentum=MOMENTUM)
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        loss = sum(nn.functional.mse_loss(m(x), y) for m in models)
        loss.backward()  # type: ignore[union-attr]
        opt.step()
    with torch.no_grad():
        return [float(nn.functional.mse_loss(m(x), y)) for m in models]


def run_function_classes(depths: tuple[int, ...] = DEPTHS, steps: int = STEPS, seed: int = SEED) -> FunctionClassResult:
    """Train a plain and a residual MLP of every depth in ``depths`` on the same POINTS points of ``target``.

    Every net's weights are drawn under the same seed (PyTorch's default init, residual branches ending at zero). Raises
    ``ValueError`` for depths below 1 or fewer than one step.
    """
    if not depths or min(depths) < 1 or steps < 1:
        raise ValueError(tr("Depths must be at least 1 and the step count positive."))
    start = time.perf_counter()
    x = torch.linspace(-3, 3, POINTS).unsqueeze(1)  # (N, 1)
    y = target(x)
    models: list[nn.Module] = []
    for depth in depths:
        for cls in (PlainMLP, ResidualMLP):
            # One seed for every net: the first layers are drawn first, so all nets share them and each
            # residual net starts as the depth-1 net (its new layers are identities).
            with runtime.seeded(seed):
                models.append(cls(depth))
    errors = _train_together(models, x, y, steps)
    with torch.no_grad():
        fits = np.stack([m(x).squeeze(1).numpy() for m in models])  # (2·len(depths), N): plain, residual, …
    return FunctionClassResult(
        depths=tuple(depths), plain_mse=tuple(errors[0::2]), residual_mse=tuple(errors[1::2]),
        x=x.squeeze(1).numpy(), y=y.squeeze(1).numpy(), plain_fit=fits[0::2], residual_fit=fits[1::2],
        steps=steps, seconds=time.perf_counter() - start,
    )


@dataclass(frozen=True)
class Conclusion:
    """What the numbers say; every field is a function of the two error lists."""

    residual_keeps_fit: bool  # every deeper residual net within TOLERANCE of the best shallower one
    plain_gets_worse: bool  # some deeper plain net worse than TOLERANCE × the best shallower one
    worst_plain_depth: int  # the plain depth with the largest error relative to its best shallower net
    worst_plain_ratio: float  # that error / the best shallower plain error (≤ 1 means no degradation)


def _worst_ratio(depths: tuple[int, ...], errors: tuple[float, ...]) -> tuple[int, float]:
    """The depth whose error is largest relative to the best error of the shallower depths, and that ratio."""
    worst_depth, worst = depths[0], 0.0
    for i in range(1, len(depths)):
        best_before = min((e for e in errors[:i] if math.isfinite(e)), default=math.inf)
        if not math.isfinite(errors[i]):
            ratio = math.inf  # diverged: as bad as it gets
        elif best_before > 0:
            ratio = errors[i] / best_before
        else:
            ratio = math.inf if errors[i] > 0 else 1.0
        if ratio > worst:
            worst_depth, worst = depths[i], ratio
    return worst_depth, worst


def conclude(depths: tuple[int, ...], plain_mse: tuple[float, ...], residual_mse: tuple[float, ...]) -> Conclusion:
    """Compare each deeper net with the best shallower net of its own family (``TOLERANCE`` allowed)."""
    _, residual_ratio = _worst_ratio(depths, residual_mse)
    plain_depth, plain_ratio = _worst_ratio(depths, plain_mse)
    return Conclusion(residual_keeps_fit=residual_ratio <= TOLERANCE, plain_gets_worse=plain_ratio > TOLERANCE,
                      worst_plain_depth=plain_depth, worst_plain_ratio=plain_ratio)


def explain_function_classes(res: FunctionClassResult) -> str:
    """Markdown: the errors per depth and the verdict computed from them, in the request's language."""
    c = conclude(res.depths, res.plain_mse, res.residual_mse)
    rows = "\n".join(f"| {d} | {p:.4f} | {r:.4f} |" for d, p, r in zip(res.depths, res.plain_mse, res.residual_mse))
    table = tr("| hidden layers | plain MSE | residual MSE |") + "\n|---|---|---|\n" + rows
    residual = (tr("Adding residual layers kept (or improved) the fit at every depth: each deeper residual net "
                   "contains the shallower one (its new layers can be the identity).") if c.residual_keeps_fit
                else tr("In this run a deeper residual net fitted worse than a shallower one."))
    plain = (tr("Adding plain layers made it worse: {depth} plain layers end {ratio:.1f}× above the best "
                "shallower plain net, although that bigger class contains a better function.",
                depth=c.worst_plain_depth, ratio=c.worst_plain_ratio) if c.plain_gets_worse
             else tr("Here the plain nets did not get worse with depth either."))
    note = tr("_{steps} full-batch SGD steps per net, seeded; measured in {seconds:.1f} s on this server._",
              steps=res.steps, seconds=res.seconds)
    return f"{table}\n\n{residual} {plain}\n\n{note}"


def plot_function_classes(res: FunctionClassResult) -> Figure:
    """Left: the target and the deepest plain and residual fits; right: training MSE against depth (log)."""
    from explainer.degradation.nets import PLAIN_COLOR, RESIDUAL_COLOR

    fig = Figure(figsize=(11, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    left.plot(res.x, res.y, color="0.2", linewidth=2.5, label=tr("target"))
    left.plot(res.x, res.plain_fit[-1], color=PLAIN_COLOR, linewidth=1.8,
              label=tr("plain, {depth} layers", depth=res.depths[-1]))
    left.plot(res.x, res.residual_fit[-1], color=RESIDUAL_COLOR, linewidth=1.8, linestyle="--",
              label=tr("residual, {depth} layers", depth=res.depths[-1]))
    left.set_title(tr("The fits of the deepest nets"))
    left.set_xlabel("x")
    left.legend(loc="lower right")
    right.plot(res.depths, res.plain_mse, "o-", color=PLAIN_COLOR, label=tr("plain"))
    right.plot(res.depths, res.residual_mse, "s-", color=RESIDUAL_COLOR, label=tr("residual"))
    right.set_xscale("log", base=2)
    right.set_yscale("log")
    right.set_xticks(res.depths, [str(d) for d in res.depths])
    right.set_xlabel(tr("hidden layers"))
    right.set_ylabel(tr("training MSE after the same budget"))
    right.set_title(tr("Nested function classes: error against depth"))
    right.legend(loc="best")
    return fig
