"""The lesson's steps as data, and the answers to their predict-then-reveal questions computed from numbers.

D2L's ResNet section in its order: nested function classes → the residual block → the 1×1 projection and
stride → ResNet-18 stage by stage → why deep plain nets train worse (gradients, curves, shattering) → what a
trained ResNet-18 looks at; then the section's exercises. Each step names the view that shows it (the UI
computes it with the tabs' own handlers and caches) and asks one question. The answer is never typed in:
each ``answer_*`` function below derives it from the numbers of that view (a shape from the tracer's rows,
a parameter count, gradient norms, correlation lengths, the model's probabilities), and ``verdict`` compares
the student's guess with it. Text is message ids (English), translated when shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from explainer.i18n import N_, tr
from explainer.training.fashion_mnist import CLASS_NAMES

PLAIN, RESIDUAL, BOTH, NEITHER, EQUAL = "plain", "residual", "both", "neither", "equal"
CHOICE_LABELS: dict[str, str] = {
    PLAIN: N_("the plain net"), RESIDUAL: N_("the residual net"), BOTH: N_("both"), NEITHER: N_("neither"),
    EQUAL: N_("equal"),
}


@dataclass(frozen=True)
class Step:
    """One step of the lesson. ``choices`` are answer values (shown through ``choice_label``)."""

    key: str
    title: str  # message id
    text: str  # message id: two or three sentences
    question: str  # message id
    choices: tuple[str, ...]
    link: str  # URL query opening the tab where a student can explore further (explainer/ui/deep_links.py)


STEPS: tuple[Step, ...] = (
    Step("function_classes", N_("1. Nested function classes"),
         N_("A bigger model class only helps if it *contains* the smaller one: then the best function it can reach "
            "is at least as good. A residual layer h + g(h) contains the identity (g = 0), so a deeper residual net "
            "contains the shallower one; a plain layer must learn the identity. Here plain and residual MLPs of 1–8 "
            "hidden layers fit the same curve with the same training budget."),
         N_("As hidden layers are added (1 → 8), whose training error never gets worse?"),
         (PLAIN, RESIDUAL, BOTH, NEITHER), "tab=lesson&lesson.step=function_classes"),
    Step("residual_block", N_("2. The residual block"),
         N_("A basic residual block computes F(x) with two 3×3 convolutions (each with batch normalization) and adds "
            "its input back: ReLU(F(x) + x). With stride 1 and equal channels, x can be added unchanged — an identity "
            "shortcut."),
         N_("A 64×56×56 tensor enters a basic block with an identity shortcut (stride 1, 64 channels). What shape "
            "leaves it?"),
         ("64×56×56", "64×28×28", "128×28×28", "128×56×56"),
         "tab=blocks&blocks.block_kind=basic&blocks.block_shortcut=identity&blocks.block_stride=1"
         "&blocks.input_channels=64&blocks.output_channels=64"),
    Step("projection", N_("3. The 1×1 projection and the stride"),
         N_("When a block halves height and width (stride 2) and doubles the channels, x no longer has F(x)'s shape. "
            "D2L's use_1x1conv=True reshapes it with a 1×1 convolution of the same stride, followed by batch "
            "normalization."),
         N_("Block 64→128 channels, stride 2, on 64×56×56: how many parameters does the 1×1 projection "
            "shortcut (conv + BN) add?"),
         ("0", "8,192", "8,448", "73,728"),
         "tab=blocks&blocks.block_kind=basic&blocks.block_shortcut=projection&blocks.block_stride=2"
         "&blocks.input_channels=64&blocks.output_channels=128"),
    Step("resnet18", N_("4. ResNet-18, stage by stage"),
         N_("D2L's ResNet-18 is a stem (b1: 7×7 conv and max pooling), four stages of two residual blocks (b2–b5), "
            "global average pooling and one fully connected layer. Every stage after the first halves height and "
            "width and doubles the channels."),
         N_("D2L's ResNet-18 on a 1×224×224 image: what shape leaves b3?"),
         ("64×56×56", "128×28×28", "256×14×14", "512×7×7"),
         "tab=blocks&blocks.network=D2L+ResNet-18"),
    Step("gradients", N_("5. Gradients at initialization"),
         N_("One backward pass through Plain-56 and ResNet-56 (the same weights; only the add differs), without "
            "batch normalization and with PyTorch's default initialization. The plot shows ‖∂L/∂W‖ for every layer, "
            "from the input (left) to the output (right)."),
         N_("Depth 56, no batch normalization: which net's first convolution gets the larger gradient?"),
         (PLAIN, RESIDUAL), "tab=degradation&degradation.depth_6n_2_layers=56&degradation.batch_norm=0"),
    Step("curves", N_("6. Real training curves"),
         N_("He et al. trained plain and residual nets of 20 and 56 layers and found the deeper *plain* net worse on "
            "its own training data — an optimization failure, not overfitting. These curves are the same experiment "
            "on Fashion-MNIST, trained once with one recipe and shipped with the app."),
         N_("After training, which plain net has the higher training error?"),
         ("Plain-20", "Plain-56"), "tab=degradation"),
    Step("shattered", N_("7. Shattered gradients"),
         N_("Walk an input image a little at a time toward another and record the gradient of one output. In a deep "
            "plain net neighbouring inputs get nearly unrelated gradients (white noise); the shortcuts keep them "
            "correlated, so a gradient step means the same thing nearby."),
         N_("Depth 56: whose gradient stays correlated over more steps of the walk?"),
         (PLAIN, RESIDUAL, EQUAL), "tab=degradation&degradation.depth_2=56"),
    Step("inside", N_("8. What a trained ResNet-18 looks at"),
         N_("Our ResNet-18 was trained on Fashion-MNIST. Grad-CAM weights the last stage's feature maps by their "
            "gradients and shows which regions raised the predicted class; the deletion test checks whether "
            "removing those pixels first hurts the prediction faster than a random order."),
         N_("What will the model predict for this example?"),
         CLASS_NAMES, "tab=inside"),
)
STEP_KEYS: tuple[str, ...] = tuple(s.key for s in STEPS)


def step(key: str) -> Step:
    """The step called ``key``; ``ValueError`` for any other name."""
    for s in STEPS:
        if s.key == key:
            return s
    raise ValueError(tr("Unknown lesson step {name}: choose one of {choices}.", name=repr(key)[:40],
                        choices=", ".join(STEP_KEYS)))


def choice_label(value: str) -> str:
    """A choice as shown, in the request's language ("residual" → "the residual net"; shapes unchanged)."""
    return tr(CHOICE_LABELS.get(value, value))


