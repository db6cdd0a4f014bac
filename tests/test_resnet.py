"""The ResNet family against torchvision (the oracle) and the papers' layer counts."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from explainer.models.resnet import (
    build_resnet,
    cifar_spec,
    count_parameters,
    d2l_resnet18_spec,
    residual_blocks,
    torchvision_spec,
)
from explainer.runtime import import_torchvision

tv = import_torchvision()


@pytest.mark.parametrize("depth", [18, 34, 50, 101, 152])
def test_parameter_count_and_state_dict_names_equal_torchvisions(depth: int) -> None:
    with torch.device("meta"):
        ours = build_resnet(torchvision_spec(depth))
        theirs = getattr(tv.models, f"resnet{depth}")()
    assert count_parameters(ours) == count_parameters(theirs)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in theirs.state_dict().items()}


def test_resnet18_has_the_published_parameter_count() -> None:
    assert count_parameters(build_resnet(torchvision_spec(18))) == 11_689_512


@pytest.mark.parametrize("depth", [18, 50])
def test_torchvision_weights_load_and_give_identical_outputs(depth: int) -> None:
    torch.manual_seed(depth)
    theirs = getattr(tv.models, f"resnet{depth}")(num_classes=7).eval()
    for m in theirs.modules():  # non-trivial BN statistics so the comparison means something
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    ours = build_resnet(torchvision_spec(depth, num_classes=7)).eval()
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(ours(x), theirs(x), atol=1e-5)


def test_d2l_resnet18_takes_one_channel_and_gives_ten_logits() -> None:
    m = build_resnet(d2l_resnet18_spec()).eval()
    assert m(torch.randn(2, 1, 96, 96)).shape == (2, 10)


@pytest.mark.parametrize("depth", [20, 32, 44, 56, 110])
def test_cifar_nets_have_6n_plus_2_weighted_layers(depth: int) -> None:
    for residual in (True, False):
        with torch.device("meta"):
            m = build_resnet(cifar_spec(depth, residual=residual))
        # projections are shortcuts, not layers of the 6n+2 count (He et al. §4.2)
        layers = [n for n, mod in m.named_modules() if isinstance(mod, (nn.Conv2d, nn.Linear)) and "downsample" not in n]
        assert len(layers) == depth
        assert len(residual_blocks(m)) == (depth - 2) // 2
        assert all(b.residual == residual for _, b in residual_blocks(m))


@pytest.mark.parametrize("depth", [21, 7, 0, 2.5, True])
def test_cifar_depth_must_be_6n_plus_2(depth: object) -> None:
    with pytest.raises(ValueError, match="6n\\+2"):
        cifar_spec(depth)  # type: ignore[arg-type]


def test_every_parameter_gets_a_gradient() -> None:
    m = build_resnet(cifar_spec(20, in_channels=1))
    m(torch.randn(4, 1, 28, 28)).sum().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in m.parameters())
