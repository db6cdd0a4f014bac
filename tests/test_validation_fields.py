"""The app's limits on the "Blocks & shapes" fields, checked by the handlers through explainer.ui.validation.

These sentences used to come from the model code (blocks, presets, block_report); models now refuse only
architectures that cannot exist, and the app's own limits are the handlers' (same sentences, translated).
"""

from __future__ import annotations

import gradio as gr
import pytest

from explainer.i18n import CHINESE, use_language
from explainer.models.blocks import SHORTCUTS
from explainer.ui import validation
from explainer.ui.blocks_tab import block_shapes, network_shapes, preset_defaults

BLOCK = ("basic", "projection", 16, 16, 1, True, 8, 8)  # block, shortcut, in, out, stride, bn, height, width


@pytest.mark.parametrize("changes, words", [
    ({2: 5000}, "Input channels must be between 1 and 4096"),  # was blocks: "limited"
    ({3: 5000}, "Output channels must be between 1 and 4096"),  # was block_report: "limited to 4096"
    ({6: 2048}, "Height must be between 1 and 1024"),  # was block_report: "between 1 and 1024"
    ({7: 0}, "Width must be between 1 and 1024"),
    ({2: 0}, "Input channels must be between 1 and 4096"),
    ({2: 4.5}, "whole number"),
    ({4: 3}, "Stride must be between 1 and 2"),
    ({0: "triple"}, "Unknown block type 'triple': choose one of basic, bottleneck"),
    ({1: "skip"}, f"Unknown shortcut 'skip': choose one of {', '.join(SHORTCUTS)}"),
    ({5: "false"}, "Batch normalization must be true or false"),
])
def test_block_fields_beyond_the_limits_are_refused_with_a_sentence(changes: dict[int, object], words: str) -> None:
    args = [changes.get(i, a) for i, a in enumerate(BLOCK)]
    with pytest.raises(gr.Error, match=words):
        block_shapes(*args)


@pytest.mark.parametrize("args, words", [  # were test_trace's trace_preset limits
    ((0, 32, 32, 10), "Input channels"), ((3, 2000, 32, 10), "Height"), ((3, 32, 32, 0), "classes"),
    ((3, 32.5, 32, 10), "whole number"), ((3, 32, 32, 100_001), "between 1 and 100000"),
])
def test_network_sizes_beyond_limits_are_refused(args: tuple, words: str) -> None:
    with pytest.raises(gr.Error, match=words):
        network_shapes("ResNet-20", *args)


def test_unknown_network_is_refused_by_every_network_handler() -> None:
    for call in (lambda: network_shapes("ResNet-19", 3, 32, 32, 10), lambda: preset_defaults("ResNet-19")):
        with pytest.raises(gr.Error, match="Unknown network 'ResNet-19'. Choose one of: ResNet-18"):
            call()


def test_the_same_sentences_in_chinese() -> None:
    with use_language(CHINESE):
        with pytest.raises(ValueError, match="高度必须在 1 到 1024 之间"):
            validation.HEIGHT(2048)
        with pytest.raises(gr.Error, match="输出通道数必须在 1 到 4096 之间"):
            block_shapes("basic", "projection", 16, 5000, 1, True, 8, 8)
        with pytest.raises(gr.Error, match="未知的块类型 'triple'"):
            block_shapes("triple", "projection", 16, 16, 1, True, 8, 8)
