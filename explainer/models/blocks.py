"""Residual blocks in torchvision's vocabulary, plus their plain twins.

``BasicBlock`` (two 3×3 convs, ResNet-18/34) and ``Bottleneck`` (1×1 → 3×3 → 1×1, expansion 4,
ResNet-50/101/152; with ``groups``/``base_width`` also ResNeXt and Wide ResNet) follow
``torchvision/models/resnet.py`` so their state-dict names match (``conv1``, ``bn1``, ``conv2``, ``bn2``,
``conv3``, ``bn3``, ``downsample.0``, ``downsample.1``). ``PreActBasicBlock`` / ``PreActBottleneck`` are
He et al. 2016 ("Identity Mappings in Deep Residual Networks", Fig. 1(b)): BN → ReLU → conv inside the
branch and nothing after the add, named as timm's ``PreActBasic`` / ``PreActBottleneck`` would be in
torchvision's vocabulary.

The block kinds ``make_block`` builds (``BLOCK_TYPES``): ``"basic"``, ``"bottleneck"``, their
``"pre-activation …"`` versions, and ``"ResNeXt"`` -- a ``Bottleneck`` whose 3×3 conv is twice the
bottleneck width and split into ``groups`` groups (Xie et al. 2017, Fig. 3(c): 256 → 128 (32 groups of
4) → 256, exactly torchvision's ``resnext50_32x4d`` block).

Three departures, all for teaching:

* ``shortcut`` chooses the skip path: ``"identity"`` (x itself), ``"projection"`` (1×1 conv + BN,
  D2L's ``use_1x1conv=True``, He et al.'s option B), ``"zero-pad"`` (He et al.'s parameter-free
  option A: subsample by the stride, append zero channels) or ``"none"`` -- the *plain twin*: the
  very same block without the add.
* every ReLU is its own module (``relu1``, ``relu2``, ...) instead of one reused in-place ReLU, because
  a shared module fires its hooks several times per forward and in-place ops break Captum.
* ``batch_norm=False`` replaces each BN with ``nn.Identity`` and gives the convs a bias, as a net
  without normalization needs one.
"""

from __future__ import annotations

from typing import Literal

import torch.nn.functional as F
from torch import Tensor, nn

from explainer.models.arguments import check_positive_int

BlockType = Literal["basic", "bottleneck", "pre-activation basic", "pre-activation bottleneck", "ResNeXt"]
Shortcut = Literal["identity", "projection", "zero-pad", "none"]

BLOCK_TYPES: tuple[str, ...] = ("basic", "bottleneck", "pre-activation basic", "pre-activation bottleneck", "ResNeXt")
SHORTCUTS: tuple[str, ...] = ("identity", "projection", "zero-pad", "none")
#: Output channels = ``planes`` × expansion (torchvision's ``expansion``), per block kind.
EXPANSION: dict[str, int] = {"basic": 1, "bottleneck": 4, "pre-activation basic": 1,
                             "pre-activation bottleneck": 4, "ResNeXt": 4}
#: The kinds whose BN and ReLU come before each conv (He et al. 2016); the network then ends in BN-ReLU.
PREACT_TYPES: tuple[str, ...] = ("pre-activation basic", "pre-activation bottleneck")


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, *, groups: int = 1, bias: bool = False) -> nn.Conv2d:
    """3×3 convolution with padding 1: keeps H×W at stride 1, gives ⌈H/2⌉×⌈W/2⌉ at stride 2.

    ``groups`` > 1 splits it into that many independent convs of in/groups → out/groups channels (ResNeXt).
    """
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, groups=groups, bias=bias)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1, *, bias: bool = False) -> nn.Conv2d:
    """1×1 convolution: mixes channels only (and subsamples when stride is 2)."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=bias)


def _norm(channels: int, batch_norm: bool) -> nn.Module:
    return nn.BatchNorm2d(channels) if batch_norm else nn.Identity()


class ShortcutMismatchError(ValueError):
    """An identity shortcut was asked for where x and F(x) have different shapes.

    x is (N, ``in_channels``, H, W) and F(x) is (N, ``out_channels``, ⌈H/stride⌉, ⌈W/stride⌉), so
    ``out + identity`` cannot be computed. The attributes carry what a UI needs to say so in its own
    words: the two channel counts, the stride, and ``fix``, the projection that makes the add possible.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.stride = stride
        self.fix = f"conv1x1({in_channels}, {out_channels}, stride={stride}) + BatchNorm"
        reasons = []
        if self.channels_differ:
            reasons.append(f"x has {in_channels} channels but F(x) has {out_channels}")
        if self.size_differs:
            reasons.append(f"stride {stride} makes F(x) {stride}× smaller in height and width")
        super().__init__(
            "An identity shortcut adds x to F(x) element by element, so both must have the same shape; "
            f"here {' and '.join(reasons)}. Fix: use a 1×1 projection shortcut ({self.fix}, D2L's "
            "use_1x1conv=True), or keep stride 1 and equal channels."
        )

    @property
    def channels_differ(self) -> bool:
        return self.in_channels != self.out_channels

    @property
    def size_differs(self) -> bool:
        return self.stride != 1

    def __reduce__(self) -> tuple[type, tuple[int, int, int]]:
        # Exceptions pickle as ``cls(*args)``; ours is built from its data, not from its message.
        return type(self), (self.in_channels, self.out_channels, self.stride)


