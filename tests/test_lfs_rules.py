"""The repo can be pushed to a Hugging Face Space as it is: every tracked file over 10 MB (the Hub's limit for
plain git) and every shipped binary (weights, sample arrays, images) has an LFS rule in .gitattributes.

Asked of git itself (``git ls-files``, ``git check-attr filter``), so a rule that does not match -- a typo, a
new extension -- fails here, not on the teacher's push. Needs no git-lfs: attributes are plain git.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HUB_LIMIT = 10 * 2**20  # bytes: larger plain-git files are refused by the Hub
BINARY_SUFFIXES = (".safetensors", ".pt", ".pth", ".npz", ".npy", ".png", ".jpg", ".jpeg")

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                reason="needs git and the repository")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def files_without_lfs(repo: Path, *, limit: int = HUB_LIMIT, suffixes: tuple[str, ...] = ()) -> list[str]:
    """Tracked files over ``limit`` bytes, or ending in one of ``suffixes``, that .gitattributes does not
    route through LFS."""
    tracked = [p for p in _git(repo, "ls-files", "-z").split("\0") if p]
    candidates = [p for p in tracked if (repo / p).is_file()
                  and ((repo / p).stat().st_size > limit or p.lower().endswith(suffixes))]
    if not candidates:
        return []
    out = _git(repo, "check-attr", "-z", "filter", "--", *candidates).split("\0")
    # -z output: path, attribute, value, path, attribute, value, ...
    filters = {out[i]: out[i + 2] for i in range(0, len(out) - 2, 3)}
    return sorted(p for p in candidates if filters.get(p) != "lfs")


def test_every_large_or_binary_file_of_this_repo_goes_through_lfs() -> None:
    assert files_without_lfs(ROOT, suffixes=BINARY_SUFFIXES) == []


def test_the_checkpoint_is_over_the_limit_and_routed() -> None:
    """The case that made the rule necessary: the 22 MB checkpoint (skipped where it is not shipped)."""
    weights = ROOT / "checkpoints" / "resnet18_fashion_mnist.safetensors"
    if not weights.is_file():
        pytest.skip("checkpoint not shipped in this copy")
    assert weights.stat().st_size > HUB_LIMIT
    assert _git(ROOT, "check-attr", "filter", "--", str(weights.relative_to(ROOT))).strip().endswith("filter: lfs")


@pytest.mark.parametrize(("attributes", "offenders"), [
    ("", ["big.bin", "weights.safetensors"]),  # no rules: the big file and the binary are reported
    ("*.safetensors filter=lfs diff=lfs merge=lfs -text\n", ["big.bin"]),
    ("*.safetensors filter=lfs diff=lfs merge=lfs -text\n*.bin filter=lfs -text\n", []),
    ("*.safetensor filter=lfs -text\nbig.bin filter=lfs -text\n", ["weights.safetensors"]),  # a typo is caught
])
def test_the_check_fails_without_a_rule(tmp_path: Path, attributes: str, offenders: list[str]) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "big.bin").write_bytes(b"\0" * (HUB_LIMIT + 1))
    (tmp_path / "weights.safetensors").write_bytes(b"\1" * 100)
    (tmp_path / "small.txt").write_text("hello", encoding="utf-8")
    (tmp_path / ".gitattributes").write_text(attributes, encoding="utf-8")
    _git(tmp_path, "add", "big.bin", "weights.safetensors", "small.txt", ".gitattributes")
    assert files_without_lfs(tmp_path, suffixes=(".safetensors",)) == offenders