#: D2L's exercises for the section, each with the view (URL query) that helps answer it.
EXERCISES: tuple[tuple[str, str], ...] = (
    (N_("What are the major differences between the Inception block and the residual block? Compare their "
        "computation (multiply-adds) and parameters."), "tab=blocks&blocks.network=GoogLeNet"),
    (N_("The bottleneck block: a 1×1 convolution squeezes the channels, a 3×3 works on fewer of them, a 1×1 "
        "expands again. Compare its parameters with a basic block of the same output."),
     ("tab=blocks&blocks.block_kind=bottleneck&blocks.block_shortcut=projection&blocks.block_stride=1"
      "&blocks.input_channels=256&blocks.output_channels=256")),
    (N_("Deeper variants (ResNet-34, -50, -101, -152 of He et al. Table 1): how do parameters and multiply-adds "
        "grow?"), "tab=blocks&blocks.network=ResNet-50"),
    (N_("Why can't we just increase the complexity of functions without bound, even if the function classes are "
        "nested? Look at the plain net without shortcuts at depth 110."),
     "tab=degradation&degradation.depth_6n_2_layers=110"),
    (N_("Pre-activation (BN → ReLU → conv, He et al. 2016) and ResNeXt blocks are the variants D2L discusses; "
        "they will appear in the block list as the variants issue adds them."), "tab=blocks"),
)


# --- answers, each a function of the numbers of its view -------------------------------------------------


def answer_function_classes(residual_keeps_fit: bool, plain_keeps_fit: bool) -> str:
    """Whose error never got worse with depth (``function_classes.conclude`` says which)."""
    if residual_keeps_fit and plain_keeps_fit:
        return BOTH
    if residual_keeps_fit:
        return RESIDUAL
    return PLAIN if plain_keeps_fit else NEITHER


def answer_output_shape(rows: Sequence[Sequence[Any]]) -> str:
    """The output shape of the last row of a layer table ([layer, operation, output shape, params, …])."""
    if not rows:
        raise ValueError(tr("The table is empty."))
    return str(rows[-1][2])


def answer_stage_shape(rows: Sequence[Sequence[Any]], stage: str) -> str:
    """The output shape of the stage row named ``… (stage)`` (D2L's b1–b5) of a collapsed table."""
    for row in rows:
        if str(row[0]).endswith(f"({stage})"):
            return str(row[2])
    raise ValueError(tr("No stage {stage} in this table.", stage=stage))


def answer_projection_params(rows: Sequence[Sequence[Any]]) -> str:
    """Parameters of the shortcut's layers (torchvision's ``downsample``: the 1×1 conv and its BN), "8,448"."""
    # The table may show counts as numbers or as grouped text ("8,192"), depending on the widget.
    return f"{sum(int(str(r[3]).replace(',', '').replace(' ', '')) for r in rows if str(r[0]).startswith('downsample')):,}"


def _larger(plain: float, residual: float) -> str:
    """Which of two measured values is larger (nan counts as smaller than any number)."""
    p = plain if math.isfinite(plain) or plain == math.inf else -math.inf
    r = residual if math.isfinite(residual) or residual == math.inf else -math.inf
    if p == r:
        return EQUAL
    return PLAIN if p > r else RESIDUAL


def answer_first_gradient(plain_first: float, residual_first: float) -> str:
    """Whose first layer gets the larger ‖∂L/∂W‖."""
    return _larger(plain_first, residual_first)


def answer_longer_correlation(plain_length: int, residual_length: int) -> str:
    """Whose gradient stays correlated over more sweep steps (correlation lengths from the autocorrelation)."""
    return _larger(float(plain_length), float(residual_length))


def answer_higher_error(final_train_error: Mapping[str, float], names: Sequence[str]) -> str:
    """Which of ``names`` ends with the higher training error (ties: the first)."""
    return max(names, key=lambda n: final_train_error[n])


def answer_top_class(probabilities: Mapping[str, float]) -> str:
    """The predicted class: the one with the highest probability."""
    if not probabilities:
        raise ValueError(tr("The prediction is empty."))
    return max(probabilities, key=lambda k: probabilities[k])


def verdict(guess: str | None, answer: str, explanation: str) -> str:
    """Markdown: the computed answer, whether the guess was it, and why (``explanation``, already translated)."""
    shown = choice_label(answer)
    if guess is None or guess == "":
        head = tr("**Answer: {answer}.**", answer=shown)
    elif guess == answer:
        head = tr("✅ **Right: {answer}.**", answer=shown)
    else:
        head = tr("❌ **Not {guess}: it is {answer}.**", guess=choice_label(guess), answer=shown)
    return f"{head} {explanation}"
