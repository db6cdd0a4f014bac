"""Where the shipped artifacts live: every file under ``checkpoints/`` and the script that regenerates it.

The app reads only these files at run time (nothing is downloaded); each one is written by a script in
this package, named beside it.
"""

from __future__ import annotations

from pathlib import Path

CHECKPOINT_DIR = Path(__file__).resolve().parents[2] / "checkpoints"

#: ResNet-18 trained on Fashion-MNIST, fp16 safetensors, and its model card (``python -m explainer.training.trainer``).
DEFAULT_WEIGHTS = CHECKPOINT_DIR / "resnet18_fashion_mnist.safetensors"
DEFAULT_CARD = CHECKPOINT_DIR / "resnet18_fashion_mnist.json"

#: He et al. Fig. 6 on Fashion-MNIST: curves of four nets, and two of the trained nets for the lesion
#: study (``python -m explainer.training.fig6_experiment``).
RESULTS_PATH = CHECKPOINT_DIR / "degradation.json"
PLAIN20_WEIGHTS = CHECKPOINT_DIR / "plain20_fashion_mnist.safetensors"
RESNET20_WEIGHTS = CHECKPOINT_DIR / "resnet20_fashion_mnist.safetensors"

#: The lesion study of the three nets above on the test sample, precomputed (it is the same for every
#: visitor and takes ~40 s on 2 cores): ``python -m explainer.degradation.lesion_artifact``.
LESION_PATH = CHECKPOINT_DIR / "lesion.json"

#: A class-balanced sample of the Fashion-MNIST test split and one example PNG per class
#: (``python -m explainer.training.samples``).
SAMPLE_PATH = CHECKPOINT_DIR / "fashion_mnist_test_sample.npz"
EXAMPLES_DIR = CHECKPOINT_DIR / "examples"
