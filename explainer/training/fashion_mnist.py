"""Fashion-MNIST: read and validate the IDX files, and the one preprocessing the model sees.

Where the files come from, in order: ``--data-dir``, ``$FASHION_MNIST_DIR``,
``/usr/share/datasets/fashion-mnist`` (Debian package ``dataset-fashion-mnist``), else torchvision's
downloader (only on machines with internet; never at app run time).
"""

from __future__ import annotations

import gzip
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from explainer.i18n import N_, tr

CLASS_NAMES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
# CLASS_NAMES are ids (API outputs, Label keys, dropdown values) and stay English; the UI shows
# ``class_label(name)``. The same ten names, marked for the Chinese catalogue:
_CLASS_LABELS = (N_("T-shirt/top"), N_("Trouser"), N_("Pullover"), N_("Dress"), N_("Coat"), N_("Sandal"),
                 N_("Shirt"), N_("Sneaker"), N_("Bag"), N_("Ankle boot"))


def class_label(name: str) -> str:
    """A class name for display in the current language ("Ankle boot" → "短靴"); other names unchanged."""
    return tr(name)


# Mean and std of the 60k training images in [0, 1]; computed by ``training_stats`` below.
MEAN = 0.2860
STD = 0.3530
NATIVE_SIZE = 28
INPUT_SIZE = 96  # D2L resizes 28 → 96 for ResNet-18; so do we
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 60000),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 10000),
}
HOW_TO_GET = (
    "Install it with `apt-get install dataset-fashion-mnist` (files land in "
    "/usr/share/datasets/fashion-mnist), or pass --data-dir / set FASHION_MNIST_DIR to a folder "
    "holding the four IDX files (.gz or raw)."
)


class DatasetError(ValueError):
    """A dataset file is missing or malformed; the message names the file and how to fix it."""


@dataclass
class Split:
    """One split: ``images`` uint8 (N, 28, 28), ``labels`` int64 (N,)."""

    images: Tensor
    labels: Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])


def _open(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                return fh.read()
        return path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise DatasetError(f"Cannot read {path}: {err}. The file looks truncated or corrupt. {HOW_TO_GET}") from err


def read_idx(path: Path, *, expect_dims: int, expect_count: int | None = None) -> np.ndarray:
    """Read one IDX file (unsigned-byte data) and check its magic number, dimensions and size.

    Returns a uint8 array of shape (N,) for labels (``expect_dims=1``) or (N, H, W) for images.
    """
    raw = _open(path)
    if len(raw) < 4:
        raise DatasetError(f"{path} is only {len(raw)} bytes long: not an IDX file. {HOW_TO_GET}")
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise DatasetError(
            f"{path} has magic number 0x{raw[:4].hex()}, expected 0x0000080{expect_dims} "
            f"(unsigned bytes, {expect_dims} dimension(s)): not a Fashion-MNIST IDX file. {HOW_TO_GET}"
        )
    if ndim != expect_dims:
        raise DatasetError(f"{path} has {ndim} dimensions, expected {expect_dims}. {HOW_TO_GET}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DatasetError(f"{path} is truncated inside its header. {HOW_TO_GET}")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    size = int(np.prod(dims))
    if len(raw) - header != size:
        raise DatasetError(
            f"{path} declares {'×'.join(map(str, dims))} = {size} bytes of data but holds "
            f"{len(raw) - header}: the file is truncated or corrupt. {HOW_TO_GET}"
        )
    if expect_count is not None and dims[0] != expect_count:
        raise DatasetError(f"{path} holds {dims[0]} items, expected {expect_count}. {HOW_TO_GET}")
    if expect_dims == 3 and dims[1:] != (NATIVE_SIZE, NATIVE_SIZE):
        raise DatasetError(f"{path} holds {dims[1]}×{dims[2]} images, expected 28×28. {HOW_TO_GET}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _find(directory: Path, stem: str) -> Path:
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.is_file():
            return candidate
    raise DatasetError(f"{directory} has no {stem}.gz (or {stem}). {HOW_TO_GET}")


def find_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The first of --data-dir, $FASHION_MNIST_DIR, the Debian folder that exists; else None."""
    for candidate in (data_dir, os.environ.get("FASHION_MNIST_DIR"), DEBIAN_DIR):
        if candidate:
            path = Path(candidate)
            if path.is_dir():
                return path
            if candidate is data_dir:
                raise DatasetError(f"--data-dir {path} is not a directory. {HOW_TO_GET}")
    return None


def _download(split: str) -> Split:
    # Last resort for machines with internet; torchvision is only imported here.
    from explainer.runtime import import_torchvision

    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "resnet-explainer"
    try:
        ds = import_torchvision().datasets.FashionMNIST(root, train=split == "train", download=True)
    except Exception as err:  # network errors come in many types
        raise DatasetError(f"Fashion-MNIST was not found locally and could not be downloaded ({err}). {HOW_TO_GET}") from err
    return Split(ds.data.to(torch.uint8), ds.targets.to(torch.int64))


def load_split(split: str, data_dir: str | os.PathLike[str] | None = None) -> Split:
    """Load ``"train"`` (60k) or ``"test"`` (10k), validated.

    A directory given explicitly must hold files with the standard counts; tests use their own
    tiny IDX files through ``read_split_files`` instead.
    """
    if split not in FILES:
        raise ValueError(f"Unknown split {split!r}: choose 'train' or 'test'.")
    directory = find_data_dir(data_dir)
    if directory is None:
        return _download(split)
    return read_split_files(directory, split)


def read_split_files(directory: Path, split: str, *, strict_count: bool = True) -> Split:
    """Read one split's image and label files from ``directory`` and check they agree."""
    images_stem, labels_stem, count = FILES[split]
    images = read_idx(_find(directory, images_stem), expect_dims=3, expect_count=count if strict_count else None)
    labels = read_idx(_find(directory, labels_stem), expect_dims=1, expect_count=count if strict_count else None)
    if images.shape[0] != labels.shape[0]:
        raise DatasetError(
            f"{directory}: {images.shape[0]} images but {labels.shape[0]} labels in the {split} split. {HOW_TO_GET}"
        )
    if labels.size and labels.max() >= len(CLASS_NAMES):
        raise DatasetError(f"{directory}: label {labels.max()} in the {split} split is not one of the 10 classes.")
    return Split(torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64)))


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array as an IDX file (gzip if the name ends in .gz). Used by tests and tools."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.tobytes()
    if path.suffix == ".gz":
        with gzip.open(path, "wb") as fh:
            fh.write(payload)
    else:
        path.write_bytes(payload)


def to_model_input(images_uint8: Tensor, size: int = INPUT_SIZE) -> Tensor:
    """uint8 (N, 28, 28) or (N, 1, 28, 28) → normalized float (N, 1, size, size), as in training.

    Bilinear upsampling (what D2L's ``Resize(96)`` does to a 28×28 tensor), then (x - mean) / std.
    """
    x = images_uint8.float().div_(255.0)
    if x.dim() == 3:
        x = x.unsqueeze(1)
    if x.shape[-1] != size or x.shape[-2] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return (x - MEAN) / STD


def denormalize(x: Tensor) -> Tensor:
    """Inverse of the normalization: model input → pixel intensities in [0, 1] (same shape)."""
    return (x * STD + MEAN).clamp_(0.0, 1.0)


def training_stats(images_uint8: Tensor) -> tuple[float, float]:
    """Mean and std of the pixels in [0, 1] (how MEAN and STD above were obtained)."""
    x = images_uint8.double() / 255.0
    return float(x.mean()), float(x.std())
