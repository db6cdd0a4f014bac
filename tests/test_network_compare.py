"""Two configurations side by side (explainer.shapes.network_compare): every number from the two traces."""

from __future__ import annotations

import pytest

from explainer.i18n import CHINESE, use_language
from explainer.models.blocks import make_block
from explainer.models.modern_cnn_blocks import Inception
from explainer.models.presets import build_preset
from explainer.shapes.network_compare import (
    PAIRS,
    BlockSpec,
    available_pairs,
    compare_blocks,
    compare_networks,
    comparison_rows,
    comparison_summary,
    ratio_text,
)

MORE, FEWER, SAME = "{r} more parameters than", "{r} fewer parameters than", "as many parameters as"


@pytest.mark.parametrize("a, b, text", [
    (100, 100, "as many parameters as"),
    (100, 662, "6.62× more parameters than"),
    (1_180_672, 70_400, "16.8× fewer parameters than"),  # basic vs bottleneck at 256 channels
    (25_557_032, 25_028_904, "2.1% fewer parameters than"),  # within 10 %: per cent, not a factor
    (11_689_512, 11_687_720, "0.015% fewer parameters than"),
    (100, 105, "5% more parameters than"),
    (0, 5, "∞× more parameters than"),
    (5, 0, "100% fewer parameters than"),
])
def test_ratio_words_follow_the_numbers(a: int, b: int, text: str) -> None:
    assert ratio_text(a, b, MORE, FEWER, SAME) == text


def _params(module) -> int:  # an nn.Module
    return sum(p.numel() for p in module.parameters())


def test_basic_vs_bottleneck_at_equal_width_against_the_models() -> None:
    c = PAIRS["basic vs bottleneck"].compare()
    basic, bottleneck = make_block("basic", 256, 256), make_block("bottleneck", 256, 64)
    assert (c.a.total_params, c.b.total_params) == (_params(basic), _params(bottleneck)) == (1_180_672, 70_400)
    rows = comparison_rows(c)
    assert rows[-1][3:6] == [1_180_672, 70_400, f"{70_400 / 1_180_672:.3g}×"]
    text = comparison_summary(c)
    assert "16.8× fewer parameters than" in text and "(70,400 vs 1,180,672)" in text
    assert "3×3 256→256, 3×3 256→256 (100% of its parameters)" in text and "3×3 64→64 (52%)" in text
    assert "Both map 256×56×56 to 256×56×56." in text
    assert "of the difference in parameters is in" not in text  # layers of different kinds: no "where"


def test_inception_vs_residual_with_equal_input_and_output() -> None:
    c = PAIRS["inception vs residual"].compare()
    assert c.a.rows[-1].output_shape == c.b.rows[-1].output_shape == (256, 28, 28)
    assert c.a.total_params == _params(Inception(192, 64, (96, 128), (16, 32), 32)) == 163_696
    assert c.b.total_params == _params(make_block("basic", 192, 256, shortcut="projection"))
    assert "6.62× more parameters than" in comparison_summary(c)


@pytest.mark.parametrize("a, b, where, share", [
    ("ResNet-18", "ResNet-34", "layer3", (6_822_400 - 2_099_712) / (21_797_672 - 11_689_512)),
    ("ResNet-50", "ResNeXt-50 (32x4d)", "layer4", (14_964_736 - 14_544_896) / (25_557_032 - 25_028_904)),
])
def test_networks_stage_by_stage_with_the_largest_share_named(a: str, b: str, where: str, share: float) -> None:
    c = compare_networks(a, b, 3, 224, 224, 1000)
    for name, trace in ((a, c.a), (b, c.b)):
        assert trace.total_params == _params(build_preset(name, in_channels=3, height=224, width=224, num_classes=1000))
    assert sum(p.params_a for p in c.parts) == c.a.total_params and sum(p.params_b for p in c.parts) == c.b.total_params
    assert sum(p.macs_b for p in c.parts) == c.b.total_macs
    assert f"{share:.0%} of the difference in parameters is in {where}" in comparison_summary(c)


def test_resnext_sentence_names_the_grouped_convs() -> None:
    c = compare_networks("ResNet-50", "ResNeXt-50 (32x4d)", 3, 224, 224, 1000)
    grouped = [r for r in c.b.rows if ", groups 32" in r.op]
    text = comparison_summary(c)
    assert f"splits {len(grouped)} of its convolutions into groups" in text and len(grouped) == 16
    assert "layer1.0.conv2: Conv2d 3×3, 128→128 ch, groups 32" in text and "Conv2d 3×3, 64→64 ch" in text


def test_post_vs_pre_activation_counts_where_bn_and_relu_sit() -> None:
    c = compare_networks("ResNet-18", "PreAct ResNet-18", 3, 224, 224, 1000)
    count = lambda t, op: sum(r.op.startswith(op) for r in t.rows)
    text = comparison_summary(c)
    assert (f"ResNet-18 has {count(c.a, 'BatchNorm2d')} BatchNorms and {count(c.a, 'ReLU')} ReLUs, PreAct ResNet-18 "
            f"{count(c.b, 'BatchNorm2d')} and {count(c.b, 'ReLU')}") in text
    names = [p.name for p in c.parts]
    assert names[0] == "stem" and "final_bn" in names  # the pre-activation net's extra BN-ReLU on a row of its own


def test_different_outputs_are_said_and_every_pair_runs_in_chinese() -> None:
    c = compare_blocks(BlockSpec("basic", 64, 64, shortcut="identity"), BlockSpec("basic", 64, 128, stride=2))
    assert "Their outputs differ (64×56×56 vs 128×28×28)" in comparison_summary(c)
    assert set(available_pairs()) == set(PAIRS)  # every network of every pair exists in this build
    with use_language(CHINESE):
        for pair in PAIRS.values():
            assert "相比" in comparison_summary(pair.compare())
