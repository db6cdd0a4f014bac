"""A configured residual block as self-contained PyTorch source: copy it, run it, get the same block."""

from __future__ import annotations

from torch import nn

from explainer.models.blocks import PREACT_TYPES, ZeroPadShortcut

#: The class name of the exported code, per block kind (torchvision's / He et al.'s / D2L's names).
CLASS_NAMES = {"basic": "BasicBlock", "bottleneck": "Bottleneck", "pre-activation basic": "PreActBlock",
               "pre-activation bottleneck": "PreActBottleneck", "ResNeXt": "ResNeXtBlock"}

# He et al.'s option A as a module of its own, written out when the block uses it (same forward as
# explainer.models.blocks.ZeroPadShortcut) so the exported code needs nothing but torch.
ZERO_PAD_SOURCE = (
    "class ZeroPadShortcut(nn.Module):\n"
    '    """He et al.\'s option A: keep every stride-th pixel, append zero channels. No parameters."""\n\n'
    "    def __init__(self, inplanes: int, out_channels: int, stride: int = 1) -> None:\n"
    "        super().__init__()\n"
    "        self.inplanes, self.out_channels, self.stride = inplanes, out_channels, stride\n\n"
    "    def forward(self, x: torch.Tensor) -> torch.Tensor:\n"
    "        x = x[:, :, :: self.stride, :: self.stride]\n"
    "        return F.pad(x, (0, 0, 0, 0, 0, self.out_channels - self.inplanes))  # zeros after x's channels\n\n\n"
)


def _ctor(m: nn.Module) -> str:
    if isinstance(m, nn.Sequential):
        return "nn.Sequential(" + ", ".join(_ctor(c) for c in m) + ")"
    if isinstance(m, nn.Conv2d):
        k, s, p = m.kernel_size[0], m.stride[0], m.padding[0]
        extra = f", stride={s}" if s != 1 else ""
        extra += f", padding={p}" if p else ""
        extra += f", groups={m.groups}" if m.groups != 1 else ""
        return f"nn.Conv2d({m.in_channels}, {m.out_channels}, kernel_size={k}{extra}, bias={m.bias is not None})"
    if isinstance(m, nn.BatchNorm2d):
        return f"nn.BatchNorm2d({m.num_features})"
    if isinstance(m, ZeroPadShortcut):
        return f"ZeroPadShortcut({m.inplanes}, {m.out_channels}, stride={m.stride})"
    return f"nn.{type(m).__name__}()"


def block_code(module: nn.Module, block: str, shortcut: str, x_shape: tuple[int, int, int],
               out_shape: tuple[int, ...]) -> str:
    """Self-contained PyTorch source that rebuilds exactly ``module`` (same layers, same forward).

    Running it prints the output shape for a (1, *x_shape) input; the comment beside says which
    (``out_shape``, the traced one) it should be.
    """
    init = "\n".join(f"        self.{name} = {_ctor(child)}" for name, child in module.named_children())
    down = getattr(module, "downsample", None)
    if block in PREACT_TYPES:
        # BN → ReLU → conv inside the branch, nothing after the add; a projection sees the pre-activated x.
        convs = ["conv1", "conv2", "conv3"] if block == "pre-activation bottleneck" else ["conv1", "conv2"]
        body = "        out = self.conv1(preact)\n"
        for i, conv in enumerate(convs[1:], start=2):
            body += f"        out = self.{conv}(self.relu{i}(self.bn{i}(out)))\n"
        body = body.rstrip("\n") + "  # F(x), the residual branch\n"
        src = "x" if down is None else ("self.downsample(x)" if isinstance(down, ZeroPadShortcut)
                                        else "self.downsample(preact)")
        skip = "        preact = self.relu1(self.bn1(x))\n" + (f"        identity = {src}\n" if shortcut != "none" else "")
        final = ""
    else:
        if block in ("bottleneck", "ResNeXt"):
            body = ("        out = self.relu1(self.bn1(self.conv1(x)))\n"
                    "        out = self.relu2(self.bn2(self.conv2(out)))\n"
                    "        out = self.bn3(self.conv3(out))  # F(x), the residual branch\n")
            final = "relu3"
        else:
            body = ("        out = self.relu1(self.bn1(self.conv1(x)))\n"
                    "        out = self.bn2(self.conv2(out))  # F(x), the residual branch\n")
            final = "relu2"
        src = "x" if down is None else "self.downsample(x)"
        skip = f"        identity = {src}\n" if shortcut != "none" else ""
    if shortcut == "none":
        add = "        # plain twin: no shortcut, nothing is added\n"
    else:
        add = "        out = out + identity  # the residual connection\n"
    ret = f"        return self.{final}(out)\n" if final else "        return out  # nothing after the add\n"
    c, h, w = x_shape
    name = CLASS_NAMES[block]
    zero_pad = isinstance(getattr(module, "downsample", None), ZeroPadShortcut)
    imports = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n" if zero_pad else \
        "import torch\nfrom torch import nn\n\n\n"
    return (
        imports + (ZERO_PAD_SOURCE if zero_pad else "") +
        f"class {name}(nn.Module):\n"
        f'    """{block} block, shortcut={shortcut!r}: (N, {c}, {h}, {w}) in."""\n\n'
        "    def __init__(self) -> None:\n        super().__init__()\n"
        f"{init}\n\n"
        "    def forward(self, x: torch.Tensor) -> torch.Tensor:\n"
        f"{skip}{body}{add}{ret}\n\n"
        f"block = {name}()\n"
        f"print(block(torch.randn(1, {c}, {h}, {w})).shape)  # torch.Size({[1, *out_shape]})\n"
    )
