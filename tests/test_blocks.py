"""Blocks: shape laws (hypothesis), invalid configurations, the plain twin, hook-safe ReLUs."""

from __future__ import annotations

import math
import pickle

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import fx, nn

from explainer.models.blocks import (
    BasicBlock,
    Bottleneck,
    ShortcutMismatchError,
    block_parts,
    make_block,
    zero_init_last_bn,
)


@settings(deadline=None, max_examples=25)
@given(block=st.sampled_from(["basic", "bottleneck"]), stride=st.sampled_from([1, 2]),
       h=st.integers(1, 17), w=st.integers(1, 17), cin=st.integers(1, 8), planes=st.integers(1, 4),
       batch_norm=st.booleans())
def test_output_is_ceil_h_over_stride(block: str, stride: int, h: int, w: int, cin: int, planes: int,
                                      batch_norm: bool) -> None:
    m = make_block(block, cin, planes, stride, shortcut="projection", batch_norm=batch_norm).eval()
    out = m(torch.randn(2, cin, h, w))
    expansion = 4 if block == "bottleneck" else 1
    assert out.shape == (2, planes * expansion, math.ceil(h / stride), math.ceil(w / stride))


@pytest.mark.parametrize("cin, planes, stride", [(64, 128, 1), (64, 64, 2), (32, 64, 2)])
def test_identity_shortcut_that_cannot_be_added_is_explained(cin: int, planes: int, stride: int) -> None:
    with pytest.raises(ShortcutMismatchError, match="projection") as err:
        BasicBlock(cin, planes, stride, shortcut="identity")
    assert "same shape" in str(err.value)
    assert isinstance(err.value, ValueError)
    # The data of the sentence, for a UI that says it in its own words (explainer.shapes.block_report).
    assert (err.value.in_channels, err.value.out_channels, err.value.stride) == (cin, planes, stride)
    assert err.value.fix == f"conv1x1({cin}, {planes}, stride={stride}) + BatchNorm" and err.value.fix in str(err.value)
    assert pickle.loads(pickle.dumps(err.value)).args == err.value.args


def test_model_errors_are_plain_english() -> None:
    from explainer.i18n import CHINESE, use_language

    with use_language(CHINESE), pytest.raises(ShortcutMismatchError, match="x has 64 channels but F\\(x\\) has 128"):
        make_block("basic", 64, 128, 2, shortcut="identity")


@pytest.mark.parametrize("kwargs, words", [
    (dict(inplanes=0, planes=4), "at least 1"), (dict(inplanes=4, planes=-1), "at least 1"),
    (dict(inplanes=4, planes=4, stride=3), "Stride"),  # too many channels: the app's limit, test_validation_fields
    (dict(inplanes=4, planes=4, shortcut="skip"), "Unknown shortcut"), (dict(inplanes=4.5, planes=4), "whole number"),
])
def test_bad_arguments_raise_value_error_with_a_sentence(kwargs: dict, words: str) -> None:
    args = {"stride": 1, "shortcut": "projection", **kwargs}
    with pytest.raises(ValueError, match=words):
        make_block("basic", args.pop("inplanes"), args.pop("planes"), args.pop("stride"), shortcut=args["shortcut"])


@pytest.mark.parametrize("cls", [BasicBlock, Bottleneck])
def test_plain_twin_differs_only_by_the_add(cls: type) -> None:
    torch.manual_seed(0)
    cin = 8 if cls is BasicBlock else 32
    residual = cls(cin, 8, 1, shortcut="identity").eval()
    plain = cls(cin, 8, 1, shortcut="none").eval()
    assert [(k, v.shape) for k, v in residual.state_dict().items()] == [(k, v.shape) for k, v in plain.state_dict().items()]
    plain.load_state_dict(residual.state_dict())
    x = torch.randn(2, cin, 6, 6)
    branch: list[torch.Tensor] = []
    last_bn, _, _ = block_parts(residual)
    handle = last_bn.register_forward_hook(lambda m, i, o: branch.append(o))
    y_res = residual(x)
    handle.remove()
    assert torch.allclose(y_res, torch.relu(branch[0] + x))
    assert torch.allclose(plain(x), torch.relu(branch[0]))
    # …and in the graph, exactly one extra node: the add.
    ops_res = [n.op for n in fx.symbolic_trace(residual).graph.nodes]
    ops_plain = [n.op for n in fx.symbolic_trace(plain).graph.nodes]
    assert len(ops_res) == len(ops_plain) + 1


@pytest.mark.parametrize("cls", [BasicBlock, Bottleneck])
def test_every_relu_is_its_own_module_and_called_once(cls: type) -> None:
    m = cls(16, 4, 2, shortcut="projection")
    relus = [mod for mod in m.modules() if isinstance(mod, nn.ReLU)]
    assert len({id(r) for r in relus}) == len(relus) == (2 if cls is BasicBlock else 3)
    assert not any(r.inplace for r in relus)
    targets = [n.target for n in fx.symbolic_trace(m).graph.nodes if n.op == "call_module"]
    assert len(targets) == len(set(targets)), "a module called twice fires its hooks twice"


def test_zero_init_makes_the_block_start_as_identity() -> None:
    m = BasicBlock(8, 8, 1, shortcut="identity").eval()
    zero_init_last_bn(m)
    x = torch.randn(1, 8, 5, 5)
    assert torch.allclose(m(x), torch.relu(x))


def test_without_batch_norm_convs_get_a_bias_and_no_bn() -> None:
    m = BasicBlock(8, 8, 1, batch_norm=False)
    assert not any(isinstance(x, nn.BatchNorm2d) for x in m.modules())
    assert m.conv1.bias is not None and m.conv2.bias is not None


@pytest.mark.parametrize(("inplanes", "planes", "stride", "hw"), [(16, 32, 2, (9, 9)), (32, 64, 2, (8, 8)), (16, 16, 1, (5, 7)),
                                                                  (8, 24, 1, (4, 4))])
def test_zero_pad_shortcut_is_option_a(inplanes: int, planes: int, stride: int, hw: tuple[int, int]) -> None:
    """He et al.'s option A: every stride-th pixel of x, then zero channels; no parameters."""
    block = BasicBlock(inplanes, planes, stride, shortcut="zero-pad")
    x = torch.randn(2, inplanes, *hw, generator=torch.Generator().manual_seed(0))
    identity = x[:, :, ::stride, ::stride]
    expected = torch.cat([identity, torch.zeros(2, planes - inplanes, *identity.shape[2:])], dim=1)
    shortcut = block.downsample if block.downsample is not None else torch.nn.Identity()
    assert torch.equal(shortcut(x), expected)
    assert block(x).shape == expected.shape
    projection = BasicBlock(inplanes, planes, stride, shortcut="projection")
    plain = BasicBlock(inplanes, planes, stride, shortcut="none")
    assert sum(p.numel() for p in block.parameters()) == sum(p.numel() for p in plain.parameters())
    assert sum(p.numel() for p in projection.parameters()) > sum(p.numel() for p in block.parameters())


def test_zero_pad_shortcut_cannot_remove_channels() -> None:
    with pytest.raises(ValueError, match="only add channels"):
        BasicBlock(64, 32, 1, shortcut="zero-pad")
