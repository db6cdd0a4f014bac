"""Tests of explainer.training.fig6_experiment: tiny training runs and the JSON loader."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from explainer.training import fig6_experiment as exp
from explainer.training import fig6_results
from explainer.training.fashion_mnist import FILES, Split, write_idx
from explainer.training.loop import make_optimizer, make_scheduler
from explainer.training.recipe import FIG6_RECIPE


def _split(n: int, seed: int) -> Split:
    g = torch.Generator().manual_seed(seed)
    return Split(torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=g),
                 torch.randint(0, 10, (n,), generator=g))


def _valid() -> dict:
    run = {
        "name": "Plain-20", "depth": 20, "residual": False, "batch_norm": True, "recipe": {"epochs": 2},
        "x_axis": "epoch", "x": [1, 2], "train_loss": [1.2, 0.8], "train_error": [0.4, 0.3],
        "test_error": [0.45, 0.35], "wall_time_seconds": 12.5, "command": fig6_results.COMMAND,
    }
    return {"runs": [run, {**copy.deepcopy(run), "name": "ResNet-20", "residual": True}]}


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "degradation.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_loader_accepts_a_valid_file(tmp_path: Path) -> None:
    data = fig6_results.load_degradation_results(_write(tmp_path, _valid()))
    assert [r["name"] for r in data["runs"]] == ["Plain-20", "ResNet-20"]


def _mutate(path: str, value: object) -> dict:
    data = _valid()
    target = data
    keys = path.split(".")
    for k in keys[:-1]:
        target = target[int(k)] if k.isdigit() else target[k]
    if value is KeyError:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "top level must be an object"),
        ({"runs": []}, "non-empty top-level \"runs\""),
        (_mutate("runs.0.name", KeyError), "run 1 .* \"name\""),
        (_mutate("runs.1.residual", "yes"), "run 2 \\(ResNet-20\\) needs a true/false field \"residual\""),
        (_mutate("runs.0.depth", -3), "positive integer \"depth\""),
        (_mutate("runs.0.train_error", [0.4]), "1 \"train_error\" values but 2 x values"),
        (_mutate("runs.0.test_error", [0.4, 1.7]), "fractions between 0 and 1"),
        (_mutate("runs.0.train_loss", [1.0, "nan"]), "not a finite number"),
        (_mutate("runs.0.wall_time_seconds", None), "wall_time_seconds"),
        (_mutate("runs.0.x", []), "non-empty list of numbers \"x\""),
    ],
)
def test_loader_rejects_malformed_files(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        fig6_results.load_degradation_results(_write(tmp_path, data))
    assert "python -m explainer.training.fig6_experiment" in str(info.value)  # says how to fix it


def test_loader_rejects_missing_and_non_json(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nope.json is missing") as info:
        fig6_results.load_degradation_results(tmp_path / "nope.json")
    assert str(tmp_path) not in str(info.value)  # the file's name, not the server's directories
    bad = tmp_path / "bad.json"
    bad.write_text("{runs: oops", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        fig6_results.load_degradation_results(bad)


def test_train_subset_is_seeded_and_content_blind() -> None:
    train = _split(100, 0)
    a, b = exp.train_subset(train, 30, 5), exp.train_subset(train, 30, 5)
    assert torch.equal(a.images, b.images) and len(a) == 30
    assert not torch.equal(a.images, exp.train_subset(train, 30, 6).images)
    with pytest.raises(ValueError, match="subset"):
        exp.train_subset(train, 0, 0)


def test_lr_schedule_warms_up_then_decays() -> None:
    r = replace(FIG6_RECIPE, lr=0.1, warmup_epochs=1.0)
    opt = make_optimizer(torch.nn.Linear(2, 2), r)
    sched = make_scheduler(opt, r, total_steps=100, steps_per_epoch=10)
    lrs = []
    for _ in range(100):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert lrs[0] == pytest.approx(0.01) and max(lrs) == pytest.approx(0.1)
    assert np.all(np.diff(lrs[10:]) <= 0) and lrs[-1] < 1e-3


def test_train_one_produces_a_valid_run() -> None:
    torch.set_num_threads(1)
    recipe = replace(FIG6_RECIPE, train_subset=64, epochs=2, batch_size=16, bf16=False, grad_every=1)
    run, model = exp.train_one(8, True, recipe, _split(64, 0), _split(32, 1), log=False)
    assert run["x"] == [1, 2] and len(run["train_error"]) == len(run["test_error"]) == 2
    assert len(run["grad_norms"]) == 2 and len(run["grad_norms"][0]) == len(run["grad_norm_layers"]) == 8
    assert 0.0 <= run["final"]["train_error_eval"] <= 1.0 and run["steps"] == 8
    run["command"] = fig6_results.COMMAND
    fig6_results.validate_results({"runs": [run]})


def test_run_experiment_end_to_end_on_tiny_idx_files(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for split, n in (("train", 64), ("test", 32)):
        s = _split(n, 3)
        images_stem, labels_stem, _ = FILES[split]
        write_idx(data_dir / f"{images_stem}.gz", s.images.numpy())
        write_idx(data_dir / f"{labels_stem}.gz", s.labels.numpy().astype(np.uint8))
    out = tmp_path / "out.json"
    recipe = replace(FIG6_RECIPE, train_subset=64, epochs=1, batch_size=16, bf16=False)
    exp.run_experiment(recipe, depths=(8,), jobs=1, out=out, weights_dir=None, data_dir=str(data_dir),
                       tiny_data=True, max_steps=2, command="test")
    data = fig6_results.load_degradation_results(out)
    assert [r["name"] for r in data["runs"]] == ["Plain-8", "ResNet-8"]
    assert all(r["truncated"] and r["steps"] == 2 and r["command"] == "test" for r in data["runs"])


def _four(train: tuple[float, float, float, float], test: tuple[float, float, float, float] = (0.1076, 0.1676, 0.1038, 0.1007),
          params: tuple[int | None, int | None] = (853_018, 853_018)) -> dict:
    runs = []
    for name, tr_err, te_err in zip(("Plain-20", "Plain-56", "ResNet-20", "ResNet-56"), train, test):
        run = {"name": name, "recipe": {"train_subset": 10_000},
               "final": {"train_error_eval": tr_err, "test_error": te_err}}
        if name.endswith("56") and params[name.startswith("ResNet")] is not None:
            run["parameters"] = params[name.startswith("ResNet")]
        runs.append(run)
    return {"runs": runs}


@pytest.mark.parametrize(
    ("results", "says", "never"),
    [
        # The shipped run: Plain-56 12.2 %, every other net 0.0 %; test gap of ResNet-56 vs -20 is 31 images.
        (_four((0.0, 0.122, 0.0, 0.0)),
         ["gets 1,220 more of its 10,000 training images wrong", "both classify every one of the 10,000 training "
          "images correctly", "cannot rank them", "parameter count (853,018)", "31 test images", "One seed per net",
          "cannot show how often"],
         ["at least as good", "at least as well", "not caught up"]),
        (_four((0.01, 0.122, 0.02, 0.005)), ["ResNet-56 0.5% vs ResNet-20 2.0%", "at least as well, in this run"],
         ["cannot rank them"]),
        (_four((0.01, 0.122, 0.005, 0.02)), ["here the deeper residual net has not caught up"], ["at least as well"]),
        (_four((0.05, 0.05, 0.0, 0.0)), ["the same training error (5.0%): no degradation"], ["degradation),"]),
        (_four((0.08, 0.05, 0.0, 0.0)), ["300 fewer of 10,000 images wrong): no degradation"], ["degradation),"]),
        # Parameter counts not recorded (or different, option B): the claim drops them.
        (_four((0.0, 0.122, 0.0, 0.0), params=(853_018, 861_770)), ["With the same depth and recipe,"],
         ["parameter count"]),
        (_four((0.0, 0.122, 0.0, 0.0), params=(None, None)), ["With the same depth and recipe,"], ["parameter count"]),
    ],
)
def test_fig6_verdict_is_computed_from_the_recorded_numbers(results: dict, says: list[str], never: list[str]) -> None:
    text = fig6_results.fig6_verdict(results)
    for phrase in says:
        assert phrase in text, phrase
    for phrase in never:
        assert phrase not in text, phrase


def test_fig6_verdict_needs_all_four_runs() -> None:
    results = _four((0.0, 0.122, 0.0, 0.0))
    assert fig6_results.fig6_verdict({"runs": results["runs"][:3]}) is None
    del results["runs"][0]["recipe"]["train_subset"]
    assert fig6_results.fig6_verdict(results) is None


@pytest.mark.parametrize(("content", "minutes"), [
    ('{"total_wall_time_seconds": 3025.8}', pytest.approx(50.43, abs=0.01)),
    ('{"total_wall_time_seconds": "long"}', None),
    ('{"total_wall_time_seconds": 0}', None),
    ("[1, 2]", None),
    ("{oops", None),
])
def test_regenerate_hint_quotes_the_recorded_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str,
                                                  minutes: object) -> None:
    path = tmp_path / "degradation.json"
    path.write_text(content, encoding="utf-8")
    assert fig6_results.recorded_minutes(path) == minutes
    monkeypatch.setattr(exp, "RESULTS_PATH", path)
    monkeypatch.setattr(fig6_results.recorded_minutes, "__defaults__", (path,))
    hint = fig6_results._regenerate()
    assert fig6_results.COMMAND in hint and "about" not in hint
    assert ("took 50 min" in hint) == (minutes is not None)
