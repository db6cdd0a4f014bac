"""The building blocks of D2L's chapter "Modern Convolutional Neural Networks", as the book writes them.

``vgg_block`` (§8.2), ``nin_block`` (§8.3), ``Inception`` (§8.4), ``DenseBlock`` with its
``dense_conv_block`` and ``transition_block`` (§8.7): same layers, same order, same
hyper-parameters as the PyTorch edition, with two departures that change no shape and no
parameter count: every activation is its own module (``F.relu`` in D2L's Inception becomes
``relu1_1`` …, never in-place, so hooks fire once per layer and Captum works -- GUIDE §3, lesson 4),
and submodules have names (``conv1``, ``relu1``) instead of indices, to be readable in a shape table.
The networks built from them are in ``explainer.models.modern_cnns``.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import Tensor, nn


def vgg_block(num_convs: int, in_channels: int, out_channels: int) -> nn.Sequential:
    """D2L §8.2 ``vgg_block``: ``num_convs`` × (3×3 conv, pad 1 + ReLU), then 2×2 max-pool.

    (N, in_channels, H, W) → (N, out_channels, ⌊H/2⌋, ⌊W/2⌋).
    """
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    for i in range(1, num_convs + 1):
        layers[f"conv{i}"] = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)
        layers[f"relu{i}"] = nn.ReLU()
        in_channels = out_channels
    layers["pool"] = nn.MaxPool2d(kernel_size=2, stride=2)
    return nn.Sequential(layers)


def nin_block(
    in_channels: int, out_channels: int, kernel_size: int, stride: int, padding: int
) -> nn.Sequential:
    """D2L §8.3 ``nin_block``: a k×k conv, then two 1×1 convs (a per-pixel MLP), each + ReLU.

    (N, in_channels, H, W) → (N, out_channels, ⌊(H + 2p − k)/s⌋ + 1, same for W).
    """
    return nn.Sequential(
        OrderedDict(
            conv1=nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding),
            relu1=nn.ReLU(),
            conv2=nn.Conv2d(out_channels, out_channels, kernel_size=1),
            relu2=nn.ReLU(),
            conv3=nn.Conv2d(out_channels, out_channels, kernel_size=1),
            relu3=nn.ReLU(),
        )
    )


class Inception(nn.Module):
    """D2L §8.4 Inception block: four parallel paths, concatenated along the channels.

    Path 1: 1×1 conv (``c1`` channels). Path 2: 1×1 conv to ``c2[0]``, 3×3 conv (pad 1) to
    ``c2[1]``. Path 3: 1×1 conv to ``c3[0]``, 5×5 conv (pad 2) to ``c3[1]``. Path 4: 3×3 max-pool
    (stride 1, pad 1), 1×1 conv to ``c4``. Every path keeps H×W, which is what lets ``torch.cat``
    stack them. Attribute names are D2L's (``b2_1`` = path 2, first layer), plus one ReLU module
    per conv where D2L calls ``F.relu``.

    Shapes: (N, in_channels, H, W) → (N, c1 + c2[1] + c3[1] + c4, H, W).
    """

    def __init__(
        self,
        in_channels: int,
        c1: int,
        c2: tuple[int, int],
        c3: tuple[int, int],
        c4: int,
    ) -> None:
        super().__init__()
        self.b1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.relu1_1 = nn.ReLU()
        self.b2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.relu2_1 = nn.ReLU()
        self.b2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.relu2_2 = nn.ReLU()
        self.b3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.relu3_1 = nn.ReLU()
        self.b3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.relu3_2 = nn.ReLU()
        self.b4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.b4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)
        self.relu4_2 = nn.ReLU()
        self.out_channels = c1 + c2[1] + c3[1] + c4

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) → (N, c1 + c2[1] + c3[1] + c4, H, W)."""
        b1 = self.relu1_1(self.b1_1(x))
        b2 = self.relu2_2(self.b2_2(self.relu2_1(self.b2_1(x))))
        b3 = self.relu3_2(self.b3_2(self.relu3_1(self.b3_1(x))))
        b4 = self.relu4_2(self.b4_2(self.b4_1(x)))
        return torch.cat((b1, b2, b3, b4), dim=1)


def dense_conv_block(in_channels: int, growth_rate: int) -> nn.Sequential:
    """D2L §8.7 ``conv_block``: BN → ReLU → 3×3 conv (pad 1) -- the "pre-activation" order.

    (N, in_channels, H, W) → (N, growth_rate, H, W).
    """
    return nn.Sequential(
        OrderedDict(
            bn=nn.BatchNorm2d(in_channels),
            relu=nn.ReLU(),
            conv=nn.Conv2d(in_channels, growth_rate, kernel_size=3, padding=1),
        )
    )


class DenseBlock(nn.Module):
    """D2L §8.7 ``DenseBlock``: each conv block sees the concatenation of everything before it.

    Where a residual block *adds* F(x) to x, a dense block *concatenates* it: x ← cat(x, F(x)),
    so every block adds ``growth_rate`` channels and nothing is ever overwritten.

    Shapes: (N, in_channels, H, W) → (N, in_channels + num_convs · growth_rate, H, W).
    """

    def __init__(self, num_convs: int, in_channels: int, growth_rate: int) -> None:
        super().__init__()
        # Named ``net`` as in D2L; the loop below is unrolled by torch.fx (a fixed module list).
        self.net = nn.Sequential(
            OrderedDict(
                (f"conv_block{i + 1}", dense_conv_block(in_channels + i * growth_rate, growth_rate))
                for i in range(num_convs)
            )
        )
        self.out_channels = in_channels + num_convs * growth_rate

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) → (N, C_in + num_convs · growth_rate, H, W)."""
        for blk in self.net:
            y = blk(x)
            x = torch.cat((x, y), dim=1)  # concatenate, where ResNet would add: x + y
        return x


def transition_block(in_channels: int, out_channels: int) -> nn.Sequential:
    """D2L §8.7 ``transition_block``: BN → ReLU → 1×1 conv (fewer channels) → 2×2 average pool.

    (N, in_channels, H, W) → (N, out_channels, ⌊H/2⌋, ⌊W/2⌋).
    """
    return nn.Sequential(
        OrderedDict(
            bn=nn.BatchNorm2d(in_channels),
            relu=nn.ReLU(),
            conv=nn.Conv2d(in_channels, out_channels, kernel_size=1),
            pool=nn.AvgPool2d(kernel_size=2, stride=2),
        )
    )

