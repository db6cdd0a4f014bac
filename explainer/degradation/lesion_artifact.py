"""The lesion study, precomputed and shipped: ``python -m explainer.degradation.lesion_artifact``.

The study has no inputs but the shipped checkpoints and test sample, so every visitor gets the same
table; computing it costs ~40 s on 2 cores (4.5 forward passes of 2000 images through four nets), which
a class of 40 would wait for on its first click (issue 11). The file records the SHA-256 of every file
it was computed from; ``shipped_result`` returns it only when all of them still match, so a retrained
checkpoint or a new sample makes the app compute the study live instead of serving a stale table.
``tests/test_lesion_artifact.py`` recomputes part of it live and compares.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from explainer.degradation.lesion import LesionResult, LesionRow
from explainer.training.artifacts import DEFAULT_WEIGHTS, LESION_PATH, PLAIN20_WEIGHTS, RESNET20_WEIGHTS, SAMPLE_PATH

#: The files the study is a function of, by role.
INPUTS: dict[str, Path] = {"resnet18": DEFAULT_WEIGHTS, "plain20": PLAIN20_WEIGHTS, "resnet20": RESNET20_WEIGHTS,
                           "sample": SAMPLE_PATH}


@lru_cache(maxsize=16)
def _sha256(path: str, mtime: float, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(inputs: dict[str, Path] = INPUTS) -> dict[str, str | None]:
    """role → SHA-256 of the file (None if it is missing); cached per (path, mtime, size)."""
    out: dict[str, str | None] = {}
    for role, path in inputs.items():
        path = Path(path)
        if not path.is_file():
            out[role] = None
            continue
        st = path.stat()
        out[role] = _sha256(str(path), st.st_mtime, st.st_size)
    return out


def to_json(res: LesionResult, inputs: dict[str, str | None]) -> dict[str, Any]:
    return {
        "description": "Lesion study (Veit et al. 2016): accuracy with one residual block deleted, on the "
                       "bundled Fashion-MNIST test sample. Written by python -m explainer.degradation.lesion_artifact.",
        "inputs_sha256": inputs,
        "images": res.images,
        "baselines": res.baselines,
        "rows": [{"model": r.model, "block": r.block, "kind": r.kind, "accuracy": r.accuracy, "baseline": r.baseline}
                 for r in res.rows],
    }


def from_json(data: dict[str, Any]) -> LesionResult:
    rows = [LesionRow(r["model"], r["block"], r["kind"], r["accuracy"], r["baseline"]) for r in data["rows"]]
    return LesionResult(rows, {k: float(v) for k, v in data["baselines"].items()}, int(data["images"]))


def shipped_result(path: Path = LESION_PATH, inputs: dict[str, Path] = INPUTS) -> LesionResult | None:
    """The shipped study if it was computed from exactly the files in ``inputs`` now, else None."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("inputs_sha256") != fingerprint(inputs):
            return None
        return from_json(data)
    except (ValueError, KeyError, TypeError):  # an unreadable file is as good as none: compute live
        return None


def write(path: Path = LESION_PATH) -> LesionResult:
    """Compute the study from the shipped files (never from an older artifact) and write it."""
    from explainer.degradation.lesion import compute_lesion_study

    res = compute_lesion_study(DEFAULT_WEIGHTS, PLAIN20_WEIGHTS, RESNET20_WEIGHTS)
    Path(path).write_text(json.dumps(to_json(res, fingerprint()), indent=1) + "\n", encoding="utf-8")
    return res


if __name__ == "__main__":
    result = write()
    print(f"wrote {LESION_PATH} ({len(result.rows)} rows, baselines {result.baselines})")
