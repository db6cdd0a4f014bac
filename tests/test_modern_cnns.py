"""Tests for explainer.models.modern_cnns: D2L's printed shapes, hand-counted parameters, errors, fx tracing.

Models are built on the meta device (shapes only, no memory, no init cost) unless a test needs
real numbers.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.fx.passes.shape_prop import ShapeProp

from explainer.models.modern_cnn_blocks import Inception
from explainer.models.modern_cnns import ZOO_PRESETS, build_zoo_model
from explainer.models.shape_probe import InputTooSmallError

torch.set_num_threads(1)  # a training job owns the other core

# The input size D2L uses for each network (LeNet on 28×28 Fashion-MNIST, GoogLeNet and
# DenseNet on 96×96 in their training sections, the rest on 224×224).
D2L_SIZE = {
    "LeNet": 28,
    "AlexNet": 224,
    "VGG-11": 224,
    "NiN": 224,
    "GoogLeNet": 96,
    "DenseNet": 96,
}


def meta_model(
    name: str, *, in_channels: int = 1, size: int | None = None, num_classes: int = 10
) -> nn.Sequential:
    size = D2L_SIZE[name] if size is None else size
    with torch.device("meta"):
        return build_zoo_model(
            name, in_channels=in_channels, height=size, width=size, num_classes=num_classes
        )


def layer_summary(net: nn.Module, *shape: int) -> list[tuple[str, tuple[int, ...]]]:
    """D2L's ``layer_summary``: the output shape (without the batch) of each top-level child."""
    x = torch.empty(*shape, device="meta")
    rows = []
    for name, layer in net.named_children():
        x = layer(x)
        rows.append((name, tuple(x.shape[1:])))
    return rows


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def conv(c_in: int, c_out: int, k: int) -> int:
    """Parameters of a k×k Conv2d with bias."""
    return c_in * c_out * k * k + c_out


def fc(n_in: int, n_out: int) -> int:
    """Parameters of a Linear with bias."""
    return n_in * n_out + n_out


# ---------------------------------------------------------------------------------------------
# D2L's printed shapes
# ---------------------------------------------------------------------------------------------


def test_lenet_shapes_match_d2l() -> None:
    assert layer_summary(meta_model("LeNet"), 1, 1, 28, 28) == [
        ("conv1", (6, 28, 28)),
        ("sigmoid1", (6, 28, 28)),
        ("pool1", (6, 14, 14)),
        ("conv2", (16, 10, 10)),
        ("sigmoid2", (16, 10, 10)),
        ("pool2", (16, 5, 5)),
        ("flatten", (400,)),
        ("fc1", (120,)),
        ("sigmoid_fc1", (120,)),
        ("fc2", (84,)),
        ("sigmoid_fc2", (84,)),
        ("fc3", (10,)),
    ]


def test_alexnet_shapes_match_d2l() -> None:
    assert layer_summary(meta_model("AlexNet"), 1, 1, 224, 224) == [
        ("conv1", (96, 54, 54)),
        ("relu1", (96, 54, 54)),
        ("pool1", (96, 26, 26)),
        ("conv2", (256, 26, 26)),
        ("relu2", (256, 26, 26)),
        ("pool2", (256, 12, 12)),
        ("conv3", (384, 12, 12)),
        ("relu3", (384, 12, 12)),
        ("conv4", (384, 12, 12)),
        ("relu4", (384, 12, 12)),
        ("conv5", (256, 12, 12)),
        ("relu5", (256, 12, 12)),
        ("pool3", (256, 5, 5)),
        ("flatten", (6400,)),
        ("fc1", (4096,)),
        ("relu_fc1", (4096,)),
        ("dropout1", (4096,)),
        ("fc2", (4096,)),
        ("relu_fc2", (4096,)),
        ("dropout2", (4096,)),
        ("fc3", (10,)),
    ]