def inner_width(block: str, planes: int, groups: int = 1, base_width: int = 64) -> int:
    """Channels of the block's middle convs (the grouped 3×3 for ResNeXt).

    basic kinds: ``planes``. Bottleneck kinds: torchvision's ``int(planes · base_width / 64) · groups``
    (``base_width`` 128 gives Wide ResNet-50-2). ResNeXt: ``2 · planes``, the ResNeXt-50 (32x4d) rule
    (torchvision's formula with groups 32 and width per group 4 gives the same, 2 · planes).
    """
    if block == "ResNeXt":
        return 2 * planes
    if block in ("bottleneck", "pre-activation bottleneck"):
        return int(planes * (base_width / 64.0)) * groups
    return planes


def check_block_args(
    block: str, inplanes: int, planes: int, stride: int, shortcut: str, groups: int = 1, base_width: int = 64
) -> None:
    """Raise ``ValueError`` if no such block can exist (``ShortcutMismatchError`` if x and F(x) cannot be added).

    ``planes`` is torchvision's: the block outputs ``planes * EXPANSION[block]`` channels (expansion 1
    for the basic kinds, 4 for the bottleneck kinds and ResNeXt); the middle convs have
    ``inner_width(block, planes, groups, base_width)`` channels. ``groups`` (the cardinality) applies to
    ResNeXt only and must divide that width; ``base_width`` (torchvision's width per group) to the
    bottleneck kinds only.
    """
    if block not in BLOCK_TYPES:
        raise ValueError(f"Unknown block type {block!r}: choose one of {', '.join(repr(b) for b in BLOCK_TYPES)}.")
    if shortcut not in SHORTCUTS:
        raise ValueError(f"Unknown shortcut {shortcut!r}: choose 'identity', 'projection', 'zero-pad' or 'none'.")
    check_positive_int("number of input channels", inplanes)
    check_positive_int("number of channels", planes)
    if isinstance(stride, bool) or stride not in (1, 2):
        raise ValueError(f"Stride must be 1 (keep the size) or 2 (halve height and width), got {stride!r}.")
    check_positive_int("number of groups", groups)
    check_positive_int("base width", base_width)
    if groups != 1 and block != "ResNeXt":
        raise ValueError(f"Only the ResNeXt block splits its 3×3 conv into groups; a {block} block has groups=1, "
                         f"got groups={groups}.")
    if base_width != 64 and block not in ("bottleneck", "pre-activation bottleneck"):
        raise ValueError(f"base_width (torchvision's width per group) applies to bottleneck blocks only; a {block} "
                         f"block needs the default 64, got {base_width}.")
    width = inner_width(block, planes, groups, base_width)
    if width < 1:
        raise ValueError(f"planes={planes} with base_width={base_width} leaves the bottleneck with "
                         f"int({planes}·{base_width}/64) = 0 channels.")
    if width % groups:
        divisors = [g for g in range(1, width + 1) if width % g == 0]
        nearest = min(divisors, key=lambda g: (abs(g - groups), g))
        raise ValueError(
            f"The ResNeXt block's grouped 3×3 conv has {width} channels (2 × {planes}), which cannot be split "
            f"into {groups} equal groups: the number of groups must divide {width} (e.g. {nearest})."
        )
    out_channels = planes * EXPANSION[block]
    if shortcut == "identity" and (stride != 1 or inplanes != out_channels):
        raise ShortcutMismatchError(inplanes, out_channels, stride)
    if shortcut == "zero-pad" and out_channels < inplanes:
        raise ValueError(
            f"A zero-padding shortcut can only add channels: x has {inplanes} channels but F(x) has "
            f"{out_channels}. Use a 1×1 projection shortcut to reduce channels."
        )


