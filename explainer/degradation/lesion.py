"""Lesion study (Veit et al. 2016): delete one block at a time from a trained net and re-measure accuracy.

Veit et al. found that deleting a single block of a trained ResNet barely hurts (except
downsampling blocks), while deleting a layer of a plain net (VGG) drops it to chance: residual
nets behave like ensembles of many paths of different lengths. Here:

* the shipped D2L ResNet-18 (``checkpoints/resnet18_fashion_mnist.safetensors``, 96×96 inputs):
  each of its 8 blocks is replaced by its shortcut -- ``relu(x) = x`` for identity blocks,
  ``relu(projection(x))`` for the three downsampling blocks (marked: their 1×1 projection stays);
* the Plain-20 trained by ``python -m explainer.training.fig6_experiment`` (28×28): a plain block
  has no shortcut, so "removing" it means passing x straight through -- possible only where the
  block's input and output shapes are equal (the two stride-2 blocks are skipped, and we say so);
* if present, the ResNet-20 trained with the same recipe, for a same-size residual comparison.

Accuracy is measured on the bundled 2000-image test sample, in eval mode with bf16 autocast
(≈ 2× faster here; it changes a handful of predictions at most). The activations before the
deleted block are computed once per batch and shared by all lesions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.i18n import N_, tr
from explainer.models.resnet import ResNet, build_resnet, cifar_spec, residual_blocks
from explainer.training.checkpoint import DEFAULT_WEIGHTS, load_model, load_weights_into
from explainer.training.fashion_mnist import INPUT_SIZE, to_model_input
from explainer.training.fig6_experiment import PLAIN20_WEIGHTS, RESNET20_WEIGHTS
from explainer.training.samples import load_sample

CHANCE = 0.1


@dataclass
class LesionRow:
    """Accuracy of one net with one block deleted (or why it could not be)."""

    model: str  # "ResNet-18", "Plain-20", "ResNet-20"
    block: str  # e.g. "layer2.0"
    kind: str  # "identity shortcut", "downsampling: 1×1 projection kept", "skipped: shape changes" (English; tr() to show)
    accuracy: float | None  # None when skipped
    baseline: float  # accuracy of the intact net

    @property
    def drop(self) -> float | None:
        """Accuracy lost by the deletion (percentage points as a fraction), None when skipped."""
        return None if self.accuracy is None else self.baseline - self.accuracy


@dataclass
class LesionResult:
    rows: list[LesionRow]
    baselines: dict[str, float]  # intact accuracy per model
    images: int  # size of the evaluation sample

    def table(self) -> list[list[object]]:
        """Rows ``[model, deleted block, kind, accuracy %, drop (points)]``, the kind in the request's language."""
        return [
            [r.model, r.block, tr(r.kind),
             None if r.accuracy is None else round(100 * r.accuracy, 2),
             None if r.drop is None else round(100 * r.drop, 2)]
            for r in self.rows
        ]


class Shortcut(nn.Module):
    """What is left of a block once its branch F is deleted: relu(x) or relu(projection(x))."""

    def __init__(self, block: nn.Module) -> None:
        super().__init__()
        self.downsample = getattr(block, "downsample", None)

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) → same shape, or the projection's shape for downsampling blocks."""
        return torch.relu(x if self.downsample is None else self.downsample(x))


def _stem(model: ResNet, x: Tensor) -> Tensor:
    x = model.relu(model.bn1(model.conv1(x)))
    return model.maxpool(x) if model.maxpool is not None else x


def removable(block: nn.Module) -> str | None:
    """How a block can be deleted: the kind string, or None if its shape change makes it impossible."""
    if getattr(block, "downsample", None) is not None:
        return N_("downsampling: 1×1 projection kept")
    if getattr(block, "residual", True):
        return N_("identity shortcut")
    if getattr(block, "stride", 1) != 1 or block.conv1.in_channels != block.conv2.out_channels:
        return None  # a plain block that changes the shape has no shortcut to fall back on
    return N_("plain block → identity")


