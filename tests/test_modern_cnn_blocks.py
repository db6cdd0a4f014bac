"""Tests for explainer.models.modern_cnn_blocks: each D2L block's shape law and what it is made of."""

from __future__ import annotations

import torch
from torch import nn

from explainer.models.modern_cnn_blocks import DenseBlock, Inception, nin_block, transition_block, vgg_block


def test_vgg_block_halves_the_size_after_its_convs() -> None:
    block = vgg_block(2, 3, 8)
    assert [type(m).__name__ for m in block] == ["Conv2d", "ReLU", "Conv2d", "ReLU", "MaxPool2d"]
    assert block(torch.empty(2, 3, 9, 10, device="meta")).shape == (2, 8, 4, 5)


def test_nin_block_is_a_conv_then_a_per_pixel_mlp() -> None:
    block = nin_block(1, 96, kernel_size=11, stride=4, padding=0)
    assert [m.kernel_size for m in block if isinstance(m, nn.Conv2d)] == [(11, 11), (1, 1), (1, 1)]
    assert block(torch.empty(1, 1, 224, 224, device="meta")).shape == (1, 96, 54, 54)


def test_inception_concatenates_four_paths_that_keep_the_size() -> None:
    block = Inception(192, 64, (96, 128), (16, 32), 32)
    assert block.out_channels == 64 + 128 + 32 + 32
    assert block(torch.empty(1, 192, 7, 5, device="meta")).shape == (1, 256, 7, 5)


def test_dense_block_concatenates_where_resnet_adds_and_transition_halves() -> None:
    dense = DenseBlock(4, 64, 32)
    assert dense.out_channels == 64 + 4 * 32
    x = torch.randn(1, 64, 6, 6)
    out = dense.eval()(x)
    assert out.shape == (1, 192, 6, 6)
    assert torch.equal(out[:, :64], x)  # the input is carried along unchanged, channel by channel
    assert transition_block(192, 96).eval()(torch.randn(1, 192, 6, 7)).shape == (1, 96, 3, 3)
