"""Pre-activation and ResNeXt blocks and nets (issue 14): shape laws, D2L's and common implementations as
oracles, torchvision's ResNeXt-50 (32x4d) and Wide ResNet-50-2 as oracles, the preset groups."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import fx, nn

from explainer.models.blocks import (
    EXPANSION,
    PreActBasicBlock,
    PreActBottleneck,
    ZeroPadShortcut,
    inner_width,
    make_block,
    zero_init_last_bn,
)
from explainer.models.presets import PRESET_GROUPS, PRESETS, build_preset
from explainer.models.resnet import (
    ResNetSpec,
    build_resnet,
    cifar_spec,
    count_parameters,
    preact_resnet_spec,
    residual_blocks,
    resnext50_32x4d_spec,
    torchvision_spec,
    wide_resnet50_2_spec,
)
from explainer.runtime import import_torchvision

NEW_KINDS = ("pre-activation basic", "pre-activation bottleneck", "ResNeXt")


def _randomize_bn(model: nn.Module, seed: int) -> None:
    """Non-trivial BN statistics and affine parameters, so eval-mode comparisons mean something."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.rand(m.num_features, generator=g) * 0.2 - 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.rand(m.num_features, generator=g) * 0.2 - 0.1)


# -- shape laws ----------------------------------------------------------------------------------------------

@settings(deadline=None, max_examples=30)
@given(data=st.data(), block=st.sampled_from(NEW_KINDS), stride=st.sampled_from([1, 2]), h=st.integers(1, 13),
       w=st.integers(1, 13), cin=st.integers(1, 8), planes=st.integers(1, 4), batch_norm=st.booleans(),
       shortcut=st.sampled_from(["projection", "zero-pad", "none"]))
def test_output_is_n_out_ceil_h_over_stride(data: st.DataObject, block: str, stride: int, h: int, w: int, cin: int,
                                            planes: int, batch_norm: bool, shortcut: str) -> None:
    out_channels = planes * EXPANSION[block]
    if shortcut == "zero-pad" and out_channels < cin:
        cin = out_channels  # zero padding can only add channels (its own test below)
    width = inner_width(block, planes)
    groups = data.draw(st.sampled_from([g for g in range(1, width + 1) if width % g == 0])) if block == "ResNeXt" else 1
    m = make_block(block, cin, planes, stride, shortcut=shortcut, batch_norm=batch_norm, groups=groups).eval()
    out = m(torch.randn(2, cin, h, w))
    assert out.shape == (2, out_channels, math.ceil(h / stride), math.ceil(w / stride))
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("block", NEW_KINDS)
def test_every_relu_is_its_own_module_and_called_once(block: str) -> None:
    m = make_block(block, 16, 8, 2, shortcut="projection", groups=4 if block == "ResNeXt" else 1)
    relus = [mod for mod in m.modules() if isinstance(mod, nn.ReLU)]
    assert len({id(r) for r in relus}) == len(relus) == (2 if block == "pre-activation basic" else 3)
    assert not any(r.inplace for r in relus)
    targets = [n.target for n in fx.symbolic_trace(m).graph.nodes if n.op == "call_module"]
    assert len(targets) == len(set(targets)), "a module called twice fires its hooks twice"


# -- pre-activation: what the block computes -------------------------------------------------------------------