def _downsample(inplanes: int, out_channels: int, stride: int, batch_norm: bool) -> nn.Sequential:
    # Named ``downsample`` and built as Sequential(conv, bn) so the keys are torchvision's
    # ``downsample.0.weight`` / ``downsample.1.*``.
    return nn.Sequential(
        conv1x1(inplanes, out_channels, stride, bias=not batch_norm),
        _norm(out_channels, batch_norm),
    )


class ZeroPadShortcut(nn.Module):
    """He et al.'s option A: x subsampled by the stride, with zero channels appended. No parameters.

    (N, C_in, H, W) → (N, C_out, ⌈H/stride⌉, ⌈W/stride⌉). The paper says only "extra zero entries
    padded for increasing dimensions" and "performed with a stride of 2"; we keep every
    ``stride``-th pixel (the same grid as the 3×3 stride-2 conv's centres) and append the zeros after
    x's channels. This keeps ResNet-n's parameter count equal to its plain twin's.
    """

    def __init__(self, inplanes: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        if out_channels < inplanes:
            raise ValueError(f"Zero padding cannot reduce {inplanes} channels to {out_channels}.")
        self.inplanes = inplanes
        self.out_channels = out_channels
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) → (N, C_out, ⌈H/stride⌉, ⌈W/stride⌉)."""
        if self.stride != 1:
            x = x[:, :, :: self.stride, :: self.stride]
        # F.pad pads the last dims first: (W left, W right, H top, H bottom, C front, C back).
        return F.pad(x, (0, 0, 0, 0, 0, self.out_channels - self.inplanes))

    def extra_repr(self) -> str:
        return f"{self.inplanes}, {self.out_channels}, stride={self.stride}"


def _shortcut_module(shortcut: str, inplanes: int, out_channels: int, stride: int, batch_norm: bool) -> nn.Module | None:
    """The module on the skip path: a projection, a zero-padding or ``None`` (x itself, or no add)."""
    if shortcut == "projection":
        return _downsample(inplanes, out_channels, stride, batch_norm)
    if shortcut == "zero-pad" and (stride != 1 or inplanes != out_channels):
        return ZeroPadShortcut(inplanes, out_channels, stride)
    return None


class BasicBlock(nn.Module):
    """Two 3×3 convs with a skip connection: ``relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))``.

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
        check_block_args("basic", inplanes, planes, stride, shortcut)
        bias = not batch_norm
        self.conv1 = conv3x3(inplanes, planes, stride, bias=bias)
        self.bn1 = _norm(planes, batch_norm)
        self.relu1 = nn.ReLU()
        self.conv2 = conv3x3(planes, planes, bias=bias)
        self.bn2 = _norm(planes, batch_norm)
        self.downsample = _shortcut_module(shortcut, inplanes, planes, stride, batch_norm)
        self.relu2 = nn.ReLU()
        self.residual = shortcut != "none"
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) → (N, planes, ⌈H/stride⌉, ⌈W/stride⌉)."""
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))  # F(x), the residual branch
        if self.residual:
            out = out + identity  # the one line that makes a residual block
        return self.relu2(out)


class Bottleneck(nn.Module):
    """1×1 (reduce) → 3×3 (stride here, as torchvision's "ResNet v1.5") → 1×1 (expand ×4), plus skip.

    The 3×3 conv has ``width`` channels in ``groups`` groups; by default torchvision's
    ``int(planes · base_width / 64) · groups`` -- ``planes`` for ResNet-50, ``2 · planes`` for Wide
    ResNet-50-2 (base_width 128) and for ResNeXt-50 (32x4d) (groups 32, base_width 4). ``width`` may be
    given directly (``make_block("ResNeXt", …)`` does: 2 · planes without the float round trip).

    Shapes: x is (N, inplanes, H, W); the output is (N, 4·planes, ⌈H/stride⌉, ⌈W/stride⌉).
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
        groups: int = 1,
        base_width: int = 64,
        width: int | None = None,
    ) -> None:
        super().__init__()
        if width is None:
            # torchvision's Bottleneck allows groups with any base_width (that is how it builds ResNeXt).
            check_block_args("bottleneck", inplanes, planes, stride, shortcut, 1, base_width)
            width = inner_width("bottleneck", planes, groups, base_width)
        else:
            check_block_args("bottleneck", inplanes, planes, stride, shortcut)
        check_positive_int("number of groups", groups)
        if width % groups:
            raise ValueError(f"A grouped conv of {width} channels cannot be split into {groups} equal groups.")
        bias = not batch_norm
        out_channels = planes * self.expansion
        self.conv1 = conv1x1(inplanes, width, bias=bias)
        self.bn1 = _norm(width, batch_norm)
        self.relu1 = nn.ReLU()
        self.conv2 = conv3x3(width, width, stride, groups=groups, bias=bias)
        self.bn2 = _norm(width, batch_norm)
        self.relu2 = nn.ReLU()
        self.conv3 = conv1x1(width, out_channels, bias=bias)
        self.bn3 = _norm(out_channels, batch_norm)
        self.downsample = _shortcut_module(shortcut, inplanes, out_channels, stride, batch_norm)
        self.relu3 = nn.ReLU()
        self.residual = shortcut != "none"
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) → (N, 4·planes, ⌈H/stride⌉, ⌈W/stride⌉)."""
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.relu2(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))  # F(x), the residual branch
        if self.residual:
            out = out + identity  # the one line that makes a residual block
        return self.relu3(out)


# Pre-activation blocks live in their own module; it builds on the helpers above, hence the late import.
from explainer.models.preact_blocks import PreActBasicBlock, PreActBottleneck

#: Every block class whose instances are the units of a ResNet (post- and pre-activation).
RESIDUAL_BLOCKS: tuple[type[nn.Module], ...] = (BasicBlock, Bottleneck, PreActBasicBlock, PreActBottleneck)


def make_block(
    block: BlockType,
    inplanes: int,
    planes: int,
    stride: int = 1,
    *,
    shortcut: Shortcut = "identity",
    batch_norm: bool = True,
    groups: int = 1,
    base_width: int = 64,
) -> nn.Module:
    """Build one block by name; raises ``ValueError`` (with the fix) for invalid configurations.

    ``planes`` is torchvision's: the output has ``planes * EXPANSION[block]`` channels. ``groups`` is the
    ResNeXt cardinality (ResNeXt only); ``base_width`` torchvision's width per group (bottleneck kinds only:
    128 builds Wide ResNet-50-2's blocks). See ``inner_width`` for the middle convs' width.
    """
    check_block_args(block, inplanes, planes, stride, shortcut, groups, base_width)
    if block == "basic":
        return BasicBlock(inplanes, planes, stride, shortcut=shortcut, batch_norm=batch_norm)
    if block == "bottleneck":
        return Bottleneck(inplanes, planes, stride, shortcut=shortcut, batch_norm=batch_norm, base_width=base_width)
    if block == "pre-activation basic":
        return PreActBasicBlock(inplanes, planes, stride, shortcut=shortcut, batch_norm=batch_norm)
    if block == "pre-activation bottleneck":
        return PreActBottleneck(inplanes, planes, stride, shortcut=shortcut, batch_norm=batch_norm,
                                base_width=base_width)
    return Bottleneck(inplanes, planes, stride, shortcut=shortcut, batch_norm=batch_norm, groups=groups,
                      width=inner_width("ResNeXt", planes, groups))


def block_parts(block: nn.Module) -> tuple[nn.Module, nn.Module | None, nn.Module]:
    """(last BN of the branch, downsample or None, final ReLU) -- the hook points for F(x), x, sum."""
    if isinstance(block, Bottleneck):
        return block.bn3, block.downsample, block.relu3
    if isinstance(block, BasicBlock):
        return block.bn2, block.downsample, block.relu2
    # A pre-activation block has no BN after its last conv and no ReLU after the add.
    raise TypeError(f"{type(block).__name__} is not a post-activation residual block")


def zero_init_last_bn(module: nn.Module) -> None:
    """Set γ of each branch's last BN to 0 so every residual block starts as the identity (Goyal et al.).

    In a pre-activation block the last BN comes before the last ReLU and conv: with γ = β = 0 the ReLU
    gives 0 and the bias-free conv keeps it 0, so F(x) = 0 there too.
    """
    for m in module.modules():
        if isinstance(m, (BasicBlock, Bottleneck)):
            last_bn, _, _ = block_parts(m)
        elif isinstance(m, PreActBasicBlock):
            last_bn = m.bn2
        elif isinstance(m, PreActBottleneck):
            last_bn = m.bn3
        else:
            continue
        if isinstance(last_bn, nn.BatchNorm2d):
            nn.init.zeros_(last_bn.weight)


def output_hw(height: int, width: int, stride: int) -> tuple[int, int]:
    """Spatial size after a block: ⌈H/stride⌉ × ⌈W/stride⌉ (3×3 conv, padding 1)."""
    return (height + stride - 1) // stride, (width + stride - 1) // stride
