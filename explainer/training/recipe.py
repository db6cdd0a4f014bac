"""One ``Recipe`` type for every net we train, and the command-line flags derived from it.

Three recipes, one per runner: ``RESNET18_RECIPE`` (``explainer.training.trainer``), ``FIG6_RECIPE``
(``explainer.training.fig6_experiment``) and ``LIVE_RECIPE`` (the Degradation tab's live mini-run).
Each field's ``help`` says what it is; the comment says why the default is what it is. A runner
lists the fields its command line exposes; ``add_recipe_flags`` turns them into argparse flags
(``--batch-size`` for ``batch_size``, ``--bf16/--no-bf16`` for booleans) and ``recipe_from_args``
reads them back.
"""

from __future__ import annotations

import argparse
import types
import typing
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Sequence

from explainer.training.fashion_mnist import INPUT_SIZE

#: The learning-rate schedules ``explainer.training.loop.make_scheduler`` builds; the names are
#: also their descriptions (the Degradation tab prints the fig6 one as it is stored).
ONE_CYCLE = "one-cycle: cosine warm-up from lr/25, cosine decay to lr/25000"
WARMUP_COSINE = "linear warm-up, then cosine decay to 0"
WARMUP_CONSTANT = "linear warm-up, then constant"
SCHEDULES = (ONE_CYCLE, WARMUP_COSINE, WARMUP_CONSTANT)


def _knob(default: Any, help: str, **extra: Any) -> Any:
    """A field whose ``help`` becomes the command-line help."""
    return field(default=default, metadata={"help": help, **extra})


@dataclass(frozen=True)
class Recipe:
    """Everything that decides a training run (stored with its results, so a run can be repeated)."""

    # --- data
    train_subset: int | None = _knob(None, "train on a fixed seeded subset of N training images (default: all)")
    epochs: int = _knob(14, "passes over the training data")
    batch_size: int = _knob(128, "global batch (split across processes under torchrun)")
    # --- optimizer: SGD, the optimizer He et al. and D2L use
    lr: float = _knob(0.1, "peak learning rate")
    # With the one-cycle schedule PyTorch cycles momentum 0.95 → 0.85 → 0.95 and this value is
    # unused (kept so the shipped ResNet-18 is reproduced bit for bit).
    momentum: float = _knob(0.9, "SGD momentum")
    nesterov: bool = _knob(True, "Nesterov momentum")  # slightly faster convergence at no cost
    weight_decay: float = _knob(5e-4, "L2 weight decay on conv/fc weights")
    # BN parameters and biases do not overfit; decaying them only pulls BN scales towards 0.
    decay_norm_and_bias: bool = _knob(False, "also apply weight decay to BN parameters and biases")
    label_smoothing: float = _knob(0.1, "cross-entropy label smoothing")  # less over-confident logits
    # --- learning-rate schedule
    schedule: str = _knob(ONE_CYCLE, "learning-rate schedule", choices=SCHEDULES)
    # one-cycle and warm-up + constant: a share of all steps (so it scales with --epochs)
    warmup_fraction: float = _knob(0.15, "share of all steps spent warming up (one-cycle, constant)")
    # warm-up + cosine: in epochs, as He et al. warm up their deepest net for a fixed time
    warmup_epochs: float = _knob(1.0, "epochs of linear warm-up from lr/10 (warm-up + cosine)")
    # --- augmentation: D2L's run overfits (train acc 0.994 vs test 0.915), fig6 measures fitting
    crop_padding: int = _knob(2, "zero padding (px) before a random 28×28 crop; 0: no crop")
    hflip: bool = _knob(True, "random horizontal flips")
    # --- speed: ≈ 2× faster on AMX CPUs, no loss in accuracy
    bf16: bool = _knob(True, "bf16 autocast on the CPU (--no-bf16: fp32, slower)")
    channels_last: bool = _knob(True, "channels_last memory format")
    # --- input size and progressive resizing: the first low_res_epochs epochs see low_res_size
    # inputs (0.44× the cost at 64 px), the rest -- and all evaluation -- input_size, so BN
    # statistics and filters settle at the real size.
    input_size: int = _knob(INPUT_SIZE, "input side in pixels (28×28 images are resized to it)")
    low_res_size: int = _knob(64, "input side during the first low-res epochs")
    low_res_epochs: int = _knob(9, "epochs trained at the low resolution")
    # --- the rest
    seed: int = _knob(0, "seed of the init, the data order and the augmentation")
    grad_every: int = _knob(10, "record per-layer gradient norms every N steps (fig6)")

    @property
    def augmentation(self) -> str:
        """The augmentation in words (stored in the fig6 results, shown by the app)."""
        parts = ([f"random 28×28 crops after {self.crop_padding} px zero padding"] if self.crop_padding > 0 else []) + (
            ["horizontal flips"] if self.hflip else [])
        return ", ".join(parts) or "none"

    def record(self) -> dict[str, Any]:
        """The recipe as stored in a model card or results file: every field, plus ``augmentation``."""
        return {**asdict(self), "augmentation": self.augmentation}


