"""The live mini-run: a bounded side-by-side training of a plain and a residual net, drawn as it goes.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field, replace
from typing import Iterator, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor

from explainer.degradation.nets import IMAGE_SIZE, PLAIN_COLOR, RESIDUAL_COLOR, build_pair, check_depth
from explainer.i18n import tr
from explainer.training.loop import make_optimizer, make_scheduler, model_input, train_step
from explainer.training.recipe import LIVE_RECIPE
from explainer.training.samples import load_sample

LIVE_MAX_DEPTH = 56
LIVE_MAX_STEPS = 300
LIVE_BATCH = LIVE_RECIPE.batch_size


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
    from explainer.training.fashion_mnist import find_data_dir, load_split

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
    if directory is not None:  # where it lives on the server is not the page's business
        return images, labels, tr("Fashion-MNIST training split ({n} images)", n=len(labels))
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

    ``images`` uint8 (N, 28, 28), ``labels`` (N,). ``LIVE_RECIPE`` with this ``lr`` and ``seed``:
    SGD momentum 0.9 with a linear warm-up over the first 10 % of steps (deep plain nets diverge at
    once otherwise), batch 64, fp32. Batches are drawn with replacement, the same for both nets.
    Yields a ``LiveState`` after the first step, every ``every`` steps and at the end; the caller may stop iterating at any time.
    """
    depth = check_depth(depth, hi=LIVE_MAX_DEPTH)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= LIVE_MAX_STEPS:
        raise ValueError(tr("The number of steps must be a whole number between 1 and {hi}, got {steps!r}.",
                            hi=LIVE_MAX_STEPS, steps=steps))
    if len(images) < LIVE_BATCH:
        raise ValueError(tr("The live run needs at least {batch} images, got {n}.", batch=LIVE_BATCH, n=len(images)))
    recipe = replace(LIVE_RECIPE, lr=lr, seed=seed)
    plain, residual = build_pair(depth, batch_norm=True, init="Kaiming", seed=seed)
    runs = []
    for model, losses, errors in ((plain, [], []), (residual, [], [])):
        model.train()
        optimizer = make_optimizer(model, recipe)
        runs.append((model, optimizer, make_scheduler(optimizer, recipe, total_steps=steps), losses, errors))
    g = torch.Generator().manual_seed(seed)
    state = LiveState(depth, 0, steps, runs[0][3], runs[0][4], runs[1][3], runs[1][4])
    t0 = time.perf_counter()
    for step in range(1, steps + 1):
        idx = torch.randint(0, len(images), (LIVE_BATCH,), generator=g)
        x, y = model_input(images[idx], IMAGE_SIZE, recipe.channels_last), labels[idx]
        for model, optimizer, scheduler, losses, errors in runs:
            result = train_step(model, optimizer, scheduler, x, y, recipe)
            losses.append(result.loss)
            errors.append(result.wrong / len(y))
        state.step = step
        state.seconds = time.perf_counter() - t0
        # The first step is drawn at once (a class sees the run start within a second or two), then every ``every``.
        if step == 1 or step % every == 0 or step == steps:
            # A snapshot: the caller may keep earlier states (e.g. to animate) while we keep training.
            yield LiveState(depth, step, steps, list(state.plain_loss), list(state.plain_error),
                            list(state.residual_loss), list(state.residual_error), state.data_note, state.seconds)


#: The conclusion compares the nets over the last this-many steps (all of them in a shorter run).
CONCLUSION_WINDOW = 20


def live_conclusion(state: LiveState, *, stopped: bool) -> str:
    """A sentence computed from the run: which net's training error is lower at the end, and by how much.

    Over the last ``CONCLUSION_WINDOW`` steps, the mean per-batch error of each net; a difference within
    two standard errors of the difference of the two means (batch-to-batch noise) reads as "no separation".
    """
    head = (tr("**Stopped** at step {step} of {total} ({seconds:.0f} s).", step=state.step, total=state.total_steps,
               seconds=state.seconds) if stopped else
            tr("**Finished:** {step} steps in {seconds:.0f} s.", step=state.step, seconds=state.seconds))
    k = min(CONCLUSION_WINDOW, len(state.plain_error), len(state.residual_error))
    if k < 2:
        return head + " " + tr("Too few steps to compare the two nets.")
    p = np.asarray(state.plain_error[-k:], dtype=float) * 100
    r = np.asarray(state.residual_error[-k:], dtype=float) * 100
    diff = float(p.mean() - r.mean())
    tol = 2.0 * math.sqrt(float(p.var(ddof=1) + r.var(ddof=1)) / k)
    fields = {"k": k, "depth": state.depth, "plain": float(p.mean()), "residual": float(r.mean()),
              "diff": abs(diff), "tol": tol}
    said = tr("Over the last {k} steps Plain-{depth} got {plain:.1f} % of its training batches wrong, ResNet-{depth} "
              "{residual:.1f} %.", **fields)
    if abs(diff) <= tol:
        verdict = tr("The difference, {diff:.1f} points, is within the batch-to-batch noise ({tol:.1f}): this run "
                     "does not separate the two nets.", **fields)
    elif diff > 0:
        verdict = tr("The residual net is ahead by {diff:.1f} points, more than the batch-to-batch noise "
                     "({tol:.1f}): with the same steps, the shortcuts made the {depth}-layer net easier to train.",
                     **fields)
    else:
        verdict = tr("The plain net is ahead by {diff:.1f} points, more than the batch-to-batch noise ({tol:.1f}): "
                     "in this run the shortcuts did not help.", **fields)
    return f"{head} {said} {verdict}"


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
