"""The block configurator (explainer.shapes.block_report): invalid configurations teach."""

from __future__ import annotations

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