#: D2L's ResNet-18 on Fashion-MNIST (D2L: 28 → 96 resize, SGD, batch 256, lr 0.05, 10 epochs →
#: 91.5–92.2 %); the changes are the fields' defaults above.
RESNET18_RECIPE = Recipe()

#: He et al. Fig. 6 on a Fashion-MNIST subset: their optimizer (§4.2: SGD, momentum 0.9, weight
#: decay 1e-4, batch 128, peak lr 0.1), one epoch of warm-up then cosine decay, no augmentation
#: (we measure optimization, not generalization), 28×28 inputs, many epochs on 10 000 images.
FIG6_RECIPE = replace(
    RESNET18_RECIPE, train_subset=10000, epochs=24, weight_decay=1e-4, nesterov=False, label_smoothing=0.0,
    schedule=WARMUP_COSINE, crop_padding=0, hflip=False, input_size=28, low_res_size=28, low_res_epochs=0,
)

#: The live mini-run (a few hundred steps, fp32 for exact replays): a linear warm-up over the
#: first 10 % of steps, since deep plain nets diverge at once otherwise.
LIVE_RECIPE = replace(
    FIG6_RECIPE, train_subset=None, epochs=1, batch_size=64, lr=0.05, decay_norm_and_bias=True,
    schedule=WARMUP_CONSTANT, warmup_fraction=0.1, bf16=False, channels_last=False,
)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_recipe_flags(parser: argparse.ArgumentParser, defaults: Recipe, names: Sequence[str]) -> None:
    """Add one flag per field in ``names`` to ``parser``: type, default (from ``defaults``) and help.

    Booleans get ``--x/--no-x``; ``int | None`` fields take an int and default to ``None``.
    """
    hints = typing.get_type_hints(Recipe)
    by_name = {f.name: f for f in fields(Recipe)}
    group = parser.add_argument_group("recipe")
    for name in names:
        meta, kind = by_name[name].metadata, hints[name]
        default = getattr(defaults, name)
        if kind is bool:
            group.add_argument(_flag(name), dest=name, action=argparse.BooleanOptionalAction, default=default,
                               help=meta["help"])
            continue
        if typing.get_origin(kind) in (typing.Union, types.UnionType):
            kind = next(t for t in typing.get_args(kind) if t is not type(None))
        group.add_argument(_flag(name), dest=name, type=kind, default=default, choices=meta.get("choices"),
                           help=f"{meta['help']} (default: {default})")


def recipe_from_args(args: argparse.Namespace, defaults: Recipe, names: Sequence[str]) -> Recipe:
    """``defaults`` with the fields in ``names`` taken from parsed ``args``."""
    return replace(defaults, **{name: getattr(args, name) for name in names})
