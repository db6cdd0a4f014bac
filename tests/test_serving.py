"""Ready for a classroom and a Space: where the app listens, what it serves, how it starts.

These check the settings users rely on without being told: local-only by default, no share link,
no file of the repository (or the machine) reachable through Gradio's file route, weights loaded
without pickle, and a README front matter Hugging Face can read.
"""

from __future__ import annotations

import ast
import re
import urllib.error
import urllib.request
from pathlib import Path

import gradio
import pytest

from explainer.ui.launch import MAX_FILE_SIZE, launch_kwargs

ROOT = Path(__file__).resolve().parent.parent


def test_local_only_by_default_and_lan_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)
    kw = launch_kwargs()
    assert kw["server_name"] == "127.0.0.1" and kw["server_port"] == 7860
    assert kw["share"] is False and kw["max_file_size"] == MAX_FILE_SIZE
    assert "allowed_paths" not in kw  # nothing beyond the app's own assets
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "8080")
    kw = launch_kwargs()
    assert kw["server_name"] == "0.0.0.0" and kw["server_port"] == 8080


@pytest.mark.parametrize("path", ["README.md", "app.py", "checkpoints/resnet18_fashion_mnist.safetensors",
                                  str(ROOT / "explainer" / "i18n.py"), "/etc/passwd", "../../etc/passwd"])
def test_repository_and_system_files_are_not_served(app_client, path: str) -> None:  # noqa: ANN001
    for route in ("gradio_api/file=", "file="):
        url = app_client.src.rstrip("/") + "/" + route + path
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                status, body = r.status, r.read(200)
        except urllib.error.HTTPError as err:
            status, body = err.code, b""
        assert status in (403, 404), (url, status, body[:80])


def test_the_app_serves_its_own_page(app_client) -> None:  # noqa: ANN001
    with urllib.request.urlopen(app_client.src, timeout=10) as r:
        assert r.status == 200 and b"<html" in r.read(2000).lower()


def test_no_unrestricted_unpickling_anywhere() -> None:
    # torch.load must say weights_only=True; pickle/joblib are not used at all.
    for path in (ROOT / "explainer").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not {"pickle", "dill", "joblib", "cloudpickle"} & set(names), path
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "load" \
                    and getattr(node.func.value, "id", None) == "torch":
                kw = {k.arg: k.value for k in node.keywords}
                assert isinstance(kw.get("weights_only"), ast.Constant) and kw["weights_only"].value is True, \
                    f"{path}:{node.lineno}"


def test_readme_front_matter_is_a_valid_space_card() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert m, "README.md must start with the Spaces front matter"
    card = dict(re.findall(r"^(\w+):\s*\"?([^\"\n]*)\"?\s*$", m.group(1), re.M))
    for key in ("title", "emoji", "sdk", "sdk_version", "app_file", "python_version"):
        assert card.get(key), key
    assert card["sdk"] == "gradio" and card["sdk_version"] == gradio.__version__
    assert (ROOT / card["app_file"]).is_file() and card["python_version"] == "3.11"
    assert len(card.get("short_description", "")) <= 60  # the Hub refuses longer ones


def test_readme_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").split("---\n", 2)[2].splitlines()
    block = "\n".join(lines[:8])
    assert "pip install -r requirements.txt && python app.py" in block
    assert "python -m pytest" in block
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci and "requirements-dev.txt" in ci


def test_spaces_gets_the_cjk_font_ci_installs() -> None:
    packages = (ROOT / "packages.txt").read_text(encoding="utf-8").split()
    assert "fonts-wqy-microhei" in packages
    assert "fonts-wqy-microhei" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
