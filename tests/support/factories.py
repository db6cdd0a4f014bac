"""Small objects several test modules build: a tiny seeded ResNet, tiny IDX files, a PNG "bomb" header."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from explainer.inside.attribution_methods import AttributionSettings
from explainer.models.resnet import ResNetSpec, StageSpec, build_resnet
from explainer.training.checkpoint import DEFAULT_WEIGHTS
from explainer.training.fashion_mnist import write_idx


def tiny_model(seed: int = 0) -> nn.Module:
    """A 2-stage, 1-block-per-stage ResNet (identity block in layer1, projection in layer2) at 32×32."""
    torch.manual_seed(seed)
    spec = ResNetSpec("basic", (StageSpec(8, 1, 1), StageSpec(16, 1, 2)), stem="cifar", stem_width=8,
                      in_channels=1, num_classes=10)
    model = build_resnet(spec).eval()
    # Non-trivial BN statistics so that eval-mode BN is not the identity.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 2.0)
            m.bias.data.uniform_(-0.2, 0.2)
    return model


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature + IHDR claiming width×height, with almost no pixel data (a "bomb")."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def write_tiny(directory: Path, n_train: int = 12, n_test: int = 6, gz: bool = True) -> None:
    rng = np.random.default_rng(0)
    suffix = ".gz" if gz else ""
    for split, n in (("train", n_train), ("t10k", n_test)):
        write_idx(directory / f"{split}-images-idx3-ubyte{suffix}", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(directory / f"{split}-labels-idx1-ubyte{suffix}", (np.arange(n) % 10).astype(np.uint8))



def random_batch(n: int = 4, size: int = 12, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` seeded N(0, 1) images (n, 1, size, size) and labels in 0..9, for the degradation nets."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 1, size, size, generator=g), torch.randint(0, 10, (n,), generator=g)


def tiny_image(seed: int = 1) -> torch.Tensor:
    """One seeded N(0, 1) image (1, 1, 32, 32): ``tiny_model``'s input in the inside/attribution tests."""
    return torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(seed))


def logit(model: nn.Module, x: torch.Tensor, t: int) -> float:
    """The model's logit of class ``t`` for one image x (1, C, H, W), without autograd."""
    with torch.no_grad():
        return float(model(x)[0, t])


def no_hooks_left(model: nn.Module) -> bool:
    """True when no forward (pre-)hook is left on any module: the inside code must always remove its own."""
    return all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


#: Skips a test until the shipped Fashion-MNIST checkpoint has been trained.
SHIPPED = pytest.mark.skipif(not DEFAULT_WEIGHTS.is_file(),
                             reason=f"shipped checkpoint {DEFAULT_WEIGHTS.name} not trained yet")
#: Attribution settings cheap enough for the tiny model in every test (few IG steps and noisy samples).
FAST_ATTRIBUTION_SETTINGS = AttributionSettings(ig_steps=16, ig_internal_batch=16, smoothgrad_samples=4,
                                                smoothgrad_ig_steps=4)
