"""The shipped lesion study (checkpoints/lesion.json): computed from the shipped files, equal to live computation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from explainer.degradation import lesion, lesion_artifact
from explainer.training.artifacts import LESION_PATH, PLAIN20_WEIGHTS
from explainer.training.fashion_mnist import to_model_input
from explainer.training.samples import load_sample

pytestmark = pytest.mark.skipif(not LESION_PATH.is_file(), reason="no shipped lesion.json")

# bf16 convolutions may round differently on another CPU: allow one image in 2000 either way.
ONE_IMAGE = 1 / 2000 + 1e-9


def test_the_shipped_study_was_computed_from_the_shipped_files() -> None:
    """A retrained checkpoint without a rerun of the script would make the app compute live (slow, but
    right); this test says so before anyone ships it."""
    data = json.loads(LESION_PATH.read_text(encoding="utf-8"))
    assert data["inputs_sha256"] == lesion_artifact.fingerprint(), \
        "checkpoints/lesion.json is stale: run python -m explainer.degradation.lesion_artifact"
    served = lesion.lesion_study()
    assert served == lesion_artifact.from_json(data)


@pytest.mark.usefixtures("one_thread")
def test_a_sample_of_the_shipped_study_equals_live_computation() -> None:
    """Plain-20's rows (11 lesions of 2000 images, a few seconds) recomputed now."""
    sample = load_sample()
    base, rows = lesion._study("Plain-20", lesion._cifar20(False, PLAIN20_WEIGHTS),
                               to_model_input(sample.images, 28), sample.labels)
    shipped = lesion_artifact.shipped_result()
    assert shipped is not None
    assert shipped.baselines["Plain-20"] == pytest.approx(base, abs=ONE_IMAGE)
    shipped_rows = [r for r in shipped.rows if r.model == "Plain-20"]
    assert [(r.block, r.kind) for r in shipped_rows] == [(r.block, r.kind) for r in rows]
    for live, stored in zip(rows, shipped_rows):
        assert (live.accuracy is None) == (stored.accuracy is None)
        if live.accuracy is not None:
            assert stored.accuracy == pytest.approx(live.accuracy, abs=ONE_IMAGE), live.block


def test_a_stale_or_broken_file_is_not_served(tmp_path: Path) -> None:
    stale = tmp_path / "lesion.json"
    data = json.loads(LESION_PATH.read_text(encoding="utf-8"))
    data["inputs_sha256"]["plain20"] = "0" * 64
    stale.write_text(json.dumps(data), encoding="utf-8")
    assert lesion_artifact.shipped_result(stale) is None
    stale.write_text("{not json", encoding="utf-8")
    assert lesion_artifact.shipped_result(stale) is None
    assert lesion_artifact.shipped_result(tmp_path / "missing.json") is None
    # Another copy of a checkpoint (same bytes) still matches: the key is the content, not the path.
    copy = tmp_path / "plain20.safetensors"
    shutil.copy(PLAIN20_WEIGHTS, copy)
    assert lesion_artifact.shipped_result(inputs={**lesion_artifact.INPUTS, "plain20": copy}) is not None
