"""The training core shared by the trainer, the Fig. 6 experiment and the live run.

One step (``train_step``), one epoch (``train_epoch``, over ``epoch_batches``), one evaluation
(``evaluate``), and the optimizer and learning-rate schedule built from a ``Recipe`` with
PyTorch's own schedulers: ``OneCycleLR`` (ResNet-18), ``SequentialLR(LinearLR, CosineAnnealingLR)``
(Fig. 6: linear warm-up from lr/10, then cosine decay to 0), ``LambdaLR`` (the live run's linear
warm-up, then constant).
"""

from __future__ import annotations

import math
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable, ContextManager, Iterable, Iterator, NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.optim.lr_scheduler import CosineAnnealingLR, LambdaLR, LinearLR, LRScheduler, OneCycleLR, SequentialLR
from tqdm import tqdm

from explainer.training.fashion_mnist import CLASS_NAMES, INPUT_SIZE, Split, to_model_input
from explainer.training.recipe import ONE_CYCLE, WARMUP_CONSTANT, WARMUP_COSINE, Recipe


def autocast(bf16: bool) -> ContextManager[object]:
    """bf16 autocast on the CPU, or nothing."""
    return torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else nullcontext()


def augment(images: Tensor, padding: int, hflip: bool, generator: torch.Generator) -> Tensor:
    """Random crop (after zero padding) and horizontal flip on a uint8 batch (N, 28, 28) → same shape."""
    n, h, w = images.shape
    if padding > 0:
        padded = F.pad(images, (padding, padding, padding, padding))
        oy = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
        ox = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
        rows = (oy[:, None] + torch.arange(h))[:, :, None]  # (N, H, 1)
        cols = (ox[:, None] + torch.arange(w))[:, None, :]  # (N, 1, W)
        images = padded[torch.arange(n)[:, None, None], rows, cols]
    if hflip:
        flip = torch.rand(n, generator=generator) < 0.5
        images = torch.where(flip[:, None, None], images.flip(-1), images)
    return images


def model_input(images: Tensor, size: int, channels_last: bool) -> Tensor:
    """uint8 (N, 28, 28) → normalised float (N, 1, size, size), channels_last if asked."""
    x = to_model_input(images, size)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def steps_per_epoch(n_images: int, recipe: Recipe, world: int = 1) -> int:
    """Full batches per epoch (the last partial batch is dropped); ``ValueError`` if there are none."""
    steps = n_images // (max(1, recipe.batch_size // world) * world)
    if steps == 0:
        raise ValueError(f"The training set ({n_images} images) is smaller than one batch ({recipe.batch_size}).")
    return steps


def epoch_batches(split: Split, recipe: Recipe, epoch: int, *, size: int, rank: int = 0,
                  world: int = 1) -> Iterator[tuple[Tensor, Tensor]]:
    """This process's (inputs (B, 1, size, size), labels (B,)) batches of one epoch.

    Every process draws the same permutation (seeded by the epoch) and takes its own shard, so
    every net trained with the same seed sees the same batches in the same order.
    """
    local_batch = max(1, recipe.batch_size // world)
    perm = torch.randperm(len(split), generator=torch.Generator().manual_seed(recipe.seed * 1000 + epoch))[rank::world]
    aug_gen = torch.Generator().manual_seed(recipe.seed * 1000 + epoch * 10 + rank)
    for step in range(steps_per_epoch(len(split), recipe, world)):
        idx = perm[step * local_batch : (step + 1) * local_batch]
        images = augment(split.images[idx], recipe.crop_padding, recipe.hflip, aug_gen)
        yield model_input(images, size, recipe.channels_last), split.labels[idx]


def make_optimizer(model: nn.Module, recipe: Recipe) -> torch.optim.SGD:
    """SGD as the recipe says; weight decay on conv/fc weights only unless ``decay_norm_and_bias``."""
    if recipe.decay_norm_and_bias:
        groups: list[dict] = [{"params": list(model.parameters()), "weight_decay": recipe.weight_decay}]
    else:
        groups = [{"params": [p for p in model.parameters() if p.dim() > 1], "weight_decay": recipe.weight_decay},
                  {"params": [p for p in model.parameters() if p.dim() <= 1], "weight_decay": 0.0}]
    return torch.optim.SGD(groups, lr=recipe.lr, momentum=recipe.momentum, nesterov=recipe.nesterov)


def make_scheduler(optimizer: torch.optim.Optimizer, recipe: Recipe, total_steps: int,
                   steps_per_epoch: int = 1) -> LRScheduler:
    """The recipe's learning-rate schedule, stepped once after every optimizer step."""
    if recipe.schedule == ONE_CYCLE:
        return OneCycleLR(optimizer, max_lr=recipe.lr, total_steps=total_steps, pct_start=recipe.warmup_fraction,
                          div_factor=25.0, final_div_factor=1e3)
    if recipe.schedule == WARMUP_COSINE:
        warmup = max(1, round(recipe.warmup_epochs * steps_per_epoch))
        return SequentialLR(optimizer, [
            LinearLR(optimizer, start_factor=0.1, end_factor=1.0, total_iters=warmup),
            CosineAnnealingLR(optimizer, T_max=max(1, total_steps - warmup), eta_min=0.0),
        ], milestones=[warmup])
    if recipe.schedule == WARMUP_CONSTANT:
        # LambdaLR computes lr * factor in one multiplication (LinearLR's recursive update differs
        # in the last bit), so the live run replays exactly for a given seed.
        warmup = max(1, int(total_steps * recipe.warmup_fraction))
        return LambdaLR(optimizer, lambda i: min(1.0, (i + 1) / warmup))
    raise ValueError(f"Unknown schedule {recipe.schedule!r}.")


def optimizer_and_schedule(model: nn.Module, recipe: Recipe, n_images: int,
                           world: int = 1) -> tuple[torch.optim.SGD, LRScheduler, int]:
    """(optimizer, scheduler, steps per epoch) for ``recipe.epochs`` epochs over ``n_images`` images."""
    epoch_steps = steps_per_epoch(n_images, recipe, world)
    optimizer = make_optimizer(model, recipe)
    return optimizer, make_scheduler(optimizer, recipe, epoch_steps * recipe.epochs, epoch_steps), epoch_steps


class StepResult(NamedTuple):
    loss: float  # mean loss of the batch
    wrong: int  # misclassified images of the batch
    lr: float  # learning rate this step used


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, scheduler: LRScheduler, x: Tensor, y: Tensor,
               recipe: Recipe, *, after_backward: Callable[[], None] | None = None) -> StepResult:
    """One SGD step on the batch ``x`` (B, C, H, W), ``y`` (B,), then one scheduler step."""
    with autocast(recipe.bf16):
        logits = model(x)
    loss = F.cross_entropy(logits.float(), y, label_smoothing=recipe.label_smoothing)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if after_backward is not None:
        after_backward()
    lr = optimizer.param_groups[0]["lr"]
    optimizer.step()
    scheduler.step()
    return StepResult(float(loss.detach()), int((logits.detach().argmax(1) != y).sum()), lr)


