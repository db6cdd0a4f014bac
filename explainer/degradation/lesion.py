"""Lesion study (Veit et al. 2016): delete one block at a time from a trained net and re-measure accuracy.

Veit et al. report that deleting a single block of a trained ResNet costs little, except for the
downsampling blocks, while deleting a layer of a plain net (VGG) drops it to chance, and read this as
residual nets behaving like ensembles of many paths of different lengths. Whether our nets behave
alike is what this module measures; ``explain_lesion`` words the measured drops and claims nothing else.

* the shipped D2L ResNet-18 (``checkpoints/resnet18_fashion_mnist.safetensors``, 96×96 inputs):
  each of its 8 blocks is replaced by its shortcut -- ``relu(x)`` for identity blocks,
  ``relu(downsample(x))`` for the three downsampling blocks (marked: their 1×1 projection stays);
* the Plain-20 trained by ``python -m explainer.training.fig6_experiment`` (28×28): a plain block
  has no shortcut, so "removing" it means passing x straight through -- possible only where the
  block's input and output shapes are equal (the two stride-2 blocks are skipped, and we say so);
* if present, the ResNet-20 trained with the same recipe, for a same-size residual comparison (its
  downsampling blocks keep their parameter-free zero-pad shortcut, He et al.'s option A).

Accuracy is measured on the bundled 2000-image test sample, in eval mode, in float32: bf16 autocast
is ≈ 2× faster on a CPU with native bf16 but ≈ 20× *slower* on one without (measured on an AVX2-only
EPYC: 0.7 s vs 14.9 s per 50 images through ResNet-18), and float32 gives the same answer everywhere,
so the shipped table (``lesion_artifact``) can be checked against live computation on any machine. The activations before the
deleted block are computed once per batch and shared by all lesions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

from explainer.i18n import N_, tr
from explainer.models.blocks import ZeroPadShortcut
from explainer.models.resnet import ResNet, build_resnet, cifar_spec, residual_blocks
from explainer.training.artifacts import PLAIN20_WEIGHTS, RESNET20_WEIGHTS
from explainer.training.checkpoint import DEFAULT_WEIGHTS, cifar_downsample_of, load_model, load_weights_into
from explainer.training.fashion_mnist import INPUT_SIZE, to_model_input
from explainer.training.samples import load_sample

CHANCE = 0.1


@dataclass
class LesionRow:
    """Accuracy of one net with one block deleted (or why it could not be)."""

    model: str  # "ResNet-18", "Plain-20", "ResNet-20"
    block: str  # e.g. "layer2.0"
    kind: str  # "identity shortcut", "downsampling: ... kept", "skipped: shape changes" (English; tr() to show)
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
    """What is left of a block once its branch F is deleted: relu(x) or relu(downsample(x)).

    relu(x) = x only because x is itself a ReLU output (x ≥ 0); relu(downsample(x)) is not x's identity.
    """

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
        if isinstance(block.downsample, ZeroPadShortcut):
            return N_("downsampling: zero-pad shortcut kept")
        return N_("downsampling: 1×1 projection kept")
    if getattr(block, "residual", True):
        return N_("identity shortcut")
    if getattr(block, "stride", 1) != 1 or block.conv1.in_channels != block.conv2.out_channels:
        return None  # a plain block that changes the shape has no shortcut to fall back on
    return N_("plain block → identity")


@torch.no_grad()
def lesion_accuracies(model: ResNet, x_all: Tensor, y_all: Tensor, *, batch_size: int = 250,
                      bf16: bool = False) -> tuple[float, list[float | None]]:
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
            path=Path(path).name, model="ResNet-20" if residual else "Plain-20",
        ))
    # The shortcut the file was trained with (option A or B), so older weights load into their own net.
    downsample = cifar_downsample_of(Path(path)) if residual else "zero-pad"
    model = build_resnet(cifar_spec(20, residual=residual, batch_norm=True, in_channels=1, num_classes=10,
                                    downsample=downsample))
    return load_weights_into(model, Path(path)).eval()


def _stamp(path: Path) -> tuple[str, float, int]:
    path = Path(path)
    if not path.is_file():
        return (str(path), -1.0, -1)
    st = path.stat()
    return (str(path), st.st_mtime, st.st_size)


def compute_lesion_study(resnet18_path: Path, plain20_path: Path, resnet20_path: Path) -> LesionResult:
    """The study computed now: ResNet-18, Plain-20 and (if its file exists) ResNet-20 on the test sample."""
    r18_path, p20_path, r20_path = Path(resnet18_path), Path(plain20_path), Path(resnet20_path)
    if not r18_path.is_file():
        # The file name only: a server's directories are nobody's business on the page.
        raise ValueError(tr(
            "{path} is missing: the lesion study needs the shipped ResNet-18. "
            "Regenerate it with `python -m explainer.training.trainer`.",
            path=r18_path.name,
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


@lru_cache(maxsize=4)
def _cached_study(resnet18: tuple, plain20: tuple, resnet20: tuple) -> LesionResult:
    # Keyed by (path, mtime, size) of each file: a retrained checkpoint invalidates the cache.
    return compute_lesion_study(Path(resnet18[0]), Path(plain20[0]), Path(resnet20[0]))


def lesion_study(resnet18_path: Path = DEFAULT_WEIGHTS, plain20_path: Path = PLAIN20_WEIGHTS,
                 resnet20_path: Path = RESNET20_WEIGHTS) -> LesionResult:
    """Delete each block in turn from the shipped ResNet-18 and the trained Plain-20 (and ResNet-20).

    The shipped checkpoints' study comes precomputed from ``checkpoints/lesion.json`` when that file was
    computed from exactly these files (``lesion_artifact``); otherwise it is computed (≈ 4.5 forward passes
    of 2000 images) and cached per checkpoint version. Raises ``ValueError`` naming a missing checkpoint
    and the command that regenerates it.
    """
    from explainer.degradation import lesion_artifact  # it imports this module

    paths = {"resnet18": Path(resnet18_path), "plain20": Path(plain20_path), "resnet20": Path(resnet20_path)}
    shipped = lesion_artifact.shipped_result(inputs={**lesion_artifact.INPUTS, **paths})
    if shipped is not None:
        return shipped
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
    fig.suptitle(tr("Lesion study (Veit et al. 2016): hatched = downsampling block (its shortcut kept), "
                    "n/a = cannot be deleted"))
    return fig


def noise_points(accuracy: float, images: int) -> float:
    """Two binomial standard errors of an accuracy measured on ``images`` images, in percentage points.

    Drops smaller than this are within the sampling noise of the evaluation (2000 images at 90 %: 1.3).
    """
    return 200.0 * math.sqrt(max(accuracy * (1.0 - accuracy), 0.0) / max(images, 1))


#: Accuracy within this many points of chance counts as "near chance" (10 classes: at most 20 %).
NEAR_CHANCE = 0.10


def _model_reading(name: str, base: float, rows: list[LesionRow], skipped: list[str], images: int) -> str:
    """One bullet for one net: its drops in numbers, then what they add up to."""
    tol = noise_points(base, images)
    line = tr("- **{name}** (intact {accuracy:.1%})", name=name, accuracy=base)
    if not rows:
        return line + tr(": no block can be deleted.")
    drops = [100 * float(r.drop) for r in rows]
    worst = max(rows, key=lambda r: float(r.drop))
    line += tr(": deleting one block costs {lo:.1f} to {hi:.1f} points (median {med:.1f}; largest: {block}, "
               "{acc:.1%} left)", lo=min(drops), hi=max(drops), med=float(np.median(drops)), block=worst.block,
               acc=worst.accuracy)
    down = [100 * float(r.drop) for r in rows if r.kind.startswith("downsampling")]
    ident = [100 * float(r.drop) for r in rows if not r.kind.startswith("downsampling")]
    if down and ident:
        if min(down) > max(ident) + tol:
            line += tr("; every downsampling block costs more than every other block")
        elif float(np.median(down)) > float(np.median(ident)) + tol:
            line += tr("; downsampling blocks cost more on median ({down:.1f} vs {ident:.1f} points)",
                       down=float(np.median(down)), ident=float(np.median(ident)))
        else:
            line += tr("; downsampling blocks cost no more than the others")
    if skipped:
        line += tr("; not deletable (shape changes, no shortcut): {blocks}", blocks=", ".join(skipped))
    near = [r.block for r in rows if float(r.accuracy) <= CHANCE + NEAR_CHANCE]
    if max(drops) <= tol:
        line += tr(". Every single deletion stays within {tol:.1f} points, the sampling noise of {n} images: no "
                   "block is essential on its own.", tol=tol, n=images)
    elif near:
        line += tr(". {k} of {total} deletions leave it near chance ({blocks}): the net cannot do without those "
                   "blocks.", k=len(near), total=len(rows), blocks=", ".join(near))
    else:
        line += tr(". No single deletion takes it near chance.")
    return line


def _compare_same_size(res: LesionResult) -> str:
    """Plain-20 vs ResNet-20 on the blocks both can lose: which is hurt more, beyond sampling noise."""
    if not {"Plain-20", "ResNet-20"} <= set(res.baselines):
        return ""
    by = {(r.model, r.block): r for r in res.rows if r.accuracy is not None}
    common = [b for (m, b) in by if m == "Plain-20" and ("ResNet-20", b) in by]
    if not common:
        return ""
    plain = float(np.median([100 * float(by["Plain-20", b].drop) for b in common]))
    residual = float(np.median([100 * float(by["ResNet-20", b].drop) for b in common]))
    tol = max(noise_points(res.baselines["Plain-20"], res.images), noise_points(res.baselines["ResNet-20"], res.images))
    fields = {"n": len(common), "plain": plain, "residual": residual, "tol": tol}
    if plain > residual + tol:
        return tr("**Conclusion:** on the {n} blocks both 20-layer nets can lose, deleting one costs the plain net "
                  "more (median {plain:.1f} points) than the residual net ({residual:.1f}): with shortcuts, the "
                  "other blocks still carry the signal past the hole.", **fields)
    if residual > plain + tol:
        return tr("**Conclusion:** on the {n} blocks both 20-layer nets can lose, deleting one costs the residual "
                  "net more (median {residual:.1f} points) than the plain net ({plain:.1f}): this run does not show "
                  "Veit et al.'s contrast.", **fields)
    return tr("**Conclusion:** on the {n} blocks both 20-layer nets can lose, the median costs ({plain:.1f} points "
              "plain, {residual:.1f} residual) differ by less than the sampling noise ({tol:.1f} points): this run "
              "does not separate them.", **fields)


def explain_lesion(res: LesionResult) -> str:
    """Markdown summary computed from the table: per net, the drops and what they add up to."""
    parts = []
    for name, base in res.baselines.items():
        rows = [r for r in res.rows if r.model == name and r.accuracy is not None]
        skipped = [r.block for r in res.rows if r.model == name and r.accuracy is None]
        parts.append(_model_reading(name, base, rows, skipped, res.images))
    conclusion = _compare_same_size(res)
    return "\n".join(parts) + ("\n\n" + conclusion if conclusion else "")
