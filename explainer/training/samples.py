"""Bundled samples from the Fashion-MNIST *test* split: ``python -m explainer.training.samples``.

Writes ``checkpoints/fashion_mnist_test_sample.npz`` (2000 labelled test images, 200 per class,
≈ 0.6 MB compressed) and ``checkpoints/examples/<class>.png`` (one test image per class), so the app,
the lesion study and the tests work without the dataset. Never uses training images.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
from PIL import Image

from explainer.i18n import tr
from explainer.training.artifacts import EXAMPLES_DIR, SAMPLE_PATH
from explainer.training.fashion_mnist import CLASS_NAMES, Split, load_split

PER_CLASS = 200


class SampleError(ValueError):
    """The bundled sample file is missing or malformed."""


def example_filename(class_index: int) -> str:
    """File name of the example image of a class, e.g. ``0_t-shirt-top.png``."""
    slug = re.sub(r"[^a-z0-9]+", "-", CLASS_NAMES[class_index].lower()).strip("-")
    return f"{class_index}_{slug}.png"


def make_samples(test: Split, *, per_class: int = PER_CLASS, seed: int = 0, out: Path = SAMPLE_PATH,
                 examples_dir: Path = EXAMPLES_DIR) -> None:
    """Pick ``per_class`` random test images of each class (seeded) and write the bundle."""
    rng = np.random.default_rng(seed)
    labels = test.labels.numpy()
    chosen = np.sort(np.concatenate([
        rng.choice(np.flatnonzero(labels == c), size=per_class, replace=False) for c in range(len(CLASS_NAMES))
    ]))
    images = test.images.numpy()[chosen]
    np.savez_compressed(out, images=images, labels=labels[chosen].astype(np.int64), test_indices=chosen)
    examples_dir.mkdir(parents=True, exist_ok=True)
    for c in range(len(CLASS_NAMES)):
        first = chosen[labels[chosen] == c][0]
        Image.fromarray(test.images[first].numpy(), mode="L").save(examples_dir / example_filename(c))


def load_sample(path: Path = SAMPLE_PATH) -> Split:
    """The bundled test sample: uint8 images (N, 28, 28) and int64 labels (N,)."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise SampleError(tr("Bundled sample {path} is missing. Regenerate it with `python -m explainer.training.samples`.",
                             path=path))
    try:
        with np.load(path) as data:
            images, labels = data["images"], data["labels"]
    except (OSError, KeyError, ValueError) as err:
        raise SampleError(tr("Bundled sample {path} is unreadable ({error}). Regenerate it with "
                             "`python -m explainer.training.samples`.", path=path, error=err)) from err
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8 or len(images) != len(labels):
        raise SampleError(tr("Bundled sample {path} has unexpected arrays {images}/{labels}.", path=path,
                             images=images.shape, labels=labels.shape))
    return Split(torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64)))


def example_paths(examples_dir: Path = EXAMPLES_DIR) -> list[Path]:
    """The per-class example PNGs, in class order (only those that exist)."""
    return [p for c in range(len(CLASS_NAMES)) if (p := examples_dir / example_filename(c)).is_file()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    make_samples(load_split("test", args.data_dir))
    print(f"wrote {SAMPLE_PATH} ({SAMPLE_PATH.stat().st_size / 1e6:.2f} MB) and {len(example_paths())} examples")


if __name__ == "__main__":
    main()
