"""A ResNet built from stage specs, and the presets every tab uses.

Layout and state-dict names follow torchvision (``conv1``, ``bn1``, ``maxpool``, ``layer1..layer4``,
``avgpool``, ``fc``), so ``ResNet-18 … ResNet-152``, ResNeXt-50 (32x4d) and Wide ResNet-50-2 load
torchvision's weights as they are. The same builder makes the D2L ResNet-18 of the chapter (1 input
channel, 10 classes), the CIFAR-style nets of He et al. §4.2 (ResNet-n / Plain-n with n = 6k+2, widths
16/32/64) and the pre-activation ResNets of He et al. 2016 ("Identity Mappings"): blocks BN → ReLU → conv,
a stem that is the conv alone (timm's ``ResNetV2`` with ``preact=True``: the first block's BN-ReLU
follows it) and a final BN-ReLU (``final_bn``, ``final_relu``) before the pooling, because the last
block's sum is otherwise never normalized.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from explainer.models.blocks import EXPANSION, PREACT_TYPES, RESIDUAL_BLOCKS, BlockType, make_block
from explainer.runtime import drawing


@dataclass(frozen=True)
class StageSpec:
    """One stage (``layerK``): ``blocks`` blocks of width ``planes``; the first uses ``stride``."""

    planes: int
    blocks: int
    stride: int  # 1 keeps H×W; 2 halves it in the first block (which then needs a projection)


@dataclass(frozen=True)
class ResNetSpec:
    """Everything that decides a ResNet's architecture."""

    block: BlockType
    stages: tuple[StageSpec, ...]
    # "imagenet": 7×7/2 conv + 3×3/2 max-pool (÷4 before layer1); "cifar": one 3×3 conv, no pool.
    stem: str = "imagenet"
    stem_width: int = 64
    # "identity" = residual net with a 1×1 projection where shapes change (He et al.'s option B);
    # "zero-pad" = residual net with parameter-free zero-padding there (option A); "none" = plain twin.
    shortcut: str = "identity"
    batch_norm: bool = True
    in_channels: int = 3
    num_classes: int = 1000
    stage_names: tuple[str, ...] = field(default=())  # e.g. D2L's b2..b5, for the tables
    groups: int = 1  # the ResNeXt cardinality (block "ResNeXt" only)
    width_per_group: int = 64  # torchvision's: 128 for Wide ResNet-50-2 (bottleneck kinds only)

    @property
    def preact(self) -> bool:
        """True for pre-activation nets: a conv-only stem and a final BN-ReLU before pooling."""
        return self.block in PREACT_TYPES


