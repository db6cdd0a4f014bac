"""The Fashion-MNIST reader on tiny IDX files written by the tests (never the real dataset)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
import torch

from explainer.training.fashion_mnist import (
    CLASS_NAMES,
    DatasetError,
    find_data_dir,
    load_split,
    read_idx,
    read_split_files,
    to_model_input,
    write_idx,
)
from tests.support.factories import write_tiny


@pytest.mark.parametrize("gz", [True, False])
def test_reads_what_it_wrote(tmp_path: Path, gz: bool) -> None:
    write_tiny(tmp_path, gz=gz)
    split = read_split_files(tmp_path, "train", strict_count=False)
    assert split.images.shape == (12, 28, 28) and split.images.dtype == torch.uint8
    assert split.labels.tolist() == [i % 10 for i in range(12)]


def test_class_names_in_dataset_order() -> None:
    assert CLASS_NAMES == ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                           "Bag", "Ankle boot")


def test_corrupt_magic_number_names_the_file(tmp_path: Path) -> None:
    write_tiny(tmp_path)
    bad = tmp_path / "train-images-idx3-ubyte.gz"
    raw = gzip.decompress(bad.read_bytes())
    bad.write_bytes(gzip.compress(b"\x12\x34" + raw[2:]))
    with pytest.raises(DatasetError, match="train-images-idx3-ubyte.gz has magic number 0x1234") as err:
        read_split_files(tmp_path, "train", strict_count=False)
    assert "apt-get install dataset-fashion-mnist" in str(err.value)


def test_truncated_files_are_rejected(tmp_path: Path) -> None:
    write_tiny(tmp_path, gz=False)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DatasetError, match="truncated"):
        read_idx(path, expect_dims=3)
    gz = tmp_path / "x.gz"
    gz.write_bytes(gzip.compress(b"\x00\x00\x08\x01" + b"\x00" * 50)[:20])
    with pytest.raises(DatasetError, match="truncated or corrupt"):
        read_idx(gz, expect_dims=1)


def test_missing_file_and_count_mismatch(tmp_path: Path) -> None:
    write_tiny(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError, match="no t10k-labels-idx1-ubyte.gz"):
        read_split_files(tmp_path, "test", strict_count=False)
    with pytest.raises(DatasetError, match="holds 12 items, expected 60000"):
        load_split("train", tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(5, dtype=np.uint8))
    with pytest.raises(DatasetError, match="6 images but 5 labels"):
        read_split_files(tmp_path, "test", strict_count=False)


def test_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FASHION_MNIST_DIR", str(tmp_path))
    assert find_data_dir(None) == tmp_path
    other = tmp_path / "other"
    other.mkdir()
    assert find_data_dir(other) == other
    with pytest.raises(DatasetError, match="not a directory"):
        find_data_dir(tmp_path / "nope")


def test_model_input_is_96_and_normalized() -> None:
    x = to_model_input(torch.zeros(3, 28, 28, dtype=torch.uint8))
    assert x.shape == (3, 1, 96, 96)
    assert torch.allclose(x, torch.full_like(x, -0.2860 / 0.3530))
