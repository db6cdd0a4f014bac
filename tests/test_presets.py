"""explainer.models.presets: every preset is data -- its family, its usual input, its builder."""

from __future__ import annotations

import pytest
import torch

from explainer.models.modern_cnns import ZOO_PRESETS
from explainer.models.presets import PRESETS, build_preset
from explainer.models.resnet import ResNet


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_builds_from_its_own_data(name: str) -> None:
    p = PRESETS[name]
    with torch.device("meta"):
        model = p.build(in_channels=p.in_channels, height=p.height, width=p.width, num_classes=p.num_classes)
    x = torch.empty(1, p.in_channels, p.height, p.width, device="meta")
    assert model.eval()(x).shape == (1, p.num_classes)
    # Only the nets whose layers depend on the input size (or that refuse small inputs) say so.
    assert p.build_needs_input_size == (name in ZOO_PRESETS)
    assert isinstance(model, ResNet) != (name in ZOO_PRESETS)


def test_the_data_says_what_the_name_suggests() -> None:
    with torch.device("meta"):
        plain = build_preset("Plain-20", in_channels=3, height=32, width=32, num_classes=10)
        d2l = build_preset("D2L ResNet-18", in_channels=1, height=96, width=96, num_classes=10)
        tv = build_preset("ResNet-50", in_channels=3, height=224, width=224, num_classes=1000)
    assert plain.spec.shortcut == "none" and plain.spec.stem == "cifar"
    assert d2l.spec.stage_names == ("b2", "b3", "b4", "b5")
    assert tv.spec.block == "bottleneck"
    assert set(ZOO_PRESETS) <= set(PRESETS)  # the zoo is imported, never silently left out


@pytest.mark.parametrize("kwargs, words", [
    ({"in_channels": 0}, "at least 1"), ({"height": 32.5}, "whole number"), ({"num_classes": True}, "whole number"),
])
def test_impossible_sizes_raise_plain_value_errors(kwargs: dict, words: str) -> None:
    args = {"in_channels": 3, "height": 32, "width": 32, "num_classes": 10, **kwargs}
    with pytest.raises(ValueError, match=words):
        build_preset("ResNet-20", **args)
    with pytest.raises(ValueError, match="Unknown network 'ResNet-19'"):
        build_preset("ResNet-19", in_channels=3, height=32, width=32, num_classes=10)