@dataclass
class EpochStats:
    """Running totals over one epoch in training mode."""

    loss_sum: float = 0.0
    wrong: int = 0
    seen: int = 0
    steps: int = 0
    lr: float = 0.0  # learning rate of the last step

    @property
    def loss(self) -> float:
        return self.loss_sum / max(1, self.seen)

    @property
    def error(self) -> float:
        return self.wrong / max(1, self.seen)


def train_epoch(model: nn.Module, optimizer: torch.optim.Optimizer, scheduler: LRScheduler,
                batches: Iterable[tuple[Tensor, Tensor]], recipe: Recipe, *, first_step: int = 0,
                max_steps: int | None = None, on_grads: Callable[[int], None] | None = None,
                net_name: str | None = None, bar: str | None = None, total: int | None = None) -> EpochStats:
    """Train over ``batches``; returns the running totals.

    ``first_step`` numbers the steps globally for ``on_grads(step)`` (called after backward) and
    ``max_steps`` (stop once that many steps are done in all). ``net_name`` makes a non-finite loss
    raise ``RuntimeError`` naming the net. ``bar`` shows a tqdm bar with that title (``total`` steps).
    """
    model.train()
    stats = EpochStats()
    progress = tqdm(batches, total=total, desc=bar, disable=bar is None, mininterval=5.0, file=sys.stdout)
    for x, y in progress:
        step = first_step + stats.steps
        hook = (lambda: on_grads(step)) if on_grads is not None else None
        result = train_step(model, optimizer, scheduler, x, y, recipe, after_backward=hook)
        stats.loss_sum += result.loss * len(y)
        stats.wrong += result.wrong
        stats.seen += len(y)
        stats.steps += 1
        stats.lr = result.lr
        if net_name is not None and not math.isfinite(result.loss):
            raise RuntimeError(f"{net_name}: the loss became {result.loss} at step {step + 1}; the recipe diverged.")
        if bar is not None:
            progress.set_postfix(loss=f"{stats.loss:.3f}", acc=f"{1 - stats.error:.3f}", lr=f"{result.lr:.4f}")
        if max_steps is not None and step + 1 >= max_steps:
            break
    return stats


@dataclass(frozen=True)
class Evaluation:
    """Eval-mode results on a split: the confusion matrix (rows: true class, columns: predicted) and mean loss."""

    confusion: Tensor  # (classes, classes) int64
    loss: float  # mean cross-entropy

    @property
    def accuracy(self) -> float:
        # A float32 division, as the shipped model card's accuracy was computed.
        return float(self.confusion.diag().sum() / self.confusion.sum())

    @property
    def error(self) -> float:
        n = int(self.confusion.sum())
        return (n - int(self.confusion.diag().sum())) / n

    def __iter__(self) -> Iterator[object]:
        """Unpacks as ``accuracy, confusion`` (what the trainer's ``evaluate`` used to return)."""
        return iter((self.accuracy, self.confusion))


@torch.no_grad()
def evaluate(model: nn.Module, split: Split, *, input_size: int = INPUT_SIZE, batch_size: int = 500,
             bf16: bool = False, channels_last: bool = True, progress: bool = False) -> Evaluation:
    """Accuracy/error, confusion matrix and mean cross-entropy of ``model`` in eval mode on a whole split."""
    model.eval()
    k = len(CLASS_NAMES)
    confusion = torch.zeros(k, k, dtype=torch.int64)
    loss_sum = 0.0
    starts = range(0, len(split), batch_size)
    for start in tqdm(starts, desc="evaluate", disable=not progress, leave=False):
        x = model_input(split.images[start : start + batch_size], input_size, channels_last)
        y = split.labels[start : start + batch_size]
        with autocast(bf16):
            logits = model(x).float()
        loss_sum += float(F.cross_entropy(logits, y, reduction="sum"))
        confusion += torch.bincount(y * k + logits.argmax(1), minlength=k * k).reshape(k, k)
    return Evaluation(confusion, loss_sum / len(split))