@torch.no_grad()
def lesion_accuracies(model: ResNet, x_all: Tensor, y_all: Tensor, *, batch_size: int = 250,
                      bf16: bool = True) -> tuple[float, list[float | None]]:
    """(intact accuracy, accuracy with block k deleted for each block k; None if not removable).

    x_all (N, C, H, W) model inputs, y_all (N,) labels. The prefix up to block k is shared.
    """
    model.eval()
    blocks = [b for _, b in residual_blocks(model)]
    kinds = [removable(b) for b in blocks]
    shortcuts = [Shortcut(b) if k else None for b, k in zip(blocks, kinds)]
    correct = np.zeros(len(blocks) + 1, dtype=np.int64)  # [intact, lesion 0, lesion 1, ...]
    ctx = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else torch.autocast("cpu", enabled=False)
    for start in range(0, len(x_all), batch_size):
        x = x_all[start : start + batch_size].contiguous(memory_format=torch.channels_last)
        y = y_all[start : start + batch_size]
        with ctx:
            h = _stem(model, x)
            inputs = []
            for b in blocks:
                inputs.append(h)
                h = b(h)
            correct[0] += int((model.forward_head(h).argmax(1) == y).sum())
            for k, sc in enumerate(shortcuts):
                if sc is None:
                    continue
                h = sc(inputs[k])
                for b in blocks[k + 1 :]:
                    h = b(h)
                correct[k + 1] += int((model.forward_head(h).argmax(1) == y).sum())
    n = len(x_all)
    return float(correct[0] / n), [float(c / n) if k else None for c, k in zip(correct[1:], kinds)]


def _study(name: str, model: ResNet, x: Tensor, y: Tensor) -> tuple[float, list[LesionRow]]:
    base, accs = lesion_accuracies(model, x, y)
    rows = []
    for (bname, block), acc in zip(residual_blocks(model), accs):
        kind = removable(block) or N_("skipped: shape changes (no shortcut to keep)")
        rows.append(LesionRow(name, bname, kind, acc, base))
    return base, rows


def _cifar20(residual: bool, path: Path) -> ResNet:
    if not Path(path).is_file():
        raise ValueError(tr(
            "{path} is missing: the lesion study compares with the {model} trained "
            "by the degradation experiment. Regenerate it with `python -m explainer.training.fig6_experiment`.",
            path=path, model="ResNet-20" if residual else "Plain-20",
        ))
    model = build_resnet(cifar_spec(20, residual=residual, batch_norm=True, in_channels=1, num_classes=10))
    return load_weights_into(model, Path(path)).eval()


def _stamp(path: Path) -> tuple[str, float, int]:
    path = Path(path)
    if not path.is_file():
        return (str(path), -1.0, -1)
    st = path.stat()
    return (str(path), st.st_mtime, st.st_size)


@lru_cache(maxsize=4)
def _cached_study(resnet18: tuple, plain20: tuple, resnet20: tuple) -> LesionResult:
    # Keyed by (path, mtime, size) of each file: a retrained checkpoint invalidates the cache.
    r18_path, p20_path, r20_path = Path(resnet18[0]), Path(plain20[0]), Path(resnet20[0])
    if not r18_path.is_file():
        raise ValueError(tr(
            "{path} is missing: the lesion study needs the shipped ResNet-18. "
            "Regenerate it with `python -m explainer.training.trainer` (about an hour on 2 cores).",
            path=r18_path,
        ))
    plain20 = _cifar20(False, p20_path)
    sample = load_sample()
    y = sample.labels
    rows: list[LesionRow] = []
    baselines: dict[str, float] = {}
    base, r = _study("ResNet-18", load_model(r18_path), to_model_input(sample.images, INPUT_SIZE), y)
    baselines["ResNet-18"], rows = base, rows + r
    x28 = to_model_input(sample.images, 28)
    base, r = _study("Plain-20", plain20, x28, y)
    baselines["Plain-20"], rows = base, rows + r
    if r20_path.is_file():  # optional: the same-size residual net of the same experiment
        base, r = _study("ResNet-20", _cifar20(True, r20_path), x28, y)
        baselines["ResNet-20"], rows = base, rows + r
    return LesionResult(rows, baselines, len(y))


