"""Evaluate the shipped checkpoint on the full test set: ``python -m explainer.training.evaluate``.

Loads the weights exactly as the app does (``explainer.checkpoint.load_model``: safetensors → fp32),
runs in fp32, prints per-class accuracy, and ends with one JSON line holding ``test_accuracy``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from explainer.training.checkpoint import DEFAULT_WEIGHTS, load_model
from explainer.training.fashion_mnist import CLASS_NAMES, load_split
from explainer.training.loop import evaluate


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=None, help="folder with the Fashion-MNIST IDX files")
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    args = parser.parse_args(argv)
    model = load_model(args.weights)
    test = load_split("test", args.data_dir)
    result = evaluate(model, test, progress=True)
    accuracy, confusion = result.accuracy, result.confusion
    per_class = confusion.diag().float() / confusion.sum(1).float()
    for name, acc in zip(CLASS_NAMES, per_class.tolist()):
        print(f"{name:>12}: {acc:.4f}")
    result = {"test_accuracy": accuracy, "test_images": len(test), "weights": str(args.weights)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
