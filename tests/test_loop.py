"""Tests of explainer.training.loop: PyTorch's schedulers against the old formulas, one evaluation, the epoch loop."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from explainer.training.artifacts import DEFAULT_CARD, RESULTS_PATH
from explainer.training.fashion_mnist import Split, to_model_input
from explainer.training.loop import (
    epoch_batches,
    evaluate,
    make_optimizer,
    make_scheduler,
    steps_per_epoch,
    train_epoch,
)
from explainer.training.recipe import FIG6_RECIPE, LIVE_RECIPE, RESNET18_RECIPE, Recipe
from tests.support.factories import tiny_model

# ---------------------------------------------------------------- the oracles: the formulas used before


def fig6_lr_at(step: int, total: int, warmup: int, recipe: Recipe) -> float:
    """fig6_experiment.lr_at before the shared loop: linear warm-up from lr/10, then cosine to 0."""
    if step < warmup:
        return recipe.lr * (0.1 + 0.9 * step / warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return recipe.lr * 0.5 * (1.0 + math.cos(math.pi * progress))


def one_cycle_at(step: int, total: int, recipe: Recipe) -> tuple[float, float]:
    """(lr, momentum) of the trainer's OneCycleLR(max_lr=lr, pct_start, div_factor=25, final_div_factor=1e3)."""
    def cos(start: float, end: float, pct: float) -> float:
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    initial, peak = recipe.lr / 25.0, recipe.lr
    warm_end = float(recipe.warmup_fraction * total) - 1
    if step <= warm_end:
        pct = step / warm_end
        return cos(initial, peak, pct), cos(0.95, 0.85, pct)
    pct = (step - warm_end) / (total - 1 - warm_end)
    return cos(peak, initial / 1e3, pct), cos(0.85, 0.95, pct)


def live_lr_at(step: int, steps: int, recipe: Recipe) -> float:
    """live_run before the shared loop (``step`` 1-based): ``lr * min(1, step / warmup)``."""
    return recipe.lr * min(1.0, step / max(1, steps // 10))


def _lrs(recipe: Recipe, total: int, spe: int) -> list[tuple[float, float]]:
    """(lr, momentum) each step of a whole run uses: the scheduler steps after every optimizer step."""
    opt = make_optimizer(nn.Linear(2, 2), recipe)
    sched = make_scheduler(opt, recipe, total, spe)
    out = []
    for _ in range(total):
        out.append((opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]))
        assert all(g["lr"] == out[-1][0] for g in opt.param_groups)  # decay and no-decay groups alike
        opt.step()
        sched.step()
    return out


def _shipped(path, pick) -> list[tuple[Recipe, int]]:
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return pick(data)


def _trainer_runs() -> list[tuple[Recipe, int]]:
    shipped = _shipped(DEFAULT_CARD, lambda c: [(replace(RESNET18_RECIPE, **{k: v for k, v in c["recipe"].items()
                                                                             if k != "augmentation"}),
                                                 c["train_images"])])
    return [*shipped, (RESNET18_RECIPE, 60000), (replace(RESNET18_RECIPE, epochs=1, warmup_fraction=0.3), 1000),
            (replace(RESNET18_RECIPE, epochs=3, lr=0.05, batch_size=256), 60000), (replace(RESNET18_RECIPE, epochs=2, batch_size=4), 16)]


def _fig6_runs() -> list[tuple[Recipe, int]]:
    shipped = _shipped(RESULTS_PATH, lambda d: [(replace(FIG6_RECIPE, **{k: v for k, v in r["recipe"].items()
                                                                         if k != "augmentation"}),
                                                 r["recipe"]["train_subset"]) for r in d["runs"][:1]])
    return [*shipped, (FIG6_RECIPE, 10000), (replace(FIG6_RECIPE, epochs=48, warmup_epochs=2.0), 10000),
            (replace(FIG6_RECIPE, epochs=5, warmup_epochs=0.5, lr=0.05), 5000), (replace(FIG6_RECIPE, epochs=2, batch_size=16), 64),
            (replace(FIG6_RECIPE, epochs=1, batch_size=16), 64), (replace(FIG6_RECIPE, epochs=3), 128)]


@pytest.mark.parametrize(("recipe", "n_images"), _trainer_runs())
def test_one_cycle_matches_the_trainer_schedule(recipe: Recipe, n_images: int) -> None:
    spe = steps_per_epoch(n_images, recipe)
    total = spe * recipe.epochs
    for step, (lr, momentum) in enumerate(_lrs(recipe, total, spe)):
        want_lr, want_momentum = one_cycle_at(step, total, recipe)
        assert lr == pytest.approx(want_lr, rel=1e-9, abs=1e-15), step
        assert momentum == pytest.approx(want_momentum, rel=1e-9), step


@pytest.mark.parametrize(("recipe", "n_images"), _fig6_runs())
def test_sequential_lr_matches_the_old_fig6_formula(recipe: Recipe, n_images: int) -> None:
    spe = steps_per_epoch(n_images, recipe)
    total, warmup = spe * recipe.epochs, max(1, round(recipe.warmup_epochs * spe))
    got = [lr for lr, _ in _lrs(recipe, total, spe)]
    want = [fig6_lr_at(s, total, warmup, recipe) for s in range(total)]
    worst = max(abs(a - b) / b for a, b in zip(got, want))
    # Measured: ≤ 3e-12 relative (PyTorch updates the cosine recursively; the old code used the closed form).
    assert worst < 1e-9


@pytest.mark.parametrize("steps", [1, 7, 10, 30, 150, 299, 300])
def test_live_warmup_is_exactly_the_old_one(steps: int) -> None:
    got = [lr for lr, _ in _lrs(LIVE_RECIPE, steps, 1)]
    assert got == [live_lr_at(s, steps, LIVE_RECIPE) for s in range(1, steps + 1)]  # bit for bit


def test_the_shipped_fig6_lr_curve_is_reproduced() -> None:
    """The lr recorded at the end of each epoch in degradation.json (6 decimals) is what the scheduler gives."""
    if not RESULTS_PATH.is_file():
        pytest.skip("degradation.json not shipped here")
    run = json.loads(RESULTS_PATH.read_text(encoding="utf-8"))["runs"][0]
    spe = steps_per_epoch(run["recipe"]["train_subset"], FIG6_RECIPE)
    lrs = [lr for lr, _ in _lrs(FIG6_RECIPE, spe * FIG6_RECIPE.epochs, spe)]
    assert [round(lrs[(e + 1) * spe - 1], 6) for e in range(FIG6_RECIPE.epochs)] == run["lr"]


# ---------------------------------------------------------------- evaluation


def _split(n: int, seed: int = 0) -> Split:
    g = torch.Generator().manual_seed(seed)
    return Split(torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=g), torch.randint(0, 10, (n,), generator=g))


