"""The "Blocks & shapes" handlers: the CSV download does not leave a folder behind per request."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from explainer.ui import blocks_tab


def test_csv_downloads_share_one_folder_and_equal_requests_one_file(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # A private temp root and a fresh process-wide CSV folder: other test processes share /tmp.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(blocks_tab, "_CSV_DIR", None)
    paths = [Path(blocks_tab.network_shapes("ResNet-20", 3, 32, side, 10)[3]) for side in (32, 32, 32, 16, 16, 8)]
    folders = [d for d in tmp_path.iterdir() if d.name.startswith("shapes_")]  # (torch caches live here too)
    assert len(folders) == 1  # six requests, one folder
    assert {p.parent for p in paths} == set(folders)
    assert len(set(paths)) == 3  # one file per distinct (network, input, classes)
    assert paths[0].name == "ResNet_20_3x32x32_10classes_layers.csv"
    assert sorted(p.name for p in paths[0].parent.iterdir()) == sorted({p.name for p in paths})  # no ".part" left
    assert paths[0].read_text(encoding="utf-8").startswith("layer,operation,output shape")
