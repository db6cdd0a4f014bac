"""Trainer throughput vs a plain fp32 D2L-style loop, side by side in one run.

    python benchmarks/bench_train.py [--steps 12] [--batch-size 128] [--size 96]

Same model (D2L ResNet-18), same batch size, same input size, same synthetic uint8 batch. "ours" is
exactly the trainer's step (augment → to_model_input → channels_last → ``loop.train_step`` with the
ResNet-18 recipe: bf16 autocast, SGD Nesterov, one-cycle schedule);
"d2l" is the book's loop (fp32, NCHW, plain SGD). Rounds alternate so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

import torch
from torch import nn

from explainer.models.resnet import build_resnet, d2l_resnet18_spec
from explainer.training.fashion_mnist import to_model_input
from explainer.training.loop import augment, make_optimizer, make_scheduler, model_input, train_step
from explainer.training.recipe import RESNET18_RECIPE


def _steps(mode: str, steps: int, batch: int, size: int) -> float:
    torch.manual_seed(0)
    model = build_resnet(d2l_resnet18_spec())
    images = torch.randint(0, 256, (batch, 28, 28), dtype=torch.uint8)
    labels = torch.randint(0, 10, (batch,))
    g = torch.Generator().manual_seed(0)
    recipe = RESNET18_RECIPE
    if mode == "ours":
        model = model.to(memory_format=torch.channels_last)
        opt = make_optimizer(model, recipe)
        sched = make_scheduler(opt, recipe, total_steps=steps + 2)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
    model.train()
    times = []
    for i in range(steps + 2):  # two warm-up steps
        t0 = time.perf_counter()
        if mode == "ours":
            x = model_input(augment(images, recipe.crop_padding, recipe.hflip, g), size, recipe.channels_last)
            train_step(model, opt, sched, x, labels, recipe)
        else:
            loss = nn.functional.cross_entropy(model(to_model_input(images, size)), labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        if i >= 2:
            times.append(time.perf_counter() - t0)
    return batch / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"ours": [], "d2l": []}
    for _ in range(args.rounds):
        for mode in ("d2l", "ours"):
            results[mode].append(_steps(mode, args.steps, args.batch_size, args.size))
    ours, d2l = statistics.median(results["ours"]), statistics.median(results["d2l"])
    print(f"machine: {torch.get_num_threads()} threads, torch {torch.__version__}")
    print(f"d2l fp32 loop     : {d2l:7.1f} img/s  (batch {args.batch_size}, {args.size}×{args.size})")
    print(f"our trainer step  : {ours:7.1f} img/s  (bf16 autocast + channels_last)")
    print(f"ratio ours / d2l  : {ours / d2l:5.2f}×  (target ≥ 2×)")


if __name__ == "__main__":
    main()
