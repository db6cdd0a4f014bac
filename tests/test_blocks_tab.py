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


# --- the configurator's widgets, the new parameter, the cleared outputs, the comparison ----------------------

def _component(demo, elem_id: str):  # gradio objects
    return next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == elem_id)


def test_radios_show_translated_labels_and_keep_english_values() -> None:
    import app
    from explainer.i18n import CHINESE, catalogue
    from explainer.models.blocks import BLOCK_TYPES, SHORTCUTS
    from explainer.shapes.layer_labels import BLOCK_NAMES, SHORTCUT_NAMES

    for elem_id, values, names in (("block-kind", BLOCK_TYPES, BLOCK_NAMES), ("block-shortcut", SHORTCUTS, SHORTCUT_NAMES)):
        choices = _component(app.demo, elem_id).choices
        assert [v for _, v in choices] == list(values)  # the API's values
        keys = [label.key for label, _ in choices]  # gr.I18n keys, translated in the browser
        assert keys == [names[v] for v in values]
        assert not set(keys) & set(values)  # a key equal to a value would translate the value too
        assert all(catalogue(CHINESE)[k] != k for k in keys)


def test_every_network_is_in_the_menu_once_after_its_group() -> None:
    from explainer.models.presets import PRESETS

    choices = blocks_tab.preset_choices()
    assert sorted(v for _, v in choices) == sorted(PRESETS)
    labels = {v: label for label, v in choices}
    assert labels["ResNeXt-50 (32x4d)"] == "ImageNet · ResNeXt-50 (32x4d)"
    assert labels["PreAct ResNet-56"] == "CIFAR · PreAct ResNet-56" and labels["GoogLeNet"] == "D2L · GoogLeNet"


def test_block_shapes_keeps_its_eight_parameters_and_groups_is_for_resnext_only() -> None:
    eight = blocks_tab.block_shapes("basic", "projection", 64, 128, 2, True, 56, 56)
    assert blocks_tab.block_shapes("basic", "projection", 64, 128, 2, True, 56, 56, 4) == eight  # ignored
    table32 = blocks_tab.block_shapes("ResNeXt", "projection", 64, 256, 2, True, 56, 56)[0]["data"]
    table8 = blocks_tab.block_shapes("ResNeXt", "projection", 64, 256, 2, True, 56, 56, 8)[0]["data"]
    conv2 = lambda rows: next(r for r in rows if r[0] == "conv2")
    assert conv2(table32)[1].endswith("groups 32") and conv2(table8)[1].endswith("groups 8")
    assert conv2(table32)[3] == f"{9 * 128 * 128 // 32:,}"  # counts with thousands separators (issue 13 item 12)


def test_a_refused_block_clears_every_output_and_says_where_the_reason_is() -> None:
    import gradio as gr

    with pytest.raises(gr.Error, match="Input channels must be between 1 and 4096, got 0"):
        blocks_tab.block_shapes("basic", "projection", 0, 128, 2, True, 56, 56)
    table, diagram, explanation, code = blocks_tab.block_cleared()
    assert table["data"] == [] and diagram is None and code == "" and "the message on the page says why" in explanation
    net_table, summary, stages, csv = blocks_tab.network_cleared()
    assert net_table["data"] == stages["data"] == [] and csv is None and "No network" in summary


def test_the_page_runs_the_clearing_after_a_failure_only() -> None:
    import app

    fns = {d.fn.__name__ if hasattr(d.fn, "__name__") else "": d for d in app.demo.fns.values()}
    for name in ("block_cleared", "network_cleared"):
        dep = fns[name]
        assert dep.trigger_only_on_failure and dep.trigger_after is not None


def test_comparison_endpoints_in_both_languages() -> None:
    from explainer.i18n import CHINESE, use_language

    table, summary = blocks_tab.compare_networks_api("ResNet-20", "Plain-20", 3, 32, 32, 10)
    assert table["headers"][:3] == ["part", "A: output", "B: output"]
    assert table["data"][-1][3] == "269,722" and table["data"][-1][4] == "269,722"  # option A: same parameters
    assert "as many parameters as" in summary
    with use_language(CHINESE):
        zh_table, zh_summary = blocks_tab.compare_pair("basic vs bottleneck")
    assert zh_table["headers"][0] == "部分" and "相比" in zh_summary
