"""He et al. Fig. 6 on Fashion-MNIST: ``python -m explainer.training.fig6_experiment``.

Trains Plain-20, Plain-56, ResNet-20 and ResNet-56 (``--with-110`` adds the 110-layer pair) with
ONE shared recipe and writes ``checkpoints/degradation.json``: a top-level ``runs`` list whose
entries hold the per-epoch curves ``train_loss``, ``train_error``, ``test_error`` (x axis
``epoch``), per-layer gradient norms, the recipe, the wall time and the command. It also saves
the trained Plain-20 and ResNet-20 weights (fp16 safetensors, ≈ 0.5 MB each) for the lesion study.

The recipe, and why:

* a fixed, seeded subset of the training set (``--train-subset``, default 10 000 images, class
  balance left to chance) trained for many epochs: the question is which nets can *fit* their
  training data, and on 2 CPU cores the paper's ~160 epochs of 50k images are out of reach -- a
  calibration run on the full 60k for 3 epochs showed the degradation (Plain-56 ≫ Plain-20) but
  ResNet-56 had not yet caught up with ResNet-20;
* He et al.'s optimizer: SGD, momentum 0.9, weight decay 1e-4, batch 128, peak lr 0.1, reached by a
  linear warm-up over the first epoch (the paper warms up its 110-layer net), then cosine decay;
* no augmentation (we measure optimization, not generalization), bf16 autocast + channels_last
  (≈ 2× faster on this CPU), a fixed seed per net; every net sees the same batches in the same order.

"Training error" is reported two ways, both stored: the running mean over each epoch in training
mode (what He et al. plot), and, at the end, the error of the final model in eval mode on the whole
training subset. Test error is the eval-mode error on the full 10 000-image test split after
every epoch.

``--jobs 2`` trains two nets at a time, one thread each (these 16–64-channel convs scale poorly
across threads, so two single-threaded processes finish sooner than one two-threaded one).

The recipe is ``explainer.training.recipe.FIG6_RECIPE``; the loop, the schedule (PyTorch's
``SequentialLR(LinearLR, CosineAnnealingLR)``) and the evaluation are the shared ones in
``explainer.training.loop``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import torch
from torch import nn

from explainer.models.resnet import build_resnet, cifar_spec
from explainer.training.artifacts import CHECKPOINT_DIR, PLAIN20_WEIGHTS, RESNET20_WEIGHTS, RESULTS_PATH
from explainer.training.checkpoint import save_weights
from explainer.training.fashion_mnist import Split, load_split, read_split_files
from explainer.training.fig6_results import COMMAND, check_outcome, summarize
from explainer.training.loop import epoch_batches, evaluate, optimizer_and_schedule, train_epoch
from explainer.training.recipe import FIG6_RECIPE, Recipe, add_recipe_flags, recipe_from_args

#: The recipe fields the command line exposes (``--fp32`` is kept as a synonym of ``--no-bf16``).
FLAGS = ("train_subset", "epochs", "batch_size", "lr", "momentum", "weight_decay", "warmup_epochs", "seed", "bf16",
         "grad_every")


def train_subset(train: Split, n: int, seed: int) -> Split:
    """The first ``n`` images of a seeded permutation of the training set (no selection by content)."""
    if not 1 <= n <= len(train):
        raise ValueError(f"The training subset must hold between 1 and {len(train)} images, got {n}.")
    g = torch.Generator().manual_seed(seed)
    idx = torch.randperm(len(train), generator=g)[:n].sort().values
    return Split(train.images[idx], train.labels[idx])


def weighted_layer_names(model: nn.Module) -> list[str]:
    """Names of the depth-counting conv/fc layers (projections excluded), forward order."""
    return [n for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear)) and ".downsample" not in n]


def run_name(depth: int, residual: bool) -> str:
    return f"{'ResNet' if residual else 'Plain'}-{depth}"


def train_one(depth: int, residual: bool, recipe: Recipe, train: Split, test: Split, *,
              max_steps: int | None = None, log: bool = True) -> tuple[dict[str, Any], nn.Module]:
    """Train one net with ``recipe``; returns (run dict for the JSON, trained model).

    ``max_steps`` stops early (timing and tests); the run then records ``"truncated": true``.
    """
    name = run_name(depth, residual)
    torch.manual_seed(recipe.seed)
    model = build_resnet(cifar_spec(depth, residual=residual, batch_norm=True, in_channels=1, num_classes=10))
    if recipe.channels_last:
        model = model.to(memory_format=torch.channels_last)
    optimizer, scheduler, epoch_steps = optimizer_and_schedule(model, recipe, len(train))
    layer_names = weighted_layer_names(model)
    layers = [model.get_submodule(n) for n in layer_names]
    gsum, gcount = torch.zeros(len(layers), dtype=torch.float64), 0

    def record_grad_norms(step: int) -> None:
        nonlocal gsum, gcount
        if step % recipe.grad_every == 0:
            gsum += torch.tensor([float(m.weight.grad.norm()) for m in layers], dtype=torch.float64)
            gcount += 1

    evaluate_on = {"input_size": recipe.input_size, "batch_size": 1000, "bf16": recipe.bf16,
                   "channels_last": recipe.channels_last}
    curves: dict[str, list[Any]] = {k: [] for k in ("x", "train_loss", "train_error", "test_error", "test_loss", "lr", "grad_norms")}
    t_start, step, truncated = time.perf_counter(), 0, False
    for epoch in range(recipe.epochs):
        gsum, gcount = torch.zeros(len(layers), dtype=torch.float64), 0
        stats = train_epoch(model, optimizer, scheduler, epoch_batches(train, recipe, epoch, size=recipe.input_size),
                            recipe, first_step=step, max_steps=max_steps, on_grads=record_grad_norms, net_name=name)
        step += stats.steps
        truncated = max_steps is not None and step >= max_steps
        test_result = evaluate(model, test, **evaluate_on)
        curves["x"].append(epoch + 1 if not truncated else round(epoch + stats.seen / (epoch_steps * recipe.batch_size), 4))
        curves["train_loss"].append(round(stats.loss, 5))
        curves["train_error"].append(round(stats.error, 5))
        curves["test_error"].append(round(test_result.error, 5))
        curves["test_loss"].append(round(test_result.loss, 5))
        curves["lr"].append(round(stats.lr, 6))
        curves["grad_norms"].append([round(float(v), 6) for v in (gsum / max(1, gcount))])
        elapsed = time.perf_counter() - t_start
        if log:
            eta = elapsed / (epoch + 1) * (recipe.epochs - epoch - 1)
            print(f"{name} epoch {epoch + 1}/{recipe.epochs}: train loss {stats.loss:.4f}, "
                  f"train err {stats.error:.2%}, test err {test_result.error:.2%}, {elapsed:.0f} s (ETA {eta:.0f} s)",
                  flush=True)
        if truncated:
            break
    final = evaluate(model, train, **evaluate_on)
    wall = time.perf_counter() - t_start
    run = {
        "name": name,
        "depth": depth,
        "residual": residual,
        "batch_norm": True,
        # He et al.'s option A where shapes change: ResNet-n has exactly Plain-n's parameters
        "shortcut": "zero-pad (option A)" if residual else "none",
        "parameters": sum(p.numel() for p in model.parameters()),
        "recipe": recipe.record(),
        "x_axis": "epoch",
        **{k: curves[k] for k in ("x", "train_loss", "train_error", "test_error", "test_loss", "lr")},
        "grad_norm_layers": layer_names,
        "grad_norms": curves["grad_norms"],  # per epoch: mean ‖∂L/∂W‖ per layer (every grad_every steps)
        "final": {
            "train_error_eval": round(final.error, 5),  # final model, eval mode, whole training subset
            "train_loss_eval": round(final.loss, 5),
            "train_error_last_epoch": curves["train_error"][-1],  # running mean over the last epoch
            "test_error": curves["test_error"][-1],
        },
        "steps": step,
        "truncated": truncated,
        "wall_time_seconds": round(wall, 1),
        "threads": torch.get_num_threads(),
        "command": "",
    }
    return run, model


def _load_data(data_dir: str | None, tiny_data: bool) -> tuple[Split, Split]:
    if tiny_data:
        return (read_split_files(Path(data_dir), "train", strict_count=False),
                read_split_files(Path(data_dir), "test", strict_count=False))
    return load_split("train", data_dir), load_split("test", data_dir)


def _worker(job: tuple[int, bool, Recipe, str | None, bool, int | None, int, str]) -> dict[str, Any]:
    depth, residual, recipe, data_dir, tiny_data, max_steps, threads, weights_dir = job
    torch.set_num_threads(threads)
    train, test = _load_data(data_dir, tiny_data)
    if recipe.train_subset is not None:
        train = train_subset(train, min(recipe.train_subset, len(train)), recipe.seed)
    run, model = train_one(depth, residual, recipe, train, test, max_steps=max_steps)
    if depth == 20 and weights_dir:
        path = Path(weights_dir) / (PLAIN20_WEIGHTS.name if not residual else RESNET20_WEIGHTS.name)
        save_weights(model, path, metadata={"name": run["name"], "recipe": json.dumps(recipe.record())})
    return run


def run_experiment(recipe: Recipe, *, depths: tuple[int, ...] = (20, 56), jobs: int = 1, out: Path = RESULTS_PATH,
                   weights_dir: Path | None = CHECKPOINT_DIR, data_dir: str | None = None, tiny_data: bool = False,
                   max_steps: int | None = None, command: str = COMMAND) -> dict[str, Any]:
    """Train every (depth, plain/residual) net and write the results JSON; returns its content."""
    # Longest first, so two parallel workers finish at about the same time.
    plan = [(d, r) for d in sorted(depths, reverse=True) for r in (False, True)]
    threads = max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else torch.get_num_threads()
    job_args = [(d, r, recipe, data_dir, tiny_data, max_steps, threads, str(weights_dir) if weights_dir else "")
                for d, r in plan]
    t0 = time.perf_counter()
    if jobs > 1:
        import multiprocessing as mp

        # Import the worker by its package name: under ``python -m`` this module is ``__main__``,
        # and a function pickled by its qualified package name is what spawned workers can find.
        from explainer.training import fig6_experiment as this_module

        with mp.get_context("spawn").Pool(jobs) as pool:
            runs = pool.map(this_module._worker, job_args, chunksize=1)
    else:
        runs = [_worker(a) for a in job_args]
    order = {run_name(d, r): i for i, (d, r) in enumerate((d, r) for r in (False, True) for d in sorted(depths))}
    runs.sort(key=lambda r: order[r["name"]])
    for run in runs:
        run["command"] = command
    outcome = check_outcome(runs)
    result = {
        "description": "He et al. 2015 Fig. 6 on Fashion-MNIST: plain vs residual nets, one shared recipe.",
        "x_axis": "epoch",
        "train_error_definition": (
            "train_error: running mean over each epoch in training mode (as He et al. plot it); "
            "final.train_error_eval: the final model in eval mode on the whole training subset."
        ),
        "test_error_definition": "eval-mode error on the full 10 000-image Fashion-MNIST test split after each epoch",
        "total_wall_time_seconds": round(time.perf_counter() - t0, 1),
        "jobs": jobs,
        "torch": torch.__version__,
        "outcome": outcome,
        "runs": runs,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".partial")
    tmp.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    return result


def parse_args(argv: list[str] | None = None) -> tuple[Recipe, argparse.Namespace]:
    """The recipe and the other options of a command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_recipe_flags(parser, FIG6_RECIPE, FLAGS)
    parser.add_argument("--fp32", dest="bf16", action="store_false", help="no bf16 autocast (same as --no-bf16)")
    parser.add_argument("--with-110", action="store_true", help="also train Plain-110 and ResNet-110 (≈ 2× the time)")
    parser.add_argument("--jobs", type=int, default=2, help="nets trained in parallel (one thread each when > 1)")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    parser.add_argument("--weights-dir", type=Path, default=CHECKPOINT_DIR)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--max-steps", type=int, default=None, help="stop each net after N steps (timing runs)")
    args = parser.parse_args(argv)
    return recipe_from_args(args, FIG6_RECIPE, FLAGS), args


def main(argv: list[str] | None = None) -> None:
    recipe, args = parse_args(argv)
    depths = (20, 56, 110) if args.with_110 else (20, 56)
    command = "python -m explainer.training.fig6_experiment" + (" " + shlex.join(argv if argv is not None else sys.argv[1:])).rstrip()
    result = run_experiment(recipe, depths=depths, jobs=args.jobs, out=args.out, weights_dir=args.weights_dir,
                            data_dir=args.data_dir, max_steps=args.max_steps, command=command)
    print(f"wrote {args.out} in {result['total_wall_time_seconds']:.0f} s")
    for row in summarize(result):
        print("{:>10}: final train error (eval) {}%, last-epoch running {}%, test {}%, {} s".format(*row))
    for label, checks in result["outcome"].items():
        print(f"He et al. Fig. 6 outcome ({label}): " + ", ".join(f"{k}={v}" for k, v in checks.items()))


if __name__ == "__main__":
    main()