class ResNet(nn.Module):
    """stem → layer1..layerK (→ final BN-ReLU if pre-activation) → global average pool → flatten → fc.

    Input (N, in_channels, H, W); output logits (N, num_classes).
    """

    def __init__(self, spec: ResNetSpec) -> None:
        super().__init__()
        self.spec = spec
        bias = not spec.batch_norm
        norm = (lambda c: nn.BatchNorm2d(c)) if spec.batch_norm else (lambda c: nn.Identity())
        if spec.stem == "imagenet":
            self.conv1 = nn.Conv2d(
                spec.in_channels, spec.stem_width, kernel_size=7, stride=2, padding=3, bias=bias
            )
        elif spec.stem == "cifar":
            self.conv1 = nn.Conv2d(
                spec.in_channels, spec.stem_width, kernel_size=3, stride=1, padding=1, bias=bias
            )
        else:
            raise ValueError(f"Unknown stem {spec.stem!r}: choose 'imagenet' or 'cifar'.")
        if spec.shortcut not in ("identity", "zero-pad", "none"):
            raise ValueError(f"Unknown network shortcut {spec.shortcut!r}: choose 'identity', 'zero-pad' or 'none'.")
        # Pre-activation: the first block's own BN-ReLU follows the stem conv (and max-pool).
        self.bn1 = None if spec.preact else norm(spec.stem_width)
        self.relu = None if spec.preact else nn.ReLU()
        self.maxpool = (
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1) if spec.stem == "imagenet" else None
        )
        expansion = EXPANSION[spec.block]
        inplanes = spec.stem_width
        self.stage_names: list[str] = []
        for i, stage in enumerate(spec.stages, start=1):
            blocks = []
            for j in range(stage.blocks):
                stride = stage.stride if j == 0 else 1
                out_channels = stage.planes * expansion
                if spec.shortcut == "none":
                    shortcut = "none"
                elif stride != 1 or inplanes != out_channels:
                    # shapes change: x must be projected (option B) or zero-padded (option A) to be added
                    shortcut = "zero-pad" if spec.shortcut == "zero-pad" else "projection"
                else:
                    shortcut = "identity"
                blocks.append(
                    make_block(
                        spec.block,
                        inplanes,
                        stage.planes,
                        stride,
                        shortcut=shortcut,
                        batch_norm=spec.batch_norm,
                        groups=spec.groups,
                        base_width=spec.width_per_group,
                    )
                )
                inplanes = out_channels
            setattr(self, f"layer{i}", nn.Sequential(*blocks))
            self.stage_names.append(f"layer{i}")
        self.final_bn = norm(inplanes) if spec.preact else None
        self.final_relu = nn.ReLU() if spec.preact else None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(inplanes, spec.num_classes)
        self.num_features = inplanes
        self._init_weights()

    def _init_weights(self) -> None:
        # torchvision's initialisation: He (fan_out) for convs, γ=1 β=0 for BN.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    @property
    def stages(self) -> list[nn.Sequential]:
        """The residual stages in order (``layer1``, ``layer2``, ...)."""
        return [getattr(self, name) for name in self.stage_names]

    def forward_features(self, x: Tensor) -> Tensor:
        """(N, C, H, W) → (N, C_last, H/32, W/32) for the ImageNet stem, (N, 64, H/4, W/4) for CIFAR."""
        x = self.conv1(x)
        if self.bn1 is not None and self.relu is not None:
            x = self.relu(self.bn1(x))
        if self.maxpool is not None:
            x = self.maxpool(x)
        for stage in self.stages:
            x = stage(x)
        if self.final_bn is not None and self.final_relu is not None:
            x = self.final_relu(self.final_bn(x))  # pre-activation: the last sum gets its BN-ReLU here
        return x

    def forward_head(self, x: Tensor) -> Tensor:
        """(N, C_last, h, w) → logits (N, num_classes)."""
        return self.fc(self.flatten(self.avgpool(x)))

    def forward(self, x: Tensor) -> Tensor:
        """(N, in_channels, H, W) → logits (N, num_classes)."""
        return self.forward_head(self.forward_features(x))


#: torchvision's ImageNet layouts: depth → (block, blocks per stage).
IMAGENET_LAYOUTS: dict[int, tuple[BlockType, tuple[int, int, int, int]]] = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}


def _imagenet_stages(counts: tuple[int, ...]) -> tuple[StageSpec, ...]:
    return tuple(StageSpec(planes=p, blocks=n, stride=s) for p, n, s in zip((64, 128, 256, 512), counts, (1, 2, 2, 2)))


def torchvision_spec(depth: int, *, in_channels: int = 3, num_classes: int = 1000) -> ResNetSpec:
    """ResNet-18/34/50/101/152 exactly as torchvision builds them."""
    if depth not in IMAGENET_LAYOUTS:
        raise ValueError(f"torchvision has ResNet-18/34/50/101/152, not ResNet-{depth}.")
    block, counts = IMAGENET_LAYOUTS[depth]
    return ResNetSpec(block, _imagenet_stages(counts), in_channels=in_channels, num_classes=num_classes)


def resnext50_32x4d_spec(*, in_channels: int = 3, num_classes: int = 1000) -> ResNetSpec:
    """torchvision's ``resnext50_32x4d``: ResNet-50's layout, each 3×3 conv 2 · planes wide in 32 groups of
    4 (Xie et al. 2017, Table 1). Our "ResNeXt" block computes that width as 2 · planes directly; torchvision's
    ``int(planes · 4/64) · 32`` is the same number for planes 64…512."""
    _, counts = IMAGENET_LAYOUTS[50]
    return ResNetSpec("ResNeXt", _imagenet_stages(counts), in_channels=in_channels, num_classes=num_classes,
                      groups=32)


def wide_resnet50_2_spec(*, in_channels: int = 3, num_classes: int = 1000) -> ResNetSpec:
    """torchvision's ``wide_resnet50_2``: ResNet-50 with every bottleneck's inner width doubled
    (``width_per_group=128``); the outer 256…2048 channels stay (Zagoruyko & Komodakis 2016, as torchvision)."""
    _, counts = IMAGENET_LAYOUTS[50]
    return ResNetSpec("bottleneck", _imagenet_stages(counts), in_channels=in_channels, num_classes=num_classes,
                      width_per_group=128)