class KuangliuPreActBlock(nn.Module):
    """The widely used pre-activation block of kuangliu/pytorch-cifar (``PreActBlock``), as an oracle."""

    def __init__(self, in_planes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, kernel_size=1, stride=stride, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if hasattr(self, "shortcut") else x
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        return out + shortcut


class KuangliuPreActBottleneck(nn.Module):
    """kuangliu/pytorch-cifar's ``PreActBottleneck`` (expansion 4), as an oracle."""

    def __init__(self, in_planes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, 4 * planes, kernel_size=1, bias=False)
        if stride != 1 or in_planes != 4 * planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, 4 * planes, kernel_size=1, stride=stride, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if hasattr(self, "shortcut") else x
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        out = self.conv3(F.relu(self.bn3(out)))
        return out + shortcut


@pytest.mark.parametrize(("ours_cls", "oracle_cls", "cin", "planes", "stride"), [
    (PreActBasicBlock, KuangliuPreActBlock, 8, 8, 1),
    (PreActBasicBlock, KuangliuPreActBlock, 8, 16, 2),
    (PreActBottleneck, KuangliuPreActBottleneck, 16, 4, 1),
    (PreActBottleneck, KuangliuPreActBottleneck, 16, 8, 2),
])
def test_preact_blocks_equal_the_common_implementation(ours_cls: type, oracle_cls: type, cin: int, planes: int,
                                                       stride: int) -> None:
    torch.manual_seed(0)
    expansion = ours_cls.expansion
    shortcut = "identity" if stride == 1 and cin == planes * expansion else "projection"
    ours = ours_cls(cin, planes, stride, shortcut=shortcut).eval()
    _randomize_bn(ours, 1)
    oracle = oracle_cls(cin, planes, stride).eval()
    state = {k.replace("downsample.", "shortcut."): v for k, v in ours.state_dict().items()}
    oracle.load_state_dict(state, strict=True)
    x = torch.randn(2, cin, 9, 9)
    with torch.no_grad():
        y = ours(x)
        torch.testing.assert_close(y, oracle(x))
    assert (y < 0).any(), "nothing after the add: a pre-activation block's output is not rectified"


def test_preact_zero_pad_shortcut_takes_x_itself() -> None:
    """Option A keeps the identity path clean: the subsampled, zero-padded x, not BN-ReLU(x)."""
    block = PreActBasicBlock(4, 8, 2, shortcut="zero-pad").eval()
    _randomize_bn(block, 2)
    assert isinstance(block.downsample, ZeroPadShortcut)
    x = torch.randn(2, 4, 6, 6)
    branch: list[torch.Tensor] = []
    handle = block.conv2.register_forward_hook(lambda m, i, o: branch.append(o))
    with torch.no_grad():
        y = block(x)
    handle.remove()
    expected_identity = torch.cat([x[:, :, ::2, ::2], torch.zeros(2, 4, 3, 3)], dim=1)
    torch.testing.assert_close(y, branch[0] + expected_identity)


@pytest.mark.parametrize("block", ["pre-activation basic", "pre-activation bottleneck"])
def test_preact_plain_twin_differs_only_by_the_add(block: str) -> None:
    planes = 8 if block == "pre-activation basic" else 2
    residual = make_block(block, 8, planes, 1, shortcut="identity")
    plain = make_block(block, 8, planes, 1, shortcut="none")
    ops_res = [n.op for n in fx.symbolic_trace(residual).graph.nodes]
    ops_plain = [n.op for n in fx.symbolic_trace(plain).graph.nodes]
    assert len(ops_res) == len(ops_plain) + 1


@pytest.mark.parametrize("block", ["pre-activation basic", "pre-activation bottleneck"])
def test_zero_init_makes_a_preact_block_the_identity(block: str) -> None:
    m = make_block(block, 8, 8 if block == "pre-activation basic" else 2, 1).train()
    zero_init_last_bn(m)
    x = torch.randn(3, 8, 5, 5)
    torch.testing.assert_close(m(x), x)  # not relu(x): nothing after the add


# -- ResNeXt: D2L's block as the oracle ----------------------------------------------------------------------

class D2LResNeXtBlock(nn.Module):
    """D2L §8.6.4's ``ResNeXtBlock`` (PyTorch edition), verbatim but for eager layers instead of Lazy ones.

    Note D2L's own code: ``groups=bot_channels//groups``, so its ``groups`` argument is the number of
    channels *per group*, not the cardinality.
    """

    def __init__(self, in_channels: int, num_channels: int, groups: int, bot_mul: float, use_1x1conv: bool = False,
                 strides: int = 1) -> None:
        super().__init__()
        bot_channels = round(num_channels * bot_mul)  # D2L: int(round(...))
        self.conv1 = nn.Conv2d(in_channels, bot_channels, kernel_size=1, stride=1)
        self.conv2 = nn.Conv2d(bot_channels, bot_channels, kernel_size=3, stride=strides, padding=1,
                               groups=bot_channels // groups)
        self.conv3 = nn.Conv2d(bot_channels, num_channels, kernel_size=1, stride=1)
        self.bn1 = nn.BatchNorm2d(bot_channels)
        self.bn2 = nn.BatchNorm2d(bot_channels)
        self.bn3 = nn.BatchNorm2d(num_channels)
        if use_1x1conv:
            self.conv4 = nn.Conv2d(in_channels, num_channels, kernel_size=1, stride=strides)
            self.bn4 = nn.BatchNorm2d(num_channels)
        else:
            self.conv4 = None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = F.relu(self.bn2(self.conv2(Y)))
        Y = self.bn3(self.conv3(Y))
        if self.conv4:
            X = self.bn4(self.conv4(X))
        return F.relu(Y + X)


def test_d2l_printed_example() -> None:
    """D2L: ``blk = ResNeXtBlock(32, 16, 1); X = torch.randn(4, 32, 96, 96); blk(X).shape`` → (4, 32, 96, 96)."""
    x = torch.randn(4, 32, 96, 96)
    d2l_shape = D2LResNeXtBlock(32, 32, 16, 1)(x).shape
    ours = make_block("ResNeXt", 32, 32 // EXPANSION["ResNeXt"], 1, groups=16)
    assert ours(x).shape == d2l_shape == torch.Size([4, 32, 96, 96])


@pytest.mark.parametrize(("cin", "out", "cardinality", "stride"), [(32, 32, 16, 1), (32, 32, 2, 1), (16, 64, 8, 2),
                                                                   (256, 256, 32, 1)])
def test_resnext_block_equals_d2ls(cin: int, out: int, cardinality: int, stride: int) -> None:
    """Our ResNeXt(out, groups=g) is D2L's ResNeXtBlock(out, groups=(out/2)/g, bot_mul=1/2): same weights, same output."""
    projection = stride != 1 or cin != out
    ours = make_block("ResNeXt", cin, out // 4, stride, shortcut="projection" if projection else "identity",
                      groups=cardinality).eval()
    _randomize_bn(ours, 3)
    d2l = D2LResNeXtBlock(cin, out, (out // 2) // cardinality, 0.5, use_1x1conv=projection, strides=stride).eval()
    names = {"downsample.0": "conv4", "downsample.1": "bn4"}
    state = {}
    for k, v in ours.state_dict().items():
        prefix, _, leaf = k.rpartition(".")
        state[f"{names.get(prefix, prefix)}.{leaf}"] = v
    for name, m in d2l.named_modules():  # D2L's convs have biases; ours do not (BN follows every conv)
        if isinstance(m, nn.Conv2d):
            state[f"{name}.bias"] = torch.zeros(m.out_channels)
    d2l.load_state_dict(state, strict=True)
    assert ours.conv2.groups == cardinality == d2l.conv2.groups
    x = torch.randn(2, cin, 8, 8)
    with torch.no_grad():
        torch.testing.assert_close(ours(x), d2l(x))


@pytest.mark.parametrize(("block", "planes", "groups", "base_width", "words"), [
    ("ResNeXt", 8, 5, 64, "cannot be split into 5 equal groups.*e.g. 4"),
    ("ResNeXt", 3, 4, 64, "must divide 6 \\(e.g. 3\\)"),
    ("ResNeXt", 8, 0, 64, "at least 1"),
    ("ResNeXt", 8, 2.0, 64, "whole number"),
    ("basic", 8, 2, 64, "Only the ResNeXt block"),
    ("pre-activation bottleneck", 8, 4, 64, "Only the ResNeXt block"),
    ("basic", 8, 1, 128, "bottleneck blocks only"),
    ("bottleneck", 1, 1, 32, "0 channels"),
])
def test_invalid_groups_raise_a_sentence(block: str, planes: int, groups: object, base_width: int, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        make_block(block, 16, planes, 1, shortcut="projection", groups=groups, base_width=base_width)  # type: ignore[arg-type]


# -- networks -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("spec_fn", "tv_name", "params"), [
    (resnext50_32x4d_spec, "resnext50_32x4d", 25_028_904),
    (wide_resnet50_2_spec, "wide_resnet50_2", 68_883_240),
])
def test_torchvision_variants_load_and_give_identical_outputs(spec_fn: Callable[..., ResNetSpec], tv_name: str, params: int) -> None:
    tv = import_torchvision()
    with torch.device("meta"):
        assert count_parameters(build_resnet(spec_fn())) == count_parameters(getattr(tv.models, tv_name)(weights=None)) == params
    torch.manual_seed(0)
    theirs = getattr(tv.models, tv_name)(weights=None, num_classes=7).eval()
    _randomize_bn(theirs, 4)
    ours = build_resnet(spec_fn(num_classes=7)).eval()
    ours.load_state_dict(theirs.state_dict(), strict=True)
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        torch.testing.assert_close(ours(x), theirs(x), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("depth", [18, 34])
def test_preact_imagenet_nets(depth: int) -> None:
    """torchvision's layout; BN-ReLU moves from the stem to the end, blocks normalize their input, projections
    lose their BN -- the parameter count differs from torchvision's ResNet by exactly those BNs (2 per channel)."""
    with torch.device("meta"):
        ours = build_resnet(preact_resnet_spec(depth))
        post = build_resnet(torchvision_spec(depth))
    assert ours.bn1 is None and ours.relu is None and isinstance(ours.final_bn, nn.BatchNorm2d)
    stem_bn, final_bn = 2 * 64, 2 * 512
    projection_bns = 2 * (128 + 256 + 512)
    widening_blocks = 2 * (128 - 64) + 2 * (256 - 128) + 2 * (512 - 256)  # their bn1 sees the narrower input
    assert count_parameters(ours) == count_parameters(post) - stem_bn + final_bn - projection_bns - widening_blocks
    kinds = {type(b) for _, b in residual_blocks(ours)}
    assert kinds == {PreActBasicBlock}


def test_preact_net_ends_in_bn_relu_and_every_parameter_learns() -> None:
    m = build_resnet(cifar_spec(20, in_channels=1, preact=True)).train()
    feats = m.forward_features(torch.randn(4, 1, 28, 28))
    assert (feats >= 0).all()  # the final ReLU
    m(torch.randn(4, 1, 28, 28)).sum().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in m.parameters())


@pytest.mark.parametrize("depth", [20, 32, 44, 56, 110])
def test_preact_cifar_nets_have_resnet_ns_parameters_and_6n_plus_2_layers(depth: int) -> None:
    with torch.device("meta"):
        preact = build_resnet(cifar_spec(depth, preact=True))
        post = build_resnet(cifar_spec(depth))
    # the stem's BN(16) becomes a final BN(64); the two widening blocks normalize 16 and 32 channels, not 32, 64
    assert count_parameters(preact) - count_parameters(post) == -2 * 16 + 2 * 64 - 2 * (32 - 16) - 2 * (64 - 32) == 0
    layers = [n for n, mod in preact.named_modules() if isinstance(mod, (nn.Conv2d, nn.Linear)) and "downsample" not in n]
    assert len(layers) == depth
    assert len(residual_blocks(preact)) == (depth - 2) // 2


def test_preset_groups_partition_the_presets() -> None:
    grouped = [name for names in PRESET_GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(PRESETS) and len(grouped) == len(set(grouped))
    assert {"ResNeXt-50 (32x4d)", "Wide ResNet-50-2", "PreAct ResNet-18", "PreAct ResNet-34"} <= set(
        PRESET_GROUPS["ImageNet ResNets"])
    assert {f"PreAct ResNet-{d}" for d in (20, 32, 44, 56, 110)} <= set(PRESET_GROUPS["CIFAR-style"])
    with torch.device("meta"):
        resnext = build_preset("ResNeXt-50 (32x4d)", in_channels=3, height=224, width=224, num_classes=1000)
        preact = build_preset("PreAct ResNet-56", in_channels=3, height=32, width=32, num_classes=10)
    assert resnext.layer1[0].conv2.groups == 32 and resnext.layer1[0].conv2.out_channels == 128
    assert preact.spec.preact and preact.spec.stem == "cifar" and preact.spec.shortcut == "zero-pad"