@pytest.mark.parametrize("batch_size", [7, 20, 64])
def test_evaluate_matches_a_hand_loop(batch_size: int) -> None:
    model, split = tiny_model(), _split(20)
    model.train()
    result = evaluate(model, split, input_size=32, batch_size=batch_size)
    assert not model.training  # eval mode: BN running statistics
    with torch.no_grad():
        logits = torch.cat([model(to_model_input(split.images[i : i + 1], 32)) for i in range(len(split))])
    pred = logits.argmax(1)
    confusion = torch.zeros(10, 10, dtype=torch.int64)
    for t, p in zip(split.labels.tolist(), pred.tolist()):
        confusion[t, p] += 1
    assert torch.equal(result.confusion, confusion)
    assert result.accuracy == pytest.approx(float((pred == split.labels).float().mean()))
    assert result.error == pytest.approx(1 - result.accuracy)
    assert result.loss == pytest.approx(float(F.cross_entropy(logits, split.labels)), rel=1e-5)
    accuracy, matrix = result  # unpacks like the trainer's former ``evaluate``
    assert accuracy == result.accuracy and matrix is result.confusion


def test_evaluate_in_bf16_stays_close() -> None:
    model, split = tiny_model(), _split(16)
    fp32, bf16 = evaluate(model, split, input_size=32), evaluate(model, split, input_size=32, bf16=True)
    assert bf16.loss == pytest.approx(fp32.loss, rel=0.05)


# ---------------------------------------------------------------- the epoch loop


def test_train_epoch_counts_steps_and_stops_at_max_steps() -> None:
    torch.manual_seed(0)
    recipe = replace(FIG6_RECIPE, batch_size=4, input_size=32, bf16=False)
    model, split = tiny_model(), _split(20)
    opt = make_optimizer(model, recipe)
    sched = make_scheduler(opt, recipe, 10, 5)
    seen_steps: list[int] = []
    stats = train_epoch(model, opt, sched, epoch_batches(split, recipe, 0, size=32), recipe, first_step=3,
                        on_grads=seen_steps.append)
    assert stats.steps == 5 and stats.seen == 20 and seen_steps == [3, 4, 5, 6, 7] and model.training
    assert 0.0 <= stats.error <= 1.0 and math.isfinite(stats.loss) and stats.lr > 0
    stats = train_epoch(model, opt, sched, epoch_batches(split, recipe, 1, size=32), recipe, first_step=8, max_steps=10)
    assert stats.steps == 2


def test_train_epoch_names_the_net_whose_loss_diverged() -> None:
    recipe = replace(FIG6_RECIPE, batch_size=4, input_size=32, bf16=False)
    model = tiny_model()
    with torch.no_grad():
        model.fc.bias.fill_(float("nan"))
    opt = make_optimizer(model, recipe)
    with pytest.raises(RuntimeError, match="Tiny: the loss became nan at step 1"):
        train_epoch(model, opt, make_scheduler(opt, recipe, 5, 5), epoch_batches(_split(20), recipe, 0, size=32),
                    recipe, net_name="Tiny")


def test_epoch_batches_shard_one_permutation_across_processes() -> None:
    recipe = replace(RESNET18_RECIPE, batch_size=4, crop_padding=0, hflip=False, channels_last=False)
    split = Split(torch.arange(16, dtype=torch.uint8)[:, None, None].expand(16, 28, 28).contiguous(), torch.arange(16) % 10)
    whole = torch.cat([y for _, y in epoch_batches(split, recipe, 0, size=28)])
    shards = [torch.cat([y for _, y in epoch_batches(split, recipe, 0, size=28, rank=r, world=2)]) for r in (0, 1)]
    assert sorted(whole.tolist()) == sorted((torch.arange(16) % 10).tolist())
    assert sorted(shards[0].tolist() + shards[1].tolist()) == sorted(whole.tolist())
    with pytest.raises(ValueError, match="smaller than one batch"):
        steps_per_epoch(3, recipe)