def lesion_study(resnet18_path: Path = DEFAULT_WEIGHTS, plain20_path: Path = PLAIN20_WEIGHTS,
                 resnet20_path: Path = RESNET20_WEIGHTS) -> LesionResult:
    """Delete each block in turn from the shipped ResNet-18 and the trained Plain-20 (and ResNet-20).

    Raises ``ValueError`` naming the missing checkpoint and the command that regenerates it.
    Results are cached per checkpoint version (a full study is ≈ 4.5 forward passes of 2000 images).
    """
    return _cached_study(_stamp(resnet18_path), _stamp(plain20_path), _stamp(resnet20_path))


def plot_lesion(res: LesionResult) -> Figure:
    """One bar panel per net: accuracy after deleting each block; intact accuracy and chance as lines."""
    models = list(res.baselines)
    fig = Figure(figsize=(4.2 * len(models) + 1, 4.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(models), sharey=True))
    for ax, name in zip(axes, models):
        rows = [r for r in res.rows if r.model == name]
        xs = np.arange(len(rows))
        for x, r in zip(xs, rows):
            if r.accuracy is None:
                ax.text(x, 0.02, tr("n/a"), ha="center", va="bottom", rotation=90, fontsize=8, color="0.4")
                continue
            down = r.kind.startswith("downsampling")
            color = "#1f77b4" if name.startswith("ResNet") else "#d62728"
            ax.bar(x, r.accuracy * 100, color=color, hatch="//" if down else None, alpha=0.6 if down else 1.0,
                   edgecolor="white")
        ax.axhline(res.baselines[name] * 100, color="k", linestyle="--", linewidth=1,
                   label=tr("intact {accuracy:.1%}", accuracy=res.baselines[name]))
        ax.axhline(CHANCE * 100, color="0.5", linestyle=":", linewidth=1, label=tr("chance {chance:.0%}", chance=CHANCE))
        ax.set_xticks(xs, [r.block for r in rows], rotation=60, fontsize=8)
        ax.set_title(tr("{name}: delete one block", name=name))
        ax.set_ylim(0, 100)
        ax.legend(fontsize=8, loc="lower left")
    axes[0].set_ylabel(tr("accuracy on {n} test images (%)", n=res.images))
    fig.suptitle(tr("Lesion study (Veit et al. 2016): hatched = downsampling block (projection kept), "
                    "n/a = cannot be deleted"))
    return fig


def explain_lesion(res: LesionResult) -> str:
    """Markdown summary computed from the table."""
    parts = []
    for name, base in res.baselines.items():
        rows = [r for r in res.rows if r.model == name and r.accuracy is not None]
        plain_rows = [r for r in rows if not r.kind.startswith("downsampling")]
        down_rows = [r for r in rows if r.kind.startswith("downsampling")]
        skipped = [r.block for r in res.rows if r.model == name and r.accuracy is None]
        line = tr("- **{name}** (intact {accuracy:.1%})", name=name, accuracy=base)
        if plain_rows:
            accs = [r.accuracy for r in plain_rows]
            line += tr(": deleting one non-downsampling block leaves {lo:.1%}–{hi:.1%} (median drop {drop:.1f} points)",
                       lo=min(accs), hi=max(accs), drop=100 * float(np.median([r.drop for r in plain_rows])))
        if down_rows:
            line += tr("; downsampling blocks: {blocks}",
                       blocks=", ".join(f"{r.block} → {r.accuracy:.1%}" for r in down_rows))
        if skipped:
            line += tr("; not deletable (shape changes, no shortcut): {blocks}", blocks=", ".join(skipped))
        parts.append(line + tr("."))
    return "\n".join(parts)
