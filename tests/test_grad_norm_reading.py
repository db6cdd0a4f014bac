"""Tests of explainer.degradation.grad_norm_reading's pre-activation paragraphs: verdicts over given numbers.

(The plain-vs-residual reading is tested in tests/test_grad_norms.py, beside the measurement it reads.)
"""

from __future__ import annotations

import numpy as np
import pytest

from explainer.degradation import grad_norm_reading, grad_norms
from explainer.i18n import CHINESE, use_language


@pytest.mark.parametrize(
    ("residual", "preact", "expected"),
    [
        # Measured, BN on, Kaiming, depth 56: ResNet grows 24.6× toward the input, PreAct 42.4× -- within 2×.
        ([24.6, 1.0], [42.4, 1.0], ("same", pytest.approx(42.4 / 24.6))),
        # Measured at depth 110: 46.6× vs 96.6× -- the post-activation net is the more even one.
        ([46.6, 1.0], [96.6, 1.0], ("residual", pytest.approx(96.6 / 46.6))),
        ([100.0, 1.0], [10.0, 1.0], ("preact", pytest.approx(10.0))),
        # Directions differ: what counts is the size of the change, 10× vs 3×.
        ([10.0, 1.0], [1.0, 3.0], ("preact", pytest.approx(10 / 3))),
        ([1.0, 1.5], [1.0, 0.8], ("same", pytest.approx(1.5 / 1.25))),  # both flat
        ([0.0, 1.0], [2.0, 1.0], None),  # nothing reached the first block of the ResNet: no direction
        ([2.0, 1.0], [2.0, np.inf], None),
    ],
)
def test_evenness_compares_the_size_of_the_change(residual: list[float], preact: list[float], expected: object) -> None:
    assert grad_norm_reading.evenness(np.array(residual), np.array(preact)) == expected


def _net(name: str, block_grad: list[float], loss: float, fc_rms: float) -> grad_norms.NetGradients:
    blocks = [f"layer{i}" for i in range(len(block_grad))]
    return grad_norms.NetGradients(name, loss, ["conv1", "a", "b", "fc"], np.array([1e-2, 1e-2, 1e-2, 1e-2]),
                                   blocks, np.array(block_grad), fc_input_rms=fc_rms)


def _result(residual: list[float], preact: list[float] | None, *, losses: tuple[float, float] = (3.33, 2.38),
            rms: tuple[float, float] = (2.65, 0.40), bn: bool = True, depth: int = 56) -> grad_norms.GradNormResult:
    """Plain net flat; ResNet and PreAct ResNet with the given ‖∂L/∂h‖ (first … last block), losses, fc-input rms."""
    plain = _net(f"Plain-{depth}", [1.0, 1.0], 2.3, 1.0)
    res = grad_norms.GradNormResult(depth, bn, "Kaiming", False, 64, plain,
                                    _net(f"ResNet-{depth}", residual, losses[0], rms[0]), 0.1)
    if preact is None:
        return res
    return grad_norms.with_preact(res, _net(f"PreAct ResNet-{depth}", preact, losses[1], rms[1]))


@pytest.mark.parametrize(
    ("kwargs", "says", "never"),
    [
        # Depth 56 as measured: no gain at init; PreAct's loss nearer chance, its fc input 6.6× smaller.
        ({"residual": [24.6, 1.0], "preact": [42.4, 1.0]},
         ["growing toward the input by 42.4×; in ResNet-56 it is growing toward the input by 24.6×",
          "within 2× of each other (1.72×)", "does not make the gradient measurably more even", "1001-layer",
          "PreAct ResNet-56 is nearer chance", "6.62× larger", "2.6 vs 0.4"],
         ["more even one"]),
        # Depth 110 as measured: the post-activation net is more even, by 2.07×.
        ({"residual": [46.6, 1.0], "preact": [96.6, 1.0], "losses": (4.94, 2.32), "depth": 110},
         ["post-activation ResNet's gradient is the more even one", "2.07× smaller", "1001-layer",
          "PreAct ResNet-110 is nearer chance"],
         ["measurably", "pre-activation net's gradient is the more even one"]),
        # Had pre-activation been more even, the reading would say so -- and not apologise for He et al.
        ({"residual": [100.0, 1.0], "preact": [10.0, 1.0]},
         ["pre-activation net's gradient is the more even one", "10× smaller", "He et al.'s (2016) argument"],
         ["1001-layer", "post-activation ResNet's gradient is the more even one"]),
        # Losses within LOSS_GAP: no loss sentence.
        ({"residual": [24.6, 1.0], "preact": [42.4, 1.0], "losses": (2.35, 2.34)}, ["1001-layer"],
         ["nearer chance", "BN-ReLU, which normalizes"]),
        # Without BN there is no final BN to credit, whatever the losses.
        ({"residual": [1.0, 2.0], "preact": [1.0, 1.4], "losses": (2.9, 2.4), "bn": False},
         ["PreAct ResNet-56 is nearer chance"], ["BN-ReLU, which normalizes"]),
        # The ResNet nearer chance: said, with no story about the final BN.
        ({"residual": [24.6, 1.0], "preact": [42.4, 1.0], "losses": (2.4, 3.0)},
         ["ResNet-56 is nearer chance"], ["BN-ReLU, which normalizes", "PreAct ResNet-56 is nearer"]),
        # A zero at the first block: no comparison is made up.
        ({"residual": [0.0, 1.0], "preact": [42.4, 1.0]}, ["cannot be compared"], ["more even", "1001-layer"]),
    ],
)
def test_preact_reading_follows_the_numbers(kwargs: dict, says: list[str], never: list[str]) -> None:
    text = grad_norm_reading.explain_grad_norms(_result(**kwargs))
    assert "**Pre-activation:**" in text and "**PreAct ResNet-" in text  # its own line among the nets
    for phrase in says:
        assert phrase in text, phrase
    for phrase in never:
        assert phrase not in text, phrase


def test_no_preact_paragraph_without_the_preact_net() -> None:
    res = _result([24.6, 1.0], None)
    assert grad_norm_reading.preact_reading(res) == []
    assert "re-activation" not in grad_norm_reading.explain_grad_norms(res)


def test_preact_reading_in_chinese_keeps_the_numbers() -> None:
    with use_language(CHINESE):
        text = "\n".join(grad_norm_reading.preact_reading(_result([46.6, 1.0], [96.6, 1.0], depth=110)))
    assert "预激活" in text and "2.07" in text and "1001" in text and "PreAct ResNet-110" in text
    assert "more even" not in text