def preact_resnet_spec(depth: int, *, in_channels: int = 3, num_classes: int = 1000) -> ResNetSpec:
    """Pre-activation ResNet-18/34/50/101/152 (He et al. 2016) in torchvision's ImageNet layout.

    Same stages and widths as ``torchvision_spec(depth)``; pre-activation blocks with 1×1 conv projections
    (no BN on the shortcut), a conv + max-pool stem without BN-ReLU, and a final BN-ReLU before pooling.
    """
    if depth not in IMAGENET_LAYOUTS:
        raise ValueError(f"Pre-activation ResNets come in the ImageNet depths 18/34/50/101/152, not {depth}.")
    block, counts = IMAGENET_LAYOUTS[depth]
    preact_block: BlockType = "pre-activation basic" if block == "basic" else "pre-activation bottleneck"
    return ResNetSpec(preact_block, _imagenet_stages(counts), in_channels=in_channels, num_classes=num_classes)


def d2l_resnet18_spec(*, in_channels: int = 1, num_classes: int = 10) -> ResNetSpec:
    """D2L's ResNet-18 (chapter "Residual Networks"): b1 = stem, b2..b5 = layer1..layer4.

    The shapes are the chapter's; the blocks are torchvision's (convs without bias, BN on the
    1×1 projection), so one model family serves every tab.
    """
    spec = torchvision_spec(18, in_channels=in_channels, num_classes=num_classes)
    return ResNetSpec(
        spec.block,
        spec.stages,
        in_channels=in_channels,
        num_classes=num_classes,
        stage_names=("b2", "b3", "b4", "b5"),
    )


CIFAR_DEPTHS: tuple[int, ...] = (20, 32, 44, 56, 110)


def cifar_spec(
    depth: int,
    *,
    residual: bool = True,
    batch_norm: bool = True,
    in_channels: int = 3,
    num_classes: int = 10,
    downsample: str = "zero-pad",
    preact: bool = False,
) -> ResNetSpec:
    """He et al. §4.2: 6n+2 weighted layers -- a 3×3 conv, 3 stages of n basic blocks, an fc.

    Widths 16/32/64 on feature maps of size H, H/2, H/4. Where the shape changes the shortcut is,
    as in the paper, parameter-free (``downsample="zero-pad"``, option A: subsample, append zero
    channels), so ResNet-n has exactly the parameters of its plain twin and the two differ only by
    ``out = out + identity``; ``downsample="projection"`` gives option B (1×1 conv + BN).
    ``residual=False`` gives the plain twin: the same layers, no adds. ``preact=True`` gives He et al.
    2016's pre-activation ResNet-n: the same convs, BN → ReLU before each. Its parameter count equals
    ResNet-n's: the stem's BN(16) becomes a final BN(64) (+96), and the two blocks that widen normalize
    their input (16, 32 channels) instead of their output (32, 64): −32 − 64.
    """
    if downsample not in ("zero-pad", "projection"):
        raise ValueError(f"Unknown CIFAR shortcut option {downsample!r}: choose 'zero-pad' (A) or 'projection' (B).")
    if (
        isinstance(depth, bool)
        or not isinstance(depth, int)
        or depth < 8
        or (depth - 2) % 6 != 0
    ):
        raise ValueError(f"CIFAR-style nets have 6n+2 layers (8, 14, 20, 26, 32, …, 56, …, 110); got {depth!r}.")
    n = (depth - 2) // 6
    stages = tuple(
        StageSpec(planes=p, blocks=n, stride=s) for p, s in zip((16, 32, 64), (1, 2, 2))
    )
    return ResNetSpec(
        "pre-activation basic" if preact else "basic",
        stages,
        stem="cifar",
        stem_width=16,
        shortcut=("zero-pad" if downsample == "zero-pad" else "identity") if residual else "none",
        batch_norm=batch_norm,
        in_channels=in_channels,
        num_classes=num_classes,
    )


def build_resnet(spec: ResNetSpec) -> ResNet:
    """Instantiate a ResNet from its spec (raises ``ValueError`` for impossible specs)."""
    with drawing():  # its initial weights must not interleave with another thread's seeded build
        return ResNet(spec)


def residual_blocks(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Every residual (or plain-twin) block, post- or pre-activation, with its qualified name, in forward order."""
    return [(name, m) for name, m in model.named_modules() if isinstance(m, RESIDUAL_BLOCKS)]


@torch.no_grad()
def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
