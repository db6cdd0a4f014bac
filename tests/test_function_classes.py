"""Nested function classes (explainer/lesson/function_classes.py): the verdict is a function of the numbers,
the nesting is exact at initialization, and one real run is seeded and says what its numbers say."""

from __future__ import annotations

import math

import pytest
import torch

from explainer.i18n import CHINESE, use_language
from explainer.lesson import function_classes as fc

# (plain MSE per depth, residual MSE per depth) → (residual keeps the fit, plain gets worse, worst plain depth)
DEPTHS = (1, 2, 4, 8)
CASES = [
    ((0.08, 0.05, 0.03, 0.49), (0.08, 0.04, 0.02, 0.01), (True, True, 8)),  # the textbook picture
    ((0.08, 0.05, 0.03, 0.02), (0.08, 0.04, 0.02, 0.01), (True, False, 8)),  # nobody degrades (8: ratio 0.67, the largest)
    ((0.08, 0.05, 0.03, 0.02), (0.08, 0.04, 0.20, 0.01), (False, False, 8)),  # a residual spike is reported
    ((0.08, 0.20, 0.03, 0.02), (0.08, 0.04, 0.02, 0.01), (True, True, 2)),  # the worst plain step, not the last
    ((0.08, 0.05, 0.03, 0.0375), (0.08, 0.04, 0.02, 0.025), (True, False, 8)),  # exactly 1.25×: within tolerance
    ((0.08, 0.05, 0.03, math.nan), (0.08, 0.04, 0.02, 0.01), (True, True, 8)),  # a diverged plain net is worse
    ((0.08, 0.05, 0.03, 0.02), (0.08, 0.04, 0.02, math.nan), (False, False, 8)),  # so is a diverged residual net
]


@pytest.mark.parametrize(("plain", "residual", "expected"), CASES)
def test_the_conclusion_follows_the_numbers(plain: tuple[float, ...], residual: tuple[float, ...],
                                            expected: tuple[bool, bool, int]) -> None:
    c = fc.conclude(DEPTHS, plain, residual)
    assert (c.residual_keeps_fit, c.plain_gets_worse, c.worst_plain_depth) == expected


def test_the_worst_ratio_is_against_the_best_shallower_net() -> None:
    c = fc.conclude(DEPTHS, (0.1, 0.02, 0.04, 0.05), (0.1, 0.1, 0.1, 0.1))
    assert c.worst_plain_depth == 8 and c.worst_plain_ratio == pytest.approx(0.05 / 0.02)


def test_a_deeper_residual_net_starts_as_the_shallower_one() -> None:
    """D2L's nesting, literal: same seed, new residual layers are identities at initialization."""
    x = torch.linspace(-3, 3, 16).unsqueeze(1)
    with torch.no_grad():
        outs = []
        for depth in (1, 2, 5):
            with fc.runtime.seeded(3):
                outs.append(fc.ResidualMLP(depth)(x))
            with fc.runtime.seeded(3):
                plain = fc.PlainMLP(depth)(x)
        assert torch.equal(outs[0], outs[1]) and torch.equal(outs[0], outs[2])
        assert not torch.equal(plain, outs[0])  # a plain net's new layers are not identities


def test_a_short_run_is_seeded() -> None:
    a = fc.run_function_classes(depths=(1, 3), steps=4)
    b = fc.run_function_classes(depths=(1, 3), steps=4)
    assert a.plain_mse == b.plain_mse and a.residual_mse == b.residual_mse
    assert a.plain_mse[0] == a.residual_mse[0]  # depth 1 is the same net in both families
    assert a.plain_fit.shape == (2, fc.POINTS)


@pytest.mark.parametrize("bad", [{"depths": ()}, {"depths": (0, 2)}, {"steps": 0}])
def test_bad_arguments_are_refused_with_a_sentence(bad: dict) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        fc.run_function_classes(**bad)


@pytest.fixture(scope="module")
def default_run() -> fc.FunctionClassResult:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fc.run_function_classes()
    finally:
        torch.set_num_threads(before)


def test_the_default_run_shows_what_its_numbers_show(default_run: fc.FunctionClassResult) -> None:
    r = default_run
    c = fc.conclude(r.depths, r.plain_mse, r.residual_mse)
    # Measured for the default seed (and seeds 1-2): the deep plain net is stuck near the target's variance.
    assert c.plain_gets_worse and c.residual_keeps_fit
    assert r.plain_mse[-1] > 0.5 * float(r.y.var())
    text = fc.explain_function_classes(r)
    assert f"{c.worst_plain_ratio:.1f}×" in text and "kept (or improved)" in text
    with use_language(CHINESE):
        assert "嵌套" not in text and "残差" in fc.explain_function_classes(r)
    fig = fc.plot_function_classes(r)
    assert len(fig.axes) == 2