def test_vgg11_shapes_match_d2l() -> None:
    net = meta_model("VGG-11")
    assert layer_summary(net, 1, 1, 224, 224) == [
        ("block1", (64, 112, 112)),
        ("block2", (128, 56, 56)),
        ("block3", (256, 28, 28)),
        ("block4", (512, 14, 14)),
        ("block5", (512, 7, 7)),
        ("flatten", (25088,)),
        ("fc1", (4096,)),
        ("relu_fc1", (4096,)),
        ("dropout1", (4096,)),
        ("fc2", (4096,)),
        ("relu_fc2", (4096,)),
        ("dropout2", (4096,)),
        ("fc3", (10,)),
    ]
    # VGG-11: 8 conv layers + 3 fc layers, the convs spread (1, 1, 2, 2, 2) over the blocks.
    blocks = [getattr(net, f"block{i}") for i in range(1, 6)]
    convs = [sum(isinstance(m, nn.Conv2d) for m in block.modules()) for block in blocks]
    assert convs == [1, 1, 2, 2, 2]


def test_nin_shapes_match_d2l() -> None:
    assert layer_summary(meta_model("NiN"), 1, 1, 224, 224) == [
        ("nin_block1", (96, 54, 54)),
        ("pool1", (96, 26, 26)),
        ("nin_block2", (256, 26, 26)),
        ("pool2", (256, 12, 12)),
        ("nin_block3", (384, 12, 12)),
        ("pool3", (384, 5, 5)),
        ("dropout", (384, 5, 5)),
        ("nin_block4", (10, 5, 5)),
        ("avgpool", (10, 1, 1)),
        ("flatten", (10,)),
    ]


def test_googlenet_shapes_match_d2l() -> None:
    net = meta_model("GoogLeNet")
    assert layer_summary(net, 1, 1, 96, 96) == [
        ("b1", (64, 24, 24)),
        ("b2", (192, 12, 12)),
        ("b3", (480, 6, 6)),
        ("b4", (832, 3, 3)),
        ("b5", (1024,)),
        ("fc", (10,)),
    ]
    # Channels after each inception block, as D2L states them (c1 + c2[1] + c3[1] + c4).
    widths = {name: m.out_channels for name, m in net.named_modules() if isinstance(m, Inception)}
    assert widths == {
        "b3.inception3a": 256,
        "b3.inception3b": 480,
        "b4.inception4a": 512,
        "b4.inception4b": 512,
        "b4.inception4c": 512,
        "b4.inception4d": 528,
        "b4.inception4e": 832,
        "b5.inception5a": 832,
        "b5.inception5b": 1024,
    }


def test_densenet_shapes_match_d2l() -> None:
    # 64 + 4·32 = 192, halved to 96; 96 + 128 = 224 → 112; 112 + 128 = 240 → 120; 120 + 128 = 248.
    assert layer_summary(meta_model("DenseNet"), 1, 1, 96, 96) == [
        ("b1", (64, 24, 24)),
        ("dense_blk1", (192, 24, 24)),
        ("tran_blk1", (96, 12, 12)),
        ("dense_blk2", (224, 12, 12)),
        ("tran_blk2", (112, 6, 6)),
        ("dense_blk3", (240, 6, 6)),
        ("tran_blk3", (120, 3, 3)),
        ("dense_blk4", (248, 3, 3)),
        ("last", (10,)),
    ]


# ---------------------------------------------------------------------------------------------
# Parameter counts, by hand
# ---------------------------------------------------------------------------------------------


def test_lenet_parameter_count() -> None:
    expected = conv(1, 6, 5) + conv(6, 16, 5) + fc(16 * 5 * 5, 120) + fc(120, 84) + fc(84, 10)
    assert expected == 61_706
    assert n_params(meta_model("LeNet")) == expected


def test_alexnet_parameter_count() -> None:
    expected = (
        conv(1, 96, 11)
        + conv(96, 256, 5)
        + conv(256, 384, 3)
        + conv(384, 384, 3)
        + conv(384, 256, 3)
        + fc(6400, 4096)
        + fc(4096, 4096)
        + fc(4096, 10)
    )
    assert expected == 46_764_746
    assert n_params(meta_model("AlexNet")) == expected


