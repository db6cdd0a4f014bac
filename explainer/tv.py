"""Import torchvision even where its compiled operators cannot load.

The torchvision wheels on PyPI for Linux are CUDA builds: on a machine with the CPU build of
torch, ``torchvision/_C.so`` fails to load (``libtorch_cuda.so`` is missing) and the package's
``_meta_registrations`` then raises ``operator torchvision::nms does not exist`` at import time.
We only need torchvision's pure-Python parts (the reference ``resnet18 … resnet152`` modules and the
ImageNet weights' metadata), so we declare the two operator schemas it registers fake kernels for,
and nothing else. Calling ``torchvision.ops.nms`` would still fail -- we never do.
"""

from __future__ import annotations

import importlib
import types

import torch

_SHIM: torch.library.Library | None = None


def import_torchvision() -> types.ModuleType:
    """Return the ``torchvision`` module, declaring missing operator schemas if needed.

    Raises:
        ImportError: if torchvision is not installed at all.
    """
    global _SHIM
    try:
        return importlib.import_module("torchvision")
    except RuntimeError as err:  # "operator torchvision::nms does not exist"
        if "torchvision::" not in str(err):
            raise
    import sys

    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]  # a half-imported package would be returned as-is otherwise
    if _SHIM is None:
        _SHIM = torch.library.Library("torchvision", "FRAGMENT")
        for op in ("nms", "qnms"):
            if not torch._C._dispatch_has_kernel(f"torchvision::{op}") and not _has_schema(op):
                _SHIM.define(f"{op}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    return importlib.import_module("torchvision")


def _has_schema(op: str) -> bool:
    try:
        getattr(torch.ops.torchvision, op)
        return True
    except (AttributeError, RuntimeError):
        return False
