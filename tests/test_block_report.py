"""The block configurator (explainer.shapes.block_report): invalid configurations teach."""

from __future__ import annotations

import re

import pytest

from explainer.i18n import CHINESE, use_language
from explainer.models.blocks import ShortcutMismatchError, check_block_args
from explainer.shapes.block_report import explore_block, rows_for_table, shortcut_mismatch_sentence


def test_identity_with_stride_and_channel_change_is_taught() -> None:
    report = explore_block("basic", "identity", 64, 128, 2, True, 56, 56)
    assert not report.valid
    assert "64×56×56" in report.explanation and "128×28×28" in report.explanation
    assert "projection" in report.explanation
    rows = rows_for_table(report)
    assert any("shapes differ" in str(r[1]) for r in rows)


def test_valid_block_mentions_the_add_and_shapes() -> None:
    report = explore_block("bottleneck", "projection", 256, 512, 2, True, 56, 56)
    assert report.valid and report.output_shape == (512, 28, 28)
    assert any(r.name == "add" for r in report.trace.rows)
    assert "expansion 4" in report.explanation


@pytest.mark.parametrize("args, words", [
    (("bottleneck", "projection", 64, 130, 1, True, 8, 8), "multiple of 4"),
    (("basic", "projection", 0, 16, 1, True, 8, 8), "at least 1"),
    (("basic", "projection", 16, 16, 3, True, 8, 8), "Stride"),
    (("triple", "projection", 16, 16, 1, True, 8, 8), "Unknown block"),
])
def test_bad_configurations_raise_a_sentence(args: tuple, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        explore_block(*args)


def test_shortcut_mismatch_sentence_in_chinese() -> None:
    # The model's error carries the data; the shapes layer says it in the request's language.
    with pytest.raises(ShortcutMismatchError) as err:
        check_block_args("basic", 64, 128, 2, "identity")
    with use_language(CHINESE):
        text = shortcut_mismatch_sentence(err.value)
    assert "恒等快捷连接" in text and "步幅 2" in text
    assert "x 有 64 个通道，而 F(x) 有 128 个" in text
    assert "conv1x1(64, 128, stride=2)" in text  # code stays code
    assert shortcut_mismatch_sentence(err.value) == str(err.value)  # English outside: the model's own words
    assert "same shape" in str(err.value)
    with use_language(CHINESE):
        assert "x 有 64 个通道" in explore_block("basic", "identity", 64, 128, 2, True, 56, 56).explanation


@pytest.mark.parametrize("cin, cout, stride, words, absent", [
    (64, 128, 2, ["keeps every second pixel (56×56 → 28×28)", "gets 64 channels of zeros after its 64",
                  "Only the first 64 channels of F(x) get a shortcut; the other 64"], ["keeps its"]),
    (64, 64, 2, ["keeps every second pixel (56×56 → 28×28)", "keeps its 64 channels"], ["Only the first"]),
    (32, 64, 1, ["keeps its 56×56 size", "gets 32 channels of zeros after its 32"], ["second pixel"]),
    (64, 64, 1, ["already have the same shape", "here it is the identity shortcut"], ["zeros after"]),
])
def test_zero_pad_sentence_follows_the_shapes(cin: int, cout: int, stride: int, words: list[str],
                                              absent: list[str]) -> None:
    report = explore_block("basic", "zero-pad", cin, cout, stride, True, 56, 56)
    assert report.valid
    for w in words:
        assert w in report.explanation
    for w in absent:
        assert w not in report.explanation
    shortcut_params = sum(r.params for r in report.trace.rows if r.name.startswith("downsample"))
    assert shortcut_params == 0  # "no parameters", counted
    twin = explore_block("basic", "none", cin, cout, stride, True, 56, 56)
    assert report.trace.total_params == twin.trace.total_params  # option A: as many parameters as the plain twin


def test_zero_pad_cannot_reduce_channels_in_either_language() -> None:
    with pytest.raises(ValueError, match="can only add channels: x has 64 channels but F\\(x\\) has 32"):
        explore_block("basic", "zero-pad", 64, 32, 1, True, 8, 8)
    with use_language(CHINESE), pytest.raises(ValueError, match="零填充快捷连接只能增加通道"):
        explore_block("basic", "zero-pad", 64, 32, 1, True, 8, 8)


@pytest.mark.parametrize("bn, words", [(True, "stride) + BN reshapes"), (False, "stride) without BN reshapes")])
def test_projection_sentence_states_its_cost_and_its_bn(bn: bool, words: str) -> None:
    report = explore_block("basic", "projection", 64, 128, 2, bn, 56, 56)
    params = sum(r.params for r in report.trace.rows if r.name.startswith("downsample"))
    assert params == 64 * 128 + (2 * 128 if bn else 128)  # 1×1 weights + BN's γ, β (or the conv's bias)
    assert f"it costs {params:,} parameters" in report.explanation and words in report.explanation


def test_identity_sentence_names_the_relu_after_the_add() -> None:
    text = explore_block("basic", "identity", 64, 64, 1, True, 8, 8).explanation
    assert "relu(x)" in text and "x ≥ 0" in text
    assert "can be the identity by setting F to 0" not in text  # false while a ReLU follows the add


@pytest.mark.parametrize("side, reading", [
    (56, ""),  # a 5×5 window on 56×56: part of the input, nothing to add
    (5, "at least as large as the 5×5 input"),  # 5 ≤ rf < 2·5 − 1: the middle outputs see everything
    (4, "at least as large as the 4×4 input"),
    (3, "larger than the 3×3 input"),  # rf 5 ≥ 2·3 − 1: every output sees everything
])
def test_explanation_says_when_the_receptive_field_covers_the_input(side: int, reading: str) -> None:
    report = explore_block("basic", "identity", 16, 16, 1, True, side, side)
    assert report.trace.rows[-1].receptive_field == (5, 5)  # two 3×3 convs at stride 1
    text = report.explanation
    if reading:
        assert reading in text and "(5×5)" in text
    else:
        assert "receptive field (" not in text.lower()


@pytest.mark.parametrize("groups, per", [(32, 4), (8, 16), (1, 128)])
def test_resnext_sentence_counts_the_grouped_weights(groups: int, per: int) -> None:
    report = explore_block("ResNeXt", "projection", 64, 256, 1, True, 8, 8, groups)
    conv2 = next(r for r in report.trace.rows if r.name == "conv2")
    assert conv2.params == 9 * 128 * 128 // groups  # the traced count: the sentence's number
    assert f"{groups} groups of {per} channels" in report.explanation
    assert f"has {conv2.params:,} weights where an ungrouped 3×3 conv at this width would have 147,456" in report.explanation


@pytest.mark.parametrize("block, groups, words", [
    ("basic", 2, "Only the ResNeXt block splits its 3×3 conv into groups"),
    ("ResNeXt", 3, "cannot be split into 3 equal groups: the number of groups must divide 128 (e.g. 2)"),
    ("pre-activation bottleneck", 1, "multiple of 4"),
])
def test_group_and_width_errors_are_sentences(block: str, groups: int, words: str) -> None:
    out = 130 if words == "multiple of 4" else 256
    with pytest.raises(ValueError, match=re.escape(words)):
        explore_block(block, "projection", 64, out, 1, True, 8, 8, groups)


@pytest.mark.parametrize("block", ["pre-activation basic", "pre-activation bottleneck"])
def test_preactivation_blocks_end_with_the_add(block: str) -> None:
    report = explore_block(block, "identity", 64, 64, 1, True, 8, 8)
    assert report.trace.rows[-1].name == "add"  # nothing after the add
    assert "exactly the identity, for every x" in report.explanation
    projection = explore_block(block, "projection", 64, 128, 2, True, 8, 8)
    down = [r for r in projection.trace.rows if r.name.startswith("downsample")]
    assert not any(r.op.startswith("BatchNorm2d") for r in down)
    assert "after the first BN-ReLU" in projection.explanation and "without BN" in projection.explanation