def test_vgg11_parameter_count_matches_torchvision() -> None:
    # torchvision's vgg11 (3×224×224, 1000 classes) has 132,863,336 parameters; its AdaptiveAvgPool
    # to 7×7 is the identity at 224×224, so D2L's VGG-11 must have exactly as many.
    expected = (
        conv(3, 64, 3)
        + conv(64, 128, 3)
        + conv(128, 256, 3)
        + conv(256, 256, 3)
        + conv(256, 512, 3)
        + 3 * conv(512, 512, 3)
        + fc(25088, 4096)
        + fc(4096, 4096)
        + fc(4096, 1000)
    )
    assert expected == 132_863_336
    assert n_params(meta_model("VGG-11", in_channels=3, num_classes=1000)) == expected


def test_nin_parameter_count() -> None:
    def nin_block(c_in: int, c_out: int, k: int) -> int:
        return conv(c_in, c_out, k) + 2 * conv(c_out, c_out, 1)

    expected = (
        nin_block(1, 96, 11)
        + nin_block(96, 256, 5)
        + nin_block(256, 384, 3)
        + nin_block(384, 10, 3)
    )
    assert n_params(meta_model("NiN")) == expected


def test_inception_3a_parameter_count() -> None:
    net = meta_model("GoogLeNet")
    expected = (
        conv(192, 64, 1)  # path 1
        + conv(192, 96, 1) + conv(96, 128, 3)  # path 2
        + conv(192, 16, 1) + conv(16, 32, 5)  # path 3
        + conv(192, 32, 1)  # path 4 (the max-pool has no parameters)
    )
    assert expected == 163_696
    assert n_params(net.b3.inception3a) == expected
    assert n_params(net.fc) == fc(1024, 10)


def test_dense_block_parameter_count() -> None:
    net = meta_model("DenseNet")
    # Conv block i sees 64 + 32·i channels: a BN (γ, β) on them and a 3×3 conv to 32.
    expected = sum(2 * c + conv(c, 32, 3) for c in (64, 96, 128, 160))
    assert expected == 130_048
    assert n_params(net.dense_blk1) == expected
    assert n_params(net.tran_blk1) == 2 * 192 + conv(192, 96, 1)
    assert n_params(net.last) == 2 * 248 + fc(248, 10)


# ---------------------------------------------------------------------------------------------
# Arguments and errors
# ---------------------------------------------------------------------------------------------


