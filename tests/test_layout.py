"""The layout the design card asks for: one sub-package per concept, small modules, gradio only in the UI,
and no global state changed by importing the logic."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "explainer"
CONCEPTS = ("models", "shapes", "degradation", "inside", "training", "ui")
MAX_LINES = 400
# Translation catalogues are data (one dict of sentences per area), not code.
CATALOGUES = PACKAGE / "locales"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if CATALOGUES not in p.parents)


def _imports(path: Path) -> set[str]:
    """Top-level package names a module imports, anywhere in its body (functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_one_sub_package_per_concept_and_few_loose_modules() -> None:
    for concept in CONCEPTS:
        assert (PACKAGE / concept / "__init__.py").is_file(), concept
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert loose == ["i18n.py", "runtime.py"], loose


def test_no_module_over_400_lines() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules()}
    too_long = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not too_long, too_long


def test_no_two_modules_share_a_name() -> None:
    names = Counter(p.name for p in _modules() if p.name != "__init__.py")
    names.update(p.name for d in ("benchmarks", "scripts") for p in (ROOT / d).glob("*.py") if p.name != "__init__.py")
    names.update(["app.py"])
    names.update(p.name for p in CATALOGUES.rglob("*.py") if p.name != "__init__.py")
    names.update(f"{d.name}.py" for d in PACKAGE.rglob("*") if (d / "__init__.py").is_file())  # packages too
    assert [n for n, k in names.items() if k > 1] == []


def test_only_the_ui_imports_gradio() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in _modules()
                 if "gradio" in _imports(p) and PACKAGE / "ui" not in p.parents]
    assert offenders == []


def _imported_modules(path: Path) -> set[str]:
    """Full dotted names of the modules a file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_model_code_knows_nothing_of_the_ui() -> None:
    """Models import neither the UI nor the translations: their errors are plain English ValueErrors."""
    for path in (PACKAGE / "models").glob("*.py"):
        imported = _imported_modules(path)
        assert not {m for m in imported if m.startswith(("explainer.ui", "explainer.i18n", "gradio"))}, path.name
        assert not re.search(r"\b(tr|N_)\(", path.read_text(encoding="utf-8")), path.name


_STATE = r"""
import json, logging, sys, warnings
import torch, PIL.Image
import matplotlib
from torch import nn

def state():
    return {
        "gradio": "gradio" in sys.modules,
        "threads": torch.get_num_threads(),
        "rng": torch.get_rng_state().sum().item(),
        "dtype": str(torch.get_default_dtype()),
        "pil_pixels": PIL.Image.MAX_IMAGE_PIXELS,
        "font": list(matplotlib.rcParams["font.family"]),
        "module_call": id(nn.Module.__call__),
        "torchvision_schema": torch._C._dispatch_has_kernel("torchvision::nms"),
        "mpl_font_log": logging.getLogger("matplotlib.font_manager").level,
        "warnings": len(warnings.filters),
    }

import importlib, pkgutil, explainer
# The libraries our logic imports may change things when *they* are imported (warning filters, say):
# import them first, so that the comparison sees only what importing our own modules does.
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except ImportError:
        pass  # a name imported from a module ("from x import y"), not a module itself
before = state()
for info in pkgutil.walk_packages(explainer.__path__, "explainer."):
    if not info.name.startswith(("explainer.ui", "explainer.locales")):
        importlib.import_module(info.name)
print(json.dumps({"before": before, "after": state()}))
"""


def test_importing_the_logic_changes_no_global_state() -> None:
    logic = [p for p in _modules() if PACKAGE / "ui" not in p.parents]
    libraries = sorted({m for p in logic for m in _imported_modules(p) if not m.startswith(("explainer", "gradio"))})
    assert "gradio" not in {m.split(".")[0] for p in logic for m in _imported_modules(p)}
    out = subprocess.run([sys.executable, "-c", _STATE, json.dumps(libraries)], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"})
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["after"] == result["before"]
    assert result["before"]["gradio"] is False
