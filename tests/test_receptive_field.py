"""What a receptive field means for its input (explainer.shapes.receptive_field): each verdict from the numbers."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from explainer.i18n import CHINESE, use_language
from explainer.shapes.network_report import network_summary, trace_preset
from explainer.shapes.receptive_field import rf_coverage, rf_sentence


@pytest.mark.parametrize("rf, hw, coverage", [
    ((7, 7), (56, 56), "part"),
    ((55, 55), (56, 56), "part"),
    ((56, 56), (56, 56), "middle"),  # as wide as the input: only a centred window covers it
    ((110, 110), (56, 56), "middle"),  # 2·56 − 1 = 111
    ((111, 111), (56, 56), "every"),
    ((435, 435), (96, 96), "every"),  # D2L ResNet-18's last conv on a 96×96 input (issue 13 item 11)
    ((435, 435), (224, 224), "middle"),  # ResNet-18 on ImageNet: 435 < 447
    ((435, 435), (96, 400), "middle"),  # both axes count: the wide one decides
    ((435, 435), (96, 500), "part"),
    (None, (96, 96), "global"),
])
def test_coverage_is_a_function_of_the_window_and_the_input(rf: tuple[int, int] | None, hw: tuple[int, int],
                                                            coverage: str) -> None:
    assert rf_coverage(rf, hw) == coverage


def test_every_output_covers_the_input_exactly_when_the_rule_says_so() -> None:
    # Oracle: a stack of 3×3 convs (padding 1) with all-ones weights; output i depends on input j iff
    # the gradient of output i w.r.t. the input is non-zero at j. Compare with the 2·size − 1 rule.
    for side in range(2, 9):
        for n_convs in range(1, 6):
            rf = 1 + 2 * n_convs
            net = nn.Sequential(*[nn.Conv2d(1, 1, 3, padding=1, bias=False) for _ in range(n_convs)])
            for conv in net:
                nn.init.ones_(conv.weight)
            x = torch.ones(1, 1, side, side, requires_grad=True)
            out = net(x)
            sees_all = []
            for i in range(side):
                (g,) = torch.autograd.grad(out[0, 0, i, i], x, retain_graph=True)
                sees_all.append(bool((g != 0).all()))
            verdict = rf_coverage((rf, rf), (side, side))
            assert all(sees_all) == (verdict == "every"), (side, n_convs)
            assert any(sees_all) == (verdict in ("every", "middle")), (side, n_convs)


def test_nothing_to_say_for_a_window_inside_the_input() -> None:
    assert rf_sentence((7, 7), (56, 56)) == ""
    assert rf_sentence(None, (56, 56)) == ""  # "whole input" already says it


def test_d2l_resnet18_on_96_pixels_says_every_output_sees_the_whole_input_in_both_languages() -> None:
    trace = trace_preset("D2L ResNet-18", 1, 96, 96, 10)
    summary = network_summary("D2L ResNet-18", trace)
    assert "435×435" in summary and "larger than the 96×96 input" in summary and "effective receptive field" in summary
    with use_language(CHINESE):
        assert "比 96×96 的输入还大" in network_summary("D2L ResNet-18", trace)
    big = network_summary("ResNet-18", trace_preset("ResNet-18", 3, 224, 224, 1000))
    assert "at least as large as the 224×224 input" in big
