"""Pre-activation residual blocks (He et al. 2016, "Identity Mappings in Deep Residual Networks", Fig. 1(b)).

BN → ReLU → conv inside the branch and nothing after the add, so the identity path runs untouched from
block to block. Built from the helpers of ``explainer.models.blocks`` (which re-exports both classes and
builds them in ``make_block``).
"""

from __future__ import annotations

from torch import Tensor, nn

from explainer.models.blocks import (
    Shortcut,
    ZeroPadShortcut,
    _norm,
    _shortcut_module,
    check_block_args,
    conv1x1,
    conv3x3,
    inner_width,
)


def _preact_shortcut(shortcut: str, inplanes: int, out_channels: int, stride: int, batch_norm: bool) -> nn.Module | None:
    """Skip path of a pre-activation block: a 1×1 conv *without* BN (the next block's BN normalizes the
    sum, as in He et al.'s and timm's code), a zero-padding, or ``None`` (x itself, or no add)."""
    if shortcut == "projection":
        # Sequential so the key is ``downsample.0.weight``, like the post-activation blocks' conv.
        return nn.Sequential(conv1x1(inplanes, out_channels, stride, bias=not batch_norm))
    return _shortcut_module(shortcut, inplanes, out_channels, stride, batch_norm)


class PreActBasicBlock(nn.Module):
    """He et al. 2016, Fig. 1(b): ``x + conv2(relu2(bn2(conv1(relu1(bn1(x))))))`` -- nothing after the add.

    The identity path is x itself, untouched from block to block. A projection shortcut takes its input
    after the first BN-ReLU (He et al.'s code and timm's ``PreActBasic``: the two paths share it); a
    zero-padding shortcut (option A, parameter-free) takes x itself, keeping the path clean.

    Shapes: x is (N, inplanes, H, W); the output is (N, planes, ⌈H/stride⌉, ⌈W/stride⌉).
    """

    expansion: int = 1

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        *,
        shortcut: Shortcut = "identity",
        batch_norm: bool = True,
    ) -> None:
        super().__init__()
        check_block_args("pre-activation basic", inplanes, planes, stride, shortcut)
        bias = not batch_norm
        self.bn1 = _norm(inplanes, batch_norm)
        self.relu1 = nn.ReLU()
        self.conv1 = conv3x3(inplanes, planes, stride, bias=bias)
        self.bn2 = _norm(planes, batch_norm)
        self.relu2 = nn.ReLU()
        self.conv2 = conv3x3(planes, planes, bias=bias)
        self.downsample = _preact_shortcut(shortcut, inplanes, planes, stride, batch_norm)
        self.residual = shortcut != "none"
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) → (N, planes, ⌈H/stride⌉, ⌈W/stride⌉)."""
        preact = self.relu1(self.bn1(x))
        identity = _preact_identity(self.downsample, x, preact)
        out = self.conv1(preact)
        out = self.conv2(self.relu2(self.bn2(out)))  # F(x), the residual branch
        if self.residual:
            out = out + identity  # the one line that makes a residual block
        return out


class PreActBottleneck(nn.Module):
    """He et al. 2016's pre-activation bottleneck: (BN → ReLU → conv) for 1×1, 3×3 (stride), 1×1 (×4).

    Shortcuts as in ``PreActBasicBlock``. Shapes: x is (N, inplanes, H, W); the output is
    (N, 4·planes, ⌈H/stride⌉, ⌈W/stride⌉).
    """

    expansion: int = 4

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        *,
        shortcut: Shortcut = "identity",
        batch_norm: bool = True,
        base_width: int = 64,
    ) -> None:
        super().__init__()
        check_block_args("pre-activation bottleneck", inplanes, planes, stride, shortcut, 1, base_width)
        bias = not batch_norm
        width = inner_width("pre-activation bottleneck", planes, 1, base_width)
        out_channels = planes * self.expansion
        self.bn1 = _norm(inplanes, batch_norm)
        self.relu1 = nn.ReLU()
        self.conv1 = conv1x1(inplanes, width, bias=bias)
        self.bn2 = _norm(width, batch_norm)
        self.relu2 = nn.ReLU()
        self.conv2 = conv3x3(width, width, stride, bias=bias)
        self.bn3 = _norm(width, batch_norm)
        self.relu3 = nn.ReLU()
        self.conv3 = conv1x1(width, out_channels, bias=bias)
        self.downsample = _preact_shortcut(shortcut, inplanes, out_channels, stride, batch_norm)
        self.residual = shortcut != "none"
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) → (N, 4·planes, ⌈H/stride⌉, ⌈W/stride⌉)."""
        preact = self.relu1(self.bn1(x))
        identity = _preact_identity(self.downsample, x, preact)
        out = self.conv1(preact)
        out = self.conv2(self.relu2(self.bn2(out)))
        out = self.conv3(self.relu3(self.bn3(out)))  # F(x), the residual branch
        if self.residual:
            out = out + identity  # the one line that makes a residual block
        return out


def _preact_identity(downsample: nn.Module | None, x: Tensor, preact: Tensor) -> Tensor:
    # A projection sees the pre-activated input; x itself or its zero-padding keeps the path clean.
    if downsample is None:
        return x
    return downsample(x if isinstance(downsample, ZeroPadShortcut) else preact)