def test_unknown_name_lists_the_valid_names() -> None:
    with pytest.raises(ValueError, match="ResNet-18") as info:
        build_zoo_model("ResNet-18", in_channels=1, height=96, width=96, num_classes=10)
    for name in ZOO_PRESETS:
        assert name in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"in_channels": 0, "height": 28, "width": 28, "num_classes": 10},
        {"in_channels": 1, "height": -28, "width": 28, "num_classes": 10},
        {"in_channels": 1, "height": 28, "width": 28.0, "num_classes": 10},
        {"in_channels": 1, "height": 28, "width": 28, "num_classes": True},
    ],
)
def test_bad_arguments_raise_value_error(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        build_zoo_model("LeNet", **kwargs)


# The smallest square input each network accepts, by hand from o = ⌊(i + 2p − k)/s⌋ + 1 ≥ 1,
# walking back from the last window: e.g. AlexNet's last 3×3/2 pool needs 3, so the second pool
# needs 2·2 + 3 = 7, the first 6·2 + 3 = 15, and the 11×11/4 conv (pad 1) 14·4 + 11 − 2 = 65.
MIN_SIZE = {"LeNet": 12, "AlexNet": 65, "VGG-11": 32, "NiN": 67, "DenseNet": 29}


@pytest.mark.parametrize("name", sorted(MIN_SIZE))
def test_too_small_input_raises_with_the_minimum(name: str) -> None:
    n = MIN_SIZE[name]
    meta_model(name, size=n)  # just fits
    with pytest.raises(ValueError, match=rf"{name} needs inputs of at least {n}×{n} pixels") as err:
        meta_model(name, size=n - 1)
    # The data of the sentence, for a UI that says it in its own words (explainer.shapes.network_report).
    assert isinstance(err.value, InputTooSmallError)
    assert (err.value.name, err.value.smallest, err.value.height, err.value.width) == (name, n, n - 1, n - 1)


def test_too_small_in_one_direction_is_enough_to_fail() -> None:
    with torch.device("meta"):
        with pytest.raises(ValueError, match=r"64×224 is too small"):
            build_zoo_model("AlexNet", in_channels=1, height=64, width=224, num_classes=10)
        net = build_zoo_model("AlexNet", in_channels=1, height=65, width=224, num_classes=10)
    assert net.fc1.in_features == 256 * 1 * 5


def test_googlenet_has_no_minimum_size() -> None:
    # Every GoogLeNet window is padded so that a 1×1 map stays 1×1: any input goes through.
    net = meta_model("GoogLeNet", size=1)
    assert layer_summary(net, 1, 1, 1, 1)[-1] == ("fc", (10,))


@pytest.mark.parametrize("name", ZOO_PRESETS)
def test_in_channels_and_num_classes_are_honoured(name: str) -> None:
    net = meta_model(name, in_channels=3, num_classes=7)
    first_conv = next(m for m in net.modules() if isinstance(m, nn.Conv2d))
    assert first_conv.in_channels == 3
    size = D2L_SIZE[name]
    assert net(torch.empty(2, 3, size, size, device="meta")).shape == (2, 7)


@given(height=st.integers(12, 200), width=st.integers(12, 200))
@settings(max_examples=25, deadline=None)
def test_lenet_flatten_follows_the_conv_arithmetic(height: int, width: int) -> None:
    def side(n: int) -> int:  # conv 5 pad 2 (keeps n), pool 2/2, conv 5, pool 2/2
        return ((n // 2) - 4) // 2

    with torch.device("meta"):
        net = build_zoo_model("LeNet", in_channels=1, height=height, width=width, num_classes=10)
    assert net.fc1.in_features == 16 * side(height) * side(width)


# ---------------------------------------------------------------------------------------------
# Module hygiene, real tensors, tracing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ZOO_PRESETS)
def test_every_activation_is_its_own_module(name: str) -> None:
    net = meta_model(name)
    # remove_duplicate=False: a module registered twice would otherwise be listed once.
    modules = [m for _, m in net.named_modules(remove_duplicate=False)]
    acts = [m for m in modules if isinstance(m, (nn.ReLU, nn.Sigmoid))]
    assert acts and len({id(m) for m in acts}) == len(acts)
    assert not any(getattr(m, "inplace", False) for m in acts)


def test_densenet_builds_and_runs_on_cpu() -> None:
    # The shape probe must cope with real (CPU) BatchNorm buffers and leave them untouched.
    torch.manual_seed(0)
    net = build_zoo_model("DenseNet", in_channels=3, height=32, width=32, num_classes=5)
    assert all(m.training for m in net.modules())
    bn = net.b1.bn
    assert int(bn.num_batches_tracked) == 0 and torch.all(bn.running_mean == 0)
    out = net(torch.randn(2, 3, 32, 32))
    assert out.shape == (2, 5) and torch.isfinite(out).all()


def test_lenet_runs_on_cpu_with_d2l_xavier_init() -> None:
    torch.manual_seed(0)
    net = build_zoo_model("LeNet", in_channels=1, height=28, width=28, num_classes=10)
    # Xavier-uniform bound for fc1 is √(6 / (400 + 120)) ≈ 0.107; PyTorch's default would be
    # 1/√400 = 0.05, so weights beyond 0.05 show d2l.init_cnn was applied.
    bound = (6 / (400 + 120)) ** 0.5
    w = net.fc1.weight.abs().max().item()
    assert 0.05 < w <= bound
    out = net(torch.randn(4, 1, 28, 28))
    assert out.shape == (4, 10) and torch.isfinite(out).all()


@pytest.mark.parametrize("name", ZOO_PRESETS)
def test_symbolic_trace_and_shape_prop_on_meta(name: str) -> None:
    net = meta_model(name)
    gm = torch.fx.symbolic_trace(net)
    size = D2L_SIZE[name]
    ShapeProp(gm).propagate(torch.empty(2, 1, size, size, device="meta"))
    output = next(node for node in gm.graph.nodes if node.op == "output")
    assert output.args[0].meta["tensor_meta"].shape == (2, 10)
    # Every parameterised layer is a call_module node: nothing was hidden in a functional call.
    called = {node.target for node in gm.graph.nodes if node.op == "call_module"}
    leaves = {n for n, m in net.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))}
    assert leaves <= called
